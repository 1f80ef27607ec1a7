/**
 * Accessibility in a real browser: axe-core (the exact version pinned in package.json, injected
 * from node_modules, never a CDN) runs on every page of the built client, logged out and then
 * logged in, and on its dialogs and forms while they are open. No violation of impact
 * "serious" or "critical" may be left; the lesser ones are listed in the output.
 *
 * Its server loads the demo data (movies with posters, ratings and reviews; the demo viewer
 * and the demo admin). Its browser bypasses the CSP, which forbids the inline script axe is
 * injected as: csp.test.mjs checks the policy itself on the same pages.
 * Run with `npm run e2e` (builds first). CHROMIUM_PATH overrides the browser.
 */
import assert from 'node:assert/strict';
import { after, describe } from 'node:test';
import { DEMO_ADMIN as ADMIN, DEMO_VIEWER as VIEWER, api, axeViolations, demoSuite, logIn } from './support.mjs';

const BLOCKING = new Set(['serious', 'critical']);

const heading = (name) => (page) => page.getByRole('heading', { name, exact: true }).first().waitFor();
const dialog = (page) => page.getByRole('dialog');

/** Opens a dialog with the button named `opener`, waits for `field` in it, and leaves it open. */
function opensDialog(opener, field) {
  return async (page) => {
    await page.getByRole('button', { name: opener, exact: true }).first().click();
    await dialog(page).getByLabel(field, { exact: true }).waitFor();
  };
}

/** Closes the open dialog with its Cancel button. */
async function cancel(page) {
  await dialog(page).getByRole('button', { name: 'Cancel' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
}

/**
 * Every page of the client: where it is, what shows once it has rendered (logged out, and
 * logged in when that differs), and the states to check besides the page as loaded: each
 * `states` entry brings one about (a dialog, an inline form) and `undo` takes it away.
 */
function pages(movie) {
  return [
    { path: '/', ready: (page) => page.getByTestId('movie-card').first().waitFor() },
    {
      path: `/movies/${movie.id}`,
      ready: (page) => page.getByTestId('review').first().waitFor(),
      states: [
        { name: 'the edit movie dialog', loggedIn: true, open: opensDialog('Edit', 'Name'), undo: cancel },
        {
          name: 'the review being edited',
          loggedIn: true,
          open: async (page) => {
            await page.getByRole('button', { name: /^Edit the review by / }).first().click();
            await page.getByRole('button', { name: 'Save review' }).waitFor();
          },
          undo: (page) => page.getByRole('button', { name: 'Cancel' }).click(),
        },
        {
          name: 'the delete review dialog',
          loggedIn: true,
          open: async (page) => {
            await page.getByRole('button', { name: /^Delete the review by / }).first().click();
            await dialog(page).getByRole('heading', { name: 'Delete review' }).waitFor();
          },
          undo: cancel,
        },
      ],
    },
    { path: '/login', ready: heading('Log in') },
    { path: '/signup', ready: heading('Create an account') },
    {
      path: '/private',
      ready: heading('Log in'),
      readyLoggedIn: heading('My movies'),
      states: [{ name: 'the add movie dialog', loggedIn: true, open: opensDialog('+ Add movie', 'Name'), undo: cancel }],
    },
    {
      path: '/account',
      ready: heading('Log in'),
      readyLoggedIn: heading('Your account'),
      states: [
        {
          name: 'the delete account dialog',
          loggedIn: true,
          open: async (page) => {
            await page.getByRole('button', { name: 'Delete my account' }).click();
            await dialog(page).getByText('This cannot be undone').waitFor();
          },
          undo: cancel,
        },
      ],
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
      states: [{ name: 'the add user dialog', loggedIn: true, open: opensDialog('+ Add user', 'Email'), undo: cancel }],
    },
    {
      path: '/watchlist',
      ready: heading('Log in'),
      readyLoggedIn: (page) => page.getByTestId('movie-card').first().waitFor(),
    },
    { path: '/no-such-page', ready: heading('Page not found') },
  ];
}

describe('accessibility (axe-core) in a real browser: no serious or critical violation on any page', () => {
  let server;
  let browser;
  // A demo movie with the demo viewer's review on it.
  let movie;
  // One line per page and state checked, printed at the end: what axe found there.
  const report = [];
  const step = demoSuite({
    bypassCSP: true,
    started: (suite) => {
      ({ server, browser, movie } = suite);
    },
  });

  after(() => {
    console.log(`axe-core results (impact: rule ids):\n${report.join('\n')}`);
  });

  /** Runs axe on the page as it is and fails on serious or critical violations; `where` names the page and state. */
  async function check(where) {
    await browser.page.waitForLoadState('networkidle');
    // A dialog fading in is still see-through: its colours are only measurable once it stands still.
    await browser.page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    const violations = await axeViolations(browser.page);
    report.push(
      `  ${where}: ${violations.length ? violations.map((v) => `${v.impact}: ${v.id}`).join(', ') : 'no violations'}`,
    );
    const blocking = violations.filter((violation) => BLOCKING.has(violation.impact));
    assert.deepEqual(blocking, [], `${where}: ${JSON.stringify(blocking, null, 2)}`);
  }

  async function checkEveryPage(loggedIn, who) {
    const { page } = browser;
    for (const { path, ready, readyLoggedIn, states = [] } of pages(movie)) {
      await page.goto('about:blank');
      await page.goto(path);
      await ((loggedIn && readyLoggedIn) || ready)(page);
      await check(`${path} (${who})`);
      for (const state of states.filter((s) => s.loggedIn === loggedIn)) {
        await state.open(page);
        await check(`${path} with ${state.name} open (${who})`);
        await state.undo(page);
      }
    }
  }

  step('logged out: every page', async () => {
    await checkEveryPage(false, 'logged out');
  });

  step('logged in as the demo admin (with two movies on the watchlist): every page, its dialogs and forms', async () => {
    await logIn(browser.page, ADMIN);
    const token = await browser.accessToken();
    const demo = (await api(server.baseUrl, 'GET', '/api/movies?per_page=2&sort=name')).body;
    for (const { id } of demo) {
      assert.equal((await api(server.baseUrl, 'PUT', `/api/me/watchlist/${id}`, { token })).status, 204);
    }
    await checkEveryPage(true, 'demo admin');
  });

  step("logged in as the demo viewer: the movie page with one's own rating and review, being edited", async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Logout' }).click();
    await page.waitForURL('**/login');
    await logIn(page, VIEWER);
    await page.goto(`/movies/${movie.id}`);
    await page.getByRole('button', { name: 'Edit your review' }).waitFor();
    await page.getByRole('radio', { name: '9 stars' }).waitFor({ state: 'attached' });
    await check(`/movies/${movie.id} (demo viewer)`);
    await page.getByRole('button', { name: 'Edit your review' }).click();
    await page.getByRole('button', { name: 'Save review' }).waitFor();
    await check(`/movies/${movie.id} with one's own review being edited (demo viewer)`);
  });
});
