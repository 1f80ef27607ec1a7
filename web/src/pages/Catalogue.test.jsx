import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { FakeEventSource, installEventSource, theStream } from '../test/fakeEventSource.js';
import { json, mockFetch, movie, posterUrl } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

function link(pages) {
  return Object.entries(pages)
    .map(([rel, page]) => `</api/movies?page=${page}&per_page=24>; rel="${rel}"`)
    .join(', ');
}

/** A Link header whose rel="next" carries a cursor, as the API's does. */
function cursorLink(cursor, rels = {}) {
  return [`</api/movies?cursor=${cursor}&per_page=24>; rel="next"`, link(rels)].filter(Boolean).join(', ');
}

const GENRES = [
  { name: 'Drama', count: 24 },
  { name: 'Crime', count: 9 },
  { name: 'Thriller', count: 1 },
];
const DIRECTORS = [
  { name: 'Christopher Nolan', count: 3 },
  { name: 'Michael Mann', count: 1 },
];

/** The API as the catalogue asks it: GET /api/movies answered by `movies`, and the pickers' lists. */
function catalogue(movies, extra = {}) {
  return mockFetch({
    'GET /api/movies': movies,
    'GET /api/genres': () => json(200, GENRES),
    'GET /api/directors': () => json(200, DIRECTORS),
    ...extra,
  });
}

const ONE = () => json(200, [movie()], { 'X-Total-Count': '1' });
const movies = (n) => Array.from({ length: n }, (_, i) => movie({ id: `m${i}`, name: `Movie ${i}` }));

describe('<Catalogue>', () => {
  it('lists movies with links to their pages', async () => {
    mockFetch({ 'GET /api/movies': () => json(200, [movie()], { 'X-Total-Count': '1' }) });

    renderApp('/');

    const card = await screen.findByTestId('movie-card');
    expect(within(card).getByRole('link', { name: 'Heat' })).toHaveAttribute('href', `/movies/${movie().id}`);
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 1–1 of 1');
  });

  it('shows each card with its poster thumbnail (lazy, with alt text), year and average rating', async () => {
    const poster = posterUrl('p1', '9f86d081884c7d659a2feaa0c55ad015');
    mockFetch({
      'GET /api/movies': () =>
        json(200, [movie({ id: 'p1', poster_url: poster, rating: { average: 7.5, count: 4 } }), movie({ id: 'p2', name: 'Ronin', year: null })], {
          'X-Total-Count': '2',
        }),
    });

    renderApp('/');

    const [heat, ronin] = await screen.findAllByTestId('movie-card');
    const img = within(heat).getByRole('img', { name: 'Poster of Heat' });
    expect(img).toHaveAttribute('src', 'http://localhost/api/movies/p1/poster?v=9f86d081884c7d659a2feaa0c55ad015&size=thumb');
    expect(img).toHaveAttribute('loading', 'lazy');
    expect(within(heat).getByTestId('movie-year')).toHaveTextContent('1995');
    expect(within(heat).getByTestId('rating-summary')).toHaveTextContent('7.5 out of 10 from 4 ratings');
    expect(within(ronin).getByRole('img', { name: 'No poster for Ronin' })).toBeVisible();
    expect(within(ronin).queryByTestId('movie-year')).not.toBeInTheDocument();
    expect(within(ronin).getByTestId('rating-summary')).toHaveTextContent('No ratings yet');
  });

  it('shows the movies as a poster grid: two columns on a phone, more on wider screens', async () => {
    catalogue(ONE);

    renderApp('/');

    const grid = await screen.findByRole('list', { name: 'Movies' });
    expect(grid).toHaveClass('row-cols-2', 'row-cols-sm-3', 'row-cols-md-4', 'row-cols-xl-6');
    expect(within(grid).getByRole('img', { name: 'No poster for Heat' })).toBeVisible();
  });

  it('has one search box for titles, cast and directors, which sends q and leaves the order to the API', async () => {
    const mock = catalogue(ONE);
    const { user } = renderApp('/');
    await screen.findByTestId('movie-card');

    expect(screen.getByLabelText('Search')).toHaveAttribute('placeholder', 'Search titles, cast, directors');
    await user.type(screen.getByLabelText('Search'), 'pacino{Enter}');

    expect(mock.callsTo('GET /api/movies').at(-1).query).toEqual({ q: 'pacino', page: '1', per_page: '24' });
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?q=pacino$/);
    // With a search and no sort chosen, the API answers in relevance order.
    expect(screen.getByLabelText('Sort by')).toHaveDisplayValue('Best match');
  });

  it('sends a sort picked with a search, and keeps both in the URL', async () => {
    const mock = catalogue(ONE);
    const { user } = renderApp('/?page=3');
    await screen.findByTestId('movie-card');

    await user.type(screen.getByLabelText('Search'), 'heat');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    await user.selectOptions(screen.getByLabelText('Sort by'), 'name');

    expect(mock.callsTo('GET /api/movies').at(-1).query).toEqual({ q: 'heat', sort: 'name', page: '1', per_page: '24' });
    expect(screen.getByTestId('location')).toHaveTextContent('/?q=heat&sort=name');
  });

  it('fills the genre picker from /api/genres with counts, and asks for every genre picked', async () => {
    const mock = catalogue(ONE);
    const { user } = renderApp('/');
    await screen.findByTestId('movie-card');

    const picker = await screen.findByRole('group', { name: 'Genres' });
    expect(within(picker).getAllByRole('checkbox').map((box) => box.labels[0].textContent)).toEqual([
      'Drama, 24 movies',
      'Crime, 9 movies',
      'Thriller, 1 movie',
    ]);
    await user.click(within(picker).getByRole('checkbox', { name: /^Drama/ }));
    await user.click(within(picker).getByRole('checkbox', { name: /^Crime/ }));

    expect(mock.callsTo('GET /api/movies').at(-1).params.getAll('genre')).toEqual(['Drama', 'Crime']);
    expect(screen.getByTestId('location')).toHaveTextContent('/?genre=Drama&genre=Crime');
    expect(within(picker).getByRole('checkbox', { name: /^Drama/ })).toBeChecked();

    await user.click(within(picker).getByRole('checkbox', { name: /^Drama/ }));

    expect(mock.callsTo('GET /api/movies').at(-1).params.getAll('genre')).toEqual(['Crime']);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?genre=Crime$/);
  });

  it('shows the ten most frequent genres and any picked, and the rest on "more"', async () => {
    const many = Array.from({ length: 14 }, (_, i) => ({ name: `Genre ${i + 1}`, count: 20 - i }));
    catalogue(ONE, { 'GET /api/genres': () => json(200, many) });
    const { user } = renderApp('/?genre=Genre+13');

    const picker = await screen.findByRole('group', { name: 'Genres' });
    await within(picker).findByRole('checkbox', { name: /^Genre 1,/ });
    expect(within(picker).getAllByRole('checkbox')).toHaveLength(11);
    expect(within(picker).getByRole('checkbox', { name: /^Genre 13,/ })).toBeChecked();
    const more = within(picker).getByRole('button', { name: '3 more' });
    expect(more).toHaveAttribute('aria-expanded', 'false');

    await user.click(more);

    expect(within(picker).getAllByRole('checkbox')).toHaveLength(14);
    expect(within(picker).getByRole('button', { name: 'Fewer genres' })).toHaveAttribute('aria-expanded', 'true');
  });

  it('shows a genre from the URL as picked, in any letter case, and one the list lacks too', async () => {
    const mock = catalogue(ONE);

    renderApp('/?genre=crime&genre=Film-Noir');

    const picker = await screen.findByRole('group', { name: 'Genres' });
    await within(picker).findByRole('checkbox', { name: /^Drama/ });
    expect(within(picker).getByRole('checkbox', { name: /^Crime/ })).toBeChecked();
    expect(within(picker).getByRole('checkbox', { name: 'Film-Noir' })).toBeChecked();
    expect(within(picker).getByRole('checkbox', { name: /^Drama/ })).not.toBeChecked();
    expect(mock.callsTo('GET /api/movies')[0].params.getAll('genre')).toEqual(['crime', 'Film-Noir']);
  });

  it('works without the pickers\' lists when the API cannot give them', async () => {
    mockFetch({
      'GET /api/movies': ONE,
      'GET /api/genres': () => json(404, { message: 'Not found.', status: 404 }),
      'GET /api/directors': () => json(404, { message: 'Not found.', status: 404 }),
    });

    renderApp('/');

    await screen.findByTestId('movie-card');
    expect(screen.queryByRole('group', { name: 'Genres' })).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('suggests the most frequent directors from /api/directors', async () => {
    catalogue(ONE);

    renderApp('/');

    await screen.findByTestId('movie-card');
    const list = document.getElementById(screen.getByLabelText('Director').getAttribute('list'));
    await waitFor(() => expect(list.querySelectorAll('option')).toHaveLength(2));
    expect([...list.options].map((o) => [o.value, o.label])).toEqual([
      ['Christopher Nolan', '3 movies'],
      ['Michael Mann', '1 movie'],
    ]);
  });

  it('sends cast, directors (commas between), the year range and the minimum rating, and keeps them in the URL', async () => {
    const mock = catalogue(ONE);
    const { user } = renderApp('/');
    await screen.findByTestId('movie-card');

    await user.type(screen.getByLabelText('Cast'), 'Al Pacino, Robert De Niro');
    await user.type(screen.getByLabelText('Director'), ' Michael Mann ');
    await user.type(screen.getByLabelText('Year from'), '1990');
    await user.type(screen.getByLabelText('Year to'), '1999');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    await user.selectOptions(screen.getByLabelText('Minimum rating'), '7');

    const call = mock.callsTo('GET /api/movies').at(-1);
    expect(call.params.getAll('cast')).toEqual(['Al Pacino', 'Robert De Niro']);
    expect(call.query).toEqual({
      cast: 'Robert De Niro',
      director: 'Michael Mann',
      year_from: '1990',
      year_to: '1999',
      min_rating: '7',
      page: '1',
      per_page: '24',
    });
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/?cast=Al+Pacino&cast=Robert+De+Niro&director=Michael+Mann&year_from=1990&year_to=1999&min_rating=7',
    );
  });

  it.each([
    ['Year (newest first)', '-year'],
    ['Year (oldest first)', 'year'],
    ['Rating (highest first)', '-rating'],
    ['Rating (lowest first)', 'rating'],
  ])('sorts by %s', async (label, sort) => {
    const mock = catalogue(ONE);
    const { user } = renderApp('/');
    await screen.findByTestId('movie-card');

    expect(screen.getByLabelText('Sort by')).toHaveDisplayValue('Newest first');
    await user.selectOptions(screen.getByLabelText('Sort by'), label);

    expect(mock.callsTo('GET /api/movies').at(-1).query.sort).toBe(sort);
    expect(screen.getByTestId('location')).toHaveTextContent(`/?sort=${sort}`);
  });

  it('refuses a year range that ends before it starts, and sends nothing', async () => {
    const mock = catalogue(ONE);
    const { user } = renderApp('/');
    await screen.findByTestId('movie-card');

    await user.type(screen.getByLabelText('Year from'), '2000');
    await user.type(screen.getByLabelText('Year to'), '1990');
    await user.click(screen.getByRole('button', { name: 'Search' }));

    expect(screen.getByText('Must not be before “Year from”.')).toBeVisible();
    expect(screen.getByLabelText('Year to')).toHaveAttribute('aria-invalid', 'true');
    expect(mock.callsTo('GET /api/movies')).toHaveLength(1);
  });

  it('reads the filters back from the URL, and leaves out values the API would refuse', async () => {
    const mock = catalogue(ONE);

    renderApp('/?year_from=1990&year_to=1980&min_rating=11&sort=bogus&director=Mann&director=mann&cast=%20&page=x');

    await screen.findByTestId('movie-card');
    expect(mock.callsTo('GET /api/movies')[0].query).toEqual({ director: 'Mann', year_from: '1990', page: '1', per_page: '24' });
    expect(screen.getByLabelText('Director')).toHaveValue('Mann');
    expect(screen.getByLabelText('Year from')).toHaveValue(1990);
    expect(screen.getByLabelText('Minimum rating')).toHaveValue('');
  });

  it('folds the filters behind a button that tells how many are in force (for a phone)', async () => {
    catalogue(ONE);
    const { user } = renderApp('/?genre=Drama&min_rating=7');
    await screen.findByTestId('movie-card');

    const toggle = screen.getByRole('button', { name: 'Filters, 2 in force' });
    const panel = screen.getByTestId('catalogue-filters');
    expect(toggle).toHaveClass('d-md-none');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveAttribute('aria-controls', panel.id);
    // Hidden below the md breakpoint only: a wider screen always shows the filters.
    expect(panel).toHaveClass('d-none', 'd-md-block');

    await user.click(toggle);

    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(panel).not.toHaveClass('d-none');
  });

  it('drives the numbered pager from the Link and X-Total-Count headers', async () => {
    const mock = catalogue(() =>
      json(200, movies(24), { 'X-Total-Count': '80', Link: link({ first: 1, prev: 1, next: 3, last: 4 }) }),
    );
    const { user } = renderApp('/?page=2');

    await screen.findAllByTestId('movie-card');
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 25–48 of 80');
    const pager = screen.getByRole('list', { name: 'Catalogue pages' });
    expect(within(pager).getAllByRole('link').map((a) => a.textContent)).toContain('4');

    await user.click(within(pager).getByRole('link', { name: 'Next page' }));

    expect(screen.getByTestId('location')).toHaveTextContent('/?page=3');
    expect(mock.callsTo('GET /api/movies').at(-1).query.page).toBe('3');
  });

  it('keeps to numbered pages while they are allowed, though rel="next" carries a cursor', async () => {
    const mock = catalogue(() =>
      json(200, movies(24), { 'X-Total-Count-Exceeds': '1000', Link: cursorLink('c-after-1', { first: 1 }) }),
    );
    const { user } = renderApp('/?q=the');

    await screen.findAllByTestId('movie-card');
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 1–24 of more than 1,000');
    const pager = screen.getByRole('list', { name: 'Catalogue pages' });
    expect(within(pager).queryByRole('link', { name: 'Last page' })).not.toBeInTheDocument();

    await user.click(within(pager).getByRole('link', { name: 'Next page' }));

    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?q=the&page=2$/);
    expect(mock.callsTo('GET /api/movies').at(-1).query).toEqual({ q: 'the', page: '2', per_page: '24' });
  });

  it('follows the cursor past the last numbered page, and comes back', async () => {
    // 1,000 rows allow 41 numbered pages of 24; the 42nd is reached by the cursor.
    const mock = catalogue((call) =>
      json(200, movies(24), {
        'X-Total-Count-Exceeds': '1000',
        Link: cursorLink(call.query.cursor === 'c-42' ? 'c-43' : 'c-42', { first: 1 }),
      }),
    );
    const { user } = renderApp('/?genre=Drama&page=41');
    await screen.findAllByTestId('movie-card');
    let pager = screen.getByRole('list', { name: 'Catalogue pages' });
    expect(within(pager).getByText('41').closest('li')).toHaveClass('active');

    await user.click(within(pager).getByRole('link', { name: 'Next page' }));

    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?genre=Drama&cursor=c-42$/);
    expect(mock.callsTo('GET /api/movies').at(-1).query).toEqual({ genre: 'Drama', cursor: 'c-42', per_page: '24' });
    await waitFor(() => expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 985–1008 of more than 1,000'));
    pager = screen.getByRole('list', { name: 'Catalogue pages' });
    expect(within(pager).getByText('42').closest('li')).toHaveClass('active');

    await user.click(within(pager).getByRole('link', { name: 'Next page' }));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?genre=Drama&cursor=c-43$/);
    await waitFor(() => expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 1009–1032'));

    // Back from the 43rd page: one step back in the history, to the 42nd (its cursor in the URL).
    await user.click(within(screen.getByRole('list', { name: 'Catalogue pages' })).getByRole('button', { name: 'Previous page' }));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?genre=Drama&cursor=c-42$/);

    // Back from the 42nd: the numbered page 41.
    await user.click(within(screen.getByRole('list', { name: 'Catalogue pages' })).getByRole('link', { name: 'Previous page' }));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?genre=Drama&page=41$/);
  });

  it('opens a cursor page from its URL (a reload, a shared link), with the first page a click away', async () => {
    const mock = catalogue(() => json(200, movies(24), { 'X-Total-Count-Exceeds': '1000', Link: cursorLink('c-9', { first: 1 }) }));
    const { user } = renderApp('/?cursor=c-8');

    await screen.findAllByTestId('movie-card');
    expect(mock.callsTo('GET /api/movies')[0].query).toEqual({ cursor: 'c-8', per_page: '24' });
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 24 movies of more than 1,000');
    const pager = screen.getByRole('list', { name: 'Catalogue pages' });
    expect(within(pager).queryByRole('link', { name: 'Previous page' })).not.toBeInTheDocument();

    await user.click(within(pager).getByRole('link', { name: 'First page' }));

    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
  });

  it('offers no Last when the last page is deeper than numbered pages may go', async () => {
    // 1,000 movies are 42 pages of 24, but the 42nd starts past the 1,000th row: only Next reaches it.
    catalogue(() => json(200, movies(24), { 'X-Total-Count': '1000', Link: `${cursorLink('c-2')}, ${link({ last: 42 })}` }));

    renderApp('/');

    const pager = await screen.findByRole('list', { name: 'Catalogue pages' });
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 1–24 of 1,000');
    expect(within(pager).queryByRole('link', { name: 'Last page' })).not.toBeInTheDocument();
    expect(within(pager).getByRole('link', { name: 'Next page' })).toHaveAttribute('href', '/?page=2');
  });

  it('disables the links the Link header leaves out', async () => {
    catalogue(() => json(200, [movie()], { 'X-Total-Count': '25', Link: link({ next: 2, last: 2 }) }));

    renderApp('/');

    const pager = await screen.findByRole('list', { name: 'Catalogue pages' });
    expect(within(pager).queryByRole('link', { name: 'Previous page' })).not.toBeInTheDocument();
    expect(within(pager).getByRole('link', { name: 'Next page' })).toBeVisible();
  });

  it('starts a new filter from page 1, leaving a cursor behind', async () => {
    const mock = catalogue(ONE);
    const { user } = renderApp('/?cursor=c-8');
    await screen.findByTestId('movie-card');

    await user.selectOptions(screen.getByLabelText('Minimum rating'), '8');

    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?min_rating=8$/);
    expect(mock.callsTo('GET /api/movies').at(-1).query).toEqual({ min_rating: '8', page: '1', per_page: '24' });
  });

  it('says when nothing matches and offers to clear the filters', async () => {
    catalogue(() => json(200, [], { 'X-Total-Count': '0' }));
    const { user } = renderApp('/?q=zzz&director=Nobody&genre=Drama&min_rating=9');

    expect(await screen.findByText('No movies match your search.')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
  });

  it('shows an empty catalogue state', async () => {
    mockFetch({ 'GET /api/movies': () => json(200, [], { 'X-Total-Count': '0' }) });

    renderApp('/');

    expect(await screen.findByText(/The catalogue is empty/)).toBeVisible();
  });

  it('shows a friendly message when the API is unreachable, and retries', async () => {
    const mock = mockFetch({
      'GET /api/movies': [
        () => {
          throw new TypeError('Failed to fetch');
        },
        () => json(200, [movie()], { 'X-Total-Count': '1' }),
      ],
    });
    const { user } = renderApp('/');

    expect(await screen.findByText('Server unreachable')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findByTestId('movie-card')).toBeVisible();
    expect(mock.callsTo('GET /api/movies')).toHaveLength(2);
  });
});

describe('<Catalogue> live updates', () => {
  const HEAT = movie({ id: 'heat', rating: { average: 8.0, count: 2 } });
  const RONIN = movie({ id: 'ronin', name: 'Ronin', year: 1998, rating: { average: 7.0, count: 1 } });
  const both = () => json(200, [HEAT, RONIN], { 'X-Total-Count': '2' });
  const cardOf = (name) => screen.getAllByTestId('movie-card').find((card) => within(card).queryByRole('link', { name }));
  const names = () => screen.getAllByTestId('movie-card').map((card) => within(card).getByRole('heading').textContent);
  // The announcer waits a moment (a burst is said once): more than waitFor's default second on a busy machine.
  const announced = (text) => waitFor(() => expect(screen.getByTestId('live-announcer')).toHaveTextContent(text), { timeout: 3000 });

  it("changes a card's rating in place after a movie.rated event, and says so politely", async () => {
    installEventSource();
    catalogue(both);
    renderApp('/');
    await screen.findAllByTestId('movie-card');

    theStream().emit('movie.rated', { type: 'movie.rated', id: 'heat', movie: { ...HEAT, rating: { average: 7.5, count: 4 } } });

    expect(within(cardOf('Heat')).getByTestId('rating-summary')).toHaveTextContent('7.5 out of 10 from 4 ratings');
    expect(within(cardOf('Ronin')).getByTestId('rating-summary')).toHaveTextContent('7.0 out of 10 from 1 rating');
    expect(names()).toEqual(['Heat', 'Ronin']);
    await announced('Rating updated for “Heat”: 7.5 out of 10 from 4 ratings.');
    expect(screen.getByTestId('live-announcer')).toHaveAttribute('aria-live', 'polite');
  });

  it('shows a movie changed elsewhere with its new name, year and poster, in the same place', async () => {
    installEventSource();
    catalogue(both);
    renderApp('/');
    await screen.findAllByTestId('movie-card');
    const poster = posterUrl('heat', 'aaaabbbbccccddddeeeeffff00001111');

    theStream().emit('movie.changed', {
      type: 'movie.changed',
      id: 'heat',
      movie: { ...HEAT, name: 'Heat (1995)', year: 1996, poster_url: poster, updated_at: '2024-06-01T10:00:00Z' },
    });

    expect(names()).toEqual(['Heat (1995)', 'Ronin']);
    const card = cardOf('Heat (1995)');
    expect(within(card).getByTestId('movie-year')).toHaveTextContent('1996');
    expect(within(card).getByRole('img', { name: 'Poster of Heat (1995)' })).toHaveAttribute('src', `${poster}&size=thumb`);
    await announced('“Heat” was renamed “Heat (1995)”.');
  });

  it('takes a deleted movie off the page, and counts one movie fewer', async () => {
    installEventSource();
    catalogue(both);
    renderApp('/');
    await screen.findAllByTestId('movie-card');
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 1–2 of 2');

    theStream().emit('movie.deleted', { type: 'movie.deleted', id: 'heat' });

    expect(names()).toEqual(['Ronin']);
    expect(screen.queryByRole('link', { name: 'Heat' })).not.toBeInTheDocument();
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 1–1 of 1');
    await announced('“Heat” was deleted.');
  });

  it('reads the page again when every movie on it was deleted', async () => {
    installEventSource();
    const mock = catalogue([() => json(200, [HEAT], { 'X-Total-Count': '1' }), () => json(200, [RONIN], { 'X-Total-Count': '1' })]);
    renderApp('/');
    await screen.findByTestId('movie-card');

    theStream().emit('movie.deleted', { type: 'movie.deleted', id: 'heat' });

    await waitFor(() => expect(names()).toEqual(['Ronin']));
    expect(mock.callsTo('GET /api/movies')).toHaveLength(2);
  });

  it('counts new movies in a small notice without moving the page, and shows them when asked', async () => {
    installEventSource();
    const alien = movie({ id: 'alien', name: 'Alien', year: 1979 });
    const mock = catalogue([both, () => json(200, [alien, HEAT, RONIN], { 'X-Total-Count': '3' })]);
    const { user } = renderApp('/?sort=-year');
    await screen.findAllByTestId('movie-card');

    theStream().emit('movie.created', { type: 'movie.created', id: 'alien', movie: alien });
    theStream().emit('movie.created', { type: 'movie.created', id: 'thing', movie: movie({ id: 'thing', name: 'The Thing' }) });

    const show = screen.getByRole('button', { name: '2 new movies — Show' });
    expect(show.closest('.live-news')).toBeInTheDocument();
    expect(names()).toEqual(['Heat', 'Ronin']);
    expect(mock.callsTo('GET /api/movies')).toHaveLength(1);
    await announced('2 new movies in the catalogue.');

    await user.click(show);

    await waitFor(() => expect(names()).toEqual(['Alien', 'Heat', 'Ronin']));
    expect(mock.callsTo('GET /api/movies').at(-1).query).toEqual({ sort: '-year', page: '1', per_page: '24' });
    expect(screen.queryByRole('button', { name: /new movie/ })).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Movie catalogue' })).toHaveFocus();
  });

  it('lets the page read again on "Show" have the last word over a rating heard before it', async () => {
    installEventSource();
    const alien = movie({ id: 'alien', name: 'Alien' });
    // A rating leaves updated_at as it was: only the order tells the page read later is newer.
    const rerated = { ...HEAT, rating: { average: 6.0, count: 5 } };
    catalogue([both, () => json(200, [alien, rerated, RONIN], { 'X-Total-Count': '3' })]);
    const { user } = renderApp('/');
    await screen.findAllByTestId('movie-card');

    theStream().emit('movie.rated', { type: 'movie.rated', id: 'heat', movie: { ...HEAT, rating: { average: 7.5, count: 4 } } });
    theStream().emit('movie.created', { type: 'movie.created', id: 'alien', movie: alien });
    expect(within(cardOf('Heat')).getByTestId('rating-summary')).toHaveTextContent('7.5 out of 10 from 4 ratings');
    await user.click(screen.getByRole('button', { name: '1 new movie — Show' }));

    await waitFor(() => expect(names()).toEqual(['Alien', 'Heat', 'Ronin']));
    expect(within(cardOf('Heat')).getByTestId('rating-summary')).toHaveTextContent('6.0 out of 10 from 5 ratings');
  });

  it('reads the page again when the stream says it missed too much (reset)', async () => {
    installEventSource();
    const mock = catalogue([both, () => json(200, [RONIN], { 'X-Total-Count': '1' })]);
    renderApp('/');
    await screen.findAllByTestId('movie-card');

    theStream().emit('reset', { type: 'reset', code: 'sync_expired', message: 'Too much was missed: read the catalogue again.' });

    await waitFor(() => expect(names()).toEqual(['Ronin']));
    expect(mock.callsTo('GET /api/movies')).toHaveLength(2);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('stops counting a new movie deleted before it was shown', async () => {
    installEventSource();
    catalogue(both);
    renderApp('/');
    await screen.findAllByTestId('movie-card');

    theStream().emit('movie.created', { type: 'movie.created', id: 'alien', movie: movie({ id: 'alien', name: 'Alien' }) });
    expect(screen.getByRole('button', { name: '1 new movie — Show' })).toBeVisible();
    theStream().emit('movie.deleted', { type: 'movie.deleted', id: 'alien' });

    expect(screen.queryByRole('button', { name: /new movie/ })).not.toBeInTheDocument();
    expect(names()).toEqual(['Heat', 'Ronin']);
  });

  it('leaves the page alone for a change to a movie it does not show', async () => {
    installEventSource();
    catalogue(both);
    renderApp('/');
    await screen.findAllByTestId('movie-card');

    theStream().emit('movie.rated', { type: 'movie.rated', id: 'other', movie: movie({ id: 'other', name: 'Other' }) });
    theStream().emit('movie.deleted', { type: 'movie.deleted', id: 'other' });

    expect(names()).toEqual(['Heat', 'Ronin']);
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 1–2 of 2');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(screen.getByTestId('live-announcer')).toBeEmptyDOMElement();
  });

  it('applies a change heard while the page was still loading', async () => {
    installEventSource();
    let answer;
    catalogue(() => new Promise((resolve) => (answer = resolve)));
    renderApp('/');
    await waitFor(() => expect(answer).toBeDefined());

    theStream().emit('movie.rated', { type: 'movie.rated', id: 'heat', movie: { ...HEAT, rating: { average: 9.0, count: 3 } } });
    answer(both());

    expect(within(await screen.findByRole('link', { name: 'Heat' }).then((link) => link.closest('.card'))).getByTestId('rating-summary')).toHaveTextContent(
      '9.0 out of 10 from 3 ratings',
    );
  });

  it('goes on without live updates when the stream is unavailable (503): no retry, no error shown', async () => {
    installEventSource();
    const errors = vi.spyOn(console, 'error');
    catalogue(both, { 'GET /api/movies/heat': () => json(200, HEAT, { ETag: '"v1"' }), 'GET /api/movies/heat/reviews': () => json(200, [], { 'X-Total-Count': '0' }) });
    const { user } = renderApp('/');
    await screen.findAllByTestId('movie-card');

    theStream().fail();
    await user.click(screen.getByRole('link', { name: 'Heat' }));
    expect(await screen.findByRole('heading', { name: 'Heat', level: 1 })).toBeVisible();
    await user.click(screen.getByRole('link', { name: '← Catalogue' }));
    await screen.findAllByTestId('movie-card');
    await user.type(screen.getByLabelText('Search'), 'ronin{Enter}');

    expect(FakeEventSource.instances).toHaveLength(1);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(errors).not.toHaveBeenCalled();
    expect(screen.getByTestId('location')).toHaveTextContent('/?q=ronin');
    expect(names()).toEqual(['Heat', 'Ronin']);
  });
});
