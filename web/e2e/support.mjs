/**
 * What every browser test file in web/e2e shares: a gunicorn server of its own
 * on a free port (in-memory database, built web/dist served by Flask), a fresh
 * headless Chromium per person, screenshots, a small fetch helper for the API,
 * and the guard that turns a server or browser that cannot start into failed
 * tests rather than skipped ones.
 *
 * Not a test file itself: `node --test` only runs the *.test.mjs files.
 */
import { spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(WEB, '..');
export const DIST = path.join(WEB, 'dist');
export const SHOTS = path.join(REPO, 'artifacts', 'screenshots');
const GUNICORN = path.join(REPO, '.venv', 'bin', 'gunicorn');
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

/** Starts the API + built client with gunicorn and waits for /api/health. */
export async function startServer() {
  if (!(await exists(GUNICORN))) {
    throw new Error(`Cannot start the API: ${GUNICORN} is missing. Install the Python environment first.`);
  }
  if (!(await exists(path.join(DIST, 'index.html')))) {
    throw new Error(`Cannot serve the client: ${DIST}/index.html is missing. Run "npm run build" first.`);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    // Reset emails link back to this very server.
    PUBLIC_URL: baseUrl,
    FLASK_CONFIG: 'development',
    // Empty rather than deleted, so a developer's .env cannot point the run at a real database.
    MONGODB_URI: '',
    DEMO_DATA: '0',
    BCRYPT_LOG_ROUNDS: '4',
    RATELIMIT_ENABLED: '0',
    // No SMTP: the development config writes emails to the log, where the reset test reads its link.
    MAIL_SERVER: '',
    PASSWORD_RESET_URL: '',
    WEB_DIST: DIST,
  };
  const child = spawn(
    GUNICORN,
    ['--chdir', REPO, '--bind', `127.0.0.1:${port}`, '--workers', '1', '--threads', '4', 'app:app'],
    { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
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

  const stop = async () => {
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

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`The API server exited (${JSON.stringify(exited)}) before answering:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.status === 200) return { baseUrl, stop, output: () => output };
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`GET /api/health did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s:\n${output}`);
}

/** A fresh Chromium with its own temporary profile: one per person. */
export async function openBrowser(baseURL) {
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
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw new Error(`Cannot start Chromium at ${CHROMIUM}: ${error.message}`);
  }
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = context.pages()[0] || (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    pageErrors,
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
