/**
 * The server's Content-Security-Policy in a real browser: every page of the
 * built client, logged out and then logged in as the demo admin, and Swagger UI
 * at /api/docs, run without a single violation of it.
 *
 * A violation shows three ways, and each is checked on every page: a
 * `securitypolicyviolation` event (recorded into the page by an init script),
 * a console message, and, when a blocked script breaks the page, a page error.
 *
 * Server and browser start-up are shared with e2e.test.mjs (./support.mjs); this
 * server loads the demo data for its admin account and movies.
 * Run with `npm run e2e` (builds first). CHROMIUM_PATH overrides the browser.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { describe } from 'node:test';
import { DEMO_ADMIN as ADMIN, SHOTS, api, demoSuite, logIn, screenshot } from './support.mjs';

const POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; " +
  "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
  "form-action 'self'; frame-ancestors 'none'";

/** Runs in every document before its own scripts: keeps each CSP violation event in window.cspViolations. */
function recordViolations() {
  window.cspViolations = [];
  document.addEventListener(
    'securitypolicyviolation',
    (event) => {
      const where = event.sourceFile ? ` at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}` : '';
      window.cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'an inline resource'}${where}: ${event.sample}`,
      );
    },
    true,
  );
}

const heading = (name) => (page) => page.getByRole('heading', { name, exact: true }).first().waitFor();

/**
 * Every page of the client and Swagger UI: where it is, what shows once it has rendered
 * logged out, and logged in when that differs; `use` then works its dialogs and menus.
 */
function pages(movie) {
  return [
    { path: '/', ready: heading('Movie catalogue') },
    {
      path: `/movies/${movie.id}`,
      ready: async (page) => {
        await heading(movie.name)(page);
        await page.getByTestId('review').first().waitFor();
      },
      use: async (page, loggedIn) => {
        if (!loggedIn) return;
        await page.getByRole('button', { name: 'Edit', exact: true }).click();
        await page.getByRole('dialog').getByLabel('Name').waitFor();
        await page.getByRole('dialog').getByLabel('Upload a new poster').waitFor();
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
        await page.getByRole('dialog').waitFor({ state: 'hidden' });
        // The rating, the watchlist toggle and a review being edited.
        await page.getByRole('group', { name: 'Your rating' }).waitFor();
        await page.getByRole('button', { name: 'Watchlist', exact: true }).waitFor();
        await page.getByRole('button', { name: /^Edit the review by / }).first().click();
        await page.getByRole('button', { name: 'Save review' }).waitFor();
      },
    },
    { path: '/login', ready: heading('Log in') },
    { path: '/signup', ready: heading('Create an account') },
    {
      path: '/private',
      ready: heading('Log in'),
      readyLoggedIn: heading('My movies'),
      use: async (page, loggedIn) => {
        if (!loggedIn) return;
        await page.getByRole('button', { name: '+ Add movie' }).click();
        await page.getByRole('dialog').getByLabel('Name').waitFor();
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      },
    },
    {
      path: '/account',
      ready: heading('Log in'),
      readyLoggedIn: heading('Your account'),
      use: async (page, loggedIn) => {
        if (!loggedIn) return;
        await page.getByRole('button', { name: 'Delete my account' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      },
    },
    { path: '/forgot-password', ready: heading('Reset your password') },
    { path: '/reset-password', ready: (page) => page.getByTestId('reset-token-problem').waitFor() },
    {
      path: '/reset-password#token=not-a-real-token',
      ready: (page) => page.getByLabel('New password', { exact: true }).waitFor(),
    },
    {
      path: '/admin/users',
      ready: heading('Log in'),
      readyLoggedIn: (page) => page.getByTestId('user-row').first().waitFor(),
      use: async (page, loggedIn) => {
        if (!loggedIn) return;
        await screenshot(page, 'admin-users.png');
        await page.getByRole('button', { name: '+ Add user' }).click();
        await page.getByRole('dialog').getByLabel('Email').waitFor();
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      },
    },
    {
      path: '/watchlist',
      ready: heading('Log in'),
      readyLoggedIn: heading('My watchlist'),
    },
    { path: '/no-such-page', ready: heading('Page not found') },
    {
      path: '/api/docs',
      // Swagger UI renders the operations of /api/openapi.json; open one of them.
      ready: (page) => page.locator('.opblock').first().waitFor(),
      use: async (page) => {
        assert.ok((await page.locator('.opblock').count()) > 10, 'Swagger UI shows the operations');
        await page.locator('#operations-Auth-getMe .opblock-summary-control').click();
        await page.locator('#operations-Auth-getMe .try-out__btn').waitFor();
      },
    },
  ];
}

describe('the Content-Security-Policy in a real browser: no violation on any page', () => {
  let server;
  let browser;
  // A demo movie with a poster, ratings and a review (by the demo viewer) on it.
  let movie;
  const consoleMessages = [];
  const step = demoSuite({
    started: async (suite) => {
      ({ server, browser, movie } = suite);
      await mkdir(SHOTS, { recursive: true });
      await browser.context.addInitScript(recordViolations);
      browser.page.on('console', (message) => {
        const type = message.type();
        if (type === 'error' || type === 'warning') consoleMessages.push(`${type}: ${message.text()}`);
      });
    },
  });

  /** Loads `path` afresh, waits for it to render and be used, and answers what went wrong there. */
  async function visit({ path, ready, readyLoggedIn, use }, loggedIn) {
    const { page, pageErrors } = browser;
    consoleMessages.length = 0;
    pageErrors.length = 0;
    // From a blank page, so that each visit is a page load of its own (a link that differs in
    // its fragment alone would otherwise stay in the same document).
    await page.goto('about:blank');
    const response = await page.goto(path);
    assert.equal(response.headers()['content-security-policy'], POLICY, `${path} is served with the policy`);
    await ((loggedIn && readyLoggedIn) || ready)(page);
    if (use) await use(page, loggedIn);
    // Let late requests (and their reports) settle before reading what happened.
    await page.waitForLoadState('networkidle');
    return {
      violations: await page.evaluate(() => window.cspViolations),
      console: [...consoleMessages],
      pageErrors: [...pageErrors],
    };
  }

  step('would notice a violation: an inline <style> and a style attribute show as events and console errors', async () => {
    const { page } = browser;
    await page.goto('/');
    consoleMessages.length = 0;
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { color: red; }';
      document.head.append(style);
      document.body.insertAdjacentHTML('beforeend', '<p style="color: red">inline</p>');
    });
    await page.waitForFunction(() => window.cspViolations.length === 2);
    const violations = await page.evaluate(() => window.cspViolations);
    assert.deepEqual(violations.map((text) => text.split(' ')[0]), ['style-src-elem', 'style-src-attr']);
    assert.equal(consoleMessages.filter((text) => /Content Security Policy/.test(text)).length, 2);
  });

  step('logged out: every page renders with no CSP violation, console error or page error', async () => {
    for (const target of pages(movie)) {
      assert.deepEqual(await visit(target, false), { violations: [], console: [], pageErrors: [] }, target.path);
    }
  });

  step('logs in as the demo admin', async () => {
    const { page } = browser;
    await logIn(page, ADMIN);
    // Chromium logs any failed load as a console error, an API's 404 included: the movie page's
    // GET /api/me/watchlist/{id} answers 404 for a movie off the watchlist, so the movie goes on it
    // (then 204), as the demo admin's rating of it spares GET .../rating its 404 (not rated). Every
    // console message still counts.
    const token = await browser.accessToken();
    assert.equal((await api(server.baseUrl, 'PUT', `/api/me/watchlist/${movie.id}`, { token })).status, 204);
  });

  step('logged in: every page renders with no CSP violation, console error or page error', async () => {
    for (const target of pages(movie)) {
      assert.deepEqual(await visit(target, true), { violations: [], console: [], pageErrors: [] }, target.path);
      if (!target.path.startsWith('/api/')) {
        // Each page load resumed the session from its cookie.
        await browser.page.getByTestId('current-user').filter({ hasText: ADMIN.name }).waitFor();
      }
    }
  });
});
