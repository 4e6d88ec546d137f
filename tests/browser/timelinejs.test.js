// TimelineJS3 reads the site's timeline.json: the shipped site is built and
// served, a blank page on the same origin loads TimelineJS3 (the npm package
// @knight-lab/timelinejs, from node_modules) and builds a timeline from
// /timeline.json, and the test reads the slides TimelineJS shows, in the order
// a reader pages through them.
//
// TimelineJS re-sorts events by start_date, so the slides' order is the order
// its sort gives, and the checks below hold timeline.json to it: the file's
// own order must survive that sort, the July 2024 events must come out in the
// order they happened, and events known only to the month must show the month,
// never a day.
//
// Nothing may leave the machine: every request outside the test server is
// recorded and aborted, and the test fails if there was any (fonts are turned
// off with `font: null`, so TimelineJS has no reason to ask for any).
//
// Run with the rest of the suite: npm ci --prefix tests/browser && npm test --prefix tests/browser

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { buildShippedSite, launchBrowser, removeBuiltSite, startStaticServer, waitFor, withPage } from './helpers.js';

const require = createRequire(import.meta.url);

/** TimelineJS3's compiled files: js/timeline.js, css/timeline.css, css/icons/... */
const TIMELINEJS_DIST = path.join(path.dirname(require.resolve('@knight-lab/timelinejs/package.json')), 'dist');
/** Where the test page serves them, on the site's own origin (answered by page.route, not by the site). */
const PREFIX = '/__timelinejs/';
const PAGE_PATH = `${PREFIX}index.html`;
const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TimelineJS3 reading timeline.json</title>
<link rel="stylesheet" href="css/timeline.css">
<script src="js/timeline.js"></script>
</head>
<body style="margin: 0">
<div id="timeline-embed" style="width: 1200px; height: 700px"></div>
</body>
</html>
`;

/** The July 2024 events, in the order they happened. */
const JULY_2024_IN_ORDER = [
  'Labour wins the general election', // 4 July 2024
  'Wes Streeting becomes Health Secretary', // 5 July 2024
  'Reports of a three-week window for a deal', // July 2024, after the appointment
  'Streeting meets the BMA junior doctors committee', // July 2024
  'BMA says no more strikes planned for now', // July 2024, after the meeting
];
/** The July 2024 events known only to the month. */
const JULY_2024_MONTH_ONLY = JULY_2024_IN_ORDER.slice(2);

let outDir;
let server;
let base;
let browser;
let timeline; // timeline.json as built

before(async () => {
  ({ outDir } = await buildShippedSite());
  timeline = JSON.parse(await readFile(path.join(outDir, 'timeline.json'), 'utf8'));
  server = await startStaticServer(outDir);
  base = server.url;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
  await removeBuiltSite();
});

/**
 * Opens the TimelineJS page, builds a timeline from the site's /timeline.json
 * and returns the slides in DOM order: [{ id, titleSlide, headline, date }].
 * Requests outside the test server are pushed to `external` and aborted;
 * TimelineJS files missing from the package are pushed to `missing`.
 */
async function timelineSlides(page, { external, missing, errors }) {
  // Requests still under way, so that whatever TimelineJS asks for after it is
  // ready (stylesheets load asynchronously) is seen before the checks.
  const pending = new Set();
  page.on('request', (r) => pending.add(r));
  page.on('requestfinished', (r) => pending.delete(r));
  page.on('requestfailed', (r) => pending.delete(r));
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  await page.route('**', async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (url.origin !== base) {
      external.push(`${request.resourceType()} ${request.url()}`);
      return route.abort('blockedbyclient');
    }
    if (url.pathname === PAGE_PATH) {
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: PAGE_HTML });
    }
    if (url.pathname.startsWith(PREFIX)) {
      const rel = decodeURIComponent(url.pathname.slice(PREFIX.length));
      const file = path.join(TIMELINEJS_DIST, rel);
      if (rel.split('/').includes('..') || !existsSync(file)) {
        missing.push(url.pathname);
        return route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' });
      }
      return route.fulfill({ path: file });
    }
    return route.continue(); // the built site, from the test's static server
  });

  const response = await page.goto(base + PAGE_PATH, { waitUntil: 'load' });
  assert.equal(response?.status(), 200);
  assert.equal(await page.evaluate(() => typeof window.TL?.Timeline), 'function', 'TimelineJS did not load');

  const slides = await page.evaluate(async (timeoutMs) => {
    const answer = await fetch('/timeline.json');
    if (!answer.ok) throw new Error(`/timeline.json answered HTTP ${answer.status}`);
    const data = await answer.json();
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const message = document.querySelector('#timeline-embed .tl-message-full')?.textContent.trim();
        reject(new Error(`TimelineJS was not ready within ${timeoutMs} ms; it shows: ${message || '(nothing)'}`));
      }, timeoutMs);
      const tl = new window.TL.Timeline('timeline-embed', data, {
        font: null, // no font stylesheet (some of TimelineJS's font choices load fonts from the web)
        script_path: new URL('js/', location.href).href, // anything derived from it stays on this server
        language: 'en', // built in: nothing to fetch
        hash_bookmark: false,
      });
      tl.on('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return [...document.querySelectorAll('#timeline-embed .tl-slide')].map((slide) => ({
      id: slide.id,
      titleSlide: slide.classList.contains('tl-slide-titleslide'),
      headline: slide.querySelector('.tl-headline')?.textContent.trim() ?? null,
      date: slide.querySelector('.tl-headline-date')?.textContent.trim() ?? null,
    }));
  }, 10_000);

  // Let the network settle: no request under way for half a second (5 s at most).
  let quietSince = Date.now();
  await waitFor(
    () => {
      if (pending.size > 0) quietSince = Date.now();
      return Date.now() - quietSince >= 500;
    },
    { timeoutMs: 5_000, intervalMs: 50 },
  );
  return slides;
}

test('TimelineJS3 shows every event of timeline.json in our order, with month-only dates as months', async (t) => {
  const events = timeline.events;
  assert.ok(Array.isArray(events) && events.length > 0, 'timeline.json has no events');
  const eventHeadlines = events.map((e) => e.text?.headline);
  for (const headline of JULY_2024_IN_ORDER) {
    assert.ok(eventHeadlines.includes(headline), `timeline.json has no event "${headline}"`);
  }

  const external = [];
  const missing = [];
  const errors = [];
  const all = await withPage(browser, { viewport: { width: 1280, height: 900 } }, (page) =>
    timelineSlides(page, { external, missing, errors }),
  );
  const slides = all.filter((s) => !s.titleSlide);
  const shown = slides.map((s) => s.headline);
  const list = (headlines) => headlines.map((h, i) => `  ${i + 1}. ${h}`).join('\n');

  await t.test('nothing was requested from outside the test server, and nothing failed', () => {
    assert.deepEqual(external, [], 'TimelineJS asked for something outside the test server');
    assert.deepEqual(missing, [], 'TimelineJS asked for files its package does not ship');
    assert.deepEqual(errors, [], 'the TimelineJS page reported errors');
  });

  await t.test('every event of timeline.json is a slide', () => {
    assert.equal(all.length - slides.length, timeline.title ? 1 : 0, 'title slides');
    assert.equal(
      slides.length,
      events.length,
      `TimelineJS shows ${slides.length} slides for the ${events.length} events of timeline.json:\n${list(shown)}`,
    );
    assert.deepEqual([...shown].sort(), [...eventHeadlines].sort(), 'the slides are not the events of timeline.json');
  });

  await t.test('the July 2024 events come in the order they happened', () => {
    assert.deepEqual(
      shown.filter((h) => JULY_2024_IN_ORDER.includes(h)),
      JULY_2024_IN_ORDER,
      `TimelineJS shows the July 2024 events out of order. All slides, in the order shown:\n${list(shown)}`,
    );
  });

  await t.test('TimelineJS keeps the order of timeline.json (the file is already sorted as it sorts)', () => {
    assert.deepEqual(
      slides.map((s) => s.id),
      events.map((e) => e.unique_id),
      `TimelineJS put the events in another order than timeline.json.\n` +
        `timeline.json:\n${list(eventHeadlines)}\nTimelineJS:\n${list(shown)}`,
    );
  });

  await t.test("each slide shows its event's display_date; month-only events show the month, never a day", () => {
    const byHeadline = new Map(events.map((e) => [e.text.headline, e]));
    for (const slide of slides) {
      const event = byHeadline.get(slide.headline);
      assert.ok(event, `no event of timeline.json has the headline "${slide.headline}"`);
      assert.equal(slide.date, event.display_date, `the slide "${slide.headline}" shows the date "${slide.date}"`);
    }
    for (const headline of JULY_2024_MONTH_ONLY) {
      const slide = slides.find((s) => s.headline === headline);
      assert.ok(slide, `no slide "${headline}"`);
      assert.equal(slide.date, 'July 2024', `the slide "${headline}" shows the date "${slide.date}", not "July 2024"`);
    }
  });
});
