// An old URL listed in a page's `aliases:` redirects a real browser to the
// page. A copy of the shipped site gets an alias, is built for the port of
// a real static server (`python3 -m http.server`), and Chromium opens the
// old URL.
//
// Run with the rest of the suite: npm ci --prefix tests/browser && npm test --prefix tests/browser

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { copyShippedSite, dossierBin, freePort, launchBrowser, run, startPythonServer, withPage } from './helpers.js';

let src;
let dir;
let server;
let browser;

before(async () => {
  src = await copyShippedSite();
  const page = path.join(src, 'content', 'explainers', 'cost.md');
  const text = await readFile(page, 'utf8');
  // The alias goes right after the title line of the front matter.
  await writeFile(page, text.replace(/^(title:.*)$/m, '$1\naliases: ["/2024/strike-costs/"]'));
  dir = await mkdtemp(path.join(tmpdir(), 'dossier-aliases-'));
  const port = await freePort();
  await run(dossierBin(), ['build', '--root', src, '--base-url', `http://127.0.0.1:${port}/`, '--output', path.join(dir, 'site')]);
  server = await startPythonServer(path.join(dir, 'site'), port);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
  for (const d of [src, dir]) if (d) await rm(d, { recursive: true, force: true });
});

test('an alias redirects the browser to its page', async () => {
  await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
    await page.goto(`${server.url}/2024/strike-costs/`);
    await page.waitForURL(`${server.url}/explainers/cost/`, { timeout: 10_000 });
    const h1 = await page.locator('h1').first().innerText();
    assert.match(h1, /strikes/i, `landed on: ${h1}`);
  });
});
