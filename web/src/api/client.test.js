import { describe, expect, it, vi } from 'vitest';
import { CSRF, json, mockFetch, issued, revoked, storeSession, watchlisted } from '../test/fetchMock.js';
import {
  ApiClient,
  ApiError,
  buildQuery,
  cursorFromUrl,
  pageFromUrl,
  parseLinkHeader,
  parseRetryAfter,
  session,
  tooManyAttemptsMessage,
  UNREACHABLE_MESSAGE,
} from './client.js';

const EXPIRED = () => json(401, { message: 'The token has expired.', status: 401 });

/** A page that has logged in: the access token in memory, the session's CSRF cookie beside it. */
function loggedIn(access = 'access-1') {
  storeSession();
  session.save({ access_token: access });
}

describe('ApiClient', () => {
  it('sends the access token as a Bearer header under the /api base URL', async () => {
    loggedIn('access-1');
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
    loggedIn('access-1');
    const mock = mockFetch({
      'GET /api/auth/me': [EXPIRED, () => json(200, { id: '1' })],
      'POST /api/auth/session/refresh': issued('access-2'),
    });

    const me = await new ApiClient().me();

    expect(me).toEqual({ id: '1' });
    expect(mock.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/auth/me',
      'POST /api/auth/session/refresh',
      'GET /api/auth/me',
    ]);
    // The refresh token is the HttpOnly cookie: the request carries the CSRF cookie's value, no Bearer.
    expect(mock.calls[1].headers['X-CSRF-Token']).toBe(CSRF);
    expect(mock.calls[1].headers.Authorization).toBeUndefined();
    expect(mock.calls[1].body).toBeUndefined();
    expect(mock.fetch.mock.calls[1][1].credentials).toBe('same-origin');
    expect(mock.calls[2].headers.Authorization).toBe('Bearer access-2');
    expect(session.accessToken).toBe('access-2');
  });

  it('does not refresh a second time when the retry is also refused', async () => {
    loggedIn();
    const mock = mockFetch({
      'GET /api/auth/me': () => json(401, { message: 'The token is invalid.', status: 401 }),
      'POST /api/auth/session/refresh': issued('access-2'),
    });

    const error = await new ApiClient().me().catch((e) => e);

    expect(error.status).toBe(401);
    expect(mock.callsTo('POST /api/auth/session/refresh')).toHaveLength(1);
    expect(mock.callsTo('GET /api/auth/me')).toHaveLength(2);
  });

  it('clears the session and tells listeners when the refresh is refused', async () => {
    loggedIn();
    const mock = mockFetch({
      'GET /api/auth/me': EXPIRED,
      'POST /api/auth/session/refresh': revoked(),
    });
    const client = new ApiClient();
    const expired = vi.fn();
    client.onSessionExpired(expired);

    const error = await client.me().catch((e) => e);

    expect(error.status).toBe(401);
    expect(mock.calls).toHaveLength(2);
    expect(session.accessToken).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('does not ask for a refresh without the CSRF cookie, which the API would refuse', async () => {
    session.save({ access_token: 'access-1' });
    const mock = mockFetch({ 'GET /api/auth/me': EXPIRED });

    const error = await new ApiClient().me().catch((e) => e);

    expect(error.status).toBe(401);
    expect(mock.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/auth/me']);
    expect(session.accessToken).toBeNull();
  });

  it('shares one refresh between concurrent 401s, because the refresh cookie rotates', async () => {
    loggedIn();
    const mock = mockFetch({
      'GET /api/auth/me': (call) =>
        call.headers.Authorization === 'Bearer access-2' ? json(200, { id: '1' }) : EXPIRED(),
      'POST /api/auth/session/refresh': issued('access-2'),
    });
    const client = new ApiClient();

    await Promise.all([client.me(), client.me()]);

    expect(mock.callsTo('POST /api/auth/session/refresh')).toHaveLength(1);
  });

  it('logs in with POST /api/auth/session and keeps the access token in memory, never in web storage', async () => {
    const mock = mockFetch({ 'POST /api/auth/session': issued('access-1') });

    await new ApiClient().login('a@example.com', 'password1');

    expect(mock.calls[0].body).toEqual({ email: 'a@example.com', password: 'password1' });
    expect(mock.calls[0].headers.Authorization).toBeUndefined();
    expect(session.accessToken).toBe('access-1');
    expect(sessionStorage.length).toBe(0);
    expect(localStorage.length).toBe(0);
  });

  it('does not try to refresh a failed login', async () => {
    const mock = mockFetch({
      'POST /api/auth/session': () => json(401, { message: 'Invalid email or password.', status: 401 }),
    });

    const error = await new ApiClient().login('a@example.com', 'wrong-password').catch((e) => e);

    expect(error.message).toBe('Invalid email or password.');
    expect(mock.calls).toHaveLength(1);
    expect(session.accessToken).toBeNull();
  });

  it('keeps the session when the refresh fails only because the network did', async () => {
    loggedIn();
    vi.stubGlobal(
      'fetch',
      vi.fn().mockResolvedValueOnce(EXPIRED()).mockRejectedValueOnce(new TypeError('Failed to fetch')),
    );

    const error = await new ApiClient().me().catch((e) => e);

    expect(error.isNetworkError).toBe(true);
    expect(session.accessToken).toBe('access-1');
  });

  it('resumes a browser session after a page load: the cookie buys the access token', async () => {
    storeSession();
    const mock = mockFetch({ 'POST /api/auth/session/refresh': issued('access-1') });

    expect(session.accessToken).toBeNull();
    expect(await new ApiClient().resumeSession()).toBe(true);

    expect(mock.calls[0].headers['X-CSRF-Token']).toBe(CSRF);
    expect(session.accessToken).toBe('access-1');
  });

  it('has no session to resume without the CSRF cookie, and asks nothing', async () => {
    const mock = mockFetch({});

    expect(await new ApiClient().resumeSession()).toBe(false);

    expect(mock.calls).toHaveLength(0);
  });

  it('sends If-Match with the ETag when updating a movie', async () => {
    loggedIn();
    const mock = mockFetch({ 'PUT /api/movies/m1': () => json(200, { id: 'm1' }, { ETag: '"v2"' }) });

    const result = await new ApiClient().updateMovie('m1', { name: 'X', casts: ['a'], genres: ['b'] }, '"v1"');

    expect(mock.calls[0].headers['If-Match']).toBe('"v1"');
    expect(mock.calls[0].body).toEqual({ name: 'X', casts: ['a'], genres: ['b'] });
    expect(result.etag).toBe('"v2"');
  });

  it('ends the browser session on the server and forgets the token even if the server fails', async () => {
    loggedIn();
    const mock = mockFetch({ 'DELETE /api/auth/session': () => json(500, { message: 'Boom.', status: 500 }) });

    await new ApiClient().logout();

    expect(mock.calls[0].headers['X-CSRF-Token']).toBe(CSRF);
    expect(mock.fetch.mock.calls[0][1].credentials).toBe('same-origin');
    expect(session.accessToken).toBeNull();
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

describe('the catalogue: repeated filters, cursor pages, pickers', () => {
  it('repeats a filter given a list: every value goes to the API', async () => {
    const mock = mockFetch({ 'GET /api/movies': () => json(200, [], { 'X-Total-Count': '0' }) });

    await new ApiClient().listMovies({ q: 'god father', genre: ['Drama', 'Crime'], cast: [], director: ['Coppola'] });

    expect(mock.calls[0].params.toString()).toBe('q=god+father&genre=Drama&genre=Crime&director=Coppola');
    expect(buildQuery({ genre: ['', null, 'War'], year: 0, page: undefined })).toBe('?genre=War&year=0');
  });

  it('reads X-Total-Count-Exceeds when more match than the API counts, and the cursor of rel="next"', async () => {
    const mock = mockFetch({
      'GET /api/movies': () =>
        json(200, [{ id: 'm1' }], {
          'X-Total-Count-Exceeds': '1000',
          Link: '</api/movies?cursor=eyJrIjoxfQ&per_page=20>; rel="next", </api/movies?page=1&per_page=20>; rel="first"',
        }),
    });

    const page = await new ApiClient().listMovies({ cursor: 'eyJrIjowfQ', per_page: 20 });

    expect(mock.calls[0].query).toEqual({ cursor: 'eyJrIjowfQ', per_page: '20' });
    expect(page).toMatchObject({ total: null, totalExceeds: 1000, lastPage: null });
    expect(cursorFromUrl(page.links.next)).toBe('eyJrIjoxfQ');
    expect(pageFromUrl(page.links.next)).toBeNull();
    expect(pageFromUrl(page.links.first)).toBe(1);
    expect(cursorFromUrl(page.links.first)).toBeNull();
  });

  it('lists the genres and the most frequent directors, with their counts, without a Bearer header', async () => {
    loggedIn();
    const mock = mockFetch({
      'GET /api/genres': () => json(200, [{ name: 'Drama', count: 24 }]),
      'GET /api/directors': () => json(200, [{ name: 'Christopher Nolan', count: 3 }]),
    });
    const client = new ApiClient();

    expect(await client.listGenres()).toEqual([{ name: 'Drama', count: 24 }]);
    expect(await client.listDirectors()).toEqual([{ name: 'Christopher Nolan', count: 3 }]);
    expect(mock.calls.every((c) => !c.headers.Authorization)).toBe(true);
  });
});

describe('429 Too Many Requests', () => {
  const limited = (headers) => () => json(429, { message: '10 per 1 minute', status: 429 }, headers);

  it('says how long to wait, from the Retry-After header', async () => {
    mockFetch({ 'POST /api/auth/session': limited({ 'Retry-After': '42' }) });

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
    mockFetch({ 'POST /api/auth/session': limited({}) });

    const error = await new ApiClient().login('a@example.com', 'password123').catch((e) => e);

    expect(error.retryAfter).toBeNull();
    expect(error.message).toBe('Too many attempts; try again in a moment.');
  });

  it('keeps the session when the refresh itself is rate limited', async () => {
    loggedIn();
    mockFetch({
      'GET /api/auth/me': EXPIRED,
      'POST /api/auth/session/refresh': limited({ 'Retry-After': '30' }),
    });
    const client = new ApiClient();
    const expired = vi.fn();
    client.onSessionExpired(expired);

    const error = await client.me().catch((e) => e);

    expect(error.status).toBe(429);
    expect(error.message).toBe('Too many attempts; try again in 30 seconds.');
    expect(session.accessToken).toBe('access-1');
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
  it('signs up with the display name beside the email and password, and leaves an empty one out', async () => {
    const mock = mockFetch({ 'POST /api/auth/signup': () => json(201, { id: 'u1' }) });
    const client = new ApiClient();

    await client.signup('a@example.com', 'password123', 'Night Owl');
    await client.signup('b@example.com', 'password123', '');

    expect(mock.calls[0].body).toEqual({ email: 'a@example.com', password: 'password123', display_name: 'Night Owl' });
    expect(mock.calls[1].body).toEqual({ email: 'b@example.com', password: 'password123' });
  });

  it('sends forgot and reset without a Bearer header', async () => {
    loggedIn();
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
    loggedIn();
    const mock = mockFetch({ 'PUT /api/auth/password': () => json(204) });

    await new ApiClient().changePassword('old password', 'new password 1');

    expect(mock.calls[0].headers.Authorization).toBe('Bearer access-1');
    expect(mock.calls[0].body).toEqual({ current_password: 'old password', new_password: 'new password 1' });
  });

  it('pages through users with the paging headers', async () => {
    loggedIn();
    const mock = mockFetch({
      'GET /api/users': () =>
        json(200, [{ id: 'u1' }], { 'X-Total-Count': '41', Link: '</api/users?page=3&per_page=20>; rel="last"' }),
    });

    const page = await new ApiClient().listUsers({ page: 1, per_page: 20, q: '' });

    expect(mock.calls[0].query).toEqual({ page: '1', per_page: '20' });
    expect(page).toMatchObject({ users: [{ id: 'u1' }], total: 41, lastPage: 3 });
  });
});

describe('posters, ratings, reviews and the watchlist', () => {
  it('uploads a poster as the raw file under its own Content-Type, with the Bearer header', async () => {
    loggedIn();
    const mock = mockFetch({ 'PUT /api/movies/m1/poster': () => json(200, { id: 'm1' }, { ETag: '"v2"' }) });
    const file = new File([new Uint8Array([1, 2, 3])], 'p.webp', { type: 'image/webp' });

    const result = await new ApiClient().uploadPoster('m1', file);

    expect(mock.calls[0].headers['Content-Type']).toBe('image/webp');
    expect(mock.calls[0].headers.Authorization).toBe('Bearer access-1');
    expect(mock.calls[0].body).toBe(file);
    expect(result).toEqual({ movie: { id: 'm1' }, etag: '"v2"' });
  });

  it("reads one's rating, and null when the API answers 404 (not rated)", async () => {
    loggedIn();
    mockFetch({
      'GET /api/movies/m1/rating': () => json(200, { score: 6 }),
      'GET /api/movies/m2/rating': () => json(404, { message: 'Not rated.', status: 404 }),
      'GET /api/movies/m3/rating': () => json(500, { message: 'Boom.', status: 500 }),
    });
    const client = new ApiClient();

    expect(await client.getMyRating('m1')).toBe(6);
    expect(await client.getMyRating('m2')).toBeNull();
    expect((await client.getMyRating('m3').catch((e) => e)).status).toBe(500);
  });

  it('rates with PUT {score} and clears with DELETE', async () => {
    loggedIn();
    const mock = mockFetch({
      'PUT /api/movies/m1/rating': (call) => json(200, call.body),
      'DELETE /api/movies/m1/rating': () => json(204),
    });
    const client = new ApiClient();

    expect(await client.rateMovie('m1', 8)).toBe(8);
    await client.clearRating('m1');

    expect(mock.calls[0].body).toEqual({ score: 8 });
    expect(mock.calls[1].method).toBe('DELETE');
  });

  it('sends If-Match with the review ETag on PATCH and DELETE', async () => {
    loggedIn();
    const mock = mockFetch({
      'PATCH /api/reviews/r1': () => json(200, { id: 'r1', body: 'New' }, { ETag: '"r1-2"' }),
      'DELETE /api/reviews/r1': () => json(204),
    });
    const client = new ApiClient();

    const saved = await client.updateReview('r1', 'New', '"r1-1"');
    await client.deleteReview('r1', '"r1-2"');

    expect(saved.etag).toBe('"r1-2"');
    expect(mock.calls[0].body).toEqual({ body: 'New' });
    expect(mock.calls.map((call) => call.headers['If-Match'])).toEqual(['"r1-1"', '"r1-2"']);
  });

  it("finds one's review with a single GET ?author=<user id>, and null when there is none", async () => {
    loggedIn();
    const mine = { id: 'b', author: { id: 'u2', display_name: 'Bo' }, body: 'Yes.' };
    const mock = mockFetch({
      'GET /api/movies/m1/reviews': (call) =>
        call.query.author === 'u2'
          ? json(200, [mine], { 'X-Total-Count': '1' })
          : json(200, [], { 'X-Total-Count': '0' }),
    });
    const client = new ApiClient();

    expect(await client.findReview('m1', 'u2')).toEqual(mine);
    expect(await client.findReview('m1', 'u3')).toBeNull();
    expect(mock.calls.map((call) => call.query)).toEqual([{ author: 'u2' }, { author: 'u3' }]);
    // Reviews are public: no Bearer header goes with them.
    expect(mock.calls.every((call) => call.headers.Authorization === undefined)).toBe(true);
  });

  it('finds no review for nobody, without asking the API (no author would list everyone\'s)', async () => {
    const mock = mockFetch({});

    expect(await new ApiClient().findReview('m1', null)).toBeNull();
    expect(await new ApiClient().findReview('m1', undefined)).toBeNull();
    expect(mock.calls).toEqual([]);
  });

  it("passes on the API's refusal when looking for one's review", async () => {
    mockFetch({ 'GET /api/movies/m9/reviews': () => json(404, { message: 'No movie has this id.', status: 404 }) });

    const error = await new ApiClient().findReview('m9', 'u2').catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(404);
    expect(error.message).toBe('No movie has this id.');
  });

  it('asks GET /api/me/watchlist/{id} whether a movie is on the watchlist: 204 true, 404 false', async () => {
    loggedIn();
    const mock = mockFetch({
      'GET /api/me/watchlist/m1': watchlisted(true),
      'GET /api/me/watchlist/m2': watchlisted(false),
      'GET /api/me/watchlist/a%2Fb': watchlisted(true),
    });
    const client = new ApiClient();

    expect(await client.isOnWatchlist('m1')).toBe(true);
    expect(await client.isOnWatchlist('m2')).toBe(false);
    expect(await client.isOnWatchlist('a/b')).toBe(true);
    expect(mock.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /api/me/watchlist/m1',
      'GET /api/me/watchlist/m2',
      'GET /api/me/watchlist/a%2Fb',
    ]);
    expect(mock.calls.every((call) => call.headers.Authorization === 'Bearer access-1')).toBe(true);
    expect(mock.calls.every((call) => Object.keys(call.query).length === 0)).toBe(true);
  });

  it.each([
    [401, 'Your session has expired. Please log in again.'],
    [403, "You don't have permission to do that."],
    [500, 'Something broke.'],
    [503, 'The database is not answering.'],
  ])('throws on any other answer to the watchlist question (%i)', async (status, message) => {
    loggedIn();
    const answer = status === 401 ? revoked() : () => json(status, { message, status });
    mockFetch({
      'GET /api/me/watchlist/m1': answer,
      // A 401 tries one refresh first; this one is refused too.
      'POST /api/auth/session/refresh': revoked(),
    });

    const error = await new ApiClient().isOnWatchlist('m1').catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(status);
    expect(error.message).toBe(message);
  });

  it('throws when the watchlist question gets no answer at all', async () => {
    loggedIn();
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));

    const error = await new ApiClient().isOnWatchlist('m1').catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.isNetworkError).toBe(true);
  });

  it('puts a movie on the watchlist and takes it off, with no body', async () => {
    loggedIn();
    const mock = mockFetch({
      'PUT /api/me/watchlist/m1': () => json(204),
      'DELETE /api/me/watchlist/m1': () => json(204),
      'GET /api/me/watchlist/m1': watchlisted(false),
    });
    const client = new ApiClient();

    await client.addToWatchlist('m1');
    await client.removeFromWatchlist('m1');
    expect(await client.isOnWatchlist('m1')).toBe(false);

    expect(mock.calls.map((call) => call.method)).toEqual(['PUT', 'DELETE', 'GET']);
    expect(mock.calls[0].body).toBeUndefined();
    expect(mock.calls[0].headers['Content-Type']).toBeUndefined();
    expect(mock.calls.every((call) => call.headers.Authorization === 'Bearer access-1')).toBe(true);
  });

  it('changes the display name with PATCH /api/auth/me', async () => {
    loggedIn();
    const mock = mockFetch({ 'PATCH /api/auth/me': (call) => json(200, { id: '1', ...call.body }) });

    expect(await new ApiClient().updateMe({ display_name: 'Ann' })).toEqual({ id: '1', display_name: 'Ann' });
    expect(mock.calls[0].body).toEqual({ display_name: 'Ann' });
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
