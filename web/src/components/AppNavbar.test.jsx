import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { session } from '../api/client.js';
import { ALICE, CSRF, issued, json, mockFetch, storeSession } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

const NO_MOVIES = () => json(200, [], { 'X-Total-Count': '0' });

describe('<AppNavbar>', () => {
  it('offers Login and Signup when logged out', async () => {
    mockFetch({ 'GET /api/movies': NO_MOVIES });

    renderApp('/');

    const nav = screen.getByRole('navigation');
    expect(within(nav).getByRole('link', { name: 'Login' })).toHaveAttribute('href', '/login');
    expect(within(nav).getByRole('link', { name: 'Signup' })).toHaveAttribute('href', '/signup');
    expect(within(nav).queryByRole('link', { name: 'My watchlist' })).not.toBeInTheDocument();
    await screen.findByText(/The catalogue is empty/);
  });

  it("shows the person's display name and a Logout that ends the session, forgets it and goes to /login", async () => {
    storeSession();
    const mock = mockFetch({
      'POST /api/auth/session/refresh': issued(),
      'GET /api/auth/me': () => json(200, ALICE),
      'GET /api/movies': NO_MOVIES,
      'DELETE /api/auth/session': () => json(204),
    });
    const { user } = renderApp('/private');

    expect(await screen.findByTestId('current-user')).toHaveTextContent(ALICE.display_name);
    expect(screen.queryByRole('link', { name: 'Login' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Logout' }));

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(mock.callsTo('DELETE /api/auth/session')[0].headers['X-CSRF-Token']).toBe(CSRF);
    expect(session.accessToken).toBeNull();
    expect(screen.getByRole('link', { name: 'Login' })).toBeVisible();
  });

  it("links the person's display name, never the email, to /account and shows Users to admins only", async () => {
    storeSession();
    mockFetch({
      'POST /api/auth/session/refresh': issued(),
      'GET /api/auth/me': () => json(200, ALICE),
      'GET /api/movies': NO_MOVIES,
    });

    renderApp('/');

    expect(await screen.findByTestId('current-user')).toHaveAttribute('href', '/account');
    expect(screen.getByRole('link', { name: ALICE.display_name })).toBeVisible();
    expect(screen.getByRole('navigation')).not.toHaveTextContent(ALICE.email);
    expect(screen.getByRole('link', { name: 'My watchlist' })).toHaveAttribute('href', '/watchlist');
    expect(screen.queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
  });

  it('shows admins a Users link to /admin/users', async () => {
    storeSession();
    mockFetch({
      'POST /api/auth/session/refresh': issued(),
      'GET /api/auth/me': () => json(200, { ...ALICE, is_admin: true }),
      'GET /api/movies': NO_MOVIES,
    });

    renderApp('/');

    const nav = await screen.findByRole('navigation');
    expect(await within(nav).findByRole('link', { name: 'Users' })).toHaveAttribute('href', '/admin/users');
    expect(within(nav).getByTestId('current-user')).toHaveTextContent(`${ALICE.display_name}admin`);
  });
});
