import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, movie } from '../test/fetchMock.js';
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
    const { user } = renderApp('/?q=zzz');

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
