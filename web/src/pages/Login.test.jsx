import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { session } from '../api/client.js';
import { ALICE, issued, json, mockFetch } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

async function logIn(user) {
  await user.type(screen.getByLabelText('Email'), ALICE.email);
  await user.type(screen.getByLabelText('Password'), 'password123');
  await user.click(screen.getByRole('button', { name: 'Log in' }));
}

describe('<Login>', () => {
  it('opens a browser session, keeps the access token in memory only and lands on /private', async () => {
    const mock = mockFetch({
      'POST /api/auth/session': issued('access-1'),
      'GET /api/auth/me': () => json(200, ALICE),
      'GET /api/movies': () => json(200, [], { 'X-Total-Count': '0' }),
    });
    const { user } = renderApp('/login');

    await logIn(user);

    expect(await screen.findByRole('heading', { name: 'My movies' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/private');
    expect(session.accessToken).toBe('access-1');
    expect(sessionStorage.length).toBe(0);
    expect(localStorage.length).toBe(0);
    expect(mock.callsTo('POST /api/auth/session')[0].body).toEqual({ email: ALICE.email, password: 'password123' });
    expect(mock.callsTo('GET /api/auth/me')[0].headers.Authorization).toBe('Bearer access-1');
    expect(mock.callsTo('GET /api/movies')[0].query.added_by).toBe(ALICE.id);
  });

  it('returns to the private page first asked for', async () => {
    mockFetch({
      'POST /api/auth/session': issued(),
      'GET /api/auth/me': () => json(200, ALICE),
      'GET /api/movies': () => json(200, [], { 'X-Total-Count': '0' }),
    });
    const { user } = renderApp('/private?page=2');
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeVisible();

    await logIn(user);

    await screen.findByRole('heading', { name: 'My movies' });
    expect(screen.getByTestId('location')).toHaveTextContent('/private?page=2');
  });

  it('shows the API message for wrong credentials and keeps no token', async () => {
    mockFetch({
      'POST /api/auth/session': () => json(401, { message: 'Invalid email or password.', status: 401 }),
    });
    const { user } = renderApp('/login');

    await logIn(user);

    expect(await screen.findByText('Invalid email or password.')).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(session.accessToken).toBeNull();
  });

  it('says so when the API is unreachable', async () => {
    mockFetch({
      'POST /api/auth/session': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const { user } = renderApp('/login');

    await logIn(user);

    expect(await screen.findByText('Server unreachable')).toBeVisible();
  });

  it('shows a rate limit with the wait from Retry-After', async () => {
    mockFetch({
      'POST /api/auth/session': () => json(429, { message: '10 per 1 minute', status: 429 }, { 'Retry-After': '42' }),
    });
    const { user } = renderApp('/login');

    await logIn(user);

    expect(await screen.findByText('Too many attempts; try again in 42 seconds.')).toBeVisible();
    expect(screen.queryByText('10 per 1 minute')).not.toBeInTheDocument();
  });
});
