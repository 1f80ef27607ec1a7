import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, movie, posterUrl } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

function link(pages) {
  return Object.entries(pages)
    .map(([rel, page]) => `</api/movies?page=${page}&per_page=12>; rel="${rel}"`)
    .join(', ');
}

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
    expect(within(heat).getByTestId('rating-summary')).toHaveTextContent('7.5/10 · 4 ratings');
    expect(within(ronin).getByRole('img', { name: 'No poster for Ronin' })).toBeVisible();
    expect(within(ronin).queryByTestId('movie-year')).not.toBeInTheDocument();
    expect(within(ronin).getByTestId('rating-summary')).toHaveTextContent('No ratings yet');
  });

  it("asks for a movie name, which is all the API's q searches", async () => {
    mockFetch({ 'GET /api/movies': () => json(200, [movie()], { 'X-Total-Count': '1' }) });

    renderApp('/');

    await screen.findByTestId('movie-card');
    expect(screen.getByLabelText('Search')).toHaveAttribute('placeholder', 'Movie name…');
  });

  it('sends search, genre and sort to the API and keeps them in the URL', async () => {
    const mock = mockFetch({ 'GET /api/movies': () => json(200, [movie()], { 'X-Total-Count': '1' }) });
    const { user } = renderApp('/?page=3');
    await screen.findByTestId('movie-card');

    await user.type(screen.getByLabelText('Search'), 'heat');
    await user.type(screen.getByLabelText('Genre'), 'Crime');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    await user.selectOptions(screen.getByLabelText('Sort by'), 'name');

    expect(mock.calls.at(-1).query).toEqual({ q: 'heat', genre: 'Crime', sort: 'name', page: '1', per_page: '12' });
    expect(screen.getByTestId('location')).toHaveTextContent('/?q=heat&genre=Crime&sort=name');
  });

  it('sends the director, the year range and the minimum rating, and keeps them in the URL', async () => {
    const mock = mockFetch({ 'GET /api/movies': () => json(200, [movie()], { 'X-Total-Count': '1' }) });
    const { user } = renderApp('/');
    await screen.findByTestId('movie-card');

    await user.type(screen.getByLabelText('Director'), ' Michael Mann ');
    await user.type(screen.getByLabelText('Year from'), '1990');
    await user.type(screen.getByLabelText('Year to'), '1999');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    await user.selectOptions(screen.getByLabelText('Minimum rating'), '7');

    expect(mock.calls.at(-1).query).toEqual({
      director: 'Michael Mann',
      year_from: '1990',
      year_to: '1999',
      min_rating: '7',
      sort: '-created_at',
      page: '1',
      per_page: '12',
    });
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/?director=Michael+Mann&year_from=1990&year_to=1999&min_rating=7',
    );
  });

  it.each([
    ['Year (newest first)', '-year'],
    ['Year (oldest first)', 'year'],
    ['Rating (highest first)', '-rating'],
    ['Rating (lowest first)', 'rating'],
  ])('sorts by %s', async (label, sort) => {
    const mock = mockFetch({ 'GET /api/movies': () => json(200, [movie()], { 'X-Total-Count': '1' }) });
    const { user } = renderApp('/');
    await screen.findByTestId('movie-card');

    await user.selectOptions(screen.getByLabelText('Sort by'), label);

    expect(mock.calls.at(-1).query.sort).toBe(sort);
    expect(screen.getByTestId('location')).toHaveTextContent(`/?sort=${sort}`);
  });

  it('refuses a year range that ends before it starts, and sends nothing', async () => {
    const mock = mockFetch({ 'GET /api/movies': () => json(200, [movie()], { 'X-Total-Count': '1' }) });
    const { user } = renderApp('/');
    await screen.findByTestId('movie-card');

    await user.type(screen.getByLabelText('Year from'), '2000');
    await user.type(screen.getByLabelText('Year to'), '1990');
    await user.click(screen.getByRole('button', { name: 'Search' }));

    expect(screen.getByText('Must not be before “Year from”.')).toBeVisible();
    expect(screen.getByLabelText('Year to')).toHaveAttribute('aria-invalid', 'true');
    expect(mock.calls).toHaveLength(1);
  });

  it('reads the filters back from the URL, and leaves out values the API would refuse', async () => {
    const mock = mockFetch({ 'GET /api/movies': () => json(200, [movie()], { 'X-Total-Count': '1' }) });

    renderApp('/?year_from=1990&year_to=1980&min_rating=11&sort=bogus&director=Mann&page=x');

    await screen.findByTestId('movie-card');
    expect(mock.calls[0].query).toEqual({ director: 'Mann', year_from: '1990', sort: '-created_at', page: '1', per_page: '12' });
    expect(screen.getByLabelText('Director')).toHaveValue('Mann');
    expect(screen.getByLabelText('Year from')).toHaveValue(1990);
    expect(screen.getByLabelText('Minimum rating')).toHaveValue('');
  });

  it('drives the pager from the Link and X-Total-Count headers', async () => {
    const movies = Array.from({ length: 12 }, (_, i) => movie({ id: `m${i}`, name: `Movie ${i}` }));
    const mock = mockFetch({
      'GET /api/movies': () =>
        json(200, movies, { 'X-Total-Count': '40', Link: link({ first: 1, prev: 1, next: 3, last: 4 }) }),
    });
    const { user } = renderApp('/?page=2');

    await screen.findAllByTestId('movie-card');
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 13–24 of 40');
    const pager = screen.getByRole('list', { name: 'Catalogue pages' });
    expect(within(pager).getAllByRole('link').map((a) => a.textContent)).toContain('4');

    await user.click(within(pager).getByRole('link', { name: 'Next page' }));

    expect(screen.getByTestId('location')).toHaveTextContent('/?page=3');
    expect(mock.calls.at(-1).query.page).toBe('3');
  });

  it('disables the links the Link header leaves out', async () => {
    mockFetch({
      'GET /api/movies': () =>
        json(200, [movie()], { 'X-Total-Count': '13', Link: link({ next: 2, last: 2 }) }),
    });

    renderApp('/');

    const pager = await screen.findByRole('list', { name: 'Catalogue pages' });
    expect(within(pager).queryByRole('link', { name: 'Previous page' })).not.toBeInTheDocument();
    expect(within(pager).getByRole('link', { name: 'Next page' })).toBeVisible();
  });

  it('says when nothing matches and offers to clear the filters', async () => {
    mockFetch({ 'GET /api/movies': () => json(200, [], { 'X-Total-Count': '0' }) });
    const { user } = renderApp('/?q=zzz&director=Nobody&min_rating=9');

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
    expect(mock.calls).toHaveLength(2);
  });
});
