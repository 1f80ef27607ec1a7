import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { session } from '../api/client.js';
import { ALICE, issued, json, mockFetch, storeSession } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

const NO_MOVIES = () => json(200, [], { 'X-Total-Count': '0' });

function routes(extra = {}) {
  return {
    'POST /api/auth/session/refresh': issued(),
    'GET /api/auth/me': () => json(200, ALICE),
    'GET /api/movies': NO_MOVIES,
    ...extra,
  };
}

async function changePassword(user, current, next, confirmation = next) {
  if (current) await user.type(screen.getByLabelText('Current password'), current);
  if (next) await user.type(screen.getByLabelText('New password'), next);
  if (confirmation) await user.type(screen.getByLabelText('Confirm new password'), confirmation);
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('<Account>', () => {
  it('is private: without a session it sends people to /login', async () => {
    mockFetch({});

    renderApp('/account');

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
  });

  it('is reached from the email in the navbar', async () => {
    storeSession();
    mockFetch(routes());
    const { user } = renderApp('/private');

    await user.click(await screen.findByTestId('current-user'));

    expect(await screen.findByRole('heading', { name: 'Your account' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/account');
  });

  it('shows the current display name and changes it, everywhere at once', async () => {
    storeSession();
    const mock = mockFetch(routes({ 'PATCH /api/auth/me': (call) => json(200, { ...ALICE, ...call.body }) }));
    const { user } = renderApp('/account');
    await screen.findByRole('heading', { name: 'Your account' });

    expect(screen.getByTestId('current-display-name')).toHaveTextContent('Alice');
    const field = screen.getByLabelText('Display name');
    expect(field).toHaveValue('Alice');
    await user.clear(field);
    await user.type(field, '  Alice the Critic ');
    await user.click(screen.getByRole('button', { name: 'Save name' }));

    expect(await screen.findByTestId('display-name-notice')).toHaveTextContent('Others now see you as “Alice the Critic”.');
    expect(mock.callsTo('PATCH /api/auth/me')[0].body).toEqual({ display_name: 'Alice the Critic' });
    expect(screen.getByTestId('current-display-name')).toHaveTextContent('Alice the Critic');
    expect(screen.getByLabelText('Display name')).toHaveValue('Alice the Critic');
  });

  it('checks the display name before sending it, and shows the API errors next to it', async () => {
    storeSession();
    const mock = mockFetch(
      routes({
        'PATCH /api/auth/me': () =>
          json(400, {
            message: 'The submitted data is not valid.',
            status: 400,
            errors: { display_name: ['Length must be between 1 and 50.'] },
          }),
      }),
    );
    const { user } = renderApp('/account');
    await screen.findByRole('heading', { name: 'Your account' });

    await user.clear(screen.getByLabelText('Display name'));
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    expect(screen.getByText('Enter the name others should see.')).toBeVisible();
    expect(mock.callsTo('PATCH /api/auth/me')).toHaveLength(0);

    await user.type(screen.getByLabelText('Display name'), 'x');
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    expect(await screen.findByText('Length must be between 1 and 50.')).toHaveClass('invalid-feedback');
  });

  it('goes back to the default display name with null', async () => {
    storeSession();
    const mock = mockFetch(
      routes({ 'PATCH /api/auth/me': () => json(200, { ...ALICE, display_name: 'user-665f1c' }) }),
    );
    const { user } = renderApp('/account');
    await screen.findByRole('heading', { name: 'Your account' });

    await user.click(screen.getByRole('button', { name: 'Use the default name' }));

    expect(await screen.findByTestId('display-name-notice')).toHaveTextContent('Back to the default name, “user-665f1c”.');
    expect(mock.callsTo('PATCH /api/auth/me')[0].body).toEqual({ display_name: null });
    expect(screen.getByLabelText('Display name')).toHaveValue('user-665f1c');
  });

  it('changes the password and says the other sessions were logged out', async () => {
    storeSession();
    const mock = mockFetch(routes({ 'PUT /api/auth/password': () => json(204) }));
    const { user } = renderApp('/account');
    await screen.findByRole('heading', { name: 'Your account' });

    await changePassword(user, 'old password 1', 'new password 1');

    expect(await screen.findByTestId('password-notice')).toHaveTextContent(
      'Password changed; your other sessions were logged out.',
    );
    const put = mock.callsTo('PUT /api/auth/password')[0];
    expect(put.body).toEqual({ current_password: 'old password 1', new_password: 'new password 1' });
    expect(put.headers.Authorization).toBe('Bearer access-1');
    expect(screen.getByLabelText('Current password')).toHaveValue('');
    expect(screen.getByLabelText('New password')).toHaveValue('');
    expect(session.accessToken).toBe('access-1');
  });

  it('shows a wrong current password (403) next to that field', async () => {
    storeSession();
    mockFetch(
      routes({
        'PUT /api/auth/password': () => json(403, { message: 'The current password is not correct.', status: 403 }),
      }),
    );
    const { user } = renderApp('/account');
    await screen.findByRole('heading', { name: 'Your account' });

    await changePassword(user, 'wrong password', 'new password 1');

    const message = await screen.findByText('The current password is not correct.');
    expect(message).toHaveClass('invalid-feedback');
    expect(screen.getByLabelText('Current password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Current password')).toHaveAccessibleDescription(
      'The current password is not correct.',
    );
    expect(screen.queryByTestId('password-notice')).not.toBeInTheDocument();
    // Still logged in: a 403 here is about the password, not the session.
    expect(session.accessToken).toBe('access-1');
  });

  it("shows the API's new_password errors next to the new password", async () => {
    storeSession();
    mockFetch(
      routes({
        'PUT /api/auth/password': () =>
          json(400, {
            message: 'The submitted data is not valid.',
            status: 400,
            errors: { new_password: ['Password is too common.'] },
          }),
      }),
    );
    const { user } = renderApp('/account');
    await screen.findByRole('heading', { name: 'Your account' });

    await changePassword(user, 'old password 1', 'password1234');

    expect(await screen.findByText('Password is too common.')).toHaveClass('invalid-feedback');
    expect(screen.getByLabelText('New password')).toHaveAttribute('aria-invalid', 'true');
  });

  it('checks the three fields before sending anything', async () => {
    storeSession();
    const mock = mockFetch(routes());
    const { user } = renderApp('/account');
    await screen.findByRole('heading', { name: 'Your account' });

    await changePassword(user, '', 'short', 'other');

    expect(await screen.findByText('Enter your current password.')).toBeVisible();
    expect(screen.getByText('Use at least 8 characters.')).toBeVisible();
    expect(screen.getByText('The two passwords do not match.')).toBeVisible();
    expect(mock.callsTo('PUT /api/auth/password')).toHaveLength(0);
  });

  it('deletes the account after confirmation, ends the session and goes to / with a notice', async () => {
    storeSession();
    const mock = mockFetch(routes({ [`DELETE /api/users/${ALICE.id}`]: () => json(204) }));
    const { user } = renderApp('/account');
    await screen.findByRole('heading', { name: 'Your account' });

    await user.click(screen.getByRole('button', { name: 'Delete my account' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete your account?' });
    expect(mock.callsTo(`DELETE /api/users/${ALICE.id}`)).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account' }));

    expect(await screen.findByTestId('notice')).toHaveTextContent('Your account and all your movies were deleted.');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
    expect(screen.getByRole('heading', { name: 'Movie catalogue' })).toBeVisible();
    await waitFor(() => expect(screen.getByRole('link', { name: 'Login' })).toBeVisible());
    expect(session.accessToken).toBeNull();
    expect(mock.callsTo(`DELETE /api/users/${ALICE.id}`)[0].headers.Authorization).toBe('Bearer access-1');
  });

  it('keeps the account and says why when the API refuses (last admin)', async () => {
    storeSession();
    const message = 'The last admin cannot be removed; make someone else an admin first.';
    mockFetch(
      routes({
        'GET /api/auth/me': () => json(200, { ...ALICE, is_admin: true }),
        [`DELETE /api/users/${ALICE.id}`]: () => json(409, { message, status: 409 }),
      }),
    );
    const { user } = renderApp('/account');
    await screen.findByRole('heading', { name: 'Your account' });

    await user.click(screen.getByRole('button', { name: 'Delete my account' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account' }));

    expect(await within(dialog).findByText(message)).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/account');
    expect(session.accessToken).toBe('access-1');
  });

  it('asks nothing of the API when the deletion is cancelled', async () => {
    storeSession();
    const mock = mockFetch(routes());
    const { user } = renderApp('/account');
    await screen.findByRole('heading', { name: 'Your account' });

    await user.click(screen.getByRole('button', { name: 'Delete my account' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(mock.calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);
  });
});
