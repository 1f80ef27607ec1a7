/**
 * One request per screen: a logged-in person's movie page reads the movie and their own state of it
 * (`viewer`: score, watchlist, review) in one API request, asks nothing else about them (no
 * /rating, no /api/me/watchlist/<id>), and its console shows no failed resource.
 *
 * Its server loads the demo data; the demo viewer reviewed the demo movie "Parasite".
 * Run with `npm run e2e` (builds first). CHROMIUM_PATH overrides the browser.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { DEMO_VIEWER as VIEWER, demoSuite, logIn } from './support.mjs';

describe('a movie page in the browser', () => {
  let suite;
  const step = demoSuite({
    started: async (started) => {
      suite = started;
      await logIn(started.browser.page, VIEWER);
    },
  });

  step("reads the movie and the person's state of it in one request, with no failed resource", async () => {
    const { page } = suite.browser;
    // The page before (after logging in) settles first: navigating away would abort its requests.
    await page.waitForLoadState('networkidle');
    const requests = [];
    const failures = [];
    const onRequest = (request) => requests.push(new URL(request.url()).pathname);
    const onConsole = (message) => {
      if (message.type() === 'error') failures.push(message.text());
    };
    const onFailed = (request) => failures.push(`${request.url()} ${request.failure()?.errorText}`);
    page.on('request', onRequest);
    page.on('console', onConsole);
    page.on('requestfailed', onFailed);
    try {
      const answer = page.waitForResponse((response) => new URL(response.url()).pathname === `/api/movies/${suite.movie.id}`);
      await page.goto(`/movies/${suite.movie.id}`);
      const movie = await (await answer).json();
      await page.getByRole('group', { name: 'Your rating' }).waitFor();
      await page.getByTestId('watchlist-toggle').waitFor();
      await page.getByRole('heading', { name: 'Reviews' }).first().waitFor();
      await page.waitForLoadState('networkidle');

      assert.equal(typeof movie.viewer?.on_watchlist, 'boolean', JSON.stringify(movie));
      assert.ok(movie.viewer.review_id, 'the demo viewer reviewed this movie');
      const api = requests.filter((pathname) => pathname.startsWith('/api/'));
      assert.deepEqual(
        api.filter((pathname) => pathname === `/api/movies/${suite.movie.id}`),
        [`/api/movies/${suite.movie.id}`],
        api.join('\n'),
      );
      assert.deepEqual(
        api.filter((pathname) => pathname.endsWith('/rating') || pathname.startsWith('/api/me/watchlist/')),
        [],
      );
      assert.deepEqual(failures, []);
    } finally {
      page.off('request', onRequest);
      page.off('console', onConsole);
      page.off('requestfailed', onFailed);
    }
  });
});
