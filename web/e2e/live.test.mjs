/**
 * Live updates in the browser: while a person looks at the catalogue or a movie, someone else (the demo
 * admin, through the API) renames, rates, adds, reviews and deletes movies, and the pages follow without
 * a reload, from the one /api/events stream of the tab (Server-Sent Events, resumed with Last-Event-ID).
 *
 * Its server loads the demo data, on the local database `make run` starts (which has change streams).
 * Run with `npm run e2e` (builds first). CHROMIUM_PATH overrides the browser.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { DEMO_ADMIN, api, demoSuite } from './support.mjs';

const SOON = 5_000; // a change reaches the page within this (the API's own budget is 2 s)

describe('live updates in the browser', () => {
  let suite;
  let token;
  const watched = { streams: [], lists: 0, failures: [] };
  const step = demoSuite({
    started: async (started) => {
      suite = started;
      const login = await api(started.server.baseUrl, 'POST', '/api/auth/login', {
        body: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password },
      });
      token = login.body.access_token;
      const { page } = started.browser;
      page.on('request', (request) => {
        const { pathname } = new URL(request.url());
        if (pathname === '/api/events') watched.streams.push(request.url());
        if (pathname === '/api/movies') watched.lists += 1;
      });
      page.on('console', (message) => {
        if (message.type() === 'error') watched.failures.push(message.text());
      });
      page.on('requestfailed', (request) => {
        // A stream the page closes itself (leaving a page) is not a failure.
        if (new URL(request.url()).pathname !== '/api/events') watched.failures.push(`${request.url()} ${request.failure()?.errorText}`);
      });
    },
  });

  const call = (method, urlPath, options = {}) => api(suite.server.baseUrl, method, urlPath, { token, ...options });
  const card = (name) => suite.browser.page.getByTestId('movie-card').filter({ hasText: name });

  step('the catalogue follows a movie renamed, rated, added and deleted elsewhere, without reading the list again', async () => {
    const { page } = suite.browser;
    const opened = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/events' && response.status() === 200);
    await page.goto('/');
    await opened;
    await page.getByTestId('movie-card').first().waitFor();
    const [first] = (await call('GET', '/api/movies')).body;
    await card(first.name).waitFor();
    const listsBefore = watched.lists;

    const read = await call('GET', `/api/movies/${first.id}`);
    const renamed = await call('PATCH', `/api/movies/${first.id}`, {
      body: { name: 'Renamed While You Watched' },
      headers: { 'If-Match': read.headers.get('etag') },
    });
    assert.equal(renamed.status, 200);
    await card('Renamed While You Watched').waitFor({ timeout: SOON });

    assert.equal((await call('PUT', `/api/movies/${first.id}/rating`, { body: { score: 1 } })).status, 200);
    const { rating } = (await call('GET', `/api/movies/${first.id}`)).body;
    await card('Renamed While You Watched')
      .getByTestId('rating-summary')
      .filter({ hasText: rating.average.toFixed(1) })
      .filter({ hasText: `(${rating.count})` })
      .waitFor({ timeout: SOON });

    const added = await call('POST', '/api/movies', { body: { name: 'A Live Arrival', casts: ['Someone'], genres: ['Drama'] } });
    assert.equal(added.status, 201);
    await page.getByRole('button', { name: /1 new movie/ }).waitFor({ timeout: SOON });

    assert.equal((await call('DELETE', `/api/movies/${first.id}`)).status, 204);
    await card('Renamed While You Watched').waitFor({ state: 'detached', timeout: SOON });
    assert.match(await page.getByTestId('live-announcer').innerText(), /Renamed While You Watched/);
    assert.equal(watched.lists, listsBefore, 'the page followed the stream, never reading the list again');
  });

  step('a movie page shows a review posted elsewhere and says so when the movie is deleted', async () => {
    const { page } = suite.browser;
    const movie = (await call('POST', '/api/movies', { body: { name: 'Watched Closely', casts: ['Someone'], genres: ['Drama'] } })).body;
    const opened = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/events' && response.status() === 200);
    await page.goto(`/movies/${movie.id}`);
    await page.getByRole('heading', { name: 'Watched Closely' }).waitFor();
    // Moving between the app's pages keeps the tab's one stream; a full load (goto) opens a new one.
    await Promise.race([opened, page.waitForTimeout(1_000)]);

    assert.equal((await call('POST', `/api/movies/${movie.id}/reviews`, { body: { body: 'Posted from elsewhere, seen at once.' } })).status, 201);
    await page.getByText('Posted from elsewhere, seen at once.').waitFor({ timeout: SOON });

    assert.equal((await call('DELETE', `/api/movies/${movie.id}`)).status, 204);
    await page.getByTestId('movie-deleted').waitFor({ timeout: SOON });
    assert.match(await page.getByTestId('movie-deleted').innerText(), /deleted/);
    assert.match(await page.getByTestId('live-announcer').innerText(), /deleted/);
  });

  step('each page load opened one stream, and nothing failed', () => {
    assert.ok(watched.streams.length >= 1 && watched.streams.length <= 2, watched.streams.join('\n'));
    assert.deepEqual(watched.failures, []);
  });
});
