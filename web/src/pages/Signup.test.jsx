import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, mockFetch } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

async function fill(user, email, password, displayName = 'Newcomer') {
  if (displayName) await user.type(screen.getByLabelText('Display name'), displayName);
  if (email) await user.type(screen.getByLabelText('Email'), email);
  if (password) await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign up' }));
}

describe('<Signup>', () => {
  it('flags an invalid email and a short password without calling the API', async () => {
    const mock = mockFetch({});
    const { user } = renderApp('/signup');

    await fill(user, 'not-an-email', 'short');

    expect(await screen.findByText(/Enter a valid email address/)).toBeVisible();
    expect(screen.getByText('Use at least 8 characters.')).toBeVisible();
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(mock.calls).toHaveLength(0);
  });

  it('validates while typing once a field has been left', async () => {
    mockFetch({});
    const { user } = renderApp('/signup');

    await user.type(screen.getByLabelText('Email'), 'me@');
    await user.tab();
    expect(await screen.findByText(/Enter a valid email address/)).toBeVisible();

    await user.type(screen.getByLabelText('Email'), 'example.com');
    expect(screen.queryByText(/Enter a valid email address/)).not.toBeInTheDocument();
  });

  it('refuses a password of more than 256 characters', async () => {
    const mock = mockFetch({});
    const { user } = renderApp('/signup');

    await user.type(screen.getByLabelText('Email'), 'me@example.com');
    await user.click(screen.getByLabelText('Password'));
    await user.paste('a'.repeat(257));
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    expect(await screen.findByText('Use at most 256 characters.')).toBeVisible();
    expect(mock.calls).toHaveLength(0);
  });

  it('counts characters, not bytes: 256 emoji (1,024 bytes) are a good password', async () => {
    const mock = mockFetch({ 'POST /api/auth/signup': () => json(201, { id: 'u1' }) });
    const { user } = renderApp('/signup');

    await user.type(screen.getByLabelText('Display name'), 'Me');
    await user.type(screen.getByLabelText('Email'), 'me@example.com');
    await user.click(screen.getByLabelText('Password'));
    await user.paste('🎬'.repeat(256));
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    await waitFor(() => expect(mock.calls).toHaveLength(1));
    expect(mock.calls[0].body).toEqual({ email: 'me@example.com', password: '🎬'.repeat(256), display_name: 'Me' });
  });

  it('shows a taken email (409) next to the email field', async () => {
    mockFetch({
      'POST /api/auth/signup': () =>
        json(409, {
          message: 'An account with this email already exists.',
          status: 409,
          errors: { email: ['This email is already registered.'] },
        }),
    });
    const { user } = renderApp('/signup');

    await fill(user, 'taken@example.com', 'password123');

    const message = await screen.findByText('This email is already registered.');
    expect(message).toHaveClass('invalid-feedback');
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows 400 field errors next to their fields', async () => {
    mockFetch({
      'POST /api/auth/signup': () =>
        json(400, {
          message: 'The request body is invalid.',
          status: 400,
          errors: { password: ['Password is too common.'] },
        }),
    });
    const { user } = renderApp('/signup');

    await fill(user, 'me@example.com', 'password123');

    expect(await screen.findByText('Password is too common.')).toHaveClass('invalid-feedback');
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
  });

  it('asks the name others will see, and sends it trimmed with the email and password', async () => {
    const mock = mockFetch({ 'POST /api/auth/signup': () => json(201, { id: 'u1' }) });
    const { user } = renderApp('/signup');

    expect(screen.getByLabelText('Display name')).toHaveFocus();
    await fill(user, 'new@example.com', 'password123', '  Night Owl  ');

    await screen.findByTestId('login-notice');
    expect(mock.calls[0].body).toEqual({ email: 'new@example.com', password: 'password123', display_name: 'Night Owl' });
  });

  it('refuses a missing display name without calling the API, and takes at most 50 characters', async () => {
    const mock = mockFetch({});
    const { user } = renderApp('/signup');

    await fill(user, 'new@example.com', 'password123', '');

    expect(await screen.findByText('Enter the name others should see.')).toBeVisible();
    expect(screen.getByLabelText('Display name')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Display name')).toHaveAttribute('maxlength', '50');
    expect(mock.calls).toHaveLength(0);
  });

  it('redirects to /login with a notice on success', async () => {
    mockFetch({ 'POST /api/auth/signup': () => json(201, { id: 'u1' }) });
    const { user } = renderApp('/signup');

    await fill(user, 'new@example.com', 'password123');

    expect(await screen.findByTestId('login-notice')).toHaveTextContent('Your account is ready');
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(screen.getByLabelText('Email')).toHaveValue('new@example.com');
  });

  it('shows a rate limit with the wait from Retry-After', async () => {
    mockFetch({
      'POST /api/auth/signup': () => json(429, { message: '10 per 1 hour', status: 429 }, { 'Retry-After': '900' }),
    });
    const { user } = renderApp('/signup');

    await fill(user, 'new@example.com', 'password123');

    expect(await screen.findByText('Too many attempts; try again in 15 minutes.')).toBeVisible();
  });
});
