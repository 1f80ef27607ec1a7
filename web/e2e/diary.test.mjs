/**
 * The film-diary features of the built client in a real browser against a live API: the
 * catalogue's filters and sorts, rating (mouse and keyboard), the watchlist, reviews with
 * their paging, edits and deletes (If-Match), posters, and the display name others see.
 *
 * Its server loads the demo data, so pages look as people would see them (posters, ratings,
 * reviews); what the tests assert is about movies and accounts each run makes for itself.
 * Run with `npm run e2e` (builds first). CHROMIUM_PATH overrides the browser.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { SHOTS, api, makePng, openBrowser, screenshot, setupGuard, startServer } from './support.mjs';

const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const CRITIC = { email: `critic-${RUN}@example.com`, password: 'a diary of films', name: `Newcomer ${RUN}` };
const DIRECTOR = `Auteur ${RUN}`;
// Three movies of one director: their years and the scores other people give them.
const FILMS = [
  { name: `Diary Dawn ${RUN}`, year: 1961, scores: [9, 8] },
  { name: `Diary Noon ${RUN}`, year: 1975, scores: [5] },
  { name: `Diary Dusk ${RUN}`, year: 1990, scores: [] },
];
// Other people who review Diary Dawn: one more than a page of reviews holds (5).
const REVIEWERS = 6;

/** The names on the catalogue's cards, in order. */
async function cardNames(page) {
  return page.getByTestId('movie-card').getByRole('heading').allInnerTexts();
}

/** Waits until the catalogue shows exactly `names`, in that order. */
async function waitForCards(page, names) {
  await page.waitForFunction(
    (expected) =>
      JSON.stringify([...document.querySelectorAll('[data-testid="movie-card"] h2')].map((h) => h.textContent)) ===
      JSON.stringify(expected),
    names,
  );
}

/** Waits until the watchlist toggle's aria-pressed is `value` ('true' or 'false'). */
function waitForPressed(page, value) {
  return page.waitForFunction(
    (expected) => document.querySelector('[data-testid="watchlist-toggle"]')?.getAttribute('aria-pressed') === expected,
    value,
  );
}

/**
 * The colour ([r, g, b]) the image matching `selector` shows near its top middle, read through a
 * canvas from the picture the browser displays (its currentSrc).
 */
function topColour(page, selector) {
  return page.evaluate((query) => {
    const img = document.querySelector(query);
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const [r, g, b] = context.getImageData(Math.floor(img.naturalWidth / 2), 2, 1, 1).data;
    return [r, g, b];
  }, selector);
}

/** Asserts each channel of `actual` is within 12 of `expected` (PNG thumbnails are resampled). */
function assertColour(actual, expected, what) {
  assert.ok(
    actual.every((value, i) => Math.abs(value - expected[i]) <= 12),
    `${what} shows rgb(${actual}), not about rgb(${expected})`,
  );
}

/** Waits until the image matching `selector` shows the picture at `src`, loaded. */
function waitForImage(page, selector, src) {
  return page.waitForFunction(
    ([query, url]) => {
      const img = document.querySelector(query);
      return Boolean(img && img.currentSrc === url && img.complete && img.naturalWidth > 0);
    },
    [selector, src],
  );
}

async function signUp(baseUrl, email, password) {
  const created = await api(baseUrl, 'POST', '/api/auth/signup', { body: { email, password } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const login = await api(baseUrl, 'POST', '/api/auth/login', { body: { email, password } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return login.body.access_token;
}

describe('the film diary in a real browser against a live API', () => {
  let server;
  let browser;
  let token;
  const films = {};
  const guard = setupGuard();
  const step = guard.step;

  before(() =>
    guard.setup(async () => {
      await mkdir(SHOTS, { recursive: true });
      server = await startServer({ demoData: true });
      browser = await openBrowser(server.baseUrl);
    }),
  );

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('starts the API server (with the demo data) and headless Chromium', () => {
    guard.check();
    assert.ok(server && browser);
  });

  step('signs up and logs in the critic; others add, rate and review movies through the API', async () => {
    const { page } = browser;
    await page.goto('/signup');
    await page.getByLabel('Display name').fill(CRITIC.name);
    await page.getByLabel('Email').fill(CRITIC.email);
    await page.getByLabel('Password').fill(CRITIC.password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('Password').fill(CRITIC.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/private');
    token = await browser.accessToken();

    for (const film of FILMS) {
      const created = await api(server.baseUrl, 'POST', '/api/movies', {
        token,
        body: {
          name: film.name,
          year: film.year,
          runtime_minutes: 101,
          directors: [DIRECTOR],
          casts: ['Anna Karina', 'Jean-Paul Belmondo'],
          genres: ['Drama'],
          overview: `A day in ${film.year}, told from dawn to dusk.`,
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      films[film.name] = created.body;
    }
    const dawn = films[FILMS[0].name];
    for (let i = 0; i < REVIEWERS; i += 1) {
      const other = await signUp(server.baseUrl, `reviewer-${i}-${RUN}@example.com`, 'another good password');
      const named = await api(server.baseUrl, 'PATCH', '/api/auth/me', { token: other, body: { display_name: `Reviewer ${i}` } });
      assert.equal(named.status, 200, JSON.stringify(named.body));
      const posted = await api(server.baseUrl, 'POST', `/api/movies/${dawn.id}/reviews`, {
        token: other,
        body: { body: `Review number ${i}: the light in the last reel.` },
      });
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      for (const film of FILMS) {
        const score = film.scores[i];
        if (score === undefined) continue;
        const rated = await api(server.baseUrl, 'PUT', `/api/movies/${films[film.name].id}/rating`, {
          token: other,
          body: { score },
        });
        assert.equal(rated.status, 200, JSON.stringify(rated.body));
      }
    }
  });

  step('filters the catalogue by director, year range and minimum rating, and sorts by year and rating', async () => {
    const { page } = browser;
    const [dawn, noon, dusk] = FILMS.map((film) => film.name);
    await page.goto('/');
    await page.getByTestId('movie-card').first().waitFor();
    await page.getByLabel('Director').fill(DIRECTOR);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.search === `?${new URLSearchParams({ director: DIRECTOR })}`);
    await waitForCards(page, [dusk, noon, dawn]);
    const dawnCard = page.getByTestId('movie-card').filter({ hasText: dawn });
    assert.equal(await dawnCard.getByTestId('movie-year').innerText(), '1961');
    assert.match(await dawnCard.getByTestId('rating-summary').innerText(), /8\.5\s*out of 10 from 2 ratings/);
    assert.equal(await page.getByTestId('movie-card').filter({ hasText: dusk }).getByTestId('rating-summary').innerText(), 'No ratings yet');
    assert.equal(await dawnCard.getByRole('img', { name: `No poster for ${dawn}` }).count(), 1);

    await page.getByLabel('Sort by').selectOption({ label: 'Year (oldest first)' });
    await page.waitForURL(/sort=year(&|$)/);
    await waitForCards(page, [dawn, noon, dusk]);
    await page.getByLabel('Sort by').selectOption({ label: 'Year (newest first)' });
    await waitForCards(page, [dusk, noon, dawn]);
    // Unrated movies come last whichever way the ratings go.
    await page.getByLabel('Sort by').selectOption({ label: 'Rating (highest first)' });
    await waitForCards(page, [dawn, noon, dusk]);
    await page.getByLabel('Sort by').selectOption({ label: 'Rating (lowest first)' });
    await waitForCards(page, [noon, dawn, dusk]);

    await page.getByLabel('Year from').fill('1970');
    await page.getByLabel('Year to').fill('1995');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/year_from=1970&year_to=1995/);
    await waitForCards(page, [noon, dusk]);
    await page.getByLabel('Year from').fill('1960');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel('Minimum rating').selectOption({ label: '7 or higher' });
    await page.waitForURL(/min_rating=7/);
    await waitForCards(page, [dawn]);
    await screenshot(page, 'catalogue-filters.png');

    // The filters live in the URL: a reload (or a shared link) shows the same selection.
    await page.reload();
    await waitForCards(page, [dawn]);
    assert.equal(await page.getByLabel('Director').inputValue(), DIRECTOR);
    assert.equal(await page.getByLabel('Year from').inputValue(), '1960');
    assert.equal(await page.getByLabel('Minimum rating').inputValue(), '7');

    await page.getByLabel('Year to').fill('1950');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Must not be before “Year from”.').waitFor();
    assert.match(page.url(), /year_to=1995/, 'the refused range was not applied');
  });

  step('rates a movie with the mouse, re-rates it with the arrow keys, and clears the rating from the keyboard', async () => {
    const { page } = browser;
    const noon = films[FILMS[1].name];
    await page.goto(`/movies/${noon.id}`);
    const stars = page.getByRole('group', { name: 'Your rating' });
    await stars.waitFor();
    assert.match(await page.getByTestId('rating-summary').innerText(), /5\.0\s*\/10 · 1 rating$/);

    await stars.locator('label').nth(6).click();
    await page.getByTestId('rating-status').filter({ hasText: 'Saved your rating: 7 out of 10.' }).waitFor();
    await page.getByTestId('rating-summary').filter({ hasText: /6\.0\s*\/10 · 2 ratings/ }).waitFor();
    assert.equal(await stars.getByRole('radio', { name: '7 stars' }).isChecked(), true);
    assert.deepEqual((await api(server.baseUrl, 'GET', `/api/movies/${noon.id}/rating`, { token })).body, { score: 7 });

    // The mouse over a star previews the score before it is picked.
    await stars.locator('label').nth(2).hover();
    assert.equal(await stars.locator('svg.star-filled').count(), 3);
    await page.mouse.move(1, 1);
    assert.equal(await stars.locator('svg.star-filled').count(), 7);

    await stars.getByRole('radio', { name: '7 stars' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('rating-status').filter({ hasText: 'Saved your rating: 9 out of 10.' }).waitFor();
    assert.equal(await stars.getByRole('radio', { name: '9 stars' }).evaluate((el) => el === document.activeElement), true);
    await page.getByTestId('rating-summary').filter({ hasText: /7\.0\s*\/10 · 2 ratings/ }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('rating-status').filter({ hasText: 'Saved your rating: 8 out of 10.' }).waitFor();
    assert.deepEqual((await api(server.baseUrl, 'GET', `/api/movies/${noon.id}/rating`, { token })).body, { score: 8 });

    // Tab leaves the radio group for its Clear button; Enter presses it.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Clear my rating');
    await page.keyboard.press('Enter');
    await page.getByTestId('rating-status').filter({ hasText: 'Your rating was cleared.' }).waitFor();
    await page.getByTestId('rating-summary').filter({ hasText: /5\.0\s*\/10 · 1 rating$/ }).waitFor();
    assert.equal((await api(server.baseUrl, 'GET', `/api/movies/${noon.id}/rating`, { token })).status, 404);
    // The keyboard stays in the stars: Space rates again.
    await page.keyboard.press('Space');
    await page.getByTestId('rating-status').filter({ hasText: 'Saved your rating: 1 out of 10.' }).waitFor();
  });

  step('puts movies on the watchlist with its toggle, lists them on /watchlist, and takes them off there', async () => {
    const { page } = browser;
    for (const film of [FILMS[0], FILMS[2]]) {
      await page.goto(`/movies/${films[film.name].id}`);
      const toggle = page.getByRole('button', { name: 'Watchlist', exact: true });
      await waitForPressed(page, 'false');
      await toggle.click();
      await waitForPressed(page, 'true');
    }
    // It reads the watchlist on a fresh load too; pressing it from the keyboard takes the movie off and back.
    await page.reload();
    const toggle = page.getByRole('button', { name: 'Watchlist', exact: true });
    await waitForPressed(page, 'true');
    await toggle.focus();
    await page.keyboard.press('Space');
    await waitForPressed(page, 'false');
    await page.keyboard.press('Enter');
    await waitForPressed(page, 'true');

    await page.getByRole('link', { name: 'My watchlist' }).click();
    await page.waitForURL('**/watchlist');
    await page.getByRole('heading', { name: 'My watchlist' }).waitFor();
    await waitForCards(page, [FILMS[2].name, FILMS[0].name]);
    await page.getByTestId('result-count').filter({ hasText: 'Showing 1–2 of 2' }).waitFor();

    await page.getByRole('button', { name: `Remove ${FILMS[2].name} from your watchlist` }).click();
    await page.getByTestId('notice').filter({ hasText: `Removed “${FILMS[2].name}” from your watchlist.` }).waitFor();
    await waitForCards(page, [FILMS[0].name]);
    const listed = await api(server.baseUrl, 'GET', '/api/me/watchlist', { token });
    assert.deepEqual(listed.body.map((movie) => movie.name), [FILMS[0].name]);
  });

  step("pages through a movie's reviews, writes one's own, edits it (412 on a stale copy) and deletes it", async () => {
    const { page } = browser;
    const dawn = films[FILMS[0].name];
    await page.goto(`/movies/${dawn.id}`);
    const reviews = page.getByRole('region', { name: /^Reviews/ });
    await reviews.getByRole('heading', { name: `Reviews (${REVIEWERS})` }).waitFor();
    await reviews.getByTestId('result-count').filter({ hasText: `Showing 1–5 of ${REVIEWERS}` }).waitFor();
    assert.equal(await reviews.getByTestId('review').count(), 5);
    assert.equal(await reviews.getByTestId('review-author').first().innerText(), `Reviewer ${REVIEWERS - 1}`);
    await reviews.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/\?page=2$/);
    await reviews.getByTestId('result-count').filter({ hasText: `Showing 6–6 of ${REVIEWERS}` }).waitFor();
    assert.equal(await reviews.getByTestId('review-author').innerText(), 'Reviewer 0');
    // Nobody but its author or an admin may change a review.
    assert.equal(await reviews.getByRole('button', { name: /Edit/ }).count(), 0);

    const form = page.getByLabel('Write your review');
    await form.fill('First light, then the long walk home.');
    await page.getByRole('button', { name: 'Post review' }).click();
    await page.getByTestId('review-notice').filter({ hasText: 'Your review was posted.' }).waitFor();
    // Newest first: the page goes back to 1, where the new review leads.
    await page.waitForURL((url) => !url.search);
    await reviews.getByRole('heading', { name: `Reviews (${REVIEWERS + 1})` }).waitFor();
    const mine = reviews.getByTestId('review').first();
    await mine.getByText('First light, then the long walk home.').waitFor();
    assert.equal(await form.count(), 0, 'one review per person: the form is gone');

    await mine.getByRole('button', { name: 'Edit your review' }).click();
    const editor = page.getByLabel('Your review', { exact: true });
    await editor.fill('First light, then the long walk home. Five stars of ten.');
    await page.getByRole('button', { name: 'Save review' }).click();
    await page.getByTestId('review-notice').filter({ hasText: 'Your review was saved.' }).waitFor();
    await mine.getByText('Five stars of ten.').waitFor();
    await mine.getByText('edited').waitFor();

    // The same review changed in another tab while this one edits it: the API answers 412.
    await mine.getByRole('button', { name: 'Edit your review' }).click();
    const id = (await api(server.baseUrl, 'GET', `/api/movies/${dawn.id}/reviews?per_page=1`)).body[0].id;
    const current = await api(server.baseUrl, 'GET', `/api/reviews/${id}`);
    const elsewhere = await api(server.baseUrl, 'PATCH', `/api/reviews/${id}`, {
      token,
      headers: { 'If-Match': current.headers.get('etag') },
      body: { body: 'Rewritten in another tab.' },
    });
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
    await editor.fill('This edit started from a stale copy.');
    await page.getByRole('button', { name: 'Save review' }).click();
    await page.getByTestId('review-problem').filter({ hasText: 'Someone changed this review meanwhile.' }).waitFor();
    await page.getByRole('button', { name: 'Reload review' }).click();
    await page.waitForFunction(() => document.querySelector('textarea')?.value === 'Rewritten in another tab.');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await mine.getByText('Rewritten in another tab.').waitFor();

    await mine.getByRole('button', { name: 'Delete your review' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete review' });
    await dialog.getByText('Rewritten in another tab.').waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('review-notice').filter({ hasText: 'Your review was deleted.' }).waitFor();
    await reviews.getByRole('heading', { name: `Reviews (${REVIEWERS})` }).waitFor();
    await page.getByLabel('Write your review').waitFor();
    assert.equal((await api(server.baseUrl, 'GET', `/api/reviews/${id}`)).status, 404);
  });

  step('changes the display name on /account and shows it on a review, never the email', async () => {
    const { page } = browser;
    const dawn = films[FILMS[0].name];
    const name = `Critic ${RUN}`;
    await page.getByTestId('current-user').click();
    await page.waitForURL('**/account');
    const field = page.getByLabel('Display name', { exact: true });
    assert.equal(await field.inputValue(), CRITIC.name, 'a new account starts with the name asked at signup');
    await field.fill(name);
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByTestId('display-name-notice').filter({ hasText: `Others now see you as “${name}”.` }).waitFor();
    await page.getByTestId('current-display-name').filter({ hasText: name }).waitFor();
    await screenshot(page, 'account-display-name.png');

    await page.goto(`/movies/${dawn.id}`);
    await page.getByLabel('Write your review').fill('Seen again: still the light.');
    await page.getByRole('button', { name: 'Post review' }).click();
    await page.getByTestId('review-notice').filter({ hasText: 'Your review was posted.' }).waitFor();
    // The list reloads after the notice shows: wait until the new review heads it.
    const mine = page.getByTestId('review').first();
    await mine.getByText('Seen again: still the light.').waitFor();
    assert.equal(await mine.getByTestId('review-author').innerText(), name);
    assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(CRITIC.email));
    // Others see the same name.
    const listed = await api(server.baseUrl, 'GET', `/api/movies/${dawn.id}/reviews?per_page=1`);
    assert.equal(listed.body[0].author.display_name, name);
  });

  step('uploads a poster made here, replaces it with another shown at once, shows the API refusing other files, and removes it', async () => {
    const { page } = browser;
    const dusk = films[FILMS[2].name];
    const dialogPoster = `.modal img[alt="Poster of ${dusk.name}"]`;
    const versioned = new RegExp(`^${server.baseUrl}/api/movies/${dusk.id}/poster\\?v=[0-9a-f]{32}$`);
    const ORANGE = [250, 140, 40];
    const TEAL = [20, 170, 150];
    await page.goto(`/movies/${dusk.id}`);
    await page.getByRole('img', { name: `No poster for ${dusk.name}` }).waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog');
    const input = dialog.getByLabel('Upload a new poster');
    assert.equal(await input.getAttribute('accept'), 'image/jpeg,image/png,image/webp');

    await input.setInputFiles({ name: 'dusk.png', mimeType: 'image/png', buffer: makePng(200, 300, ORANGE, [60, 20, 110]) });
    await dialog.getByTestId('poster-status').filter({ hasText: 'Poster uploaded.' }).waitFor();
    await dialog.getByRole('img', { name: `Poster of ${dusk.name}` }).waitFor();
    const first = (await api(server.baseUrl, 'GET', `/api/movies/${dusk.id}`)).body.poster_url;
    assert.match(first, versioned);
    await waitForImage(page, dialogPoster, `${first}&size=thumb`);
    assertColour(await topColour(page, dialogPoster), ORANGE, 'the uploaded poster');
    // Under its versioned URL a poster never changes: anyone may keep it for good.
    for (const url of [first, `${first}&size=thumb`]) {
      const stored = await fetch(url);
      assert.equal(stored.status, 200, url);
      assert.equal(stored.headers.get('content-type'), 'image/png', url);
      assert.equal(stored.headers.get('cache-control'), 'public, max-age=31536000, immutable', url);
    }
    // Tall enough for the whole dialog, poster part included.
    await page.setViewportSize({ width: 1280, height: 1300 });
    await screenshot(page, 'movie-form.png', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Replaced by a poster of another colour: a new version, so a new URL, which the dialog shows at
    // once, with no reload (a mark left in this document must still be there at the end).
    await page.evaluate(() => {
      window.sameDocument = true;
    });
    await input.setInputFiles({ name: 'dusk-teal.png', mimeType: 'image/png', buffer: makePng(200, 300, TEAL) });
    await page.waitForFunction(
      ([query, old]) => document.querySelector(query)?.getAttribute('src') !== old,
      [dialogPoster, `${first}&size=thumb`],
    );
    await dialog.getByTestId('poster-status').filter({ hasText: 'Poster uploaded.' }).waitFor();
    const second = (await api(server.baseUrl, 'GET', `/api/movies/${dusk.id}`)).body.poster_url;
    assert.match(second, versioned);
    assert.notEqual(second, first);
    await waitForImage(page, dialogPoster, `${second}&size=thumb`);
    assertColour(await topColour(page, dialogPoster), TEAL, 'the replaced poster in the dialog');
    // The old version's URL is no longer the poster's: it is to be asked again before each use.
    assert.equal((await fetch(first)).headers.get('cache-control'), 'public, no-cache');

    // Not an accepted type: the browser sends it as what it is and the API's 415 is shown as it words it.
    await input.setInputFiles({ name: 'dusk.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') });
    await dialog.getByText('A poster is sent as image/jpeg, image/png, image/webp.').waitFor();
    // Says PNG but is not one: 400.
    await input.setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') });
    await dialog.getByText('The body is not an image of type image/png.', { exact: true }).waitFor();

    // The form behind the poster still saves: the ETag from the upload goes back as If-Match.
    await dialog.getByLabel('Overview').fill('Dusk, with a poster now.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Movie saved.').waitFor();
    await page.getByText('Dusk, with a poster now.').waitFor();
    // The page shows the new poster too, still without a reload.
    await waitForImage(page, 'img.detail-poster', `${second}&size=thumb`);
    assertColour(await topColour(page, 'img.detail-poster'), TEAL, "the movie page's poster");
    assert.equal(await page.evaluate(() => window.sameDocument), true, 'the page was not reloaded');
    await screenshot(page, 'movie-detail.png');

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await dialog.getByRole('button', { name: 'Remove poster' }).click();
    await dialog.getByTestId('poster-status').filter({ hasText: 'Poster removed.' }).waitFor();
    await dialog.getByRole('img', { name: `No poster for ${dusk.name}` }).waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Remove poster' }).count(), 0);
    assert.equal((await fetch(second)).status, 404);
    assert.equal((await api(server.baseUrl, 'GET', `/api/movies/${dusk.id}`)).body.poster_url, null);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('img', { name: `No poster for ${dusk.name}` }).waitFor();
  });

  step('shows demo movies (with posters) on their page and the watchlist, and on a 390 px phone with no sideways scrolling', async () => {
    const { page } = browser;
    const [parasite] = (await api(server.baseUrl, 'GET', '/api/movies?q=Parasite')).body;
    await page.goto(`/movies/${parasite.id}`);
    await page.getByTestId('review').first().waitFor();
    await page.waitForFunction(() => document.querySelector('img.detail-poster')?.naturalWidth > 0);
    await screenshot(page, 'movie-demo.png');

    for (const demo of (await api(server.baseUrl, 'GET', '/api/movies?sort=-rating&per_page=3')).body) {
      assert.equal((await api(server.baseUrl, 'PUT', `/api/me/watchlist/${demo.id}`, { token })).status, 204);
    }
    await page.goto('/watchlist');
    await page.getByTestId('result-count').filter({ hasText: 'Showing 1–4 of 4' }).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('img.poster')].every((img) => img.naturalWidth > 0));
    await screenshot(page, 'watchlist.png');

    await page.setViewportSize({ width: 390, height: 844 });
    for (const [route, shot] of [
      [`/movies/${parasite.id}`, 'movie-phone.png'],
      ['/watchlist', 'watchlist-phone.png'],
      [`/?director=${encodeURIComponent(DIRECTOR)}`, 'catalogue-filters-phone.png'],
    ]) {
      await page.goto(route);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      await page.waitForFunction(() => [...document.querySelectorAll('img.poster')].every((img) => img.complete));
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(sideways <= 0, `${route} scrolls sideways by ${sideways}px on a phone`);
      await screenshot(page, shot);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step('raised no uncaught errors in the page', () => {
    assert.deepEqual(browser.pageErrors, []);
  });
});
