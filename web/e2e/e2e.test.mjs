/**
 * End-to-end check of the built client against a live movie-bag API.
 *
 * Starts the server like `make run` (`python server.py`) on a free port
 * (in-memory database, built web/dist served by Flask), drives headless
 * Chromium through playwright-core, and stops the server at the end.
 * Anything that cannot start fails the run: a skipped e2e would look green
 * while proving nothing.
 *
 * Run with `npm run e2e` (builds first). CHROMIUM_PATH overrides the browser.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import {
  SHOTS,
  STEP_TIMEOUT_MS,
  api,
  newestEmailTo,
  openBrowser,
  screenshot,
  setupGuard,
  sleep,
  startServer,
} from './support.mjs';

// Unique per run, so a reused database never collides with an earlier run.
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const OWNER = { email: `owner-${RUN}@example.com`, password: 'correct horse battery', name: `Owner ${RUN}` };
const STRANGER = { email: `stranger-${RUN}@example.com`, password: 'another good password', name: `Stranger ${RUN}` };
// New passwords chosen during the run: one through /account, one through a reset link.
const STRANGER_NEW_PASSWORD = 'a changed but good password';
const OWNER_RESET_PASSWORD = 'reset horse battery staple';
const MOVIE = `E2E Heat ${RUN}`;
const EDITED = `E2E Heat ${RUN} (director's cut)`;

async function signUpAndLogIn(page, person) {
  await page.goto('/signup');
  await page.getByLabel('Display name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/login');
  await page.getByText('Your account is ready').waitFor();
  assert.equal(await page.getByLabel('Email').inputValue(), person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/private');
  await page.getByRole('heading', { name: 'My movies' }).waitFor();
}

async function logIn(page, person, password = person.password) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** The reset link of the newest email the server "sent" (wrote to its outbox) to `email`. */
async function resetLinkFor(server, email) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  // The email is sent from a background thread: give it a moment to reach the outbox.
  while (Date.now() < deadline) {
    const match = (await newestEmailTo(server, email))?.match(/(https?:\/\/\S+\/reset-password#token=[\w-]+)/);
    if (match) return match[1];
    await sleep(100);
  }
  throw new Error(`No reset email to ${email} in ${server.outbox}:\n${server.output().slice(-3000)}`);
}

/** Every key and value of the page's sessionStorage and localStorage, as [store, key, value]. */
function webStorage(page) {
  return page.evaluate(() =>
    ['sessionStorage', 'localStorage'].flatMap((store) =>
      Object.entries(window[store]).map(([key, value]) => [store, key, value]),
    ),
  );
}

describe('movie-bag in a real browser against a live API', () => {
  let server;
  let owner;
  let stranger;
  let movieId;
  let ownerToken;

  const guard = setupGuard();
  const step = guard.step;

  before(() =>
    guard.setup(async () => {
      await mkdir(SHOTS, { recursive: true });
      server = await startServer();
      owner = await openBrowser(server.baseUrl);
    }),
  );

  it('starts the API server and headless Chromium', () => {
    guard.check();
    assert.ok(server && owner);
  });

  after(async () => {
    await owner?.close();
    await stranger?.close();
    await server?.stop();
  });

  step('serves the client from Flask, with client-side routes falling back to index.html', async () => {
    for (const route of ['/', '/login', '/private', '/movies/000000000000000000000000']) {
      const response = await fetch(`${server.baseUrl}${route}`);
      assert.equal(response.status, 200, `GET ${route}`);
      assert.match(await response.text(), /<div id="root">/, `GET ${route} is the SPA`);
    }
  });

  step('signs up, logs in and lands on /private', async () => {
    const { page } = owner;
    await signUpAndLogIn(page, OWNER);
    // The navbar names the person as they asked at signup, never by their email.
    assert.equal(await page.getByTestId('current-user').innerText(), OWNER.name);
    ownerToken = await owner.accessToken();
    assert.equal(typeof ownerToken, 'string', 'POST /api/auth/session answered an access token');
    await page.getByText("You haven't added any movies yet.").waitFor();
  });

  step('stays logged in across a reload, with no token in web storage and the refresh cookie out of reach', async () => {
    const { page } = owner;
    const refreshed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/session/refresh');
    await page.reload();
    assert.equal((await refreshed).status(), 200, 'the reload resumed the session from its cookie');
    await page.getByRole('heading', { name: 'My movies' }).waitFor();
    await page.getByTestId('current-user').filter({ hasText: OWNER.name }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/private');

    ownerToken = await owner.accessToken();
    const me = await api(server.baseUrl, 'GET', '/api/auth/me', { token: ownerToken });
    assert.equal(me.status, 200, 'the access token the reload got works');
    for (const [store, key, value] of await webStorage(page)) {
      for (const text of [key, value]) {
        assert.ok(!text.includes(ownerToken) && !text.includes('eyJ'), `${store} holds a token under ${key}`);
      }
    }
    const cookies = await page.evaluate(() => document.cookie);
    assert.doesNotMatch(cookies, /movie_bag_refresh/, 'scripts can read the refresh cookie');
    assert.match(cookies, /movie_bag_csrf=/, 'the readable CSRF cookie was set (a Secure cookie on http://127.0.0.1)');
    const refresh = await owner.cookie('movie_bag_refresh');
    assert.ok(refresh, 'the browser holds the refresh cookie');
    assert.deepEqual(
      { httpOnly: refresh.httpOnly, secure: refresh.secure, sameSite: refresh.sameSite, path: refresh.path },
      { httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/auth/session' },
    );
  });

  step('adds a movie', async () => {
    const { page } = owner;
    await page.getByRole('button', { name: '+ Add movie' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill(MOVIE);
    await dialog.getByLabel('Cast').fill('Al Pacino, Robert De Niro');
    await dialog.getByLabel('Genres').fill('Crime');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('notice').filter({ hasText: `Added “${MOVIE}”.` }).waitFor();
    await page.getByRole('link', { name: MOVIE, exact: true }).waitFor();
  });

  step('edits it', async () => {
    const { page } = owner;
    await page.getByRole('button', { name: `Edit ${MOVIE}`, exact: true }).click();
    const dialog = page.getByRole('dialog');
    assert.equal(await dialog.getByLabel('Cast').inputValue(), 'Al Pacino, Robert De Niro');
    await dialog.getByLabel('Name').fill(EDITED);
    await dialog.getByLabel('Genres').fill('Crime, Thriller');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('notice').filter({ hasText: `Saved “${EDITED}”.` }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('link', { name: EDITED, exact: true }).waitFor();
    assert.equal(await page.getByRole('link', { name: MOVIE, exact: true }).count(), 0);
  });

  step('explains a stale edit (412 on If-Match) and reloads the latest version', async () => {
    const { page } = owner;
    await page.getByRole('button', { name: `Edit ${EDITED}`, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').waitFor();
    // Someone else's change lands while the dialog is open.
    const id = (await page.getByRole('link', { name: EDITED, exact: true }).getAttribute('href')).split('/').pop();
    const sneaky = await api(server.baseUrl, 'PATCH', `/api/movies/${id}`, {
      token: ownerToken,
      body: { casts: ['Al Pacino', 'Robert De Niro', 'Val Kilmer'] },
    });
    assert.equal(sneaky.status, 200, JSON.stringify(sneaky.body));
    await dialog.getByLabel('Cast').fill('Al Pacino');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Someone changed this movie meanwhile').waitFor();
    await dialog.getByRole('button', { name: 'Reload movie' }).click();
    await page.waitForFunction(
      () => document.querySelector('#movie-casts')?.value === 'Al Pacino, Robert De Niro, Val Kilmer',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  step('pages through the public catalogue with the API headers', async () => {
    // Enough extra movies of this run for a second page (24 per page).
    const extras = [];
    for (let i = 1; i <= 24; i += 1) {
      const created = await api(server.baseUrl, 'POST', '/api/movies', {
        token: ownerToken,
        body: { name: `E2E Extra ${RUN} #${String(i).padStart(2, '0')}`, casts: [`Actor ${i}`], genres: [i % 2 ? 'Drama' : 'Comedy'] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      extras.push(created.body.id);
    }
    const { page } = owner;
    await page.goto('/');
    await page.getByLabel('Search').fill(RUN);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(`**/?q=${RUN}`);
    await page.getByTestId('result-count').filter({ hasText: 'Showing 1–24 of 25' }).waitFor();
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/page=2/);
    await page.getByTestId('result-count').filter({ hasText: 'Showing 25–25 of 25' }).waitFor();
    // Gone again, so the owner's first movie stays on the first page of /private (20 a page).
    for (const id of extras) {
      assert.equal((await api(server.baseUrl, 'DELETE', `/api/movies/${id}`, { token: ownerToken })).status, 204);
    }

    await page.goto('/');
    await page.getByTestId('movie-card').first().waitFor();
    await screenshot(page, 'catalogue.png');
  });

  step('shows the edited movie in the public catalogue and on its page', async () => {
    const { page } = owner;
    await page.goto(`/?q=${encodeURIComponent("director's cut")}&genre=Thriller`);
    const card = page.getByTestId('movie-card').filter({ hasText: EDITED });
    await card.waitFor();
    await card.getByRole('link', { name: EDITED }).click();
    await page.waitForURL('**/movies/*');
    movieId = new URL(page.url()).pathname.split('/').pop();
    await page.getByRole('heading', { name: EDITED }).waitFor();
    await page.getByText('Thriller').waitFor();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).waitFor();
    await screenshot(page, 'movie.png');

    await page.goto('/private');
    await page.getByRole('link', { name: EDITED, exact: true }).waitFor();
    await screenshot(page, 'dashboard.png');
  });

  step('shows no Edit or Delete to a second user, and the API refuses his PATCH with 403', async () => {
    stranger = await openBrowser(server.baseUrl);
    const { page } = stranger;
    await signUpAndLogIn(page, STRANGER);
    await page.goto(`/movies/${movieId}`);
    await page.getByRole('heading', { name: EDITED }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Delete' }).count(), 0);

    const token = await stranger.accessToken();
    const patch = await api(server.baseUrl, 'PATCH', `/api/movies/${movieId}`, {
      token,
      body: { name: `Hijacked ${RUN}` },
    });
    assert.equal(patch.status, 403, JSON.stringify(patch.body));
    assert.equal(typeof patch.body.message, 'string');
    const unchanged = await api(server.baseUrl, 'GET', `/api/movies/${movieId}`);
    assert.equal(unchanged.body.name, EDITED);
  });

  step('silently refreshes a rejected access token and rotates the refresh cookie', async () => {
    const { page } = stranger;
    const before = (await stranger.cookie('movie_bag_refresh')).value;
    const oldToken = await stranger.accessToken();
    // The next /api/auth/me call goes out with an access token the API refuses, as an expired one would be.
    const me = (url) => url.pathname === '/api/auth/me';
    let tampered = false;
    await page.route(me, (route) => {
      if (tampered) return route.continue();
      tampered = true;
      return route.continue({ headers: { ...route.request().headers(), authorization: 'Bearer expired-or-tampered' } });
    });
    const refreshed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/session/refresh');
    await page.getByRole('link', { name: 'My movies' }).click();
    assert.equal((await refreshed).status(), 200);
    await page.getByRole('heading', { name: 'My movies' }).waitFor();
    await page.getByText("You haven't added any movies yet.").waitFor();
    await page.unroute(me);
    assert.ok(tampered, 'the refused request went out');
    assert.match(page.url(), /\/private$/);
    const after = (await stranger.cookie('movie_bag_refresh')).value;
    assert.ok(after && after !== before, 'a new refresh token replaced the old one in the cookie');
    const newToken = await stranger.accessToken();
    assert.notEqual(newToken, oldToken);
    assert.equal((await api(server.baseUrl, 'GET', '/api/auth/me', { token: newToken })).status, 200);
  });

  step('changes the password on /account, which logs out the other sessions only', async () => {
    const { page } = stranger;
    const elsewhere = await api(server.baseUrl, 'POST', '/api/auth/login', {
      body: { email: STRANGER.email, password: STRANGER.password },
    });
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));

    await page.getByTestId('current-user').click();
    await page.waitForURL('**/account');
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill(STRANGER_NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(STRANGER_NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is not correct.').waitFor();

    await page.getByLabel('Current password').fill(STRANGER.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('password-notice').filter({ hasText: 'Password changed; your other sessions were logged out.' }).waitFor();
    await screenshot(page, 'account.png');

    const revoked = await api(server.baseUrl, 'GET', '/api/auth/me', { token: elsewhere.body.access_token });
    assert.equal(revoked.status, 401, 'the other session was logged out');
    // This one goes on, its refresh cookie included: a fresh page load resumes it.
    await page.goto('/private');
    await page.getByRole('heading', { name: 'My movies' }).waitFor();
    await page.getByTestId('current-user').filter({ hasText: STRANGER.name }).waitFor();
  });

  step('refuses the old password and accepts the new one', async () => {
    const { page } = stranger;
    await page.getByRole('button', { name: 'Logout' }).click();
    await page.waitForURL('**/login');

    await logIn(page, STRANGER);
    await page.getByText('Invalid email or password.').waitFor();
    assert.match(page.url(), /\/login$/);

    await logIn(page, STRANGER, STRANGER_NEW_PASSWORD);
    await page.waitForURL('**/private');
    await page.getByRole('heading', { name: 'My movies' }).waitFor();
  });

  step('deletes the account from /account and lands on / logged out', async () => {
    const { page } = stranger;
    await page.goto('/account');
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    const token = await stranger.accessToken();
    await page.getByRole('button', { name: 'Delete my account' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('This cannot be undone').waitFor();
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByTestId('notice').filter({ hasText: 'Your account and all your movies were deleted.' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    await page.getByRole('link', { name: 'Login' }).waitFor();
    // The session's cookie is dead with the account: a reload stays logged out.
    await page.reload();
    await page.getByRole('link', { name: 'Login' }).waitFor();
    assert.equal(await page.getByTestId('current-user').count(), 0);

    const me = await api(server.baseUrl, 'GET', '/api/auth/me', { token });
    assert.equal(me.status, 401, 'the deleted account has no session left');
    const login = await api(server.baseUrl, 'POST', '/api/auth/login', {
      body: { email: STRANGER.email, password: STRANGER_NEW_PASSWORD },
    });
    assert.equal(login.status, 401, 'the deleted account cannot log in');
  });

  step('logs out, and /private then redirects to /login', async () => {
    const { page } = owner;
    await page.goto('/private');
    await page.getByRole('heading', { name: 'My movies' }).waitFor();
    ownerToken = await owner.accessToken();
    const refresh = (await owner.cookie('movie_bag_refresh')).value;
    const csrf = (await owner.cookie('movie_bag_csrf')).value;
    const logout = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/auth/session' && r.request().method() === 'DELETE',
    );
    await page.getByRole('button', { name: 'Logout' }).click();
    const answer = await logout;
    assert.equal(answer.status(), 204);
    assert.equal(await answer.request().headerValue('x-csrf-token'), csrf);
    await page.waitForURL('**/login');
    await page.getByRole('link', { name: 'Login' }).waitFor();
    assert.equal(await owner.cookie('movie_bag_refresh'), undefined, 'the API cleared the refresh cookie');
    assert.equal(await owner.cookie('movie_bag_csrf'), undefined, 'the API cleared the CSRF cookie');

    await page.goto('/private');
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await screenshot(page, 'login.png');

    const me = await api(server.baseUrl, 'GET', '/api/auth/me', { token: ownerToken });
    assert.equal(me.status, 401, 'the logged-out access token is revoked');
    const reuse = await api(server.baseUrl, 'POST', '/api/auth/session/refresh', {
      headers: { Cookie: `movie_bag_refresh=${refresh}; movie_bag_csrf=${csrf}`, 'X-CSRF-Token': csrf },
    });
    assert.equal(reuse.status, 401, 'the logged-out refresh cookie is revoked');
  });

  step('sends a person whose session cookie the API no longer accepts from /private to /login', async () => {
    const { page, context } = owner;
    const cookie = { domain: '127.0.0.1', secure: true, sameSite: 'Strict' };
    await context.addCookies([
      { ...cookie, name: 'movie_bag_refresh', value: 'not-a-token', path: '/api/auth/session', httpOnly: true },
      { ...cookie, name: 'movie_bag_csrf', value: 'not-a-csrf-token', path: '/' },
    ]);
    const refreshed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/session/refresh');
    await page.goto('/private');
    assert.equal((await refreshed).status(), 401);
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.getByText('Log in to see that page.').waitFor();
    assert.equal(await page.getByTestId('current-user').count(), 0);
  });

  step('resets a forgotten password with the emailed link, which then works no more', async () => {
    const { page } = owner;
    await page.goto('/login');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL('**/forgot-password');
    assert.equal(await page.getByLabel('Email').inputValue(), OWNER.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByTestId('forgot-confirmation').filter({ hasText: 'If that email has an account, a reset link is on its way.' }).waitFor();
    await screenshot(page, 'forgot-password.png');

    const link = await resetLinkFor(server, OWNER.email);
    assert.ok(link.startsWith(`${server.baseUrl}/reset-password#token=`), link);
    // Opened where the page already is, the link changes only the fragment: no page load.
    await page.goto('/reset-password');
    await page.getByTestId('reset-token-problem').filter({ hasText: 'has no reset token' }).waitFor();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // The page keeps the token and takes it out of the address bar (and the history entry) at once.
    await page.waitForURL(`${server.baseUrl}/reset-password`);
    assert.equal(await page.evaluate(() => window.location.hash), '');
    await page.getByLabel('New password', { exact: true }).fill(OWNER_RESET_PASSWORD);
    await page.getByLabel('Confirm new password').fill(`${OWNER_RESET_PASSWORD}!`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The two passwords do not match.').waitFor();
    await screenshot(page, 'reset-password.png');
    await page.getByLabel('Confirm new password').fill(OWNER_RESET_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL('**/login');
    await page.getByTestId('login-notice').filter({ hasText: 'Your password was changed; log in with the new one.' }).waitFor();

    await logIn(page, OWNER);
    await page.getByText('Invalid email or password.').waitFor();
    await logIn(page, OWNER, OWNER_RESET_PASSWORD);
    await page.waitForURL('**/private');
    await page.getByRole('heading', { name: 'My movies' }).waitFor();

    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('yet another password');
    await page.getByLabel('Confirm new password').fill('yet another password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('reset-token-problem').filter({ hasText: 'already used' }).waitFor();
    await page.getByRole('link', { name: 'Ask for a new reset link' }).waitFor();
  });

  step('fits a phone-sized screen', async () => {
    const { page } = owner;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/');
    await page.getByTestId('movie-card').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the catalogue scrolls sideways by ${overflow}px on a phone`);
    await screenshot(page, 'catalogue-phone.png');
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await page.getByTestId('current-user').waitFor();

    const pages = [
      ['/account', 'Your account', 'account-phone.png'],
      ['/reset-password', 'Choose a new password', 'reset-password-phone.png'],
      ['/forgot-password', 'Reset your password', 'forgot-password-phone.png'],
    ];
    for (const [route, heading, shot] of pages) {
      await page.goto(route);
      await page.getByRole('heading', { name: heading }).waitFor();
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(sideways <= 0, `${route} scrolls sideways by ${sideways}px on a phone`);
      await screenshot(page, shot);
    }
  });

  step('raised no uncaught errors in the pages', () => {
    assert.deepEqual(owner.pageErrors, []);
    assert.deepEqual(stranger?.pageErrors ?? [], []);
  });
});
