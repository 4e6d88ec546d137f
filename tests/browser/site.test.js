// Browser tests for the shipped dossier site and its "explainer" theme.
//
// Run from the repository root:
//
//   npm ci --prefix tests/browser && npm test --prefix tests/browser
//
// Needs /usr/bin/chromium (Debian's `chromium` package; another path can be
// given in $CHROMIUM_PATH) and the dossier binary: $DOSSIER_BIN, or
// target/debug/dossier, which is built with `cargo build` when missing.
// Screenshots are written to tests/browser/screenshots/ (git-ignored).
//
// This file builds the shipped site once into a temporary folder, serves it
// with a tiny node:http server and checks every page in Chromium: axe (WCAG 2.1
// A/AA and empty table headers, light and dark), no horizontal scrolling,
// html-validate, screenshots, the timeline filters (with and without
// JavaScript) and the print styles. live-reload.test.js checks `dossier serve`,
// timelinejs.test.js that TimelineJS3 reads timeline.json as we mean it,
// sitemap.test.js that sitemap.xml validates against the sitemaps.org schema,
// and subpath.test.js the site built for and served under /a/b/ (a crawl of
// every link, the timeline filters, axe and html-validate).

import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  AXE_EXTRA_RULES,
  SCREENSHOT_DIR,
  buildShippedSite,
  formatHtmlValidate,
  formatViolations,
  htmlFiles,
  htmlValidator,
  launchBrowser,
  pngSize,
  removeBuiltSite,
  runAxe,
  startStaticServer,
  urlPathOf,
  withPage,
} from './helpers.js';

let outDir;
let pages; // [{ file, urlPath }]
let server;
let browser;
let base;

before(async () => {
  ({ outDir } = await buildShippedSite());
  pages = (await htmlFiles(outDir)).map((file) => ({ file, urlPath: urlPathOf(file) }));
  server = await startStaticServer(outDir);
  base = server.url;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
  await removeBuiltSite();
});

/** Opens base + urlPath and waits for it to load; fails on an HTTP error (404.html may be a 200 here). */
async function open(page, urlPath) {
  const response = await page.goto(base + urlPath, { waitUntil: 'load' });
  assert.ok(response, `no response for ${urlPath}`);
  assert.ok(response.status() < 400, `${urlPath} answered HTTP ${response.status()}`);
  return response;
}

test('the shipped site has the expected pages', () => {
  const paths = pages.map((p) => p.urlPath);
  for (const expected of ['/', '/explainers/', '/explainers/cost/', '/timeline/', '/glossary/', '/404.html']) {
    assert.ok(paths.includes(expected), `${expected} was not built; built: ${paths.join(', ')}`);
  }
});

// ---------------------------------------------------------------------------
// 1. axe-core: WCAG 2.0/2.1 A and AA, and empty table headers, in light and dark colour schemes.

for (const colorScheme of ['light', 'dark']) {
  test(`axe finds no WCAG 2.1 A/AA violations, nor empty table headers (${colorScheme} mode)`, async (t) => {
    await withPage(browser, { colorScheme, viewport: { width: 1280, height: 900 } }, async (page) => {
      const scriptErrors = [];
      page.on('pageerror', (e) => scriptErrors.push(`${page.url()}: ${e.message}`));
      for (const { urlPath } of pages) {
        await t.test(urlPath, async () => {
          await open(page, urlPath);
          assert.equal(
            await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches),
            colorScheme === 'dark',
          );
          const { violations, ran } = await runAxe(page);
          for (const id of AXE_EXTRA_RULES) assert.ok(ran.includes(id), `axe did not run ${id} on ${urlPath}`);
          assert.equal(
            violations.length,
            0,
            `axe violations on ${urlPath} (${colorScheme} mode):\n${formatViolations(violations)}`,
          );
        });
      }
      assert.deepEqual(scriptErrors, [], 'pages threw script errors');
    });
  });
}

// ---------------------------------------------------------------------------
// 2. No horizontal scrolling at 320 px and 1280 px.

for (const width of [320, 1280]) {
  test(`no page scrolls horizontally at ${width} px`, async (t) => {
    await withPage(browser, { viewport: { width, height: 800 } }, async (page) => {
      for (const { urlPath } of pages) {
        await t.test(urlPath, async () => {
          await open(page, urlPath);
          const result = await page.evaluate(() => {
            const innerWidth = window.innerWidth;
            const scrollWidth = document.documentElement.scrollWidth;
            // For the failure message: the outermost elements that stick out,
            // leaving out what a scrolling or clipping box keeps inside it.
            const clipped = (el) => {
              for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                if (getComputedStyle(a).overflowX !== 'visible') return true;
              }
              return false;
            };
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
              if (el.getBoundingClientRect().right <= innerWidth + 0.5) continue;
              if (wide.some((w) => w.contains(el)) || clipped(el)) continue;
              wide.push(el);
            }
            const describe = (el) =>
              el.tagName.toLowerCase() +
              (el.id ? `#${el.id}` : '') +
              (el.classList.length ? `.${[...el.classList].join('.')}` : '') +
              ` (right edge ${Math.round(el.getBoundingClientRect().right)} px)`;
            return { innerWidth, scrollWidth, wide: wide.slice(0, 10).map(describe) };
          });
          assert.ok(
            result.scrollWidth <= result.innerWidth,
            `${urlPath} at ${width} px: scrollWidth ${result.scrollWidth} > innerWidth ${result.innerWidth}; ` +
              `elements past the right edge: ${result.wide.join(', ') || '(none found)'}`,
          );
        });
      }
    });
  });
}

// ---------------------------------------------------------------------------
// 3. html-validate on every HTML file of the output.

test('html-validate finds no errors', async (t) => {
  const htmlvalidate = htmlValidator();
  for (const { file } of pages) {
    await t.test(file, async () => {
      const report = await htmlvalidate.validateFile(path.join(outDir, file));
      const text = formatHtmlValidate(file, report);
      assert.equal(report.errorCount, 0, `html-validate errors in ${file}:\n${text}`);
      assert.ok(report.valid, `html-validate reports ${file} invalid:\n${text}`);
    });
  }
});

// ---------------------------------------------------------------------------
// 4. Full-page screenshots.

test('full-page screenshots are written', async (t) => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const shots = [
    ['home', '/'],
    ['explainer-cost', '/explainers/cost/'],
    ['timeline', '/timeline/'],
  ];
  for (const width of [375, 1280]) {
    await withPage(browser, { viewport: { width, height: 800 } }, async (page) => {
      for (const [name, urlPath] of shots) {
        await t.test(`${name} at ${width} px`, async () => {
          const file = path.join(SCREENSHOT_DIR, `${name}-${width}.png`);
          await rm(file, { force: true });
          await open(page, urlPath);
          await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
          const info = await stat(file);
          assert.ok(info.size > 10_000, `${file} is only ${info.size} bytes`);
          const size = pngSize(await readFile(file));
          // Wider only if the page overflows, which the horizontal-scroll test reports.
          assert.ok(size.width >= width, `${file} is ${size.width} px wide`);
          assert.ok(size.height >= 800, `${file} is only ${size.height} px tall`);
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------
// 5. Timeline filters.

/** The filter state of the timeline page. */
function timelineState(page) {
  return page.evaluate(() => {
    const events = [...document.querySelectorAll('ol.timeline > li[id]')];
    const isShown = (el) => el.checkVisibility() && el.getClientRects().length > 0;
    const shown = events.filter(isShown);
    return {
      total: events.length,
      strikeTotal: events.filter((li) => li.dataset.category === 'strike').length,
      shownCategories: shown.map((li) => li.dataset.category),
      hiddenCount: events.length - shown.length,
      status: document.getElementById('timeline-count')?.textContent.trim(),
      query: location.search,
    };
  });
}

function assertStrikeFiltered(state, label) {
  assert.ok(state.strikeTotal > 0, `${label}: the timeline has no strike events`);
  assert.ok(state.shownCategories.length > 0, `${label}: no event is shown`);
  for (const category of state.shownCategories) {
    assert.equal(category, 'strike', `${label}: a shown event has data-category="${category}"`);
  }
  assert.equal(state.shownCategories.length, state.strikeTotal, `${label}: not every strike event is shown`);
  assert.ok(state.hiddenCount > 0, `${label}: no event is hidden`);
  assert.match(
    state.status ?? '',
    new RegExp(`\\b${state.shownCategories.length} of ${state.total}\\b`),
    `${label}: the live region does not report ${state.shownCategories.length} of ${state.total} events`,
  );
}

describe('timeline filters', () => {
  test('with JavaScript: the Strike filter filters, updates the URL and is restored from it', async () => {
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await open(page, '/timeline/');
      const toolbar = page.locator('.filters');
      await toolbar.waitFor({ state: 'visible', timeout: 5_000 });
      assert.ok(await toolbar.isVisible(), 'the filter toolbar is not visible');

      const status = page.locator('#timeline-count');
      assert.equal(await status.getAttribute('role'), 'status');
      assert.equal(await status.getAttribute('aria-live'), 'polite');

      const before = await timelineState(page);
      assert.equal(before.hiddenCount, 0, 'events are hidden before any filter is chosen');

      // The button is found by its accessible name while unpressed, then held by
      // its data-value (the theme adds a CSS "✓" to pressed buttons' names).
      assert.equal(
        await toolbar.getByRole('button', { name: 'Strike', exact: true }).getAttribute('data-value'),
        'strike',
      );
      const strike = toolbar.locator('[data-param="category"] button[data-value="strike"]');
      assert.equal(await strike.getAttribute('aria-pressed'), 'false');
      await strike.click();
      assert.equal(await strike.getAttribute('aria-pressed'), 'true');
      assert.equal(new URL(page.url()).searchParams.get('category'), 'strike', `URL is ${page.url()}`);
      assertStrikeFiltered(await timelineState(page), 'after clicking Strike');

      // A fresh load of the filtered URL restores the same state.
      await open(page, '/timeline/?category=strike');
      const restored = page.locator('.filters [data-param="category"] button[data-value="strike"]');
      await restored.waitFor({ state: 'visible', timeout: 5_000 });
      assert.match(await restored.innerText(), /^Strike\b/);
      assert.equal(await restored.getAttribute('aria-pressed'), 'true', 'Strike is not pressed after a fresh load');
      const state = await timelineState(page);
      assert.equal(new URLSearchParams(state.query).get('category'), 'strike');
      assertStrikeFiltered(state, 'after loading ?category=strike');

      // Clicking it again shows everything and clears the query.
      await restored.click();
      assert.equal(await restored.getAttribute('aria-pressed'), 'false');
      const cleared = await timelineState(page);
      assert.equal(cleared.hiddenCount, 0, 'events stay hidden after un-pressing Strike');
      assert.equal(new URL(page.url()).searchParams.has('category'), false, `URL is ${page.url()}`);
    });
  });

  test('without JavaScript: every event is listed and visible, and the toolbar is not shown', async () => {
    const data = JSON.parse(await readFile(path.join(outDir, 'timeline.json'), 'utf8'));
    assert.ok(Array.isArray(data.events) && data.events.length > 0, 'timeline.json has no events');
    await withPage(browser, { javaScriptEnabled: false, viewport: { width: 1280, height: 900 } }, async (page) => {
      await open(page, '/timeline/');
      const events = page.locator('ol.timeline > li[id]');
      assert.equal(await events.count(), data.events.length, 'the page does not list every event of timeline.json');
      for (const li of await events.all()) {
        assert.ok(await li.isVisible(), `event #${await li.getAttribute('id')} is not visible without JavaScript`);
      }
      assert.equal(await page.locator('.filters').isVisible(), false, 'the filter toolbar shows without JavaScript');
      assert.equal(
        await page.locator('.filters button').evaluateAll((buttons) => buttons.filter((b) => b.checkVisibility()).length),
        0,
        'filter buttons are visible without JavaScript',
      );
    });
  });
});

// ---------------------------------------------------------------------------
// 7. Print styles.

/** display of each selector's elements (null when there is none). */
function displays(page, selectors) {
  return page.evaluate(
    (sels) =>
      Object.fromEntries(
        sels.map((s) => {
          const els = [...document.querySelectorAll(s)];
          return [s, els.length ? els.map((el) => getComputedStyle(el).display) : null];
        }),
      ),
    selectors,
  );
}

describe('print styles', () => {
  test('an explainer page hides navigation and the skip link when printed', async () => {
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await open(page, '/explainers/cost/');
      const required = ['.skip-link', '.site-nav'];
      const optional = ['.breadcrumbs', '.toc', '.pager', '.site-footer__links'];
      const onScreen = await displays(page, [...required, '.article__title, h1']);
      for (const s of required) {
        assert.ok(onScreen[s], `${s} is missing from /explainers/cost/`);
      }
      assert.notEqual(onScreen['.site-nav'][0], 'none', 'the site nav is not displayed on screen either');

      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.evaluate(() => matchMedia('print').matches), true);
      const printed = await displays(page, [...required, ...optional, '.article__title, h1']);
      for (const s of [...required, ...optional]) {
        for (const d of printed[s] ?? []) assert.equal(d, 'none', `${s} is displayed (${d}) in print`);
      }
      assert.ok(
        printed['.article__title, h1'].some((d) => d !== 'none'),
        'the page title is hidden in print',
      );
      assert.equal(await page.locator('.site-nav').isVisible(), false);
      assert.equal(await page.locator('.skip-link').isVisible(), false);
    });
  });

  test('the timeline hides its filter toolbar when printed', async () => {
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await open(page, '/timeline/');
      await page.locator('.filters').waitFor({ state: 'visible', timeout: 5_000 });
      await page.emulateMedia({ media: 'print' });
      for (const s of ['.filters', '.site-nav', '.skip-link']) {
        assert.equal(await page.locator(s).isVisible(), false, `${s} is visible in print`);
        const shown = (await displays(page, [s]))[s] ?? [];
        for (const d of shown) assert.equal(d, 'none', `${s} is displayed (${d}) in print`);
      }
      const events = page.locator('ol.timeline > li[id]');
      assert.ok((await events.count()) > 0);
      assert.ok(await events.first().isVisible(), 'timeline events are hidden in print');
    });
  });
});
