// Every component (shortcode) of the theme on one page of a copy of the
// shipped site, in a real browser: axe and html-validate find nothing, the
// figure's srcset images exist at the widths they state, nothing scrolls
// sideways at 320 px, and screenshots (light, dark, 320 px, print) of the
// chart and the figure are written to screenshots/ to be looked at.
//
// The figure's image is made by the test itself (a screenshot of a page it
// draws), so the site shows nothing it may not publish.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  SCREENSHOT_DIR,
  copyShippedSite,
  dossierBin,
  formatHtmlValidate,
  formatViolations,
  htmlValidator,
  launchBrowser,
  pngSize,
  run,
  runAxe,
  startStaticServer,
  withPage,
} from './helpers.js';

const PAGE = `---
title: Every component
summary: A page that shows each of the theme's components.
sources:
  - id: mirror-2024-07
---
An introduction, then each component in turn.

{{ figure(src="corridor.png", alt="Coloured bands fading from red to blue", caption="A test picture *made by the test*.", credit="Image: the dossier project") }}

{{ chart(type="bar", data="pay-rises.csv", title="Demanded and settled", unit="%", source="Mirror, July 2024") }}

{{ chart(type="line", rows=[["2022", 0], ["2023", 1], ["2024", 11]], columns=["year", "strikes"], title="Strikes so far", y_label="Strikes") }}

{% callout(kind="unknown") %}
Our sources do not give the day of the July 2024 meeting.
{% end %}

{% callout(kind="warning") %}
A warning, with a [link](cost.md).
{% end %}

{% pullquote(person="streeting", source="mirror-2024-07") %}
journey not an event
{% end %}

{{ timeline(category="strike", title="The strikes our sources date") }}

The talks were led by {{ person(id="streeting") }}; the BMA asks for {{ figure_value(value="35%", label="pay uplift", source="mirror-2024-07") }}.
`;

let site;
let out;
let server;
let browser;
const URL_PATH = '/explainers/components/';

before(async () => {
  browser = await launchBrowser();
  site = await copyShippedSite();
  // The figure's picture: a page drawn here, photographed.
  const picture = await withPage(browser, { viewport: { width: 1800, height: 1000 } }, async (page) => {
    await page.setContent(
      '<body style="margin:0;height:100vh;background:linear-gradient(90deg,#b3261e,#f6f4ef,#0b4f94)"></body>',
    );
    return page.screenshot({ type: 'png' });
  });
  await writeFile(path.join(site, 'content/explainers/corridor.png'), picture);
  await writeFile(path.join(site, 'content/explainers/components.md'), PAGE);
  out = await mkdtemp(path.join(tmpdir(), 'dossier-components-out-'));
  await rm(out, { recursive: true, force: true });
  await run(dossierBin(), ['build', '--root', site, '--output', out]);
  server = await startStaticServer(out);
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
  for (const dir of [site, out]) if (dir) await rm(dir, { recursive: true, force: true });
});

test("the figure's srcset images exist at the widths they state", async () => {
  const html = await readFile(path.join(out, 'explainers/components/index.html'), 'utf8');
  const img = html.match(/<img[^>]*srcset="([^"]+)"[^>]*>/);
  assert.ok(img, 'the figure has an <img srcset>');
  const entries = img[1].split(',').map((s) => s.trim().split(/\s+/));
  assert.deepEqual(
    entries.map(([, w]) => w),
    ['480w', '800w', '1200w', '1600w'],
    'a 1800 px picture gets every width up to 1600',
  );
  for (const [url, w] of entries) {
    const file = path.join(out, decodeURIComponent(url).replace(/^\//, ''));
    const { width, height } = pngSize(await readFile(file));
    assert.equal(`${width}w`, w, `${url} is ${width} px wide`);
    assert.equal(height, Math.round((width * 1000) / 1800), `${url} keeps the proportions`);
  }
  assert.match(img[0], /width="1800" height="1000"/);
  assert.match(img[0], /loading="lazy"/);
});

for (const colorScheme of ['light', 'dark']) {
  test(`axe finds nothing on the page of every component (${colorScheme})`, async () => {
    await withPage(browser, { colorScheme, viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(server.url + URL_PATH, { waitUntil: 'load' });
      const { violations } = await runAxe(page);
      assert.equal(violations.length, 0, formatViolations(violations));
    });
  });
}

test('html-validate finds nothing on the page of every component', async () => {
  const report = await htmlValidator().validateFile(path.join(out, 'explainers/components/index.html'));
  const text = formatHtmlValidate('explainers/components/index.html', report);
  assert.equal(report.errorCount, 0, text);
});

test('nothing scrolls sideways at 320 px, and every image loads', async () => {
  await withPage(browser, { viewport: { width: 320, height: 800 } }, async (page) => {
    await page.goto(server.url + URL_PATH, { waitUntil: 'load' });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    assert.ok(scrollWidth <= innerWidth, `scrollWidth ${scrollWidth} > ${innerWidth}`);
    const img = page.locator('figure img');
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('figure img').complete);
    const chosen = await img.evaluate((el) => el.currentSrc);
    // A 320 px screen at 1x picks the smallest width.
    assert.match(chosen, /-480\.png$/);
  });
});

test('screenshots of the chart and the figure: light, dark, 320 px, print', async () => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const shots = [
    ['components-light', { colorScheme: 'light', viewport: { width: 1100, height: 900 } }, 'screen'],
    ['components-dark', { colorScheme: 'dark', viewport: { width: 1100, height: 900 } }, 'screen'],
    ['components-320', { colorScheme: 'light', viewport: { width: 320, height: 800 } }, 'screen'],
    ['components-print', { colorScheme: 'light', viewport: { width: 800, height: 1100 } }, 'print'],
  ];
  for (const [name, options, media] of shots) {
    await withPage(browser, options, async (page) => {
      await page.emulateMedia({ media });
      await page.goto(server.url + URL_PATH, { waitUntil: 'load' });
      await page.evaluate(() => document.querySelectorAll('img').forEach((i) => (i.loading = 'eager')));
      await page.waitForFunction(() => [...document.images].every((i) => i.complete));
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.locator('.prose').screenshot({ path: file });
      assert.ok((await stat(file)).size > 10_000, `${name}.png was written`);
    });
  }
});
