/**
 * Letterboxd in and out in a real browser against a live API with the demo catalogue: a new person
 * uploads the committed sample export (tests/data/letterboxd) on /account, sees what came in and what
 * the catalogue lacks, adds a missing title from the form prefilled with its name and year (its score
 * and review following), and downloads their own export. axe-core finds nothing serious on the page
 * with the report shown.
 *
 * Server and browser start-up are shared with the other suites (./support.mjs).
 * Run with `npm run e2e` (builds first). CHROMIUM_PATH overrides the browser.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe } from 'node:test';
import { REPO, SHOTS, api, axeViolations, demoSuite, logIn, screenshot } from './support.mjs';

const SAMPLE = path.join(REPO, 'tests', 'data', 'letterboxd');
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const PERSON = { email: `letterboxd-${RUN}@example.com`, password: 'correct horse battery', name: `Boxd ${RUN}` };
const BLOCKING = new Set(['serious', 'critical']);

describe('Letterboxd in and out on /account, in a real browser', () => {
  let suite;
  const step = demoSuite({
    bypassCSP: true,
    started: async (started) => {
      suite = started;
      await mkdir(SHOTS, { recursive: true });
      const body = { email: PERSON.email, password: PERSON.password, display_name: PERSON.name };
      const created = await api(started.server.baseUrl, 'POST', '/api/auth/signup', { body });
      assert.equal(created.status, 201);
    },
  });

  /** The one movie of the catalogue a search finds by this exact name, through the API. */
  async function movieNamed(name) {
    const found = await api(suite.server.baseUrl, 'GET', `/api/movies?q=${encodeURIComponent(name)}`);
    return found.body.find((movie) => movie.name === name);
  }

  /** The person's score of a movie, through the API with the page's own token. */
  async function myScore(movie) {
    const token = await suite.browser.accessToken();
    const answer = await api(suite.server.baseUrl, 'GET', `/api/movies/${movie.id}/rating`, { token });
    return answer.status === 200 ? answer.body.score : null;
  }

  step('imports the sample export and lists the titles the catalogue lacks', async () => {
    const { page } = suite.browser;
    await logIn(page, PERSON);
    await page.goto('/account');
    const files = ['ratings.csv', 'reviews.csv', 'watchlist.csv'].map((name) => path.join(SAMPLE, name));
    await page.getByLabel('Letterboxd export').setInputFiles(files);
    await page.getByRole('button', { name: 'Import from Letterboxd' }).click();

    const report = page.getByTestId('letterboxd-report');
    await report.waitFor();
    assert.match(await report.innerText(), /Imported 3 ratings, 2 reviews and 1 movie on your watchlist\./);
    const titles = await page.getByTestId('unmatched-title').allInnerTexts();
    assert.deepEqual(
      titles.map((text) => text.split('\n')[0]),
      ['Paddington 2 (2017)', 'Cats (2019)', 'Perfect Days (2023)'],
    );
    assert.equal(await myScore(await movieNamed('Amélie')), 9, 'Amélie in the file is the demo catalogue’s Amélie');
    assert.equal(await myScore(await movieNamed('Parasite')), 10);
  });

  step('the account page with the report has no serious accessibility violation', async () => {
    const violations = await axeViolations(suite.browser.page);
    assert.deepEqual(violations.filter((violation) => BLOCKING.has(violation.impact)), []);
    await screenshot(suite.browser.page, 'account-letterboxd.png');
  });

  step('adds a missing title from the prefilled form, its score and review following', async () => {
    const { page } = suite.browser;
    await page.getByRole('button', { name: 'Add to catalogue: Paddington 2 (2017)' }).click();
    const dialog = page.getByRole('dialog');
    assert.equal(await dialog.getByLabel('Name').inputValue(), 'Paddington 2');
    assert.equal(await dialog.getByLabel('Year').inputValue(), '2017');
    await dialog.getByLabel('Cast').fill('Ben Whishaw, Hugh Grant');
    await dialog.getByLabel('Genres').fill('Comedy, Family');
    await dialog.getByRole('button', { name: 'Save' }).click();

    const row = page.getByTestId('unmatched-title').filter({ hasText: 'Paddington 2' });
    await row.getByRole('link', { name: 'see it' }).waitFor();
    const added = await movieNamed('Paddington 2');
    assert.equal(added.year, 2017);
    assert.equal(await myScore(added), 7);
    const reviews = await api(suite.server.baseUrl, 'GET', `/api/movies/${added.id}/reviews`);
    assert.deepEqual(
      reviews.body.map((review) => review.body),
      ['Marmalade diplomacy.'],
    );
  });

  step('downloads the export as a zip of the three files', async () => {
    const { page } = suite.browser;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export to Letterboxd' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^movie-bag-letterboxd-\d{4}-\d{2}-\d{2}\.zip$/);
    const zip = await readFile(await download.path());
    assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK');
    for (const name of ['ratings.csv', 'reviews.csv', 'watchlist.csv']) assert.ok(zip.includes(name), name);
  });
});
