// Search on the shipped site, through Pagefind's own reader (pagefind.js and
// its WASM, written by the build): the header's box typed into and sent by
// keyboard alone, the results read, the live region, axe on the results,
// the list readers without JavaScript get, the filters, and the same search
// on a site hosted under a sub-path.
//
// Run with the rest of the suite: npm ci --prefix tests/browser && npm test --prefix tests/browser

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  SITE_ROOT,
  buildShippedSite,
  dossierBin,
  formatViolations,
  freePort,
  launchBrowser,
  removeBuiltSite,
  run,
  runAxe,
  startPythonServer,
  startStaticServer,
  withPage,
} from './helpers.js';

const SCOTLAND = '/explainers/scotland-wales/';

let server;
let base;
let browser;

before(async () => {
  const { outDir } = await buildShippedSite();
  server = await startStaticServer(outDir);
  base = server.url;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
  await removeBuiltSite();
});

/** Waits until the status line gives the outcome (not "Searching…"); returns its text. */
async function resultsAnnounced(page) {
  await page.waitForFunction(
    () => {
      const s = document.getElementById('search-status');
      return s && s.textContent && s.textContent !== s.dataset.labelLoading;
    },
    null,
    { timeout: 15_000 },
  );
  return page.locator('#search-status').textContent();
}

/** The hrefs of the result links, in order. */
function resultLinks(page) {
  return page.$$eval('#search-results .search-result__title a', (links) => links.map((a) => a.href));
}

test('typed in the header box by keyboard, "Scotland" lists the Scotland and Wales explainer first', async () => {
  await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`, { waitUntil: 'load' });
    // Tab to the search box: no mouse.
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'site-search-q');
    }
    assert.ok(reached, 'the header search box is not reachable with Tab');
    await page.keyboard.type('Scotland');
    await Promise.all([page.waitForURL(/\/search\/\?q=Scotland$/), page.keyboard.press('Enter')]);
    const status = await resultsAnnounced(page);
    assert.match(status, /^\d+ results?$/, `the live region says: ${status}`);
    assert.equal(await page.getAttribute('#search-status', 'role'), 'status');
    assert.equal(await page.inputValue('#search-q'), 'Scotland', 'the box on the search page holds the query');
    const links = await resultLinks(page);
    assert.ok(links.length > 0, 'no results');
    assert.equal(new URL(links[0]).pathname, SCOTLAND, `results in order: ${links.join(', ')}`);
    // From the box, Tab reaches the button and then the first result; Enter follows it.
    await page.focus('#search-q');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), SCOTLAND);
    await Promise.all([page.waitForURL(`${base}${SCOTLAND}`), page.keyboard.press('Enter')]);
    assert.deepEqual(errors, []);
  });
});

test('a body word, an event and a glossary term are found', async () => {
  await withPage(browser, {}, async (page) => {
    for (const [q, want] of [
      ['collaborative', '/explainers/'], // a word of page bodies only
      ['Streeting', '/timeline/#'], // events name him
      ['junior doctor', '/glossary/#'],
    ]) {
      await page.goto(`${base}/search/?q=${encodeURIComponent(q)}`, { waitUntil: 'load' });
      await resultsAnnounced(page);
      const links = (await resultLinks(page)).map((h) => new URL(h).pathname + new URL(h).hash);
      assert.ok(links.some((l) => l.startsWith(want)), `${q}: no result under ${want} in ${links.join(', ')}`);
    }
  });
});

test('no result is announced, and the page list stays', async () => {
  await withPage(browser, {}, async (page) => {
    await page.goto(`${base}/search/?q=xylophonezz`, { waitUntil: 'load' });
    assert.match(await resultsAnnounced(page), /^No results/);
    assert.ok(await page.isVisible('#search-all'));
  });
});

test('Pagefind has the section, tag and person filters', async () => {
  await withPage(browser, {}, async (page) => {
    await page.goto(`${base}/search/`, { waitUntil: 'load' });
    const filters = await page.evaluate(async () => {
      const pf = await import('/pagefind/pagefind.js');
      return pf.filters();
    });
    assert.ok(filters.section?.Explainers > 0, JSON.stringify(filters));
    assert.ok(filters.tag?.scotland > 0, JSON.stringify(filters));
    assert.ok(filters.person?.['Wes Streeting'] > 0, JSON.stringify(filters));
  });
});

for (const colorScheme of ['light', 'dark']) {
  test(`axe finds nothing on the search page with results (${colorScheme} mode)`, async () => {
    await withPage(browser, { colorScheme }, async (page) => {
      await page.goto(`${base}/search/?q=strike`, { waitUntil: 'load' });
      await resultsAnnounced(page);
      const { violations } = await runAxe(page);
      assert.equal(violations.length, 0, formatViolations(violations));
    });
  });
}

test('with JavaScript off, the header box leads to a list of every page', async () => {
  await withPage(browser, { javaScriptEnabled: false }, async (page) => {
    await page.goto(`${base}/explainers/cost/`, { waitUntil: 'load' });
    await page.fill('#site-search-q', 'Scotland');
    await Promise.all([page.waitForURL(/\/search\/\?q=Scotland$/), page.press('#site-search-q', 'Enter')]);
    const links = await page.$$eval('#search-all a', (as) => as.map((a) => new URL(a.href).pathname));
    for (const want of [SCOTLAND, '/explainers/cost/', '/timeline/', '/glossary/']) {
      assert.ok(links.includes(want), `${want} not in the list: ${links.join(', ')}`);
    }
    assert.ok(await page.isHidden('#search-results'));
  });
});

describe('under a sub-path', () => {
  let dir;
  let sub;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dossier-search-subpath-'));
    const root = path.join(dir, 'root');
    for (let attempt = 0; attempt < 3 && !sub; attempt++) {
      const port = await freePort();
      await rm(root, { recursive: true, force: true });
      const args = ['build', '--root', SITE_ROOT, '--base-url', `http://127.0.0.1:${port}/a/b/`];
      await run(dossierBin(), [...args, '--output', path.join(root, 'a', 'b')]);
      sub = await startPythonServer(root, port).catch(() => null);
    }
    assert.ok(sub, 'no server');
  });
  after(async () => {
    await sub?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the box sends to /a/b/search/ and results link under /a/b/', async () => {
    await withPage(browser, {}, async (page) => {
      const failed = [];
      page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
      await page.goto(`${sub.url}/a/b/`, { waitUntil: 'load' });
      await page.fill('#site-search-q', 'Scotland');
      await Promise.all([page.waitForURL(/\/a\/b\/search\/\?q=Scotland$/), page.press('#site-search-q', 'Enter')]);
      await resultsAnnounced(page);
      const links = await resultLinks(page);
      assert.equal(new URL(links[0]).pathname, `/a/b${SCOTLAND}`, links.join(', '));
      assert.deepEqual(failed, []);
    });
  });
});

describe('an index in shards, under a sub-path', () => {
  // One word of each page is in that page alone; with three records a shard
  // the sixteen pages make eight shards, so most words are only in a shard
  // search.js merges into the first.
  const WORDS = ['aardvark', 'bison', 'cheetah', 'dingo', 'emu', 'ferret', 'gazelle', 'hyena', 'ibex', 'jackal',
    'koala', 'lemur', 'marmot', 'narwhal', 'ocelot', 'pangolin'];
  let dir;
  let sub;
  let out;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dossier-search-shards-'));
    const site = path.join(dir, 'site');
    await mkdir(path.join(site, 'content', 'notes'), { recursive: true });
    await writeFile(path.join(site, 'content', '_index.md'), '---\ntitle: Home\n---\n');
    await writeFile(path.join(site, 'content', 'notes', '_index.md'), '---\ntitle: Notes\n---\n');
    for (const [i, word] of WORDS.entries()) {
      await writeFile(path.join(site, 'content', 'notes', `n${i}.md`),
        `---\ntitle: Note ${i}\ntags: [t${i % 3}]\n---\nA note about the ${word}, among others.\n`);
    }
    const root = path.join(dir, 'root');
    out = path.join(root, 'a', 'b');
    for (let attempt = 0; attempt < 3 && !sub; attempt++) {
      const port = await freePort();
      await rm(root, { recursive: true, force: true });
      await writeFile(path.join(site, 'site.yaml'),
        `title: Shards\nbase_url: http://127.0.0.1:${port}/a/b/\nsearch: true\nsearch_shard_records: 3\n`);
      await run(dossierBin(), ['build', '--root', site, '--output', out]);
      sub = await startPythonServer(root, port).catch(() => null);
    }
    assert.ok(sub, 'no server');
  });
  after(async () => {
    await sub?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the build writes three shards or more', async () => {
    const { shards } = JSON.parse(await readFile(path.join(out, 'pagefind', 'shards.json'), 'utf8'));
    assert.ok(shards.length >= 2, JSON.stringify(shards));
  });

  test('a word of any page is found, whichever shard holds it, with links under /a/b/', async () => {
    await withPage(browser, {}, async (page) => {
      const failed = [];
      page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
      const logs = [];
      page.on('console', (m) => logs.push(m.text()));
      page.on('pageerror', (e) => logs.push(e.message));
      for (const [i, word] of WORDS.entries()) {
        await page.goto(`${sub.url}/a/b/search/?q=${word}`, { waitUntil: 'load' });
        const status = await resultsAnnounced(page);
        const links = (await resultLinks(page)).map((l) => new URL(l).pathname);
        // First: shards without the word answer with Pagefind's longest-prefix
        // fallback ("a" for "aardvark"), ranked far below (docs/search.md).
        assert.equal(links[0], `/a/b/notes/n${i}/`, `${word}: ${status} ${links.join(' ')} ${logs.join(' | ')}`);
      }
      // A word of every page: one list of them all, from every shard.
      await page.goto(`${sub.url}/a/b/search/?q=note`, { waitUntil: 'load' });
      await resultsAnnounced(page);
      await page.click('.search-more__button');
      await page.waitForFunction(() => document.querySelectorAll('#search-results li').length >= 16);
      // The filters are counted over every shard.
      const filters = await page.evaluate(async () => (await import('/a/b/pagefind/pagefind.js')).filters());
      assert.equal(filters.section?.Notes, 16, JSON.stringify(filters));
      assert.equal(filters.tag?.t0, 6, JSON.stringify(filters));
      assert.deepEqual(failed, []);
    });
  });
});
