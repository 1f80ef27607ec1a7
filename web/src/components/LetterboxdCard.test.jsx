import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ALICE, issued, json, mockFetch, movie, review, storeSession } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';
import { WRONG_FILES, letterboxdForm } from './LetterboxdCard.jsx';

const REPORT = {
  imported: { ratings: 4, reviews: 2, watchlist: 1 },
  unmatched: [
    { name: 'Paddington 2', year: 2017, kinds: ['ratings', 'reviews'], score: 7, review: 'Marmalade diplomacy.' },
    { name: 'Perfect Days', year: 2023, kinds: ['watchlist'], score: null, review: null },
  ],
};

function routes(extra = {}) {
  return {
    'POST /api/auth/session/refresh': issued(),
    'GET /api/auth/me': () => json(200, ALICE),
    ...extra,
  };
}

function file(name, type = 'text/csv') {
  return new File(['Date,Name,Year,Letterboxd URI\n'], name, { type });
}

async function openAccount(extra) {
  storeSession();
  const mock = mockFetch(routes(extra));
  const rendered = renderApp('/account');
  await screen.findByRole('heading', { name: 'Letterboxd' });
  return { mock, ...rendered };
}

async function importFiles(user, files) {
  await user.upload(screen.getByLabelText('Letterboxd export'), files);
  await user.click(screen.getByRole('button', { name: 'Import from Letterboxd' }));
}

describe('letterboxdForm', () => {
  it('sends a zip as the export, and the CSV files under their own parts', () => {
    const zip = file('letterboxd-alice-2026-12-04-utc.zip', 'application/zip');
    expect(letterboxdForm([zip]).get('export')).toBe(zip);
    const ratings = file('ratings.csv');
    const watchlist = file('watchlist.csv');
    const form = letterboxdForm([ratings, watchlist]);
    expect([...form.keys()]).toEqual(['ratings', 'watchlist']);
    expect(form.get('watchlist')).toBe(watchlist);
  });

  it('refuses files that are not the export', () => {
    expect(letterboxdForm([file('diary.csv')])).toBeNull();
    expect(letterboxdForm([file('ratings.csv'), file('ratings.csv')])).toBeNull();
    expect(letterboxdForm([])).toBeNull();
  });
});

describe('<LetterboxdCard> on the account page', () => {
  it('imports the chosen zip and reports what came in and what the catalogue lacks', async () => {
    const { mock, user } = await openAccount({ 'POST /api/me/import/letterboxd': () => json(200, REPORT) });

    await importFiles(user, file('letterboxd-alice.zip', 'application/zip'));

    const report = await screen.findByTestId('letterboxd-report');
    expect(report).toHaveTextContent('Imported 4 ratings, 2 reviews and 1 movie on your watchlist.');
    expect(report).toHaveTextContent('2 titles are not in the catalogue yet.');
    const titles = screen.getAllByTestId('unmatched-title');
    expect(titles[0]).toHaveTextContent('Paddington 2 (2017)');
    expect(titles[0]).toHaveTextContent('rated 3.5 stars, reviewed');
    expect(titles[1]).toHaveTextContent('on your watchlist');
    const [call] = mock.callsTo('POST /api/me/import/letterboxd');
    expect(call.body.get('export').name).toBe('letterboxd-alice.zip');
    expect(call.headers['Content-Type']).toBeUndefined(); // the browser writes the multipart boundary
  });

  it('says which files to choose, and sends nothing, for other files', async () => {
    const { mock, user } = await openAccount();

    await importFiles(user, file('diary.csv'));

    expect(await screen.findByText(WRONG_FILES)).toBeVisible();
    expect(mock.callsTo('POST /api/me/import/letterboxd')).toHaveLength(0);
  });

  it('lists every problem of a malformed file by file and line', async () => {
    const refusal = {
      message: 'ratings.csv: line 3: Rating must be 0.5 to 5 in half stars (as 3.5), not \'7\'. Nothing was imported.',
      status: 400,
      errors: { 'ratings.csv': ["line 3: Rating must be 0.5 to 5 in half stars (as 3.5), not '7'.", 'line 4: Name must not be empty.'] },
    };
    const { user } = await openAccount({ 'POST /api/me/import/letterboxd': () => json(400, refusal) });

    await importFiles(user, [file('ratings.csv'), file('reviews.csv')]);

    const problems = await screen.findByTestId('letterboxd-problems');
    expect(problems).toHaveTextContent('Nothing was imported.');
    expect(within(problems).getByRole('heading', { name: 'ratings.csv' })).toBeVisible();
    expect(within(problems).getAllByRole('listitem').map((item) => item.textContent)).toEqual(refusal.errors['ratings.csv']);
    expect(screen.queryByTestId('letterboxd-report')).not.toBeInTheDocument();
  });

  it('adds a missing title from a form prefilled with its name and year, then brings its rating and review along', async () => {
    const added = movie({ id: '665f1c0e8b3e4a0001000077', name: 'Paddington 2', year: 2017 });
    const { mock, user } = await openAccount({
      'POST /api/me/import/letterboxd': () => json(200, REPORT),
      'POST /api/movies': () => json(201, added),
      [`PUT /api/movies/${added.id}/rating`]: (call) => json(200, call.body),
      [`POST /api/movies/${added.id}/reviews`]: () => json(201, review({ movie_id: added.id, body: 'Marmalade diplomacy.' })),
    });
    await importFiles(user, file('letterboxd-alice.zip', 'application/zip'));

    await user.click(await screen.findByRole('button', { name: 'Add to catalogue: Paddington 2 (2017)' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText(/^Name/)).toHaveValue('Paddington 2');
    expect(within(dialog).getByLabelText('Year')).toHaveValue(2017);
    await user.type(within(dialog).getByLabelText(/^Cast/), 'Ben Whishaw');
    await user.type(within(dialog).getByLabelText(/^Genres/), 'Comedy');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(mock.callsTo(`POST /api/movies/${added.id}/reviews`)).toHaveLength(1));
    expect(mock.callsTo('POST /api/movies')[0].body).toMatchObject({ name: 'Paddington 2', year: 2017, casts: ['Ben Whishaw'], genres: ['Comedy'] });
    expect(mock.callsTo(`PUT /api/movies/${added.id}/rating`)[0].body).toEqual({ score: 7 });
    expect(mock.callsTo(`POST /api/movies/${added.id}/reviews`)[0].body).toEqual({ body: 'Marmalade diplomacy.' });
    const row = screen.getAllByTestId('unmatched-title')[0];
    expect(within(row).getByRole('link', { name: 'see it' })).toHaveAttribute('href', `/movies/${added.id}`);
    expect(within(row).queryByRole('button')).not.toBeInTheDocument();
  });

  it('puts an added title that was on the watchlist there', async () => {
    const added = movie({ id: '665f1c0e8b3e4a0001000088', name: 'Perfect Days', year: 2023 });
    const { mock, user } = await openAccount({
      'POST /api/me/import/letterboxd': () => json(200, REPORT),
      'POST /api/movies': () => json(201, added),
      [`PUT /api/me/watchlist/${added.id}`]: () => json(204),
    });
    await importFiles(user, file('letterboxd-alice.zip', 'application/zip'));

    await user.click(await screen.findByRole('button', { name: 'Add to catalogue: Perfect Days (2023)' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/^Cast/), 'Koji Yakusho');
    await user.type(within(dialog).getByLabelText(/^Genres/), 'Drama');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(mock.callsTo(`PUT /api/me/watchlist/${added.id}`)).toHaveLength(1));
    expect(mock.callsTo(`PUT /api/movies/${added.id}/rating`)).toHaveLength(0);
  });

  it('says so when an added title\'s rating does not follow', async () => {
    const added = movie({ id: '665f1c0e8b3e4a0001000099', name: 'Paddington 2', year: 2017 });
    const { user } = await openAccount({
      'POST /api/me/import/letterboxd': () => json(200, REPORT),
      'POST /api/movies': () => json(201, added),
      [`PUT /api/movies/${added.id}/rating`]: () => json(404, { message: 'No movie has this id.', status: 404 }),
    });
    await importFiles(user, file('letterboxd-alice.zip', 'application/zip'));

    await user.click(await screen.findByRole('button', { name: 'Add to catalogue: Paddington 2 (2017)' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/^Cast/), 'Ben Whishaw');
    await user.type(within(dialog).getByLabelText(/^Genres/), 'Comedy');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    const row = screen.getAllByTestId('unmatched-title')[0];
    expect(await within(row).findByText(/did not follow: No movie has this id\./)).toBeVisible();
  });

  it('downloads the export as a zip', async () => {
    const { user } = await openAccount({
      'GET /api/me/export/letterboxd': () => new Response('PK', { status: 200, headers: { 'Content-Type': 'application/zip' } }),
    });
    URL.createObjectURL = vi.fn(() => 'blob:letterboxd');
    URL.revokeObjectURL = vi.fn();
    const saved = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function click() {
      saved.push({ href: this.href, download: this.download });
    });

    await user.click(screen.getByRole('button', { name: 'Export to Letterboxd' }));

    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0].href).toBe('blob:letterboxd');
    expect(saved[0].download).toMatch(/^movie-bag-letterboxd-\d{4}-\d{2}-\d{2}\.zip$/);
    expect(URL.createObjectURL.mock.calls[0][0].type).toBe('application/zip');
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:letterboxd');
  });

  it('says so when the export fails', async () => {
    const { user } = await openAccount({
      'GET /api/me/export/letterboxd': () => json(503, { message: 'The database is unavailable; try again shortly.', status: 503 }),
    });

    await user.click(screen.getByRole('button', { name: 'Export to Letterboxd' }));

    expect(await screen.findByText('The database is unavailable; try again shortly.')).toBeVisible();
  });
});
