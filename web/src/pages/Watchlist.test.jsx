import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ALICE, issued, json, mockFetch, movie, page, storeSession } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

const HEAT = movie();
const RONIN = movie({ id: '665f1c0e8b3e4a00010000bb', name: 'Ronin', year: 1998 });

function routes(extra = {}) {
  return {
    'POST /api/auth/session/refresh': issued(),
    'GET /api/auth/me': () => json(200, ALICE),
    'GET /api/me/watchlist': page([HEAT, RONIN]),
    ...extra,
  };
}

describe('<Watchlist>', () => {
  it('is private: without a session it sends people to /login', async () => {
    mockFetch({});

    renderApp('/watchlist');

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeVisible();
  });

  it('is linked in the navbar and lists the watchlist as cards', async () => {
    storeSession();
    const mock = mockFetch(routes({ 'GET /api/movies': page([]) }));
    const { user } = renderApp('/');

    await user.click(await screen.findByRole('link', { name: 'My watchlist' }));

    expect(await screen.findByRole('heading', { name: 'My watchlist' })).toBeVisible();
    const cards = await screen.findAllByTestId('movie-card');
    expect(cards.map((card) => within(card).getByRole('heading').textContent)).toEqual(['Heat', 'Ronin']);
    expect(within(cards[0]).getByRole('link', { name: 'Heat' })).toHaveAttribute('href', `/movies/${HEAT.id}`);
    expect(mock.callsTo('GET /api/me/watchlist')[0].query).toEqual({ page: '1', per_page: '12' });
    expect(mock.callsTo('GET /api/me/watchlist')[0].headers.Authorization).toBe('Bearer access-1');
  });

  it('removes a movie and lists the rest', async () => {
    storeSession();
    const mock = mockFetch(
      routes({
        'GET /api/me/watchlist': [page([HEAT, RONIN]), page([RONIN])],
        [`DELETE /api/me/watchlist/${HEAT.id}`]: () => json(204),
      }),
    );
    const { user } = renderApp('/watchlist');

    await user.click(await screen.findByRole('button', { name: 'Remove Heat from your watchlist' }));

    expect(await screen.findByTestId('notice')).toHaveTextContent('Removed “Heat” from your watchlist.');
    await waitFor(() => expect(screen.getAllByTestId('movie-card')).toHaveLength(1));
    expect(mock.callsTo(`DELETE /api/me/watchlist/${HEAT.id}`)).toHaveLength(1);
  });

  it('goes back a page when the last movie of a later page is removed', async () => {
    storeSession();
    const link = '</api/me/watchlist?page=1&per_page=12>; rel="first", </api/me/watchlist?page=1&per_page=12>; rel="prev"';
    mockFetch(
      routes({
        'GET /api/me/watchlist': (call) =>
          call.query.page === '2' ? page([RONIN], { 'X-Total-Count': '13', Link: link })() : page([HEAT])(),
        [`DELETE /api/me/watchlist/${RONIN.id}`]: () => json(204),
      }),
    );
    const { user } = renderApp('/watchlist?page=2');

    await user.click(await screen.findByRole('button', { name: 'Remove Ronin from your watchlist' }));

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/watchlist$/));
    expect(await screen.findByRole('link', { name: 'Heat' })).toBeVisible();
  });

  it('says when the watchlist is empty', async () => {
    storeSession();
    mockFetch(routes({ 'GET /api/me/watchlist': page([]) }));

    renderApp('/watchlist');

    expect(await screen.findByText(/Your watchlist is empty/)).toBeVisible();
  });
});
