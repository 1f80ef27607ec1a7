import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ALICE, json, mockFetch, storeTokens } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

const NO_MOVIES = () => json(200, [], { 'X-Total-Count': '0' });

describe('<RequireAuth>', () => {
  it('redirects to /login without asking the API when there is no token', async () => {
    const mock = mockFetch({});

    renderApp('/private');

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(mock.calls).toHaveLength(0);
  });

  it('redirects to /login and clears the session when the token is invalid', async () => {
    storeTokens('bad-access', 'bad-refresh');
    const mock = mockFetch({
      'GET /api/auth/me': () => json(401, { message: 'The token is invalid.', status: 401 }),
      'POST /api/auth/refresh': () => json(401, { message: 'The token is invalid.', status: 401 }),
    });

    renderApp('/private');

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(sessionStorage.getItem('movieBag.accessToken')).toBeNull();
    expect(mock.callsTo('GET /api/movies')).toHaveLength(0);
  });

  it('renders the private page once /api/auth/me accepts the token', async () => {
    storeTokens();
    const mock = mockFetch({ 'GET /api/auth/me': () => json(200, ALICE), 'GET /api/movies': NO_MOVIES });

    renderApp('/private');

    expect(await screen.findByRole('heading', { name: 'My movies' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/private');
    expect(mock.callsTo('GET /api/auth/me')[0].headers.Authorization).toBe('Bearer access-1');
    expect(await screen.findByText("You haven't added any movies yet.")).toBeVisible();
  });

  it('renders after a silent refresh of an expired access token', async () => {
    storeTokens('old-access', 'refresh-1');
    mockFetch({
      'GET /api/auth/me': (call) =>
        call.headers.Authorization === 'Bearer access-2'
          ? json(200, ALICE)
          : json(401, { message: 'The token has expired.', status: 401 }),
      'POST /api/auth/refresh': () =>
        json(200, { access_token: 'access-2', refresh_token: 'refresh-2', token_type: 'Bearer', expires_in: 900 }),
      'GET /api/movies': NO_MOVIES,
    });

    renderApp('/private');

    expect(await screen.findByRole('heading', { name: 'My movies' })).toBeVisible();
    expect(sessionStorage.getItem('movieBag.refreshToken')).toBe('refresh-2');
  });

  it('keeps the session and offers a retry when the API is unreachable', async () => {
    storeTokens();
    mockFetch({
      'GET /api/auth/me': () => {
        throw new TypeError('Failed to fetch');
      },
    });

    renderApp('/private');

    expect(await screen.findByText('Server unreachable')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/private');
    expect(sessionStorage.getItem('movieBag.accessToken')).toBe('access-1');
  });

  it('keeps the session and shows the wait when the refresh is rate limited', async () => {
    storeTokens('old-access', 'refresh-1');
    mockFetch({
      'GET /api/auth/me': () => json(401, { message: 'The token has expired.', status: 401 }),
      'POST /api/auth/refresh': () => json(429, { message: '30 per 1 minute', status: 429 }, { 'Retry-After': '12' }),
    });

    renderApp('/private');

    expect(await screen.findByText('Too many attempts; try again in 12 seconds.')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/private');
    expect(sessionStorage.getItem('movieBag.refreshToken')).toBe('refresh-1');
  });
});
