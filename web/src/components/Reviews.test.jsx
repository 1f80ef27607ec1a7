import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  issued,
  json,
  mockFetch,
  movie,
  page,
  review,
  reviewPage,
  storeSession,
  watchlisted,
} from '../test/fetchMock.js';
import { installEventSource, theStream } from '../test/fakeEventSource.js';
import { renderApp } from '../test/renderApp.jsx';
import { STALE_DELETE_MESSAGE } from './ManagedReview.jsx';
import { ALREADY_REVIEWED_NOTICE } from './Reviews.jsx';

const HEAT = movie();
const REVIEWS = `/api/movies/${HEAT.id}/reviews`;
const BY_BOB = review({ id: 'r-bob', author: { id: BOB.id, display_name: 'Bob' }, body: 'Too long by an hour.' });
const BY_ALICE = review({ id: 'r-alice', body: 'The diner scene!' });
const STALE = () => json(412, { message: 'The resource has changed since you last read it.', status: 412 });

function link(pages) {
  return Object.entries(pages)
    .map(([rel, n]) => `<${REVIEWS}?page=${n}&per_page=5>; rel="${rel}"`)
    .join(', ');
}

function showAs(user, extra = {}) {
  if (user) storeSession();
  return mockFetch({
    'POST /api/auth/session/refresh': issued(),
    'GET /api/auth/me': () => json(200, user),
    [`GET /api/movies/${HEAT.id}`]: () => json(200, HEAT, { ETag: '"m1"' }),
    [`GET /api/movies/${HEAT.id}/rating`]: () => json(404, { message: 'Not rated.', status: 404 }),
    [`GET /api/me/watchlist/${HEAT.id}`]: watchlisted(false),
    [`GET ${REVIEWS}`]: reviewPage([BY_BOB]),
    ...extra,
  });
}

const reviewsSection = () => screen.findByRole('region', { name: /^Reviews/ });

describe('<Reviews>', () => {
  it("lists the reviews with their authors' display names and pages with the Link header", async () => {
    const five = Array.from({ length: 5 }, (_, i) =>
      review({ id: `r${i}`, author: { id: `u${i}`, display_name: `Critic ${i}` }, body: `Take ${i}` }),
    );
    const mock = showAs(null, {
      [`GET ${REVIEWS}`]: page(five, { 'X-Total-Count': '12', Link: link({ first: 1, prev: 1, next: 3, last: 3 }) }),
    });
    const { user } = renderApp(`/movies/${HEAT.id}?page=2`);

    const section = await reviewsSection();
    expect(await within(section).findAllByTestId('review')).toHaveLength(5);
    expect(within(section).getByRole('heading', { name: 'Reviews (12)' })).toBeVisible();
    expect(within(section).getAllByTestId('review-author').map((el) => el.textContent)).toContain('Critic 3');
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 6–10 of 12');
    expect(mock.callsTo(`GET ${REVIEWS}`)[0].query).toEqual({ page: '2', per_page: '5' });
    expect(within(section).queryByRole('button', { name: /Edit/ })).not.toBeInTheDocument();

    await user.click(within(section).getByRole('link', { name: 'Next page' }));

    expect(screen.getByTestId('location')).toHaveTextContent(`/movies/${HEAT.id}?page=3`);
    expect(mock.callsTo(`GET ${REVIEWS}`).at(-1).query).toEqual({ page: '3', per_page: '5' });
  });

  it('shows visitors no review form', async () => {
    showAs(null);

    renderApp(`/movies/${HEAT.id}`);

    await within(await reviewsSection()).findByText('Too long by an hour.');
    expect(screen.queryByLabelText('Write your review')).not.toBeInTheDocument();
  });

  it("shows each author's score beside their name when the API gives one, and none when it does not", async () => {
    const scored = review({ id: 'r-carol', author: { id: 'u-carol', display_name: 'Carol' }, author_score: 8 });
    showAs(null, { [`GET ${REVIEWS}`]: reviewPage([scored, BY_BOB]) });

    renderApp(`/movies/${HEAT.id}`);

    const [carol, bob] = await within(await reviewsSection()).findAllByTestId('review');
    expect(within(carol).getByTestId('review-score')).toHaveTextContent('rated it 8/10');
    expect(within(bob).queryByTestId('review-score')).not.toBeInTheDocument();
  });

  it('posts the review of someone who has none, then lists it', async () => {
    const mock = showAs(ALICE, {
      [`GET ${REVIEWS}`]: [reviewPage([BY_BOB]), reviewPage([BY_BOB]), reviewPage([BY_ALICE, BY_BOB])],
      [`POST ${REVIEWS}`]: () => json(201, BY_ALICE, { ETag: '"r1"' }),
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);

    await user.click(await screen.findByRole('button', { name: 'Post review' }));
    expect(await screen.findByText('Write something first.')).toBeVisible();
    await user.type(screen.getByLabelText('Write your review'), '  The diner scene!  ');
    await user.click(screen.getByRole('button', { name: 'Post review' }));

    expect(await screen.findByTestId('review-notice')).toHaveTextContent('Your review was posted.');
    expect(mock.callsTo(`POST ${REVIEWS}`)[0].body).toEqual({ body: 'The diner scene!' });
    const section = await reviewsSection();
    await waitFor(() => expect(within(section).getAllByTestId('review')).toHaveLength(2));
    expect(screen.queryByLabelText('Write your review')).not.toBeInTheDocument();
    expect(within(section).getByRole('button', { name: 'Edit your review' })).toBeVisible();
  });

  it('explains a 409 (already reviewed elsewhere) and shows that review instead of the form', async () => {
    showAs(ALICE, {
      [`GET ${REVIEWS}`]: [reviewPage([BY_BOB]), reviewPage([BY_BOB]), reviewPage([BY_ALICE, BY_BOB])],
      [`POST ${REVIEWS}`]: () =>
        json(409, { message: 'That review is already taken.', status: 409, errors: { review: ['Already taken.'] } }),
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);

    await user.type(await screen.findByLabelText('Write your review'), 'Again');
    await user.click(screen.getByRole('button', { name: 'Post review' }));

    expect(await screen.findByText(ALREADY_REVIEWED_NOTICE)).toBeVisible();
    expect(await screen.findByRole('button', { name: 'Edit your review' })).toBeVisible();
    expect(screen.queryByLabelText('Write your review')).not.toBeInTheDocument();
  });

  it("shows one's review above the list when it is on another page", async () => {
    const last = link({ last: 2 });
    const others = Array.from({ length: 5 }, (_, i) =>
      review({ id: `r${i}`, author: { id: `u${i}`, display_name: `Critic ${i}` }, body: `Take ${i}` }),
    );
    const mock = showAs(ALICE, {
      [`GET ${REVIEWS}`]: reviewPage(others, { 'X-Total-Count': '6', Link: last }, [...others, BY_ALICE]),
    });

    renderApp(`/movies/${HEAT.id}`);

    expect(await screen.findByRole('heading', { name: 'Your review' })).toBeVisible();
    expect(screen.getByText('The diner scene!')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Edit your review' })).toBeVisible();
    // One question for one's own review, by author: no reading of every page.
    const asked = mock.callsTo(`GET ${REVIEWS}`).map((call) => call.query);
    expect(asked.filter((query) => 'author' in query)).toEqual([{ author: ALICE.id }]);
    expect(asked.filter((query) => !('author' in query))).toEqual([{ page: '1', per_page: '5' }]);
  });

  it("edits one's review with If-Match set to the review's ETag", async () => {
    const mock = showAs(ALICE, {
      [`GET ${REVIEWS}`]: reviewPage([BY_ALICE, BY_BOB]),
      'GET /api/reviews/r-alice': () => json(200, BY_ALICE, { ETag: '"r-alice-1"' }),
      'PATCH /api/reviews/r-alice': (call) => json(200, { ...BY_ALICE, ...call.body }, { ETag: '"r-alice-2"' }),
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);

    await user.click(await screen.findByRole('button', { name: 'Edit your review' }));
    const text = await screen.findByLabelText('Your review');
    expect(text).toHaveValue('The diner scene!');
    expect(text).toHaveFocus();
    await user.clear(text);
    await user.type(text, 'The diner scene, again.');
    await user.click(screen.getByRole('button', { name: 'Save review' }));

    expect(await screen.findByTestId('review-notice')).toHaveTextContent('Your review was saved.');
    const patch = mock.callsTo('PATCH /api/reviews/r-alice')[0];
    expect(patch.headers['If-Match']).toBe('"r-alice-1"');
    expect(patch.body).toEqual({ body: 'The diner scene, again.' });
  });

  it('explains a stale edit (412) and reloads the latest text on request', async () => {
    showAs(ALICE, {
      [`GET ${REVIEWS}`]: reviewPage([BY_ALICE]),
      'GET /api/reviews/r-alice': [
        () => json(200, BY_ALICE, { ETag: '"r-alice-1"' }),
        () => json(200, { ...BY_ALICE, body: 'Changed in another tab.' }, { ETag: '"r-alice-2"' }),
      ],
      'PATCH /api/reviews/r-alice': STALE,
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);

    await user.click(await screen.findByRole('button', { name: 'Edit your review' }));
    await user.type(await screen.findByLabelText('Your review'), ' More.');
    await user.click(screen.getByRole('button', { name: 'Save review' }));

    expect(await screen.findByTestId('review-problem')).toHaveTextContent('Someone changed this review meanwhile.');
    expect(screen.getByRole('button', { name: 'Save review' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Reload review' }));

    await waitFor(() => expect(screen.getByLabelText('Your review')).toHaveValue('Changed in another tab.'));
    expect(screen.queryByTestId('review-problem')).not.toBeInTheDocument();
  });

  it("deletes one's review after confirmation, with If-Match", async () => {
    const mock = showAs(ALICE, {
      [`GET ${REVIEWS}`]: [reviewPage([BY_ALICE, BY_BOB]), reviewPage([BY_ALICE, BY_BOB]), reviewPage([BY_BOB])],
      'GET /api/reviews/r-alice': () => json(200, BY_ALICE, { ETag: '"r-alice-1"' }),
      'DELETE /api/reviews/r-alice': () => json(204),
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);

    await user.click(await screen.findByRole('button', { name: 'Delete your review' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete review' });
    expect(within(dialog).getByText('The diner scene!')).toBeVisible();
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    expect(await screen.findByTestId('review-notice')).toHaveTextContent('Your review was deleted.');
    expect(mock.callsTo('DELETE /api/reviews/r-alice')[0].headers['If-Match']).toBe('"r-alice-1"');
    expect(await screen.findByLabelText('Write your review')).toBeVisible();
  });

  it('on a stale delete (412) shows the latest text and deletes that version when asked again', async () => {
    const mock = showAs(ALICE, {
      [`GET ${REVIEWS}`]: reviewPage([BY_ALICE]),
      'GET /api/reviews/r-alice': [
        () => json(200, BY_ALICE, { ETag: '"r-alice-1"' }),
        () => json(200, { ...BY_ALICE, body: 'Rewritten meanwhile.' }, { ETag: '"r-alice-2"' }),
      ],
      'DELETE /api/reviews/r-alice': [STALE, () => json(204)],
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);

    await user.click(await screen.findByRole('button', { name: 'Delete your review' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete review' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    expect(await within(dialog).findByText(STALE_DELETE_MESSAGE)).toBeVisible();
    expect(within(dialog).getByText('Rewritten meanwhile.')).toBeVisible();
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    expect(await screen.findByTestId('review-notice')).toHaveTextContent('Your review was deleted.');
    expect(mock.callsTo('DELETE /api/reviews/r-alice').map((call) => call.headers['If-Match'])).toEqual([
      '"r-alice-1"',
      '"r-alice-2"',
    ]);
  });

  it("gives admins Edit and Delete on anyone's review, and shows the API's 403", async () => {
    showAs({ ...ALICE, is_admin: true }, {
      'GET /api/reviews/r-bob': () => json(200, BY_BOB, { ETag: '"r-bob-1"' }),
      'PATCH /api/reviews/r-bob': () =>
        json(403, { message: 'Only the person who wrote this review, or an admin, may change it.', status: 403 }),
    });
    const { user } = renderApp(`/movies/${HEAT.id}`);

    await user.click(await screen.findByRole('button', { name: 'Edit the review by Bob' }));
    await user.type(await screen.findByLabelText('Review by Bob'), '!');
    await user.click(screen.getByRole('button', { name: 'Save review' }));

    expect(await screen.findByTestId('review-problem')).toHaveTextContent(
      'Only the person who wrote this review, or an admin, may change it.',
    );
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Delete the review by Bob' })).toBeVisible();
  });

  it("gives other people no Edit or Delete on someone else's review", async () => {
    showAs(ALICE);

    renderApp(`/movies/${HEAT.id}`);

    await within(await reviewsSection()).findByText('Too long by an hour.');
    expect(screen.queryByRole('button', { name: /review by Bob/ })).not.toBeInTheDocument();
  });
});

describe('<Reviews> live updates', () => {
  const BY_CAROL = review({
    id: 'r-carol',
    author: { id: 'u-carol', display_name: 'Carol' },
    author_score: 9,
    body: 'Still the best heist.',
    created_at: '2024-06-01T10:00:00Z',
    updated_at: '2024-06-01T10:00:00Z',
  });
  const posted = (row, movieId = HEAT.id) => theStream().emit('review.posted', { type: 'review.posted', id: movieId, review: row });
  const authors = (section) => within(section).getAllByTestId('review-author').map((el) => el.textContent);
  // The announcer waits a moment (a burst is said once): more than waitFor's default second on a busy machine.
  const announced = (text) => waitFor(() => expect(screen.getByTestId('live-announcer')).toHaveTextContent(text), { timeout: 3000 });

  it("puts a review posted elsewhere on top of the first page, with its author's score, without reading the list again", async () => {
    installEventSource();
    const mock = showAs(null);
    renderApp(`/movies/${HEAT.id}`);
    const section = await reviewsSection();
    await within(section).findByText('Too long by an hour.');
    expect(within(section).getByRole('heading', { name: 'Reviews (1)' })).toBeVisible();

    posted(BY_CAROL);

    expect(authors(section)).toEqual(['Carol', 'Bob']);
    expect(within(within(section).getAllByTestId('review')[0]).getByTestId('review-score')).toHaveTextContent('rated it 9/10');
    expect(within(section).getByText('Still the best heist.')).toBeVisible();
    expect(within(section).getByRole('heading', { name: 'Reviews (2)' })).toBeVisible();
    expect(mock.callsTo(`GET ${REVIEWS}`)).toHaveLength(1);
    await announced('New review by Carol.');
  });

  it('shows the new text of a review on the page changed elsewhere, in its place', async () => {
    installEventSource();
    showAs(null, { [`GET ${REVIEWS}`]: reviewPage([BY_CAROL, BY_BOB]) });
    renderApp(`/movies/${HEAT.id}`);
    const section = await reviewsSection();
    await within(section).findByText('Too long by an hour.');

    posted({ ...BY_BOB, body: 'Too long by an hour, and worth it.', author_score: 7, updated_at: '2024-06-02T10:00:00Z' });

    expect(authors(section)).toEqual(['Carol', 'Bob']);
    const bob = within(section).getAllByTestId('review')[1];
    expect(within(bob).getByText('Too long by an hour, and worth it.')).toBeVisible();
    expect(within(bob).getByTestId('review-score')).toHaveTextContent('rated it 7/10');
    expect(within(section).getByRole('heading', { name: 'Reviews (2)' })).toBeVisible();
    await announced('The review by Bob was changed.');
  });

  it('keeps a full first page at five reviews, the oldest making room', async () => {
    installEventSource();
    const five = Array.from({ length: 5 }, (_, i) =>
      review({ id: `r${i}`, author: { id: `u${i}`, display_name: `Critic ${i}` }, body: `Take ${i}` }),
    );
    showAs(null, { [`GET ${REVIEWS}`]: page(five, { 'X-Total-Count': '7', Link: link({ next: 2, last: 2 }) }) });
    renderApp(`/movies/${HEAT.id}`);
    const section = await reviewsSection();
    await within(section).findByText('Take 4');

    posted(BY_CAROL);

    expect(authors(section)).toEqual(['Carol', 'Critic 0', 'Critic 1', 'Critic 2', 'Critic 3']);
    expect(within(section).getByRole('heading', { name: 'Reviews (8)' })).toBeVisible();
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 1–5 of 8');
  });

  it("leaves a later page as it is, and another movie's reviews out", async () => {
    installEventSource();
    showAs(null, { [`GET ${REVIEWS}`]: page([BY_BOB], { 'X-Total-Count': '6', Link: link({ first: 1, prev: 1 }) }) });
    renderApp(`/movies/${HEAT.id}?page=2`);
    const section = await reviewsSection();
    await within(section).findByText('Too long by an hour.');

    posted(BY_CAROL);
    posted({ ...BY_CAROL, id: 'r-elsewhere' }, 'another-movie');

    expect(authors(section)).toEqual(['Bob']);
    expect(within(section).getByRole('heading', { name: 'Reviews (6)' })).toBeVisible();
  });

  it('turns the write form into one\'s own review when it is posted in another tab', async () => {
    installEventSource();
    const mine = review({ id: 'r-alice', body: 'Written in the other tab.', created_at: '2024-06-01T10:00:00Z', updated_at: '2024-06-01T10:00:00Z' });
    let written = false;
    showAs(ALICE, {
      [`GET ${REVIEWS}`]: (call) => reviewPage([BY_BOB], {}, written ? [mine, BY_BOB] : [BY_BOB])(call),
    });
    renderApp(`/movies/${HEAT.id}`);
    expect(await screen.findByLabelText('Write your review')).toBeVisible();

    written = true;
    posted(mine);

    const section = await reviewsSection();
    expect(authors(section)).toEqual(['Alice', 'Bob']);
    expect(await within(section).findByRole('button', { name: 'Edit your review' })).toBeVisible();
    await waitFor(() => expect(screen.queryByLabelText('Write your review')).not.toBeInTheDocument());
  });
});
