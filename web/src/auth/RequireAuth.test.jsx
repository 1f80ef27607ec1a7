import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { session } from '../api/client.js';
import { ALICE, CSRF, issued, json, mockFetch, revoked, storeSession } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

const NO_MOVIES = () => json(200, [], { 'X-Total-Count': '0' });

describe('<RequireAuth>', () => {
  it('redirects to /login without asking the API when there is no session', async () => {
    const mock = mockFetch({});

    renderApp('/private');

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(mock.calls).toHaveLength(0);
  });

  it('resumes the session on page load: the refresh cookie buys the access token /me is asked with', async () => {
    storeSession();
    const mock = mockFetch({
      'POST /api/auth/session/refresh': issued('access-1'),
      'GET /api/auth/me': () => json(200, ALICE),
      'GET /api/movies': NO_MOVIES,
    });

    renderApp('/private');

    expect(await screen.findByRole('heading', { name: 'My movies' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/private');
    expect(mock.calls[0].path).toBe('/api/auth/session/refresh');
    expect(mock.calls[0].headers['X-CSRF-Token']).toBe(CSRF);
    expect(mock.callsTo('POST /api/auth/session/refresh')).toHaveLength(1);
    expect(mock.callsTo('GET /api/auth/me')[0].headers.Authorization).toBe('Bearer access-1');
    expect(await screen.findByText("You haven't added any movies yet.")).toBeVisible();
  });

  it('shows that the session is being checked until the refresh answers', async () => {
    storeSession();
    let answer;
    mockFetch({
      'POST /api/auth/session/refresh': () => new Promise((resolve) => (answer = resolve)),
      'GET /api/auth/me': () => json(200, ALICE),
      'GET /api/movies': NO_MOVIES,
    });

    renderApp('/private');

    expect(await screen.findByText('Checking your session…')).toBeVisible();
    expect(within(screen.getByRole('navigation')).queryByRole('link', { name: 'Login' })).not.toBeInTheDocument();
    answer(issued()());
    expect(await screen.findByRole('heading', { name: 'My movies' })).toBeVisible();
  });

  it('takes a refused refresh on page load as logged out, quietly', async () => {
    storeSession('stale-csrf');
    const mock = mockFetch({ 'POST /api/auth/session/refresh': revoked() });

    renderApp('/private');

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(screen.getByText('Log in to see that page.')).toBeVisible();
    expect(screen.queryByText(/session has expired/)).not.toBeInTheDocument();
    expect(mock.callsTo('GET /api/auth/me')).toHaveLength(0);
    expect(session.accessToken).toBeNull();
  });

  it('renders after a silent refresh of an expired access token', async () => {
    storeSession();
    mockFetch({
      'POST /api/auth/session/refresh': [issued('old-access'), issued('access-2')],
      'GET /api/auth/me': (call) =>
        call.headers.Authorization === 'Bearer access-2'
          ? json(200, ALICE)
          : json(401, { message: 'The token has expired.', status: 401 }),
      'GET /api/movies': NO_MOVIES,
    });

    renderApp('/private');

    expect(await screen.findByRole('heading', { name: 'My movies' })).toBeVisible();
    expect(session.accessToken).toBe('access-2');
  });

  it('keeps the session and offers a retry when the API is unreachable', async () => {
    storeSession();
    const mock = mockFetch({
      'POST /api/auth/session/refresh': [
        () => {
          throw new TypeError('Failed to fetch');
        },
        issued(),
      ],
      'GET /api/auth/me': () => json(200, ALICE),
      'GET /api/movies': NO_MOVIES,
    });
    const { user } = renderApp('/private');

    expect(await screen.findByText('Server unreachable')).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/private');
    await user.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('heading', { name: 'My movies' })).toBeVisible();
    expect(mock.callsTo('POST /api/auth/session/refresh')).toHaveLength(2);
  });

  it('keeps the session and shows the wait when the refresh is rate limited', async () => {
    storeSession();
    mockFetch({
      'POST /api/auth/session/refresh': () =>
        json(429, { message: '30 per 1 minute', status: 429 }, { 'Retry-After': '12' }),
    });

    renderApp('/private');

    expect(await screen.findByText('Too many attempts; try again in 12 seconds.')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/private');
  });
});
