// The shipped site hosted under a sub-path (say a GitHub Pages project site),
// served by a real static server.
//
// The site is built with `--base-url http://127.0.0.1:PORT/a/b/` into
// TMP/root/a/b, and `python3 -m http.server PORT --directory TMP/root` serves
// it, so the site lives at /a/b/ and nothing else exists on the host: a link
// that forgets the sub-path gets a 404.
//
// 1. A crawl from /a/b/: every page is fetched, and every URL it names (href,
//    src and srcset in HTML; url() and @import in CSS; <loc> in sitemap.xml;
//    <link href> in atom.xml; Sitemap: in robots.txt; URL: in timeline.ics;
//    URLs in timeline.json) is followed once if it is on the same origin. Each
//    must answer 200 (a redirect counts as a failure: the site should link the
//    canonical URL), and each #fragment of a link to a page must name an id on
//    that page. Every failure is reported with the pages that linked it.
// 2. Chromium under /a/b/: the stylesheet and script load (no failed request,
//    no console error), the timeline filters work and keep their state in the
//    URL, and axe and html-validate pass on the home page and an explainer.
//
// Run with the rest of the suite: npm ci --prefix tests/browser && npm test --prefix tests/browser
// Needs python3 on the PATH.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  AXE_EXTRA_RULES,
  SITE_ROOT,
  dossierBin,
  formatHtmlValidate,
  formatViolations,
  freePort,
  htmlValidator,
  launchBrowser,
  run,
  runAxe,
  startPythonServer,
  withPage,
} from './helpers.js';

const SUB_PATH = '/a/b/';
/** The crawl stops after this many requests (the shipped site needs well under a hundred). */
const MAX_REQUESTS = 2_000;
/** Requests in flight at once. */
const CONCURRENCY = 8;

let dir;
let outDir;
let server;
let origin;
let site; // origin + SUB_PATH, without the final slash
let browser;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dossier-subpath-'));
  const root = path.join(dir, 'root');
  outDir = path.join(root, 'a', 'b');
  // The port is baked into the build, so a port taken between freePort() and
  // the server's bind means building again with another.
  let lastError;
  for (let attempt = 0; attempt < 3 && !server; attempt++) {
    const port = await freePort();
    await rm(root, { recursive: true, force: true });
    await run(dossierBin(), [
      'build',
      '--root',
      SITE_ROOT,
      '--base-url',
      `http://127.0.0.1:${port}${SUB_PATH}`,
      '--output',
      outDir,
    ]);
    try {
      server = await startPythonServer(root, port);
    } catch (e) {
      lastError = e;
    }
  }
  if (!server) throw lastError;
  origin = server.url;
  site = origin + SUB_PATH.slice(0, -1);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// 1. The crawl.

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references of an attribute value or XML text. */
function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The attributes of every start tag in html: [{ tag, attrs: Map(name -> value) }]. Comments are skipped. */
function startTags(html) {
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  const tags = [];
  const tagRe = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>\/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
  const attrRe = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of withoutComments.matchAll(tagRe)) {
    const attrs = new Map();
    for (const a of m[2].matchAll(attrRe)) {
      attrs.set(a[1].toLowerCase(), decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''));
    }
    tags.push({ tag: m[1].toLowerCase(), attrs });
  }
  return tags;
}

/** Every URL an HTML page names, as written: href, src, srcset (and its <base href>, if any). */
function htmlLinks(html) {
  const tags = startTags(html);
  const base = tags.find((t) => t.tag === 'base' && t.attrs.has('href'))?.attrs.get('href');
  const links = [];
  for (const { attrs } of tags) {
    for (const name of ['href', 'src']) {
      if (attrs.has(name)) links.push(attrs.get(name));
    }
    for (const name of ['srcset', 'imagesrcset']) {
      if (!attrs.has(name)) continue;
      for (const candidate of attrs.get(name).split(',')) {
        const url = candidate.trim().split(/\s+/)[0];
        if (url) links.push(url);
      }
    }
  }
  return { base, links };
}

/** The ids (and <a name>s) of a page: what a #fragment may point at. */
function htmlIds(html) {
  const ids = new Set();
  for (const { tag, attrs } of startTags(html)) {
    if (attrs.has('id')) ids.add(attrs.get('id'));
    if (tag === 'a' && attrs.has('name')) ids.add(attrs.get('name'));
  }
  return ids;
}

/** url(...) and @import "..." in a stylesheet. */
function cssLinks(css) {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const links = [];
  for (const m of text.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g)) links.push(m[1] ?? m[2] ?? m[3]);
  for (const m of text.matchAll(/@import\s+(?:"([^"]*)"|'([^']*)')/g)) links.push(m[1] ?? m[2]);
  return links.filter((u) => u && !u.startsWith('data:'));
}

/** <loc> of a sitemap, <link href> of an Atom feed. */
function xmlLinks(xml) {
  const links = [];
  for (const m of xml.matchAll(/<loc>\s*([^<]*?)\s*<\/loc>/g)) links.push(decodeEntities(m[1]));
  for (const m of xml.matchAll(/<link\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    links.push(decodeEntities(m[1] ?? m[2]));
  }
  return links;
}

/** Every string in a JSON value that is an absolute http(s) URL. */
function jsonLinks(value, found = []) {
  if (typeof value === 'string') {
    if (/^https?:\/\//.test(value)) found.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) jsonLinks(v, found);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) jsonLinks(v, found);
  }
  return found;
}

/** URL: properties of an iCalendar file (lines unfolded first). */
function icsLinks(ics) {
  const unfolded = ics.replace(/\r?\n[ \t]/g, '');
  return [...unfolded.matchAll(/^URL(?:;[^:\r\n]*)?:(.+?)\r?$/gm)].map((m) => m[1].trim());
}

/** Sitemap: lines of robots.txt. */
function robotsLinks(text) {
  return [...text.matchAll(/^\s*Sitemap:\s*(\S+)/gim)].map((m) => m[1]);
}

/** What kind of document a response is, from its path and Content-Type. */
function kindOf(url, contentType) {
  const p = new URL(url).pathname;
  if (p.endsWith('/') || p.endsWith('.html') || /text\/html/.test(contentType)) return 'html';
  if (p.endsWith('.css')) return 'css';
  if (p.endsWith('.json')) return 'json';
  if (p.endsWith('.ics')) return 'ics';
  if (p.endsWith('robots.txt')) return 'robots';
  if (p.endsWith('.xml')) return 'xml';
  return 'other';
}

/**
 * Crawls from startUrls: fetches every same-origin URL once (without redirects),
 * reads the links of each document, and returns
 * { results: Map(url -> { status, location, kind }), linkedFrom: Map(url -> Set(page)),
 *   fragments: [{ from, url, fragment }], ids: Map(url -> Set(id)), external: Set(url), capped }.
 */
async function crawl(startUrls) {
  const sameOrigin = new URL(startUrls[0]).origin;
  const results = new Map();
  const linkedFrom = new Map();
  const fragments = [];
  const ids = new Map();
  const external = new Set();
  const queue = [];
  const seen = new Set();
  let capped = false;

  function enqueue(raw, from, base) {
    let url;
    try {
      url = new URL(raw.trim(), base);
    } catch {
      const key = `(unparseable) ${raw}`;
      if (!linkedFrom.has(key)) linkedFrom.set(key, new Set());
      linkedFrom.get(key).add(from);
      results.set(key, { status: 'unparseable URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return; // mailto:, tel:, data:, javascript:
    if (url.origin !== sameOrigin) {
      external.add(url.href);
      return;
    }
    const fragment = url.hash ? decodeURIComponent(url.hash.slice(1)) : '';
    url.hash = '';
    const key = url.href;
    if (fragment) fragments.push({ from, url: key, fragment });
    if (!linkedFrom.has(key)) linkedFrom.set(key, new Set());
    if (from) linkedFrom.get(key).add(from);
    if (seen.has(key)) return;
    seen.add(key);
    if (seen.size > MAX_REQUESTS) {
      capped = true;
      return;
    }
    queue.push(key);
  }

  async function visit(url) {
    let response;
    try {
      response = await fetch(url, { redirect: 'manual' });
    } catch (e) {
      results.set(url, { status: `fetch failed: ${e.cause?.message ?? e.message}` });
      return;
    }
    const contentType = response.headers.get('content-type') ?? '';
    const kind = kindOf(url, contentType);
    results.set(url, { status: response.status, location: response.headers.get('location'), kind });
    if (response.status !== 200 || kind === 'other') {
      await response.arrayBuffer().catch(() => {});
      return;
    }
    const text = await response.text();
    const add = (links, base = url) => links.forEach((l) => enqueue(l, url, base));
    if (kind === 'html') {
      const { base, links } = htmlLinks(text);
      add(links, base ? new URL(base, url).href : url);
      ids.set(url, htmlIds(text));
    } else if (kind === 'css') add(cssLinks(text));
    else if (kind === 'xml') add(xmlLinks(text));
    else if (kind === 'ics') add(icsLinks(text));
    else if (kind === 'robots') add(robotsLinks(text));
    else if (kind === 'json') {
      try {
        add(jsonLinks(JSON.parse(text)));
      } catch (e) {
        results.set(url, { status: response.status, kind, error: `invalid JSON: ${e.message}` });
      }
    }
  }

  for (const url of startUrls) enqueue(url, null, url);
  const inFlight = new Set();
  while (queue.length || inFlight.size) {
    while (queue.length && inFlight.size < CONCURRENCY) {
      const p = visit(queue.shift()).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.race(inFlight);
  }
  return { results, linkedFrom, fragments, ids, external, capped };
}

describe(`crawl of the site served under ${SUB_PATH} by python3 -m http.server`, () => {
  let c;
  before(async () => {
    // Nothing links robots.txt and sitemap.xml (crawlers know where to look),
    // and 404.html is only served for a miss: the crawl starts from them too.
    c = await crawl([`${site}/`, `${site}/robots.txt`, `${site}/sitemap.xml`, `${site}/404.html`]);
  });

  const where = (url) => {
    const from = [...(c.linkedFrom.get(url) ?? [])].sort();
    if (!from.length) return 'a start URL';
    return `linked from ${from.slice(0, 5).join(', ')}${from.length > 5 ? ` and ${from.length - 5} more` : ''}`;
  };

  test('every same-origin URL the site names answers 200', (t) => {
    assert.equal(c.capped, false, `the crawl stopped at ${MAX_REQUESTS} requests`);
    const failures = [...c.results]
      .filter(([, r]) => r.status !== 200 || r.error)
      .map(([url, r]) => {
        const status = `${r.status}${r.location ? ` -> ${r.location}` : ''}${r.error ? ` (${r.error})` : ''}`;
        return `  ${status} ${url}\n    ${where(url)}`;
      });
    const checked = c.results.size;
    t.diagnostic(
      `${checked} same-origin URLs checked, ${c.fragments.length} links with a #fragment, ` +
        `${c.external.size} external URLs not followed`,
    );
    assert.equal(
      failures.length,
      0,
      `${failures.length} of ${checked} URLs did not answer 200:\n${failures.join('\n')}`,
    );
  });

  test(`every same-origin URL is under ${SUB_PATH}`, () => {
    const outside = [...c.linkedFrom.keys()].filter(
      (u) => u.startsWith(origin) && !new URL(u).pathname.startsWith(SUB_PATH),
    );
    assert.deepEqual(
      outside.map((u) => `${u} (${where(u)})`),
      [],
      `URLs outside ${SUB_PATH}`,
    );
  });

  test('the crawl reached every kind of file the site publishes', () => {
    // Without the query: stylesheets and scripts are linked as `style.css?v=<hash>`.
    const paths = new Set(
      [...c.results.keys()].map((u) => (u.startsWith(site) ? u.slice(site.length) : u).split('?')[0]),
    );
    const missing = [
      '/',
      '/explainers/',
      '/explainers/cost/',
      '/timeline/',
      '/style.css',
      '/timeline.js',
      '/favicon.svg',
      '/atom.xml',
      '/sitemap.xml',
      '/timeline.json',
      '/timeline.ics',
      '/robots.txt',
      '/404.html',
    ].filter((p) => !paths.has(p));
    assert.deepEqual(missing, [], `the crawl never reached these; it reached:\n  ${[...paths].sort().join('\n  ')}`);
  });

  test('every #fragment of a link to a page names an id on that page', () => {
    const broken = new Set();
    for (const { from, url, fragment } of c.fragments) {
      const pageIds = c.ids.get(url);
      if (!pageIds) continue; // not an HTML page that answered 200: reported above
      if (fragment === 'top' || pageIds.has(fragment)) continue; // "#top" needs no id (HTML scrolls to the top)
      broken.add(`  ${url}#${fragment} (linked from ${from})`);
    }
    assert.equal(broken.size, 0, `links to ids that do not exist:\n${[...broken].join('\n')}`);
  });
});

// ---------------------------------------------------------------------------
// 2. Chromium under the sub-path.

/**
 * Opens SUB_PATH + rel in a page that records failed requests, HTTP errors,
 * console errors and script errors (in `problems`).
 */
function watch(page) {
  const problems = [];
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
  return problems;
}

async function open(page, rel, waitUntil = 'load') {
  const response = await page.goto(`${site}/${rel}`, { waitUntil });
  assert.ok(response, `no response for ${SUB_PATH}${rel}`);
  assert.equal(response.status(), 200, `${SUB_PATH}${rel} answered HTTP ${response.status()}`);
  return response;
}

const PAGES = [
  ['home page', ''],
  ['explainer', 'explainers/cost/'],
  ['timeline', 'timeline/'],
];

describe(`Chromium under ${SUB_PATH}`, () => {
  const loadsTitle =
    'each page loads its stylesheet and script from under the sub-path, without a failed request or console error';
  test(loadsTitle, async (t) => {
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      const problems = watch(page);
      // The browser's own styles, for comparison: an unstyled page (about:blank, so no favicon request).
      await page.setContent('<!doctype html><html lang="en"><title>x</title><body><p>x</p></body></html>');
      const unstyled = await page.evaluate(() => {
        const s = getComputedStyle(document.body);
        return { margin: s.margin, fontFamily: s.fontFamily, fontSize: s.fontSize, lineHeight: s.lineHeight };
      });

      for (const [name, rel] of PAGES) {
        await t.test(name, async () => {
          const before = problems.length;
          // networkidle: Chromium asks for the favicon after `load`, and a
          // navigation before it arrives aborts it (a failed request).
          await open(page, rel, 'networkidle');
          const info = await page.evaluate(() => {
            const s = getComputedStyle(document.body);
            return {
              body: { margin: s.margin, fontFamily: s.fontFamily, fontSize: s.fontSize, lineHeight: s.lineHeight },
              sheets: [...document.styleSheets].map((sheet) => {
                let rules = -1;
                try {
                  rules = sheet.cssRules.length;
                } catch {
                  /* cross-origin */
                }
                return { href: sheet.href, rules };
              }),
              scripts: [...document.scripts].filter((sc) => sc.src).map((sc) => sc.src),
              loaded: performance.getEntriesByType('resource').map((e) => e.name),
            };
          });
          const styleSheet = info.sheets.find((sh) => sh.href && new URL(sh.href).pathname.endsWith('/style.css'));
          assert.ok(styleSheet, `no style.css among the stylesheets: ${JSON.stringify(info.sheets)}`);
          assert.equal(new URL(styleSheet.href).pathname, `${SUB_PATH}style.css`);
          assert.ok(styleSheet.rules > 0, `style.css has ${styleSheet.rules} rules`);
          assert.notDeepEqual(
            info.body,
            unstyled,
            `the body has the browser's default style: ${JSON.stringify(info.body)}`,
          );
          assert.notEqual(info.body.margin, unstyled.margin, 'the body keeps the default margin');
          for (const src of info.scripts) {
            assert.ok(new URL(src).pathname.startsWith(SUB_PATH), `script ${src} is not under ${SUB_PATH}`);
            assert.ok(info.loaded.includes(src), `script ${src} was not loaded`);
          }
          assert.deepEqual(problems.slice(before), [], `problems on ${SUB_PATH}${rel}`);
        });
      }
    });
  });

  test('timeline filters: Strike filters events, keeps the URL under the sub-path, is restored from it', async () => {
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      const problems = watch(page);
      const state = () =>
        page.evaluate(() => {
          const events = [...document.querySelectorAll('ol.timeline > li[id]')];
          const shown = events.filter((el) => el.checkVisibility() && el.getClientRects().length > 0);
          return {
            total: events.length,
            strikeTotal: events.filter((li) => li.dataset.category === 'strike').length,
            shown: shown.map((li) => li.dataset.category),
          };
        });

      // networkidle: the favicon has arrived before the reload below (which would abort it).
      await open(page, 'timeline/', 'networkidle');
      const toolbar = page.locator('.filters');
      await toolbar.waitFor({ state: 'visible', timeout: 5_000 });
      const all = await state();
      assert.ok(all.total > 0, 'the timeline lists no events');
      assert.equal(all.shown.length, all.total, 'events are hidden before any filter is chosen');
      assert.ok(
        all.strikeTotal > 0 && all.strikeTotal < all.total,
        `strike events: ${all.strikeTotal} of ${all.total}`,
      );

      const strike = toolbar.locator('[data-param="category"] button[data-value="strike"]');
      await strike.click();
      assert.equal(await strike.getAttribute('aria-pressed'), 'true');
      const url = new URL(page.url());
      assert.equal(url.pathname, `${SUB_PATH}timeline/`, `the filter moved the page to ${page.url()}`);
      assert.equal(url.searchParams.get('category'), 'strike', `URL is ${page.url()}`);
      const filtered = await state();
      assert.equal(filtered.shown.length, filtered.strikeTotal, 'not every strike event (or not only them) is shown');
      assert.ok(filtered.shown.every((cat) => cat === 'strike'), `shown: ${filtered.shown.join(', ')}`);

      // The filtered URL, reloaded, gives the same state.
      await page.reload({ waitUntil: 'networkidle' });
      const restored = page.locator('.filters [data-param="category"] button[data-value="strike"]');
      await restored.waitFor({ state: 'visible', timeout: 5_000 });
      assert.equal(await restored.getAttribute('aria-pressed'), 'true', 'Strike is not pressed after a reload');
      assert.deepEqual((await state()).shown, filtered.shown);

      await restored.click();
      assert.equal(await restored.getAttribute('aria-pressed'), 'false');
      assert.equal((await state()).shown.length, all.total, 'events stay hidden after un-pressing Strike');
      const cleared = new URL(page.url());
      assert.equal(cleared.pathname, `${SUB_PATH}timeline/`);
      assert.equal(cleared.searchParams.has('category'), false, `URL is ${page.url()}`);
      assert.deepEqual(problems, [], 'problems on the timeline');
    });
  });

  for (const [name, rel] of PAGES.slice(0, 2)) {
    test(`axe finds no WCAG 2.1 A/AA violations on the ${name} (${SUB_PATH}${rel})`, async () => {
      await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
        await open(page, rel);
        const { violations, ran } = await runAxe(page);
        for (const id of AXE_EXTRA_RULES) assert.ok(ran.includes(id), `axe did not run ${id}`);
        assert.equal(violations.length, 0, `axe violations on ${SUB_PATH}${rel}:\n${formatViolations(violations)}`);
      });
    });

    test(`html-validate finds no errors in the ${name} built for ${SUB_PATH}`, async () => {
      const file = `${rel}index.html`;
      const html = await readFile(path.join(outDir, file), 'utf8');
      const report = await htmlValidator().validateString(html, file);
      const text = formatHtmlValidate(file, report);
      assert.equal(report.errorCount, 0, `html-validate errors in ${file}:\n${text}`);
      assert.ok(report.valid, `html-validate reports ${file} invalid:\n${text}`);
    });
  }
});
