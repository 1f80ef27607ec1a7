import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { session } from '../api/client.js';
import { ALICE, issued, json, mockFetch, storeSession } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

async function choose(user, password, confirmation = password) {
  if (password) await user.type(screen.getByLabelText('New password'), password);
  if (confirmation) await user.type(screen.getByLabelText('Confirm new password'), confirmation);
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

const badToken = (message) => () => json(400, { message, status: 400 });

describe('<ResetPassword>', () => {
  it('sends the token from the URL fragment with the new password, then goes to /login with a notice', async () => {
    const mock = mockFetch({ 'POST /api/auth/reset': () => json(204) });
    const { user } = renderApp('/reset-password#token=tok-123');

    await choose(user, 'a brand new password');

    expect(await screen.findByTestId('login-notice')).toHaveTextContent(
      'Your password was changed; log in with the new one.',
    );
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(mock.calls[0].body).toEqual({ reset_token: 'tok-123', password: 'a brand new password' });
  });

  it('takes the token out of the address bar at once, and still has it', async () => {
    const mock = mockFetch({ 'POST /api/auth/reset': () => json(204) });
    const { user } = renderApp('/reset-password?from=email#token=tok-123');

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/reset-password\?from=email$/));
    expect(screen.getByTestId('location-hash')).toBeEmptyDOMElement();
    await choose(user, 'a brand new password');

    await screen.findByTestId('login-notice');
    expect(mock.calls[0].body.reset_token).toBe('tok-123');
  });

  it('does not take a token from the query string, which would reach the server', async () => {
    const mock = mockFetch({});

    renderApp('/reset-password?token=tok-123');

    expect(await screen.findByTestId('reset-token-problem')).toHaveTextContent('has no reset token');
    expect(mock.calls).toHaveLength(0);
  });

  it('checks the password like signup does, and that both copies match', async () => {
    const mock = mockFetch({});
    const { user } = renderApp('/reset-password#token=tok-123');

    await choose(user, 'short', 'shorter');

    expect(await screen.findByText('Use at least 8 characters.')).toBeVisible();
    expect(screen.getByText('The two passwords do not match.')).toBeVisible();
    expect(screen.getByLabelText('Confirm new password')).toHaveAttribute('aria-invalid', 'true');
    expect(mock.calls).toHaveLength(0);
  });

  it('refuses a new password of more than 256 characters', async () => {
    const mock = mockFetch({});
    const { user } = renderApp('/reset-password#token=tok-123');

    await user.click(screen.getByLabelText('New password'));
    await user.paste('a'.repeat(257));
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByText('Use at most 256 characters.')).toBeVisible();
    expect(mock.calls).toHaveLength(0);
  });

  it.each([
    'This reset token is not valid.',
    'This reset token has expired; ask for a new one.',
    'This reset token was already used; ask for a new one.',
  ])('shows "%s" with a way to ask for a new link', async (message) => {
    mockFetch({ 'POST /api/auth/reset': badToken(message) });
    const { user } = renderApp('/reset-password#token=tok-123');

    await choose(user, 'a brand new password');

    expect(await screen.findByTestId('reset-token-problem')).toHaveTextContent(message);
    expect(screen.getByRole('link', { name: 'Ask for a new reset link' })).toHaveAttribute('href', '/forgot-password');
    expect(screen.getByTestId('location')).toHaveTextContent('/reset-password');
  });

  it("shows the API's password errors next to the password", async () => {
    mockFetch({
      'POST /api/auth/reset': () =>
        json(400, {
          message: 'The submitted data is not valid.',
          status: 400,
          errors: { password: ['Password is too common.'] },
        }),
    });
    const { user } = renderApp('/reset-password#token=tok-123');

    await choose(user, 'password1234');

    expect(await screen.findByText('Password is too common.')).toHaveClass('invalid-feedback');
    expect(screen.getByLabelText('New password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('reset-token-problem')).not.toBeInTheDocument();
  });

  it('explains a link without a token and offers a new one', async () => {
    const mock = mockFetch({});

    renderApp('/reset-password');

    expect(await screen.findByTestId('reset-token-problem')).toHaveTextContent('has no reset token');
    expect(screen.getByRole('link', { name: 'Ask for a new reset link' })).toHaveAttribute('href', '/forgot-password');
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
    expect(mock.calls).toHaveLength(0);
  });

  it('drops a session this tab still held, since the reset ended them all', async () => {
    storeSession();
    mockFetch({
      'POST /api/auth/session/refresh': issued(),
      'GET /api/auth/me': () => json(200, ALICE),
      'POST /api/auth/reset': () => json(204),
    });
    const { user } = renderApp('/reset-password#token=tok-123');
    expect(await screen.findByTestId('current-user')).toHaveTextContent(ALICE.display_name);

    await choose(user, 'a brand new password');

    await screen.findByTestId('login-notice');
    await waitFor(() => expect(screen.queryByTestId('current-user')).not.toBeInTheDocument());
    expect(session.accessToken).toBeNull();
  });
});
