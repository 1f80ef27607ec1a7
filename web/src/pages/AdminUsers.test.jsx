import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ALICE, BOB, issued, json, mockFetch, storeSession } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

const ADMIN = { ...ALICE, is_admin: true };
const LAST_ADMIN = 'The last admin cannot be removed; make someone else an admin first.';

function page(users, total = users.length, link) {
  return () => json(200, users, { 'X-Total-Count': String(total), ...(link ? { Link: link } : {}) });
}

function routes(extra = {}) {
  return {
    'POST /api/auth/session/refresh': issued(),
    'GET /api/auth/me': () => json(200, ADMIN),
    'GET /api/users': page([BOB, ADMIN]),
    ...extra,
  };
}

function row(email) {
  return screen.getAllByTestId('user-row').find((tr) => within(tr).queryByText(email));
}

describe('<AdminUsers>', () => {
  it('tells non-admins the page is not for them and asks the API nothing', async () => {
    storeSession();
    const mock = mockFetch({ 'POST /api/auth/session/refresh': issued(), 'GET /api/auth/me': () => json(200, ALICE) });

    renderApp('/admin/users');

    expect(await screen.findByText('Only admins can see this page.')).toBeVisible();
    expect(mock.callsTo('GET /api/users')).toHaveLength(0);
    expect(screen.queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
  });

  it('lists users with their admin rights, and the navbar links here', async () => {
    storeSession();
    const mock = mockFetch(routes());

    renderApp('/admin/users');

    await screen.findAllByTestId('user-row');
    expect(screen.getByRole('switch', { name: `Admin rights for ${BOB.email}` })).not.toBeChecked();
    expect(screen.getByRole('switch', { name: `Admin rights for ${ADMIN.email}` })).toBeChecked();
    expect(within(row(ADMIN.email)).getByText('you')).toBeVisible();
    expect(within(row(ADMIN.email)).queryByRole('button', { name: /Delete/ })).not.toBeInTheDocument();
    expect(screen.getByTestId('result-count')).toHaveTextContent('Showing 1–2 of 2');
    expect(screen.getByRole('link', { name: 'Users' })).toHaveAttribute('href', '/admin/users');
    expect(mock.callsTo('GET /api/users')[0].query).toEqual({ page: '1', per_page: '20' });
    expect(mock.callsTo('GET /api/users')[0].headers.Authorization).toBe('Bearer access-1');
  });

  it('searches by email and pages with the Link header, keeping both in the URL', async () => {
    storeSession();
    const link = '</api/users?page=2&per_page=20&q=bob>; rel="next", </api/users?page=3&per_page=20&q=bob>; rel="last"';
    const mock = mockFetch(routes({ 'GET /api/users': page([BOB], 41, link) }));
    const { user } = renderApp('/admin/users');
    await screen.findAllByTestId('user-row');

    await user.type(screen.getByLabelText('Search by email'), ' bob ');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(mock.calls.at(-1).query).toEqual({ q: 'bob', page: '1', per_page: '20' }));
    expect(screen.getByTestId('location')).toHaveTextContent('/admin/users?q=bob');

    const pager = await screen.findByRole('list', { name: 'User pages' });
    await user.click(within(pager).getByRole('link', { name: 'Next page' }));

    await waitFor(() => expect(mock.calls.at(-1).query).toEqual({ q: 'bob', page: '2', per_page: '20' }));
    expect(screen.getByTestId('location')).toHaveTextContent('/admin/users?q=bob&page=2');
  });

  it('says when no email matches the search', async () => {
    storeSession();
    mockFetch(routes({ 'GET /api/users': page([]) }));

    renderApp('/admin/users?q=nobody');

    expect(await screen.findByText('No email contains “nobody”.')).toBeVisible();
  });

  it('makes a user an admin with PATCH', async () => {
    storeSession();
    const mock = mockFetch(
      routes({
        'GET /api/users': [page([BOB, ADMIN]), page([{ ...BOB, is_admin: true }, ADMIN])],
        [`PATCH /api/users/${BOB.id}`]: (call) => json(200, { ...BOB, ...call.body }),
      }),
    );
    const { user } = renderApp('/admin/users');
    await screen.findAllByTestId('user-row');

    await user.click(screen.getByRole('switch', { name: `Admin rights for ${BOB.email}` }));

    expect(await screen.findByTestId('notice')).toHaveTextContent(`${BOB.email} is now an admin.`);
    expect(mock.callsTo(`PATCH /api/users/${BOB.id}`)[0].body).toEqual({ is_admin: true });
    await waitFor(() => expect(screen.getByRole('switch', { name: `Admin rights for ${BOB.email}` })).toBeChecked());
  });

  it('shows the last-admin 409 and leaves the switch on', async () => {
    storeSession();
    mockFetch(
      routes({ [`PATCH /api/users/${ADMIN.id}`]: () => json(409, { message: LAST_ADMIN, status: 409 }) }),
    );
    const { user } = renderApp('/admin/users');
    await screen.findAllByTestId('user-row');

    await user.click(screen.getByRole('switch', { name: `Admin rights for ${ADMIN.email}` }));

    expect(await screen.findByText(LAST_ADMIN)).toBeVisible();
    expect(screen.getByRole('switch', { name: `Admin rights for ${ADMIN.email}` })).toBeChecked();
  });

  it('lets admins give up their own rights, after which the page is closed to them', async () => {
    storeSession();
    const other = { ...BOB, is_admin: true };
    mockFetch(
      routes({
        'GET /api/auth/me': [() => json(200, ADMIN), () => json(200, ALICE)],
        'GET /api/users': page([other, ADMIN]),
        [`PATCH /api/users/${ADMIN.id}`]: () => json(200, ALICE),
      }),
    );
    const { user } = renderApp('/admin/users');
    await screen.findAllByTestId('user-row');

    await user.click(screen.getByRole('switch', { name: `Admin rights for ${ADMIN.email}` }));

    expect(await screen.findByText('Only admins can see this page.')).toBeVisible();
    expect(screen.queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
  });

  it('shows each account by display name, its email on one unbroken line under it, whole in its title', async () => {
    storeSession();
    mockFetch(routes({ 'GET /api/users': page([BOB, ADMIN]) }));
    renderApp('/admin/users');

    const [bob] = await screen.findAllByTestId('user-row');
    expect(within(bob).getByTestId('user-display-name')).toHaveTextContent(BOB.display_name);
    const email = within(bob).getByText(BOB.email);
    expect(email).toHaveClass('email-text');
    expect(email).toHaveAttribute('title', BOB.email);
    expect(email.closest('[data-testid="user-email"]')).not.toHaveClass('text-break');
    expect(email.querySelector('wbr')).toBeNull();
  });

  it('deletes a user after confirmation', async () => {
    storeSession();
    const mock = mockFetch(
      routes({
        'GET /api/users': [page([BOB, ADMIN]), page([ADMIN])],
        [`DELETE /api/users/${BOB.id}`]: () => json(204),
      }),
    );
    const { user } = renderApp('/admin/users');
    await screen.findAllByTestId('user-row');

    await user.click(screen.getByRole('button', { name: `Delete ${BOB.email}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete user' });
    expect(dialog).toHaveTextContent(`Delete ${BOB.display_name} (${BOB.email}) and every movie they added?`);
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    expect(await screen.findByTestId('notice')).toHaveTextContent(`Deleted ${BOB.email} and their movies.`);
    await waitFor(() => expect(screen.getAllByTestId('user-row')).toHaveLength(1));
    expect(mock.callsTo(`DELETE /api/users/${BOB.id}`)).toHaveLength(1);
  });

  it('shows a refused deletion in the dialog', async () => {
    storeSession();
    const other = { ...BOB, is_admin: true };
    mockFetch(
      routes({
        'GET /api/users': page([other, ADMIN]),
        [`DELETE /api/users/${BOB.id}`]: () => json(409, { message: LAST_ADMIN, status: 409 }),
      }),
    );
    const { user } = renderApp('/admin/users');
    await screen.findAllByTestId('user-row');

    await user.click(screen.getByRole('button', { name: `Delete ${BOB.email}` }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    expect(await within(dialog).findByText(LAST_ADMIN)).toBeVisible();
  });

  it('creates a user with the admin box ticked', async () => {
    storeSession();
    const created = { id: 'new1', email: 'carol@example.com', is_admin: true, created_at: '2024-06-01T00:00:00Z' };
    const mock = mockFetch(
      routes({
        'GET /api/users': [page([BOB, ADMIN]), page([created, BOB, ADMIN])],
        'POST /api/users': () => json(201, created),
      }),
    );
    const { user } = renderApp('/admin/users');
    await screen.findAllByTestId('user-row');

    await user.click(screen.getByRole('button', { name: '+ Add user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create a user' });
    await user.type(within(dialog).getByLabelText('Email'), 'carol@example.com');
    await user.type(within(dialog).getByLabelText('Password'), 'carol password');
    await user.click(within(dialog).getByLabelText(/Admin/));
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));

    expect(await screen.findByTestId('notice')).toHaveTextContent('Created carol@example.com as an admin.');
    expect(mock.callsTo('POST /api/users')[0].body).toEqual({
      email: 'carol@example.com',
      password: 'carol password',
      is_admin: true,
    });
    await waitFor(() => expect(screen.getAllByTestId('user-row')).toHaveLength(3));
  });

  it('checks the new user before sending and shows a taken email next to the field', async () => {
    storeSession();
    const mock = mockFetch(
      routes({
        'POST /api/users': () =>
          json(409, { message: 'That email is already taken.', status: 409, errors: { email: ['Already taken.'] } }),
      }),
    );
    const { user } = renderApp('/admin/users');
    await screen.findAllByTestId('user-row');
    await user.click(screen.getByRole('button', { name: '+ Add user' }));
    const dialog = await screen.findByRole('dialog');

    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(within(dialog).getByText('Enter their email address.')).toBeVisible();
    expect(within(dialog).getByText('Enter a password.')).toBeVisible();
    expect(mock.callsTo('POST /api/users')).toHaveLength(0);

    await user.type(within(dialog).getByLabelText('Email'), BOB.email);
    await user.type(within(dialog).getByLabelText('Password'), 'bob password');
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));

    expect(await within(dialog).findByText('Already taken.')).toHaveClass('invalid-feedback');
    expect(within(dialog).getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
  });
});
