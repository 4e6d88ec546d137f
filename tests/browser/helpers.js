// Shared helpers for dossier's browser tests: the dossier binary, one build of
// the shipped site per test process, a tiny static file server, Chromium, and
// `dossier serve` as a child process. Everything started here has a matching
// stop function, and leftover child processes are killed when the process exits.

import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { HtmlValidate } from 'html-validate';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const TEST_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(TEST_DIR, '..', '..');
/** The site under test: the shipped site at the repository root unless $DOSSIER_SITE_ROOT names another. */
export const SITE_ROOT = path.resolve(process.env.DOSSIER_SITE_ROOT || REPO_ROOT);
export const SCREENSHOT_DIR = path.join(TEST_DIR, 'screenshots');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The axe-core source, injected into pages with page.addScriptTag. */
export const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// ---------------------------------------------------------------------------
// Child processes: killed on exit even if a test forgot (or crashed first).

const children = new Set();
process.on('exit', () => {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

// ---------------------------------------------------------------------------
// The dossier binary.

let binaryPath;

/** Path to the dossier binary: $DOSSIER_BIN, or target/debug/dossier (built with `cargo build` if missing). */
export function dossierBin() {
  if (binaryPath) return binaryPath;
  const bin = path.resolve(TEST_DIR, process.env.DOSSIER_BIN || '../../target/debug/dossier');
  if (!existsSync(bin)) {
    if (process.env.DOSSIER_BIN) throw new Error(`DOSSIER_BIN=${process.env.DOSSIER_BIN} does not exist`);
    const built = spawnSync('cargo', ['build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (built.status !== 0 || !existsSync(bin)) {
      throw new Error(`cargo build failed (status ${built.status}); ${bin} is missing`);
    }
  }
  binaryPath = bin;
  return bin;
}

/** Runs bin with args to completion: resolves { stdout, stderr }, rejects on a non-zero exit. */
export function run(bin, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => {
      children.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${bin} ${args.join(' ')} exited with ${code ?? signal}\n${stdout}\n${stderr}`));
    });
  });
}

// ---------------------------------------------------------------------------
// The shipped site, built once per test process.

let built;

/**
 * Builds the shipped site (SITE_ROOT) into a fresh temporary folder,
 * once per process. Returns { dir, outDir }; remove it with removeBuiltSite().
 */
export function buildShippedSite() {
  if (!built) {
    built = (async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'dossier-browser-'));
      const outDir = path.join(dir, 'site');
      await run(dossierBin(), ['build', '--root', SITE_ROOT, '--output', outDir]);
      return { dir, outDir };
    })();
  }
  return built;
}

export async function removeBuiltSite() {
  if (!built) return;
  const b = built;
  built = undefined;
  try {
    const { dir } = await b;
    await rm(dir, { recursive: true, force: true });
  } catch {
    /* the build failed: nothing to remove */
  }
}

/** Every *.html file under dir, as sorted paths relative to dir (with forward slashes). */
export async function htmlFiles(dir) {
  const found = [];
  async function walk(sub) {
    for (const entry of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(rel);
      else if (entry.isFile() && entry.name.endsWith('.html')) found.push(rel);
    }
  }
  await walk('');
  return found.sort();
}

/** The URL path a built file is served at: index.html -> /, a/b/index.html -> /a/b/, 404.html -> /404.html. */
export function urlPathOf(relFile) {
  if (relFile === 'index.html') return '/';
  if (relFile.endsWith('/index.html')) return `/${relFile.slice(0, -'index.html'.length)}`;
  return `/${relFile}`;
}

// ---------------------------------------------------------------------------
// A tiny static server for the built site.

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

async function fileAt(p) {
  try {
    return await stat(p);
  } catch {
    return null;
  }
}

/**
 * Serves the files of `root` on 127.0.0.1 (an ephemeral port): directories
 * serve their index.html, a directory without its trailing slash redirects,
 * and misses get 404.html with status 404. Returns { url, close }.
 */
export async function startStaticServer(root) {
  const server = createServer(async (req, res) => {
    try {
      let pathname;
      try {
        pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      } catch {
        res.writeHead(400).end('bad path');
        return;
      }
      if (pathname.includes('\0') || pathname.split('/').includes('..')) {
        res.writeHead(400).end('bad path');
        return;
      }
      let file = path.join(root, pathname);
      let info = await fileAt(file);
      if (info?.isDirectory()) {
        if (!pathname.endsWith('/')) {
          const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
          res.writeHead(301, { Location: `${pathname}/${query}` }).end();
          return;
        }
        file = path.join(file, 'index.html');
        info = await fileAt(file);
      }
      let status = 200;
      if (!info?.isFile()) {
        status = 404;
        file = path.join(root, '404.html');
        info = await fileAt(file);
        if (!info?.isFile()) {
          res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
          return;
        }
      }
      res.writeHead(status, {
        'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------
// Python's http.server: a real static server, as a host would serve the files.

/** A TCP port free on 127.0.0.1 right now (the OS picks it; another process could take it before we do). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `python3 -m http.server PORT --bind 127.0.0.1 --directory ROOT` and waits
 * until it answers. Returns { url, output(), stop() }; stop() sends SIGTERM to that
 * process (SIGKILL after 5 s).
 */
export async function startPythonServer(root, port, { timeoutMs = 10_000 } = {}) {
  const child = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let log = '';
  let exit = null;
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const closed = new Promise((resolve) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      exit = code ?? signal;
      resolve();
    }),
  );
  child.on('error', (e) => (log += `\n${e}`));

  async function stop() {
    if (exit !== null) return;
    child.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 5_000, 'timeout')));
    if ((await Promise.race([closed, timeout])) === 'timeout') child.kill('SIGKILL');
    clearTimeout(timer);
    await closed;
  }

  const url = `http://127.0.0.1:${port}`;
  const up = await waitFor(
    async () => {
      if (exit !== null) return 'exited';
      try {
        await (await fetch(`${url}/`, { redirect: 'manual' })).arrayBuffer();
        return 'up';
      } catch {
        return null;
      }
    },
    { timeoutMs, intervalMs: 100 },
  );
  if (up !== 'up') {
    await stop();
    throw new Error(`python3 -m http.server ${port} did not start (${up ?? 'timeout'}):\n${log}`);
  }
  return { url, output: () => log, stop };
}

// ---------------------------------------------------------------------------
// Chromium.

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Runs fn(page, context) in a new browser context, closing the context afterwards even on failure. */
export async function withPage(browser, contextOptions, fn) {
  const context = await browser.newContext(contextOptions);
  try {
    const page = await context.newPage();
    // Fail in seconds, not Playwright's default 30 s: the suite has a ~3 minute budget.
    page.setDefaultTimeout(10_000);
    return await fn(page, context);
  } finally {
    await context.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------
// axe-core and html-validate, as every test file runs them.

/** The axe rule tags checked: WCAG 2.0/2.1 A and AA. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Rules run as well as the WCAG ones, though axe tags them only "best-practice":
// empty-table-header: every <th> has text a screen reader can announce (a
// table whose corner header cell is empty should use row headers instead).
export const AXE_EXTRA_RULES = ['empty-table-header'];

/** Runs axe on the page's document: { violations, ran } (ran: the ids of every rule axe ran). */
export async function runAxe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(
    async ({ tags, extraRules }) => {
      const results = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        rules: Object.fromEntries(extraRules.map((id) => [id, { enabled: true }])),
      });
      const ran = [results.passes, results.violations, results.incomplete, results.inapplicable]
        .flat()
        .map((r) => r.id);
      return {
        ran,
        violations: results.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
        })),
      };
    },
    { tags: AXE_TAGS, extraRules: AXE_EXTRA_RULES },
  );
}

/** axe violations as readable text, one block per rule with each failing node. */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const summary = (n.failureSummary || '').replace(/\s+/g, ' ').trim();
          return `    - ${n.target.join(' ')}\n      ${n.html.slice(0, 200)}\n      ${summary}`;
        })
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
}

/** html-validate with the suite's configuration (the recommended rules, less the ones explained here). */
export function htmlValidator() {
  return new HtmlValidate({
    extends: ['html-validate:recommended'],
    rules: {
      // Purely stylistic: `<!doctype html>` in lower case is valid HTML
      // (the doctype is case-insensitive).
      'doctype-style': 'off',
      // Purely stylistic: whitespace at the end of a line left by the
      // templates changes nothing in the document.
      'no-trailing-whitespace': 'off',
      // An SEO/style recommendation, not an error: "<page> | <site title>"
      // titles run past 70 characters because the site title is long.
      'long-title': 'off',
      // role="list" on <ul>/<ol> is deliberate: WebKit/VoiceOver drops the
      // list semantics of lists styled with `list-style: none` unless the
      // role is given. Only the "list" role is exempted; every other
      // redundant role, and every other native-element preference, is
      // still reported.
      'no-redundant-role': ['error', { exclude: ['list'] }],
      'prefer-native-element': ['error', { exclude: ['list'] }],
    },
  });
}

/** html-validate's messages as readable lines, each prefixed with `file`. */
export function formatHtmlValidate(file, report) {
  return report.results
    .flatMap((r) => r.messages)
    .map((m) => `  ${file}:${m.line}:${m.column} ${m.ruleId}: ${m.message}${m.selector ? ` (${m.selector})` : ''}`)
    .join('\n');
}

// ---------------------------------------------------------------------------
// `dossier serve` on a copy of the shipped site.

/** Copies the shipped site's sources (site.yaml, content/, themes/) into a new temporary folder. */
export async function copyShippedSite() {
  const dir = await mkdtemp(path.join(tmpdir(), 'dossier-serve-src-'));
  await cp(path.join(SITE_ROOT, 'site.yaml'), path.join(dir, 'site.yaml'));
  for (const sub of ['content', 'themes']) {
    await cp(path.join(SITE_ROOT, sub), path.join(dir, sub), { recursive: true });
  }
  return dir;
}

/**
 * Starts `dossier serve --root ROOT --port 0` and waits for its "serving ... at URL" line.
 * Returns { url, output(), stop() }; stop() sends SIGINT (so dossier removes its
 * temporary output) and falls back to SIGKILL.
 */
export function startDossierServe(root, { timeoutMs = 30_000 } = {}) {
  const child = spawn(dossierBin(), ['serve', '--root', root, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let log = '';
  let exited = false;
  const closed = new Promise((resolve) =>
    child.on('close', (code, signal) => {
      exited = true;
      children.delete(child);
      resolve({ code, signal });
    }),
  );

  async function stop() {
    if (exited) return closed;
    child.kill('SIGINT');
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 5_000, 'timeout')));
    const first = await Promise.race([closed, timeout]);
    clearTimeout(timer);
    if (first === 'timeout') child.kill('SIGKILL');
    return closed;
  }

  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`dossier serve printed no "serving ... at URL" line within ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    const onData = (chunk) => {
      log += chunk;
      const m = /^serving .* at (http:\/\/127\.0\.0\.1:\d+)\/ \(Ctrl-C to stop\)$/m.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (log += chunk));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    closed.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`dossier serve exited (${code ?? signal}) before serving:\n${log}`));
    });
  });

  return {
    ready: ready.then((url) => ({ url })),
    output: () => log,
    stop,
  };
}

// ---------------------------------------------------------------------------
// Small utilities.

/** Polls fn() until it returns a truthy value or timeoutMs passes; returns the last value. */
export async function waitFor(fn, { timeoutMs = 10_000, intervalMs = 100 } = {}) {
  const end = Date.now() + timeoutMs;
  let value;
  for (;;) {
    value = await fn();
    if (value || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(buffer) {
  const signature = '89504e470d0a1a0a';
  if (buffer.length < 24 || buffer.subarray(0, 8).toString('hex') !== signature) {
    throw new Error('not a PNG file');
  }
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}
