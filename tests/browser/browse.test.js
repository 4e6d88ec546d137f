// Finding one's way in a large site, in a real browser: listing pages
// followed by keyboard, and the tags, tag and people pages (axe and
// html-validate, and Wes Streeting's events in timeline order).
//
// A copy of the shipped site gets `paginate_by: 2` in content/explainers/_index.md,
// so its six explainers make three listing pages, and is built and served.
//
// Run with the rest of the suite: npm ci --prefix tests/browser && npm test --prefix tests/browser

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  copyShippedSite,
  dossierBin,
  formatHtmlValidate,
  formatViolations,
  htmlValidator,
  launchBrowser,
  run,
  runAxe,
  startStaticServer,
  withPage,
} from './helpers.js';

let src;
let dir;
let outDir;
let server;
let browser;

before(async () => {
  src = await copyShippedSite();
  const index = path.join(src, 'content', 'explainers', '_index.md');
  const text = await readFile(index, 'utf8');
  await writeFile(index, text.replace(/^(title:.*)$/m, '$1\npaginate_by: 2'));
  dir = await mkdtemp(path.join(tmpdir(), 'dossier-browse-'));
  outDir = path.join(dir, 'site');
  await run(dossierBin(), ['build', '--root', src, '--output', outDir]);
  server = await startStaticServer(outDir);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
  for (const d of [src, dir]) if (d) await rm(d, { recursive: true, force: true });
});

test('pagination is followed by keyboard: Tab to "Next page", Enter, page 2', async () => {
  await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
    await page.goto(`${server.url}/explainers/`);
    const nav = page.getByRole('navigation', { name: 'Pagination' });
    assert.equal(await nav.count(), 1, 'no Pagination navigation on /explainers/');
    const text = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();
    assert.equal(await text(nav.locator('[aria-current="page"]')), 'Page 1', 'page 1 is not marked current');
    // Tab from the top of the page until "Next page" has the focus.
    let focused = '';
    for (let i = 0; i < 100 && focused !== 'Next page'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    }
    assert.equal(focused, 'Next page', '"Next page" was never reached by Tab');
    await Promise.all([page.waitForURL(`${server.url}/explainers/page/2/`), page.keyboard.press('Enter')]);
    const current = page.getByRole('navigation', { name: 'Pagination' }).locator('[aria-current="page"]');
    assert.equal(await text(current), 'Page 2');
    // Page 2 lists the third and fourth explainers, and links both ways.
    const cards = await page.locator('.listing .card__title a').allInnerTexts();
    assert.equal(cards.length, 2, `page 2 lists: ${cards.join(' | ')}`);
    const rel = await page.evaluate(() => ({
      prev: document.querySelector('link[rel="prev"]')?.getAttribute('href'),
      next: document.querySelector('link[rel="next"]')?.getAttribute('href'),
    }));
    assert.deepEqual(rel, { prev: '/explainers/', next: '/explainers/page/3/' });
  });
});

const CHECKED = ['/explainers/page/2/', '/tags/', '/tags/pay/', '/people/streeting/', '/people/bma/'];

for (const colorScheme of ['light', 'dark']) {
  test(`axe finds no violations on listing, tag and people pages (${colorScheme} mode)`, async (t) => {
    await withPage(browser, { colorScheme, viewport: { width: 1280, height: 900 } }, async (page) => {
      for (const urlPath of CHECKED) {
        await t.test(urlPath, async () => {
          const response = await page.goto(server.url + urlPath);
          assert.ok(response && response.status() < 400, `${urlPath} answered ${response?.status()}`);
          const { violations } = await runAxe(page);
          assert.equal(violations.length, 0, `axe violations on ${urlPath}:\n${formatViolations(violations)}`);
        });
      }
    });
  });
}

test('html-validate finds no errors on listing, tag and people pages', async (t) => {
  const validator = htmlValidator();
  for (const urlPath of CHECKED) {
    await t.test(urlPath, async () => {
      const file = path.join(outDir, urlPath, 'index.html');
      const report = await validator.validateFile(file);
      assert.equal(report.errorCount, 0, `html-validate errors:\n${formatHtmlValidate(urlPath, report)}`);
    });
  }
});

test("Wes Streeting's page lists his events in timeline order", async () => {
  await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
    // The timeline's order of the events naming him, as timeline.js filters them.
    await page.goto(`${server.url}/timeline/`);
    const expected = await page.locator('li.event[data-actors~="streeting"] .event__title').allInnerTexts();
    assert.ok(expected.length >= 2, `the timeline names him in ${expected.length} events`);
    // From the who's who page, follow his name.
    await page.goto(`${server.url}/explainers/whos-who/`);
    await Promise.all([
      page.waitForURL(`${server.url}/people/streeting/`),
      page.locator('#people').locator('..').getByRole('link', { name: 'Wes Streeting' }).first().click(),
    ]);
    assert.equal(await page.locator('h1').innerText(), 'Wes Streeting');
    const events = page.getByRole('region', { name: 'Events involving Wes Streeting' });
    const listed = await events.locator('.mini-timeline__title a').allInnerTexts();
    assert.deepEqual(listed, expected);
    // Each links to its place on the timeline.
    const hrefs = await events.locator('.mini-timeline__title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of hrefs) assert.match(href, /^\/timeline\/#[a-z]/);
  });
});
