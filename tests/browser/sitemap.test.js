// sitemap.xml validates against the sitemaps.org 0.9 schema.
//
// The schema is fixtures/sitemap.xsd (the sitemaps.org XSD,
// http://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd; see
// fixtures/README.md for where the copy comes from). The validator is libxml2
// (xmllint) compiled to WebAssembly, from the npm package xmllint-wasm: no
// native build and no network (it is given every file it reads).
//
// Run with the rest of the suite: npm ci --prefix tests/browser && npm test --prefix tests/browser

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { validateXML } from 'xmllint-wasm';

import { TEST_DIR, buildShippedSite, removeBuiltSite } from './helpers.js';

const SCHEMA_FILE = path.join(TEST_DIR, 'fixtures', 'sitemap.xsd');

let outDir;
let schema;

before(async () => {
  ({ outDir } = await buildShippedSite());
  schema = { fileName: 'sitemap.xsd', contents: await readFile(SCHEMA_FILE, 'utf8') };
});

after(async () => {
  await removeBuiltSite();
});

/** Validates `contents` (as `fileName`) against the sitemap schema: { valid, errors: [message] }. */
async function validateSitemap(fileName, contents) {
  const result = await validateXML({ xml: [{ fileName, contents }], schema: [schema] });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const urlset = (urls) => `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NS}">\n${urls}</urlset>\n`;

test('the schema and validator accept a valid sitemap and reject an invalid one', async () => {
  const good = await validateSitemap(
    'good.xml',
    urlset(
      '  <url><loc>https://example.org/</loc></url>\n' +
        '  <url><loc>https://example.org/a/</loc><lastmod>2024-07-05</lastmod></url>\n' +
        '  <url><loc>https://example.org/b/</loc><lastmod>2024-07-05T17:33:30+01:00</lastmod></url>\n',
    ),
  );
  assert.deepEqual(good, { valid: true, errors: [] });

  const bad = await validateSitemap(
    'bad.xml',
    urlset('  <url><loc>https://example.org/</loc><lastmod>July 2024</lastmod></url>\n  <url/>\n'),
  );
  assert.equal(bad.valid, false);
  const all = bad.errors.join('\n');
  const has = (re) => bad.errors.some((e) => re.test(e));
  assert.ok(has(/^bad\.xml:3: .*lastmod.*'July 2024'/), `no error for the lastmod "July 2024":\n${all}`);
  assert.ok(has(/^bad\.xml:4: .*Missing child element.*loc/), `no error for a <url> without <loc>:\n${all}`);
});

test('sitemap.xml validates against the sitemaps.org 0.9 schema', async () => {
  const contents = await readFile(path.join(outDir, 'sitemap.xml'), 'utf8');
  const { valid, errors } = await validateSitemap('sitemap.xml', contents);
  const lines = contents.split('\n');
  // Each error with the line it points at (xmllint's messages carry "sitemap.xml:LINE:").
  const report = errors
    .map((e) => {
      const line = Number(/^sitemap\.xml:(\d+):/.exec(e)?.[1]);
      return line ? `  ${e}\n    ${line}| ${lines[line - 1].trim()}` : `  ${e}`;
    })
    .join('\n');
  assert.equal(errors.length, 0, `sitemap.xml has ${errors.length} schema errors:\n${report}`);
  assert.equal(valid, true, 'xmllint reports sitemap.xml invalid');
});
