import { describe, expect, it, vi } from 'vitest';
import { json, mockFetch, storeTokens } from '../test/fetchMock.js';
import {
  ApiClient,
  ApiError,
  parseLinkHeader,
  parseRetryAfter,
  session,
  tooManyAttemptsMessage,
  UNREACHABLE_MESSAGE,
} from './client.js';

const TOKENS = { access_token: 'access-2', refresh_token: 'refresh-2', token_type: 'Bearer', expires_in: 900 };

describe('ApiClient', () => {
  it('sends the access token as a Bearer header under the /api base URL', async () => {
    storeTokens('access-1');
    const mock = mockFetch({ 'GET /api/auth/me': () => json(200, { id: '1' }) });

    await new ApiClient().me();

    expect(mock.calls[0].path).toBe('/api/auth/me');
    expect(mock.calls[0].headers.Authorization).toBe('Bearer access-1');
  });

  it('turns the JSON error envelope into an ApiError with message, status and field errors', async () => {
    mockFetch({
      'POST /api/auth/signup': () =>
        json(409, { message: 'That email is taken.', status: 409, errors: { email: ['Already registered.'] } }),
    });

    const error = await new ApiClient().signup('a@example.com', 'password1').catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('That email is taken.');
    expect(error.status).toBe(409);
    expect(error.errors).toEqual({ email: ['Already registered.'] });
  });

  it('reports an unreachable server with a friendly message', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));

    const error = await new ApiClient().listMovies({}).catch((e) => e);

    expect(error.isNetworkError).toBe(true);
    expect(error.message).toBe(UNREACHABLE_MESSAGE);
  });

  it.each([
    [502, '<html>Bad Gateway</html>'],
    [500, ''], // what the Vite dev proxy answers when Flask is not running
  ])('treats a %i without the JSON envelope as unreachable', async (status, body) => {
    mockFetch({ 'GET /api/movies': () => new Response(body, { status }) });

    const error = await new ApiClient().listMovies({}).catch((e) => e);

    expect(error.status).toBe(status);
    expect(error.unreachable).toBe(true);
    expect(error.message).toBe(UNREACHABLE_MESSAGE);
  });

  it("keeps the API's own message for a 500 in the envelope", async () => {
    mockFetch({
      'GET /api/movies': () => json(500, { message: 'Internal error, request id abc.', status: 500 }),
    });

    const error = await new ApiClient().listMovies({}).catch((e) => e);

    expect(error.unreachable).toBe(false);
    expect(error.message).toBe('Internal error, request id abc.');
  });

  it('refreshes exactly once on a 401 and retries with the new access token', async () => {
    storeTokens('access-1', 'refresh-1');
    const mock = mockFetch({
      'GET /api/auth/me': [() => json(401, { message: 'The token has expired.', status: 401 }), () => json(200, { id: '1' })],
      'POST /api/auth/refresh': () => json(200, TOKENS),
    });

    const me = await new ApiClient().me();

    expect(me).toEqual({ id: '1' });
    expect(mock.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/auth/me',
      'POST /api/auth/refresh',
      'GET /api/auth/me',
    ]);
    expect(mock.calls[1].headers.Authorization).toBe('Bearer refresh-1');
    expect(mock.calls[2].headers.Authorization).toBe('Bearer access-2');
    expect(session.accessToken).toBe('access-2');
    expect(session.refreshToken).toBe('refresh-2');
  });

  it('does not refresh a second time when the retry is also refused', async () => {
    storeTokens('access-1', 'refresh-1');
    const mock = mockFetch({
      'GET /api/auth/me': () => json(401, { message: 'The token is invalid.', status: 401 }),
      'POST /api/auth/refresh': () => json(200, TOKENS),
    });

    const error = await new ApiClient().me().catch((e) => e);

    expect(error.status).toBe(401);
    expect(mock.callsTo('POST /api/auth/refresh')).toHaveLength(1);
    expect(mock.callsTo('GET /api/auth/me')).toHaveLength(2);
  });

  it('clears the session and tells listeners when the refresh is refused', async () => {
    storeTokens('access-1', 'refresh-1');
    const mock = mockFetch({
      'GET /api/auth/me': () => json(401, { message: 'The token has expired.', status: 401 }),
      'POST /api/auth/refresh': () => json(401, { message: 'The token has been revoked.', status: 401 }),
    });
    const client = new ApiClient();
    const expired = vi.fn();
    client.onSessionExpired(expired);

    const error = await client.me().catch((e) => e);

    expect(error.status).toBe(401);
    expect(mock.calls).toHaveLength(2);
    expect(session.accessToken).toBeNull();
    expect(session.refreshToken).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('shares one refresh between concurrent 401s, because refresh tokens rotate', async () => {
    storeTokens('access-1', 'refresh-1');
    const mock = mockFetch({
      'GET /api/auth/me': (call) =>
        call.headers.Authorization === 'Bearer access-2'
          ? json(200, { id: '1' })
          : json(401, { message: 'The token has expired.', status: 401 }),
      'POST /api/auth/refresh': () => json(200, TOKENS),
    });
    const client = new ApiClient();

    await Promise.all([client.me(), client.me()]);

    expect(mock.callsTo('POST /api/auth/refresh')).toHaveLength(1);
  });

  it('does not try to refresh a failed login', async () => {
    const mock = mockFetch({
      'POST /api/auth/login': () => json(401, { message: 'Invalid email or password.', status: 401 }),
    });

    const error = await new ApiClient().login('a@example.com', 'wrong-password').catch((e) => e);

    expect(error.message).toBe('Invalid email or password.');
    expect(mock.calls).toHaveLength(1);
  });

  it('keeps the session when the refresh fails only because the network did', async () => {
    storeTokens('access-1', 'refresh-1');
    vi.stubGlobal(
      'fetch',
      vi
        .fn()
        .mockResolvedValueOnce(json(401, { message: 'The token has expired.', status: 401 }))
        .mockRejectedValueOnce(new TypeError('Failed to fetch')),
    );

    const error = await new ApiClient().me().catch((e) => e);

    expect(error.isNetworkError).toBe(true);
    expect(session.refreshToken).toBe('refresh-1');
  });

  it('sends If-Match with the ETag when updating a movie', async () => {
    storeTokens();
    const mock = mockFetch({ 'PUT /api/movies/m1': () => json(200, { id: 'm1' }, { ETag: '"v2"' }) });

    const result = await new ApiClient().updateMovie('m1', { name: 'X', casts: ['a'], genres: ['b'] }, '"v1"');

    expect(mock.calls[0].headers['If-Match']).toBe('"v1"');
    expect(mock.calls[0].body).toEqual({ name: 'X', casts: ['a'], genres: ['b'] });
    expect(result.etag).toBe('"v2"');
  });

  it('logs out on the server and forgets the tokens even if the server fails', async () => {
    storeTokens();
    const mock = mockFetch({ 'POST /api/auth/logout': () => json(500, { message: 'Boom.', status: 500 }) });

    await new ApiClient().logout();

    expect(mock.calls[0].headers.Authorization).toBe('Bearer access-1');
    expect(session.hasTokens).toBe(false);
  });

  it('reads paging facts from X-Total-Count and Link', async () => {
    const link =
      '</api/movies?page=1&per_page=2>; rel="first", </api/movies?page=1&per_page=2>; rel="prev", ' +
      '</api/movies?page=3&per_page=2>; rel="next", </api/movies?page=5&per_page=2>; rel="last"';
    const mock = mockFetch({
      'GET /api/movies': () => json(200, [{ id: 'm1' }], { 'X-Total-Count': '9', Link: link }),
    });

    const page = await new ApiClient().listMovies({ page: 2, per_page: 2, q: '', genre: undefined });

    expect(mock.calls[0].query).toEqual({ page: '2', per_page: '2' });
    expect(page.total).toBe(9);
    expect(page.lastPage).toBe(5);
    expect(Object.keys(page.links)).toEqual(['first', 'prev', 'next', 'last']);
  });
});

describe('429 Too Many Requests', () => {
  const limited = (headers) => () => json(429, { message: '10 per 1 minute', status: 429 }, headers);

  it('says how long to wait, from the Retry-After header', async () => {
    mockFetch({ 'POST /api/auth/login': limited({ 'Retry-After': '42' }) });

    const error = await new ApiClient().login('a@example.com', 'password123').catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(42);
    expect(error.message).toBe('Too many attempts; try again in 42 seconds.');
  });

  it.each([
    ['POST /api/auth/signup', (client) => client.signup('a@example.com', 'password123')],
    ['POST /api/auth/forgot', (client) => client.forgotPassword('a@example.com')],
  ])('converts the 429 of %s the same way', async (route, call) => {
    mockFetch({ [route]: limited({ 'Retry-After': '5' }) });

    const error = await call(new ApiClient()).catch((e) => e);

    expect(error.message).toBe('Too many attempts; try again in 5 seconds.');
  });

  it('falls back to a plain sentence when Retry-After is missing', async () => {
    mockFetch({ 'POST /api/auth/login': limited({}) });

    const error = await new ApiClient().login('a@example.com', 'password123').catch((e) => e);

    expect(error.retryAfter).toBeNull();
    expect(error.message).toBe('Too many attempts; try again in a moment.');
  });

  it('keeps the session when the refresh itself is rate limited', async () => {
    storeTokens('access-1', 'refresh-1');
    mockFetch({
      'GET /api/auth/me': () => json(401, { message: 'The token has expired.', status: 401 }),
      'POST /api/auth/refresh': limited({ 'Retry-After': '30' }),
    });
    const client = new ApiClient();
    const expired = vi.fn();
    client.onSessionExpired(expired);

    const error = await client.me().catch((e) => e);

    expect(error.status).toBe(429);
    expect(error.message).toBe('Too many attempts; try again in 30 seconds.');
    expect(session.refreshToken).toBe('refresh-1');
    expect(expired).not.toHaveBeenCalled();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:09 GMT', now)).toBe(9);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('words the wait for people', () => {
    expect(tooManyAttemptsMessage(0)).toBe('Too many attempts; try again in 1 second.');
    expect(tooManyAttemptsMessage(1)).toBe('Too many attempts; try again in 1 second.');
    expect(tooManyAttemptsMessage(59)).toBe('Too many attempts; try again in 59 seconds.');
    expect(tooManyAttemptsMessage(119)).toBe('Too many attempts; try again in 119 seconds.');
    expect(tooManyAttemptsMessage(3600)).toBe('Too many attempts; try again in 60 minutes.');
    expect(tooManyAttemptsMessage(3541)).toBe('Too many attempts; try again in 60 minutes.');
  });
});

describe('account endpoints', () => {
  it('sends forgot and reset without a Bearer header', async () => {
    storeTokens();
    const mock = mockFetch({
      'POST /api/auth/forgot': () => json(202, { message: 'If that email has an account, a reset link is on its way.', status: 202 }),
      'POST /api/auth/reset': () => json(204),
    });
    const client = new ApiClient();

    await client.forgotPassword('a@example.com');
    await client.resetPassword('tok-1', 'new password 1');

    expect(mock.calls[0].body).toEqual({ email: 'a@example.com' });
    expect(mock.calls[1].body).toEqual({ reset_token: 'tok-1', password: 'new password 1' });
    expect(mock.calls.every((c) => !c.headers.Authorization)).toBe(true);
  });

  it('changes the password with PUT /api/auth/password', async () => {
    storeTokens();
    const mock = mockFetch({ 'PUT /api/auth/password': () => json(204) });

    await new ApiClient().changePassword('old password', 'new password 1');

    expect(mock.calls[0].headers.Authorization).toBe('Bearer access-1');
    expect(mock.calls[0].body).toEqual({ current_password: 'old password', new_password: 'new password 1' });
  });

  it('pages through users with the paging headers', async () => {
    storeTokens();
    const mock = mockFetch({
      'GET /api/users': () =>
        json(200, [{ id: 'u1' }], { 'X-Total-Count': '41', Link: '</api/users?page=3&per_page=20>; rel="last"' }),
    });

    const page = await new ApiClient().listUsers({ page: 1, per_page: 20, q: '' });

    expect(mock.calls[0].query).toEqual({ page: '1', per_page: '20' });
    expect(page).toMatchObject({ users: [{ id: 'u1' }], total: 41, lastPage: 3 });
  });
});

describe('parseLinkHeader', () => {
  it('handles absolute URLs and a missing header', () => {
    expect(parseLinkHeader(null)).toEqual({});
    expect(parseLinkHeader('<http://h/api/movies?page=2>; rel="next"')).toEqual({
      next: 'http://h/api/movies?page=2',
    });
  });
});
