import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { FakeEventSource, installEventSource, theStream } from '../test/fakeEventSource.js';
import {
  ALICE,
  BOB,
  issued,
  json,
  mockFetch,
  movie,
  page,
  posterUrl,
  review,
  reviewPage,
  storeSession,
  watchlisted,
} from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

const HEAT = movie({
  poster_url: posterUrl(movie().id, '6a1f0c2e9b3d4a5f8e7d6c5b4a392817'),
  rating: { average: 8.5, count: 2 },
});
const ON_WATCHLIST = `GET /api/me/watchlist/${HEAT.id}`;
const MY_RATING = `GET /api/movies/${HEAT.id}/rating`;
const UNTOUCHED = { score: null, on_watchlist: false, review_id: null };

/** HEAT as the API answers a logged-in person: with their own state of it. */
function seenBy(viewer = {}, fields = {}) {
  return { ...HEAT, ...fields, viewer: { ...UNTOUCHED, ...viewer } };
}

function showAs(user, extra = {}, viewer = {}) {
  if (user) storeSession();
  return mockFetch({
    'POST /api/auth/session/refresh': issued(),
    'GET /api/auth/me': () => json(200, user),
    [`GET /api/movies/${HEAT.id}`]: () => json(200, user ? seenBy(viewer) : HEAT, { ETag: '"v1"' }),
    [`DELETE /api/movies/${HEAT.id}`]: () => json(204),
    [`GET /api/movies/${HEAT.id}/reviews`]: reviewPage([]),
    [MY_RATING]: () => json(404, { message: 'You have not rated this movie.', status: 404 }),
    [ON_WATCHLIST]: watchlisted(false),
    'GET /api/movies': page([]),
    ...extra,
  });
}

describe('<MovieDetail>', () => {
  it("shows the movie's details: poster, year, runtime, directors, overview and rating", async () => {
    showAs(null);

    renderApp(`/movies/${HEAT.id}`);

    expect(await screen.findByRole('heading', { name: 'Heat' })).toBeVisible();
    expect(screen.getByText('Robert De Niro')).toBeVisible();
    expect(screen.getByText('Thriller')).toBeVisible();
    const poster = screen.getByRole('img', { name: 'Poster of Heat' });
    const full = `http://localhost/api/movies/${HEAT.id}/poster?v=6a1f0c2e9b3d4a5f8e7d6c5b4a392817`;
    expect(poster).toHaveAttribute('src', `${full}&size=thumb`);
    expect(poster).toHaveAttribute('srcset', `${full}&size=thumb 1x, ${full} 2x`);
    expect(screen.getByTestId('movie-facts')).toHaveTextContent('19952 h 50 minDirected by Michael Mann');
    expect(screen.getByText('A thief and the detective on his trail.')).toBeVisible();
    expect(screen.getByTestId('rating-summary')).toHaveTextContent('Average rating 8.5/10 · 2 ratings');
  });

  it('links each cast member, director and genre to the catalogue filtered by them', async () => {
    const nolan = movie({ directors: ['Lana Wachowski', 'Lilly Wachowski', 'Ang Lee'], genres: ['Science Fiction'] });
    showAs(null, { [`GET /api/movies/${HEAT.id}`]: () => json(200, nolan, { ETag: '"v1"' }) });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    await screen.findByRole('heading', { name: 'Heat' });

    expect(screen.getByRole('link', { name: 'Al Pacino' })).toHaveAttribute('href', '/?cast=Al+Pacino');
    expect(screen.getByRole('link', { name: 'Robert De Niro' })).toHaveAttribute('href', '/?cast=Robert+De+Niro');
    expect(screen.getByRole('link', { name: 'Ang Lee' })).toHaveAttribute('href', '/?director=Ang+Lee');
    expect(screen.getByTestId('movie-facts')).toHaveTextContent('Directed by Lana Wachowski, Lilly Wachowski and Ang Lee');
    expect(screen.getByRole('link', { name: 'Science Fiction' })).toHaveAttribute('href', '/?genre=Science+Fiction');

    await user.click(screen.getByRole('link', { name: 'Al Pacino' }));

    expect(screen.getByTestId('location')).toHaveTextContent('/?cast=Al+Pacino');
    expect(await screen.findByRole('heading', { name: 'Movie catalogue' })).toBeVisible();
    expect(screen.getByLabelText('Cast')).toHaveValue('Al Pacino');
  });

  it('shows a placeholder for a movie without a poster, and no ratings yet', async () => {
    showAs(null, { [`GET /api/movies/${HEAT.id}`]: () => json(200, movie(), { ETag: '"v1"' }) });

    renderApp(`/movies/${HEAT.id}`);

    expect(await screen.findByRole('img', { name: 'No poster for Heat' })).toHaveTextContent('No poster');
    expect(screen.getByTestId('rating-summary')).toHaveTextContent('No ratings yet');
  });

  it('asks a visitor to log in to rate, review or keep the movie, and asks the API nothing private', async () => {
    const mock = showAs(null);

    renderApp(`/movies/${HEAT.id}`);

    expect(await screen.findByText(/to rate this movie, review it or put it on your watchlist/)).toBeVisible();
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login');
    expect(screen.queryByRole('group', { name: 'Your rating' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Watchlist' })).not.toBeInTheDocument();
    expect(mock.callsTo(MY_RATING)).toHaveLength(0);
    expect(mock.callsTo(ON_WATCHLIST)).toHaveLength(0);
    expect(mock.callsTo(`GET /api/movies/${HEAT.id}/reviews`).some((call) => 'author' in call.query)).toBe(false);
    expect(mock.calls.every((call) => call.headers.Authorization === undefined)).toBe(true);
  });

  it.each([
    ['a visitor', null],
    ['another user', BOB],
  ])('hides Edit and Delete from %s', async (_, user) => {
    showAs(user);

    renderApp(`/movies/${HEAT.id}`);

    await screen.findByRole('heading', { name: 'Heat' });
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
  });

  it.each([
    ['its owner', ALICE],
    ['an admin', { ...BOB, is_admin: true }],
  ])('shows Edit and Delete to %s', async (_, user) => {
    showAs(user);

    renderApp(`/movies/${HEAT.id}`);

    expect(await screen.findByRole('button', { name: 'Edit' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeVisible();
  });

  it('deletes and returns to My movies', async () => {
    const mock = showAs(ALICE);
    const { user } = renderApp(`/movies/${HEAT.id}`);

    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));

    expect(await screen.findByTestId('notice')).toHaveTextContent('Deleted “Heat”.');
    expect(mock.callsTo(`DELETE /api/movies/${HEAT.id}`)).toHaveLength(1);
  });

  it('says when the movie does not exist', async () => {
    mockFetch({ 'GET /api/movies/nope': () => json(404, { message: 'Movie not found.', status: 404 }) });

    renderApp('/movies/nope');

    expect(await screen.findByText('Movie not found')).toBeVisible();
  });
});

describe('<MovieDetail> rating', () => {
  it("shows the person's score as ten labelled radios in a fieldset", async () => {
    showAs(BOB, {}, { score: 7 });

    renderApp(`/movies/${HEAT.id}`);

    const group = await screen.findByRole('group', { name: 'Your rating' });
    expect(within(group).getAllByRole('radio')).toHaveLength(10);
    expect(within(group).getByRole('radio', { name: '7 stars' })).toBeChecked();
    expect(within(group).getByRole('radio', { name: '1 star' })).not.toBeChecked();
    expect(screen.getByTestId('my-score')).toHaveTextContent('7/10');
  });

  it('rates with a click, reads the new average, and re-rates with the arrow keys', async () => {
    const mock = showAs(BOB, {
      [`PUT /api/movies/${HEAT.id}/rating`]: (call) => json(200, { score: call.body.score }),
      [`GET /api/movies/${HEAT.id}`]: [
        () => json(200, seenBy(), { ETag: '"v1"' }),
        () => json(200, seenBy({ score: 9 }, { rating: { average: 8.7, count: 3 } }), { ETag: '"v1"' }),
        () => json(200, seenBy({ score: 8 }, { rating: { average: 8.6, count: 3 } }), { ETag: '"v1"' }),
      ],
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    const group = await screen.findByRole('group', { name: 'Your rating' });

    await user.click(within(group).getByText('9 stars'));

    expect(await screen.findByText('Saved your rating: 9 out of 10.')).toHaveAttribute('role', 'status');
    expect(mock.callsTo(`PUT /api/movies/${HEAT.id}/rating`)[0].body).toEqual({ score: 9 });
    await waitFor(() => expect(screen.getByTestId('rating-summary')).toHaveTextContent('8.7/10 · 3 ratings'));

    await user.keyboard('{ArrowLeft}');

    expect(await screen.findByText('Saved your rating: 8 out of 10.')).toBeVisible();
    expect(within(group).getByRole('radio', { name: '8 stars' })).toBeChecked();
    expect(within(group).getByRole('radio', { name: '8 stars' })).toHaveFocus();
    expect(mock.callsTo(`PUT /api/movies/${HEAT.id}/rating`).map((call) => call.body.score)).toEqual([9, 8]);
  });

  it('clears the rating and keeps the keyboard in the stars', async () => {
    const mock = showAs(
      BOB,
      {
        [`GET /api/movies/${HEAT.id}`]: [() => json(200, seenBy({ score: 4 }), { ETag: '"v1"' }), () => json(200, seenBy(), { ETag: '"v1"' })],
        [`DELETE /api/movies/${HEAT.id}/rating`]: () => json(204),
      },
    );
    const { user } = renderApp(`/movies/${HEAT.id}`);
    const group = await screen.findByRole('group', { name: 'Your rating' });

    await user.click(within(group).getByRole('button', { name: 'Clear my rating' }));

    expect(await screen.findByText('Your rating was cleared.')).toBeVisible();
    expect(within(group).getAllByRole('radio').some((radio) => radio.checked)).toBe(false);
    expect(within(group).getByRole('radio', { name: '1 star' })).toHaveFocus();
    expect(within(group).getByRole('button', { name: 'Clear my rating' })).toBeDisabled();
    expect(mock.callsTo(`DELETE /api/movies/${HEAT.id}/rating`)).toHaveLength(1);
  });

  it("shows the score the API kept when a rating is refused", async () => {
    showAs(BOB, { [`PUT /api/movies/${HEAT.id}/rating`]: () => json(404, { message: 'Movie not found.', status: 404 }) }, { score: 3 });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    const group = await screen.findByRole('group', { name: 'Your rating' });

    await user.click(within(group).getByText('6 stars'));

    expect(await screen.findByText('Movie not found.')).toBeVisible();
    await waitFor(() => expect(within(group).getByRole('radio', { name: '3 stars' })).toBeChecked());
  });
});

describe('<MovieDetail> watchlist', () => {
  it('toggles the movie on and off the watchlist with aria-pressed', async () => {
    const mock = showAs(BOB, {
      [`PUT /api/me/watchlist/${HEAT.id}`]: () => json(204),
      [`DELETE /api/me/watchlist/${HEAT.id}`]: () => json(204),
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    const toggle = await screen.findByRole('button', { name: 'Watchlist' });
    await waitFor(() => expect(toggle).toHaveAttribute('aria-pressed', 'false'));

    await user.click(toggle);

    await waitFor(() => expect(toggle).toHaveAttribute('aria-pressed', 'true'));
    expect(screen.getByText('Added “Heat” to your watchlist.')).toHaveAttribute('role', 'status');
    expect(mock.callsTo(`PUT /api/me/watchlist/${HEAT.id}`)).toHaveLength(1);

    await user.click(toggle);

    await waitFor(() => expect(toggle).toHaveAttribute('aria-pressed', 'false'));
    expect(mock.callsTo(`DELETE /api/me/watchlist/${HEAT.id}`)).toHaveLength(1);
  });

  it('reads the movie and one\'s own state of it in one request: no rating or watchlist request', async () => {
    const mock = showAs(BOB, {}, { score: 6, on_watchlist: true });

    renderApp(`/movies/${HEAT.id}`);

    const toggle = await screen.findByRole('button', { name: 'Watchlist' });
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const group = screen.getByRole('group', { name: 'Your rating' });
    expect(within(group).getByRole('radio', { name: '6 stars' })).toBeChecked();
    const read = mock.callsTo(`GET /api/movies/${HEAT.id}`);
    expect(read).toHaveLength(1);
    expect(read[0].headers.Authorization).toBe('Bearer access-1');
    expect(mock.callsTo(ON_WATCHLIST)).toHaveLength(0);
    expect(mock.callsTo(MY_RATING)).toHaveLength(0);
    expect(mock.callsTo('GET /api/me/watchlist')).toHaveLength(0);
  });
});

describe('<MovieDetail> poster', () => {
  async function openEditor(user) {
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    return screen.findByRole('dialog');
  }

  it('uploads the chosen file as it is, under its own type, and shows the new poster', async () => {
    const withPoster = { ...HEAT, updated_at: '2024-06-01T10:00:00Z' };
    const mock = showAs(ALICE, {
      [`GET /api/movies/${HEAT.id}`]: () => json(200, movie(), { ETag: '"v1"' }),
      [`PUT /api/movies/${HEAT.id}/poster`]: () => json(200, withPoster, { ETag: '"v2"' }),
      [`PUT /api/movies/${HEAT.id}`]: (call) => json(200, { ...withPoster, ...call.body }, { ETag: '"v3"' }),
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    const dialog = await openEditor(user);
    const file = new File([new Uint8Array([137, 80, 78, 71])], 'heat.png', { type: 'image/png' });
    const input = within(dialog).getByLabelText('Upload a new poster');
    expect(input).toHaveAttribute('accept', 'image/jpeg,image/png,image/webp');

    await user.upload(input, file);

    expect(await within(dialog).findByText('Poster uploaded.')).toBeVisible();
    const put = mock.callsTo(`PUT /api/movies/${HEAT.id}/poster`)[0];
    expect(put.headers['Content-Type']).toBe('image/png');
    expect(put.body).toBe(file);
    expect(within(dialog).getByRole('img', { name: 'Poster of Heat' })).toBeVisible();
    // The poster changed the movie's ETag: a save afterwards sends the new one.
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(mock.callsTo(`PUT /api/movies/${HEAT.id}`)).toHaveLength(1));
    expect(mock.callsTo(`PUT /api/movies/${HEAT.id}`)[0].headers['If-Match']).toBe('"v2"');
  });

  it('replaces a poster: the new poster_url (a new version) shows at once, in the dialog and on the page', async () => {
    const replaced = { ...HEAT, poster_url: posterUrl(HEAT.id, 'b7e23ec29af22b0b4e41da31e868d572') };
    showAs(ALICE, { [`PUT /api/movies/${HEAT.id}/poster`]: () => json(200, replaced, { ETag: '"v2"' }) });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    const before = `${HEAT.poster_url}&size=thumb`;
    expect(await screen.findByRole('img', { name: 'Poster of Heat' })).toHaveAttribute('src', before);
    const dialog = await openEditor(user);
    expect(within(dialog).getByRole('img', { name: 'Poster of Heat' })).toHaveAttribute('src', before);

    await user.upload(within(dialog).getByLabelText('Upload a new poster'), new File(['x'], 'b.png', { type: 'image/png' }));

    expect(await within(dialog).findByText('Poster uploaded.')).toBeVisible();
    const after = `http://localhost/api/movies/${HEAT.id}/poster?v=b7e23ec29af22b0b4e41da31e868d572&size=thumb`;
    expect(within(dialog).getByRole('img', { name: 'Poster of Heat' })).toHaveAttribute('src', after);
    const onPage = screen.getAllByRole('img', { name: 'Poster of Heat', hidden: true }).filter((img) => !dialog.contains(img));
    expect(onPage.map((img) => img.getAttribute('src'))).toEqual([after]);
  });

  it.each([
    [415, 'A poster is sent as image/jpeg, image/png, image/webp.'],
    [400, 'The body is not an image of type image/png.'],
    [413, 'The request body is too large (the limit is 5 MiB).'],
  ])("shows the API's message for a %i", async (status, message) => {
    showAs(ALICE, { [`PUT /api/movies/${HEAT.id}/poster`]: () => json(status, { message, status }) });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    const dialog = await openEditor(user);

    await user.upload(within(dialog).getByLabelText('Upload a new poster'), new File(['x'], 'a.png', { type: 'image/png' }));

    expect(await within(dialog).findByText(message)).toBeVisible();
  });

  it('removes the poster and reads the movie again for its new ETag', async () => {
    const mock = showAs(ALICE, {
      [`GET /api/movies/${HEAT.id}`]: [
        () => json(200, HEAT, { ETag: '"v1"' }),
        () => json(200, movie(), { ETag: '"v2"' }),
      ],
      [`DELETE /api/movies/${HEAT.id}/poster`]: () => json(204),
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    const dialog = await openEditor(user);

    await user.click(within(dialog).getByRole('button', { name: 'Remove poster' }));

    expect(await within(dialog).findByText('Poster removed.')).toBeVisible();
    expect(within(dialog).getByRole('img', { name: 'No poster for Heat' })).toBeVisible();
    expect(within(dialog).queryByRole('button', { name: 'Remove poster' })).not.toBeInTheDocument();
    expect(within(dialog).getByLabelText('Upload a new poster')).toHaveFocus();
    expect(mock.callsTo(`DELETE /api/movies/${HEAT.id}/poster`)).toHaveLength(1);
  });
});

describe('<MovieDetail> live updates', () => {
  // The announcer waits a moment (a burst is said once): more than waitFor's default second on a busy machine.
  const announced = (text) => waitFor(() => expect(screen.getByTestId('live-announcer')).toHaveTextContent(text), { timeout: 3000 });
  const event = (type, fields = {}, id = HEAT.id) => ({ type, id, movie: { ...HEAT, id, ...fields } });

  it("shows a new average from movie.rated, keeping one's own score from the page's request", async () => {
    installEventSource();
    showAs(BOB, {}, { score: 7 });
    renderApp(`/movies/${HEAT.id}`);
    const group = await screen.findByRole('group', { name: 'Your rating' });

    theStream().emit('movie.rated', event('movie.rated', { rating: { average: 7.9, count: 3 } }));

    expect(screen.getByTestId('rating-summary')).toHaveTextContent('7.9/10 · 3 ratings');
    expect(within(group).getByRole('radio', { name: '7 stars' })).toBeChecked();
    await announced('Rating updated: 7.9 out of 10 from 3 ratings.');
  });

  it('shows a change made elsewhere in place, the watchlist toggle as it was', async () => {
    installEventSource();
    showAs(BOB, {}, { on_watchlist: true });
    renderApp(`/movies/${HEAT.id}`);
    const toggle = await screen.findByRole('button', { name: 'Watchlist' });

    theStream().emit(
      'movie.changed',
      event('movie.changed', { overview: 'Two men, one city.', runtime_minutes: 171, updated_at: '2024-06-01T10:00:00Z' }),
    );

    expect(screen.getByText('Two men, one city.')).toBeVisible();
    expect(screen.getByTestId('movie-facts')).toHaveTextContent('2 h 51 min');
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await announced('This movie was updated.');
  });

  it("ignores another movie's events", async () => {
    installEventSource();
    showAs(null);
    renderApp(`/movies/${HEAT.id}`);
    await screen.findByRole('heading', { name: 'Heat' });

    theStream().emit('movie.changed', event('movie.changed', { name: 'Ronin', updated_at: '2024-06-01T10:00:00Z' }, 'other'));
    theStream().emit('movie.deleted', { type: 'movie.deleted', id: 'other' });

    expect(screen.getByRole('heading', { name: 'Heat', level: 1 })).toBeVisible();
    expect(screen.queryByTestId('movie-deleted')).not.toBeInTheDocument();
  });

  it('says clearly that the movie was deleted, and offers nothing that would fail', async () => {
    installEventSource();
    showAs(ALICE);
    renderApp(`/movies/${HEAT.id}`);
    await screen.findByRole('group', { name: 'Your rating' });

    theStream().emit('movie.deleted', { type: 'movie.deleted', id: HEAT.id });

    const notice = screen.getByTestId('movie-deleted');
    expect(within(notice).getByRole('heading', { name: 'This movie has been deleted' })).toBeVisible();
    expect(within(notice).getByRole('link', { name: 'Back to the catalogue' })).toHaveAttribute('href', '/');
    expect(screen.getByRole('heading', { name: 'Heat', level: 1 })).toBeVisible();
    expect(screen.queryByRole('group', { name: 'Your rating' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Watchlist' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: /^Reviews/ })).not.toBeInTheDocument();
    await announced('This movie has been deleted: “Heat” is no longer in the catalogue.');
  });

  it('keeps what is being typed in the edit dialog through a change made elsewhere, and edits from the movie as stored', async () => {
    installEventSource();
    const changed = { ...HEAT, overview: 'Two men, one city.', updated_at: '2024-06-01T10:00:00Z' };
    const mock = showAs(ALICE, {
      [`GET /api/movies/${HEAT.id}`]: [() => json(200, seenBy(), { ETag: '"v1"' }), () => json(200, { ...changed, viewer: UNTOUCHED }, { ETag: '"v2"' })],
      [`PUT /api/movies/${HEAT.id}`]: (call) => json(200, { ...changed, ...call.body }, { ETag: '"v3"' }),
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    let dialog = await screen.findByRole('dialog');
    await user.clear(within(dialog).getByLabelText('Name'));
    await user.type(within(dialog).getByLabelText('Name'), 'Heat!');

    theStream().emit('movie.changed', { type: 'movie.changed', id: HEAT.id, movie: changed });
    theStream().emit('movie.rated', event('movie.rated', { rating: { average: 8.9, count: 5 } }));

    expect(within(dialog).getByLabelText('Name')).toHaveValue('Heat!');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByText('Two men, one city.')).toBeVisible();
    // The average heard after the change held back is the newer one.
    expect(screen.getByTestId('rating-summary')).toHaveTextContent('8.9/10 · 5 ratings');

    await user.click(screen.getByRole('button', { name: 'Edit' }));
    dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Overview')).toHaveValue('Two men, one city.');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Movie saved.')).toBeVisible();
    expect(mock.callsTo(`GET /api/movies/${HEAT.id}`)).toHaveLength(2);
    expect(mock.callsTo(`PUT /api/movies/${HEAT.id}`)[0].headers['If-Match']).toBe('"v2"');
  });

  it('reads the movie and its reviews again when the stream says it missed too much (reset)', async () => {
    installEventSource();
    const bob = review({ id: 'r-bob', author: { id: BOB.id, display_name: 'Bob' }, body: 'Missed while away.' });
    const mock = showAs(null, {
      [`GET /api/movies/${HEAT.id}`]: [
        () => json(200, HEAT, { ETag: '"v1"' }),
        () => json(200, { ...HEAT, name: 'Heat (1995)', updated_at: '2024-06-01T10:00:00Z' }, { ETag: '"v2"' }),
      ],
      [`GET /api/movies/${HEAT.id}/reviews`]: [reviewPage([]), reviewPage([bob])],
    });
    renderApp(`/movies/${HEAT.id}`);
    await screen.findByRole('heading', { name: 'Heat' });

    theStream().emit('reset', { type: 'reset', code: 'sync_expired', message: 'Too much was missed: read the catalogue again.' });

    expect(await screen.findByRole('heading', { name: 'Heat (1995)', level: 1 })).toBeVisible();
    expect(await screen.findByText('Missed while away.')).toBeVisible();
    expect(mock.callsTo(`GET /api/movies/${HEAT.id}`)).toHaveLength(2);
  });

  it('opens one EventSource for the page and its reviews, and closes it when the reader leaves', async () => {
    installEventSource();
    showAs(null, { [`GET /api/movies/${HEAT.id}/reviews`]: reviewPage([]) });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    await screen.findByRole('heading', { name: 'Heat' });
    const stream = theStream();

    stream.emit('review.posted', {
      type: 'review.posted',
      id: HEAT.id,
      review: review({ id: 'r-bob', author: { id: BOB.id, display_name: 'Bob' }, author_score: 9 }),
    });
    stream.emit('movie.rated', event('movie.rated', { rating: { average: 8.7, count: 3 } }));
    expect(within(screen.getByRole('list', { name: 'Reviews' })).getByTestId('review-author')).toHaveTextContent('Bob');
    expect(screen.getByTestId('rating-summary')).toHaveTextContent('8.7/10 · 3 ratings');

    await user.click(screen.getByRole('link', { name: 'Log in' }));

    expect(await screen.findByRole('heading', { name: /log in/i })).toBeVisible();
    await waitFor(() => expect(stream.closed).toBe(true));
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('goes on without live updates when the stream is unavailable (503): one attempt, no error shown', async () => {
    installEventSource();
    const errors = vi.spyOn(console, 'error');
    const mock = showAs(BOB, {
      [`PUT /api/movies/${HEAT.id}/rating`]: (call) => json(200, { score: call.body.score }),
      [`GET /api/movies/${HEAT.id}`]: [
        () => json(200, seenBy(), { ETag: '"v1"' }),
        () => json(200, seenBy({ score: 9 }, { rating: { average: 8.7, count: 3 } }), { ETag: '"v1"' }),
      ],
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);
    const group = await screen.findByRole('group', { name: 'Your rating' });

    theStream().fail();
    await user.click(within(group).getByText('9 stars'));

    await waitFor(() => expect(screen.getByTestId('rating-summary')).toHaveTextContent('8.7/10 · 3 ratings'));
    // The one alert is the reviews' empty note: nothing about live updates.
    expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toEqual([expect.stringMatching(/^No reviews yet/)]);
    expect(errors).not.toHaveBeenCalled();
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(mock.callsTo(`PUT /api/movies/${HEAT.id}/rating`)).toHaveLength(1);
  });
});
