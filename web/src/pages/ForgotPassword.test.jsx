import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, mockFetch } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

const ACCEPTED = () =>
  json(202, { message: 'If that email has an account, a reset link is on its way.', status: 202 });

describe('<ForgotPassword>', () => {
  it('is linked from the login page, carrying the email typed there', async () => {
    mockFetch({});
    const { user } = renderApp('/login');

    await user.type(screen.getByLabelText('Email'), 'me@example.com');
    await user.click(screen.getByRole('link', { name: 'Forgot your password?' }));

    expect(await screen.findByRole('heading', { name: 'Reset your password' })).toBeVisible();
    expect(screen.getByTestId('location')).toHaveTextContent('/forgot-password');
    expect(screen.getByLabelText('Email')).toHaveValue('me@example.com');
  });

  it('sends the email and shows the neutral confirmation', async () => {
    const mock = mockFetch({ 'POST /api/auth/forgot': ACCEPTED });
    const { user } = renderApp('/forgot-password');

    await user.type(screen.getByLabelText('Email'), ' someone@example.com ');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));

    expect(await screen.findByTestId('forgot-confirmation')).toHaveTextContent(
      'If that email has an account, a reset link is on its way.',
    );
    expect(mock.calls[0].body).toEqual({ email: 'someone@example.com' });
    expect(mock.calls[0].headers.Authorization).toBeUndefined();
    expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
  });

  it('checks the email before sending anything', async () => {
    const mock = mockFetch({});
    const { user } = renderApp('/forgot-password');

    await user.type(screen.getByLabelText('Email'), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));

    expect(await screen.findByText(/Enter a valid email address/)).toBeVisible();
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(mock.calls).toHaveLength(0);
  });

  it('shows the rate limit with the wait from Retry-After', async () => {
    mockFetch({
      'POST /api/auth/forgot': () => json(429, { message: '5 per 1 hour', status: 429 }, { 'Retry-After': '17' }),
    });
    const { user } = renderApp('/forgot-password');

    await user.type(screen.getByLabelText('Email'), 'someone@example.com');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));

    expect(await screen.findByText('Too many attempts; try again in 17 seconds.')).toBeVisible();
    expect(screen.queryByTestId('forgot-confirmation')).not.toBeInTheDocument();
  });

  it('can start over with another address', async () => {
    const mock = mockFetch({ 'POST /api/auth/forgot': ACCEPTED });
    const { user } = renderApp('/forgot-password');
    await user.type(screen.getByLabelText('Email'), 'first@example.com');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));
    await screen.findByTestId('forgot-confirmation');

    await user.click(screen.getByRole('button', { name: 'Use a different email' }));
    await user.clear(screen.getByLabelText('Email'));
    await user.type(screen.getByLabelText('Email'), 'second@example.com');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));

    await screen.findByTestId('forgot-confirmation');
    expect(mock.calls.map((c) => c.body.email)).toEqual(['first@example.com', 'second@example.com']);
  });
});
