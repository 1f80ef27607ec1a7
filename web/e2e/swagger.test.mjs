/**
 * Swagger UI at /api/docs in a real browser against a live movie-bag API:
 * the page comes entirely from this server (no CDN, no online validator),
 * and "Authorize" with a Bearer token makes "Try it out" send it.
 *
 * Server and browser start-up are shared with e2e.test.mjs (./support.mjs).
 * Run with `npm run e2e` (builds first). CHROMIUM_PATH overrides the browser.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { SHOTS, api, openBrowser, screenshot, setupGuard, startServer } from './support.mjs';

const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const PERSON = { email: `swagger-${RUN}@example.com`, password: 'correct horse battery' };
const ME = '/api/auth/me';
// Swagger UI's id for an operation: operations-<tag>-<operationId>.
const ME_OPERATION = '#operations-Auth-getMe';

/** Expands GET /api/auth/me (if folded) and makes sure "Try it out" is on; returns its block. */
async function openMe(page) {
  const operation = page.locator(ME_OPERATION);
  const summary = operation.locator('.opblock-summary-control');
  if ((await summary.getAttribute('aria-expanded')) !== 'true') await summary.click();
  const tryOut = operation.locator('.try-out__btn');
  // The server sets tryItOutEnabled, so the button may already read "Cancel".
  if ((await tryOut.innerText()).trim() === 'Try it out') await tryOut.click();
  await tryOut.filter({ hasText: 'Cancel' }).waitFor();
  return operation;
}

/**
 * Clicks Execute on GET /api/auth/me and reads what Swagger UI shows as the
 * server's response, along with the Authorization header the browser really sent.
 */
async function executeMe(page) {
  const operation = await openMe(page);
  // A response left from an earlier run must not be read as this one's.
  const clear = operation.getByRole('button', { name: 'Clear' });
  if (await clear.count()) await clear.click();
  const live = operation.locator('.live-responses-table tbody tr.response');
  await live.waitFor({ state: 'detached' });

  const answered = page.waitForResponse((response) => new URL(response.url()).pathname === ME);
  await operation.getByRole('button', { name: 'Execute' }).click();
  const response = await answered;
  await live.waitFor();
  return {
    sentAuthorization: await response.request().headerValue('authorization'),
    status: (await live.locator('.response-col_status').innerText()).trim(),
    body: await live.locator('.response-col_description .highlight-code pre').innerText(),
    curl: await operation.locator('.curl-command pre').innerText(),
  };
}

describe('Swagger UI at /api/docs in a real browser against a live API', () => {
  let server;
  let browser;
  let token;
  const requests = [];
  const guard = setupGuard();
  const step = guard.step;

  before(() =>
    guard.setup(async () => {
      await mkdir(SHOTS, { recursive: true });
      server = await startServer();
      browser = await openBrowser(server.baseUrl);
      // Every request of the context (pages, workers), from the very first one.
      browser.context.on('request', (request) => requests.push(request.url()));
    }),
  );

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Requests that left this machine, or at least 127.0.0.1. */
  const offLoopback = () => requests.filter((url) => new URL(url).hostname !== '127.0.0.1');

  it('starts the API server and headless Chromium', () => {
    guard.check();
    assert.ok(server && browser);
  });

  step('signs up and logs in through the API for an access token', async () => {
    const signup = await api(server.baseUrl, 'POST', '/api/auth/signup', { body: PERSON });
    assert.equal(signup.status, 201, JSON.stringify(signup.body));
    const login = await api(server.baseUrl, 'POST', '/api/auth/login', { body: PERSON });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    token = login.body.access_token;
    assert.equal(typeof token, 'string');
    const me = await api(server.baseUrl, 'GET', ME, { token });
    assert.equal(me.status, 200, 'the token works outside the browser');
  });

  step('loads /api/docs from 127.0.0.1 alone and shows the API title', async () => {
    const { page } = browser;
    await page.goto('/api/docs', { waitUntil: 'networkidle' });
    await page.locator('.information-container .title').filter({ hasText: 'movie-bag' }).waitFor();
    const { version } = (await api(server.baseUrl, 'GET', '/api/openapi.json')).body.info;
    assert.match(await page.locator('.information-container .title').innerText(), new RegExp(`^movie-bag\\s+${version.replaceAll('.', '\\.')}\\b`));
    assert.equal(await page.title(), 'movie-bag API');
    await page.locator(ME_OPERATION).waitFor();

    assert.ok(requests.some((url) => url === `${server.baseUrl}/api/docs/swagger-ui-bundle.js`), requests.join('\n'));
    assert.ok(requests.some((url) => url === `${server.baseUrl}/api/openapi.json`), requests.join('\n'));
    assert.deepEqual(offLoopback(), [], 'Swagger UI fetched something from another host');
  });

  step('without Authorize, Try it out on GET /api/auth/me shows 401', async () => {
    const { page } = browser;
    const shown = await executeMe(page);
    assert.equal(shown.sentAuthorization, null, 'no Authorization header before authorizing');
    assert.equal(shown.status, '401', shown.body);
    assert.match(shown.body, /Authentication is required/);
    assert.doesNotMatch(shown.curl, /Authorization/i);
  });

  step('Authorize with the Bearer token, then Try it out on GET /api/auth/me shows 200 and the email', async () => {
    const { page } = browser;
    const lock = page.locator(`${ME_OPERATION} .authorization__btn`);
    assert.equal(await lock.getAttribute('aria-label'), 'authorization button unlocked');

    const authorize = page.locator('.scheme-container').getByRole('button', { name: 'Authorize' });
    assert.doesNotMatch(await authorize.getAttribute('class'), /\blocked\b/);
    await authorize.click();
    const modal = page.locator('.modal-ux');
    await modal.getByRole('heading', { name: 'Available authorizations' }).waitFor();
    const bearer = modal.locator('.auth-container').filter({ has: page.locator('h4', { hasText: 'bearerAuth' }) });
    // Its <label>Value:</label> is overridden by aria-label="auth-bearer-value": take the one textbox.
    await bearer.getByRole('textbox').fill(token);
    // The dialog's "Authorize" button is labelled "Apply credentials" for assistive technology.
    await bearer.getByRole('button', { name: 'Apply credentials' }).click();
    await bearer.getByText('Authorized', { exact: true }).waitFor();
    // "Logout", labelled "Remove authorization"; the token itself is shown masked.
    await bearer.getByRole('button', { name: 'Remove authorization' }).waitFor();
    assert.equal((await bearer.locator('code').last().innerText()).trim(), '******');
    await bearer.getByRole('button', { name: 'Close' }).click();
    await modal.waitFor({ state: 'detached' });
    assert.equal(await lock.getAttribute('aria-label'), 'authorization button locked');
    assert.match(await authorize.getAttribute('class'), /\blocked\b/);

    const shown = await executeMe(page);
    assert.equal(shown.sentAuthorization, `Bearer ${token}`);
    assert.equal(shown.status, '200', shown.body);
    assert.equal(JSON.parse(shown.body).email, PERSON.email);
    assert.ok(shown.curl.includes(`Authorization: Bearer ${token}`), shown.curl);

    // From the top (title, locked Authorize button) down to the live response: the rest is reference.
    const live = await page.locator(`${ME_OPERATION} .live-responses-table`).evaluate((table) => {
      const box = table.getBoundingClientRect();
      return { bottom: box.bottom + window.scrollY, width: document.documentElement.clientWidth };
    });
    await screenshot(page, 'swagger.png', { clip: { x: 0, y: 0, width: live.width, height: Math.ceil(live.bottom) + 16 } });
  });

  step('keeps the authorization across a reload (persistAuthorization)', async () => {
    const { page } = browser;
    await page.reload({ waitUntil: 'networkidle' });
    await page.locator(ME_OPERATION).waitFor();
    const shown = await executeMe(page);
    assert.equal(shown.sentAuthorization, `Bearer ${token}`);
    assert.equal(shown.status, '200', shown.body);
    assert.equal(JSON.parse(shown.body).email, PERSON.email);
  });

  step('sent no request off 127.0.0.1 and raised no uncaught errors', () => {
    assert.deepEqual(offLoopback(), []);
    assert.deepEqual(browser.pageErrors, []);
  });
});
