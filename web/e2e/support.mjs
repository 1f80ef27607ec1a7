/**
 * What every browser test file in web/e2e shares: a server of its own started
 * like `make run` (`python server.py`, waitress) on a free port (in-memory
 * database, built web/dist served by Flask, emails written to a temporary
 * outbox), a fresh headless Chromium per person, screenshots, a small fetch
 * helper for the API, and the guard that turns a server or browser that cannot
 * start into failed tests rather than skipped ones.
 *
 * Not a test file itself: `node --test` only runs the *.test.mjs files.
 */
import { spawn } from 'node:child_process';
import { access, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

export const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(WEB, '..');
export const DIST = path.join(WEB, 'dist');
export const SHOTS = path.join(REPO, 'artifacts', 'screenshots');
const PYTHON = path.join(REPO, '.venv', 'bin', 'python');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const HEALTH_TIMEOUT_MS = 30_000;
// The answers that carry a browser session's access token: login and refresh.
const TOKEN_PATHS = ['/api/auth/session', '/api/auth/session/refresh'];
export const STEP_TIMEOUT_MS = 15_000;

async function exists(file) {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The environment shared by every server a test starts: its own data, database port, locks and outbox. */
async function serverEnvironment(outbox) {
  return {
    ...process.env,
    // Empty: the public URL, and so the emailed reset links, follow the bound address.
    PUBLIC_URL: '',
    FLASK_CONFIG: 'development',
    // Empty rather than deleted, so a developer's .env cannot point the run at a real database: server.py
    // starts SecantusDB as `make run` does, on a data folder inside this run's temporary folder (removed
    // with it) and a free port.
    MONGODB_URI: '',
    MOVIE_BAG_DATA: path.join(outbox, 'data'),
    // This server's own password hashing and image turns: another server on the machine never makes it wait.
    PASSWORD_HASH_LOCK_DIR: path.join(outbox, 'hashing'),
    IMAGE_WORK_LOCK_DIR: path.join(outbox, 'images'),
    DB_PORT: String(await freePort()),
    // No SMTP: the development config writes each email as a .eml file into MAIL_FILE_PATH.
    MAIL_SERVER: '',
    MAIL_FILE_PATH: outbox,
    PASSWORD_RESET_URL: '',
  };
}

/**
 * Runs `command` (in its own process group, from the repository) with `env` until `baseUrl`'s
 * /api/health answers 200 within `timeoutMs`; answers {baseUrl, outbox, stop, output} where
 * output() is what it printed so far. `outbox` (a temporary folder) goes when it is stopped.
 */
async function spawnServer(command, args, { env, baseUrl, outbox, timeoutMs = HEALTH_TIMEOUT_MS }) {
  const child = spawn(command, args, { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  child.on('error', (error) => keep(`\nspawn error: ${error.message}\n`));

  const stopChild = async () => {
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const done = await Promise.race([exitPromise.then(() => true), sleep(10_000).then(() => false)]);
    if (!done) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exitPromise;
    }
  };
  const stop = async () => {
    await stopChild();
    await rm(outbox, { recursive: true, force: true });
  };
  // If this process dies early, don't leave a server behind.
  process.once('exit', () => {
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`The API server exited (${JSON.stringify(exited)}) before answering:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.status === 200) return { baseUrl, outbox, stop, output: () => output };
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`GET /api/health did not answer 200 within ${timeoutMs / 1000} s:\n${output}`);
}

async function checkBuilt() {
  if (!(await exists(PYTHON))) {
    throw new Error(`Cannot start the API: ${PYTHON} is missing. Install the Python environment first.`);
  }
  if (!(await exists(path.join(DIST, 'index.html')))) {
    throw new Error(`Cannot serve the client: ${DIST}/index.html is missing. Run "npm run build" first.`);
  }
}

/**
 * Starts the API + built client with `python server.py` and waits for /api/health.
 * `demoData` loads the demo accounts and movies (admin@movie-bag.dev / admin-password).
 */
export async function startServer({ demoData = false } = {}) {
  await checkBuilt();
  const port = await freePort();
  const outbox = await mkdtemp(path.join(os.tmpdir(), 'movie-bag-e2e-mail-'));
  const env = {
    ...(await serverEnvironment(outbox)),
    BIND: `127.0.0.1:${port}`,
    DEMO_DATA: demoData ? '1' : '0',
    BCRYPT_LOG_ROUNDS: '4',
    RATELIMIT_ENABLED: '0',
    WEB_DIST: DIST,
  };
  return spawnServer(PYTHON, ['server.py'], { env, baseUrl: `http://127.0.0.1:${port}`, outbox });
}

/**
 * Starts the server as a newcomer does, with `PORT=<port> make run` (the README's way to change the
 * port), and waits for /api/health; output() is what `make run` printed. Nothing a newcomer would not
 * have is set: the development defaults load the demo data into the empty database. Only the data
 * folder, the database's port and the locks are this run's own, and make does not install or build
 * again (`make test` has, and `npm run e2e` has just built the client).
 */
export async function startMakeRun() {
  await checkBuilt();
  const port = await freePort();
  const outbox = await mkdtemp(path.join(os.tmpdir(), 'movie-bag-e2e-make-run-'));
  const env = { ...(await serverEnvironment(outbox)), PORT: String(port) };
  // A newcomer's shell has none of these: not the outer make's, nor the settings other suites pass.
  const unset = ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'BIND', 'HOST', 'DEMO_DATA', 'WEB_DIST', 'RATELIMIT_ENABLED'];
  for (const name of unset) delete env[name];
  const installed = ['.venv/.synced', 'web/node_modules/.installed', 'web/dist/index.html'];
  const args = ['--no-print-directory', ...installed.flatMap((file) => ['-o', file]), 'run'];
  return spawnServer('make', args, { env, baseUrl: `http://127.0.0.1:${port}`, outbox, timeoutMs: 90_000 });
}

/** The demo accounts a `demoData` server has: the viewer added the demo movies; the admin is an admin. */
export const DEMO_VIEWER = { email: 'demo@movie-bag.dev', password: 'demo-password', name: 'Demo Viewer' };
export const DEMO_ADMIN = { email: 'admin@movie-bag.dev', password: 'admin-password', name: 'The Projectionist' };

/** Logs `person` in through /login and waits for /private, with their display name in the navbar. */
export async function logIn(page, person) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/private');
  await page.getByTestId('current-user').filter({ hasText: person.name }).waitFor();
}

/**
 * Declares, inside the caller's describe(), what the demo-data suites share: a server with the
 * demo data, one Chromium on it (`bypassCSP` to inject axe) and the demo movie "Parasite" (a
 * poster, cast, directors, genres, ratings and the demo viewer's review), started before the
 * tests and handed to `started({server, browser, movie})` (which may prepare more), checked by a
 * first test, and closed after the tests. Answers the suite's `step` (see setupGuard).
 */
export function demoSuite({ bypassCSP = false, started }) {
  const guard = setupGuard();
  let suite = {};
  before(() =>
    guard.setup(async () => {
      suite.server = await startServer({ demoData: true });
      suite.browser = await openBrowser(suite.server.baseUrl, { bypassCSP });
      [suite.movie] = (await api(suite.server.baseUrl, 'GET', '/api/movies?q=Parasite')).body;
      await started(suite);
    }),
  );
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
    suite = {};
  });
  it('starts the API server (with the demo data) and headless Chromium', () => {
    guard.check();
    assert.ok(suite.server && suite.browser && suite.movie);
  });
  return guard.step;
}

/** The newest email the server wrote to its outbox for `email` (its To: header), as text; null if none yet. */
export async function newestEmailTo(server, email) {
  // The outbox names its files by the UTC time they were written: the last name is the newest.
  const names = (await readdir(server.outbox)).filter((name) => name.endsWith('.eml')).sort().reverse();
  for (const name of names) {
    const text = await readFile(path.join(server.outbox, name), 'utf8');
    const headers = text.slice(0, text.search(/\r?\n\r?\n/)).split(/\r?\n/);
    const to = headers.find((line) => /^to:/i.test(line));
    if (to && to.slice(3).trim().toLowerCase() === email.toLowerCase()) return text;
  }
  return null;
}

/**
 * A fresh Chromium with its own temporary profile: one per person. `bypassCSP` lets a test
 * inject its own tools (axe-core) into pages whose policy forbids inline scripts; csp.test.mjs
 * never sets it.
 */
export async function openBrowser(baseURL, { bypassCSP = false } = {}) {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'movie-bag-e2e-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      baseURL,
      viewport: { width: 1280, height: 800 },
      timeout: 30_000,
      bypassCSP,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw new Error(`Cannot start Chromium at ${CHROMIUM}: ${error.message}`);
  }
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = context.pages()[0] || (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // The access tokens the API handed the page (its login and refresh answers), newest last.
  const accessTokens = [];
  page.on('response', (response) => {
    const { pathname } = new URL(response.url());
    if (response.request().method() === 'POST' && TOKEN_PATHS.includes(pathname) && response.status() === 200) {
      accessTokens.push(response.json().then((body) => body.access_token, () => null));
    }
  });
  return {
    context,
    page,
    pageErrors,
    /** The newest access token the page was given: it lives in the page's memory only, so it is read off the wire. */
    async accessToken() {
      return accessTokens.at(-1) ?? null;
    },
    /** The browser's cookie named `name` (HttpOnly ones included, whatever their path), or undefined. */
    async cookie(name) {
      return (await context.cookies()).find((cookie) => cookie.name === name);
    },
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A full-page screenshot into SHOTS; `options` go to page.screenshot (e.g. a `clip` of the page). */
export async function screenshot(page, name, options = {}) {
  // Park the pointer so no link is caught mid-hover.
  await page.mouse.move(1, page.viewportSize().height - 1);
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true, ...options });
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Runs axe-core (from node_modules, never a CDN) on the page as it is now; answers its
 * violations as [{id, impact, help, targets}]. The page's browser needs `bypassCSP`.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return violations.map(({ id, impact, help, nodes }) => ({
    id,
    impact,
    help,
    targets: nodes.map((node) => node.target.join(' ')),
  }));
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A `width` x `height` PNG, top to bottom from colour `from` to colour `to` ([r, g, b]), made here. */
export function makePng(width, height, from, to = from) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framed = Buffer.alloc(body.length + 8);
    framed.writeUInt32BE(data.length, 0);
    body.copy(framed, 4);
    framed.writeUInt32BE(crc32(body), body.length + 4);
    return framed;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const t = height > 1 ? y / (height - 1) : 0;
    const rgb = from.map((value, i) => Math.round(value + (to[i] - value) * t));
    rows.push(Buffer.from([0, ...Array.from({ length: width }, () => rgb).flat()]));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function api(baseUrl, method, urlPath, { token, body, headers = {} } = {}) {
  const response = await fetch(`${baseUrl}${urlPath}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/**
 * Setup errors are reported by the tests instead of failing a hook:
 * node --test counts tests behind a failed hook as "cancelled", not failed.
 *
 * Call `guard.setup(fn)` from `before`, `guard.check()` in a first test that
 * rethrows the setup error in full, and declare the rest with `guard.step`.
 */
export function setupGuard() {
  let setupError = null;
  return {
    async setup(fn) {
      try {
        await fn();
      } catch (error) {
        setupError = error;
      }
    },
    check() {
      if (setupError) throw setupError;
    },
    /** A test that fails, never skips, when the server or the browser did not start. */
    step(name, fn) {
      it(name, async () => {
        if (setupError) throw new Error(`Not run: the server or Chromium did not start (${setupError.message.split('\n')[0]})`);
        await fn();
      });
    },
  };
}
