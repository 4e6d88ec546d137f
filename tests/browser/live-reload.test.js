// Live reload through `dossier serve`: a copy of the shipped site is served,
// its content is edited on disk, and the open page must follow by itself.
// Run with the rest of the suite: npm ci --prefix tests/browser && npm test --prefix tests/browser

import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { copyShippedSite, launchBrowser, startDossierServe, withPage } from './helpers.js';

const WAIT_MS = 10_000;

/** The line index of the first plain prose paragraph (one line of text) after the front matter. */
function firstParagraph(source) {
  const lines = source.split('\n');
  const end = lines.indexOf('---', 1); // the front matter's closing fence
  assert.ok(lines[0] === '---' && end > 0, 'content/explainers/cost.md has no front matter');
  const index = lines.findIndex((l, i) => i > end && /^[A-Z][a-z]/.test(l) && l.length > 40);
  assert.ok(index > 0, 'content/explainers/cost.md has no prose paragraph to edit');
  return index;
}

let siteDir;
let serve;
let browser;

before(async () => {
  siteDir = await copyShippedSite();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => {});
  await serve?.stop();
  if (siteDir) await rm(siteDir, { recursive: true, force: true });
});

test('dossier serve reloads on save, shows build problems and clears them', async () => {
  const file = path.join(siteDir, 'content', 'explainers', 'cost.md');
  const original = await readFile(file, 'utf8');
  const lines = original.split('\n');
  const paragraph = firstParagraph(original);
  const titleLine = lines.find((l) => l.startsWith('title:'));
  assert.ok(titleLine, 'content/explainers/cost.md has no title: line');

  serve = startDossierServe(siteDir);
  const { url } = await serve.ready;
  const log = () => `\n--- dossier serve output ---\n${serve.output()}`;

  await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
    let loads = 0;
    page.on('load', () => loads++);

    // Open the page and wait until its event stream is connected, so no change is missed.
    const connected = page.waitForResponse((r) => r.url().endsWith('/__dossier/events'), { timeout: WAIT_MS });
    const response = await page.goto(`${url}/explainers/cost/`, { waitUntil: 'load' });
    assert.equal(response.status(), 200);
    assert.equal((await connected).status(), 200);
    const marker = `Live reload marker ${process.pid}-${Date.now()}.`;
    assert.equal(await page.getByText(marker).count(), 0);
    const loadsBefore = loads;

    // 1. A good save (one paragraph replaced): the page reloads by itself and shows the new text.
    const edited = lines.map((l, i) => (i === paragraph ? marker : l)).join('\n');
    // The text can show before the reloaded page's `load` event fires (it
    // waits for the stylesheet): wait for the event itself, not a count.
    const reloaded = page.waitForEvent('load', { timeout: WAIT_MS });
    await writeFile(file, edited);
    await reloaded.catch((e) => assert.fail(`the page did not reload within ${WAIT_MS} ms: ${e.message}${log()}`));
    await page
      .getByText(marker)
      .waitFor({ state: 'visible', timeout: WAIT_MS })
      .catch((e) => assert.fail(`the page did not show the edited text within ${WAIT_MS} ms: ${e.message}${log()}`));
    assert.ok(loads > loadsBefore, 'the page showed the edit without reloading');

    // 2. A bad save: the problems overlay appears and names the file.
    await writeFile(file, edited.replace(titleLine, 'title: [broken'));
    const overlay = page.locator('#dossier-problems');
    await overlay
      .waitFor({ state: 'visible', timeout: WAIT_MS })
      .catch((e) => assert.fail(`no #dossier-problems overlay within ${WAIT_MS} ms: ${e.message}${log()}`));
    assert.equal(await overlay.getAttribute('role'), 'alert');
    const problem = await overlay.innerText();
    assert.ok(
      problem.includes('content/explainers/cost.md'),
      `the overlay does not name content/explainers/cost.md:\n${problem}`,
    );
    assert.match(problem, /cost\.md:\d+/, `the overlay gives no file:line:\n${problem}`);

    // 3. The fix: the overlay goes away and the page shows the good content.
    await writeFile(file, edited);
    await overlay
      .waitFor({ state: 'detached', timeout: WAIT_MS })
      .catch((e) => assert.fail(`the overlay did not go away within ${WAIT_MS} ms: ${e.message}${log()}`));
    await page.getByText(marker).waitFor({ state: 'visible', timeout: WAIT_MS });
    assert.equal(await overlay.count(), 0);
  });

  const { code, signal } = await serve.stop();
  assert.ok(code === 0 || signal === 'SIGINT', `dossier serve did not stop cleanly on SIGINT (${code ?? signal})${log()}`);
});
