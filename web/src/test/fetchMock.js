import { vi } from 'vitest';

/** A JSON Response as the API would send it. */
export function json(status, body, headers = {}) {
  const init = { status, headers: { 'Content-Type': 'application/json', ...headers } };
  return new Response(status === 204 ? null : JSON.stringify(body), init);
}

/**
 * Installs a fetch stub that answers from `routes`, keyed "METHOD /path"
 * (query string excluded). A value is a Response factory `(call) => Response`,
 * or an array of factories used in turn, the last one repeating. Unknown
 * routes fail the test loudly instead of reaching any network.
 */
export function mockFetch(routes) {
  const queues = Object.fromEntries(
    Object.entries(routes).map(([key, value]) => [key, Array.isArray(value) ? [...value] : [value]]),
  );
  const calls = [];
  const fetchStub = vi.fn(async (url, init = {}) => {
    const parsed = new URL(url, 'http://localhost');
    const method = (init.method || 'GET').toUpperCase();
    const call = {
      method,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      // Every value of a repeated parameter (`genre=Drama&genre=Crime`), where `query` keeps the last.
      params: parsed.searchParams,
      headers: init.headers || {},
      // JSON as the object sent; a file (a poster) as the Blob itself.
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    };
    calls.push(call);
    const queue = queues[`${method} ${parsed.pathname}`];
    if (!queue) throw new Error(`Unexpected request in test: ${method} ${parsed.pathname}`);
    const respond = queue.length > 1 ? queue.shift() : queue[0];
    return respond(call);
  });
  vi.stubGlobal('fetch', fetchStub);
  return { fetch: fetchStub, calls, callsTo: (key) => calls.filter((c) => `${c.method} ${c.path}` === key) };
}

export const ALICE = {
  id: '665f1c0e8b3e4a0001a1a1a1',
  email: 'alice@example.com',
  display_name: 'Alice',
  is_admin: false,
  created_at: '2024-05-01T10:00:00Z',
};

export const BOB = {
  id: '665f1c0e8b3e4a0001b2b2b2',
  email: 'bob@example.com',
  display_name: 'Bob',
  is_admin: false,
  created_at: '2024-05-02T10:00:00Z',
};

export function movie(overrides = {}) {
  return {
    id: '665f1c0e8b3e4a00010000aa',
    name: 'Heat',
    casts: ['Al Pacino', 'Robert De Niro'],
    genres: ['Crime', 'Thriller'],
    year: 1995,
    runtime_minutes: 170,
    directors: ['Michael Mann'],
    overview: 'A thief and the detective on his trail.',
    poster_url: null,
    rating: { average: null, count: 0 },
    added_by: ALICE.id,
    created_at: '2024-05-03T10:00:00Z',
    updated_at: '2024-05-03T10:00:00Z',
    ...overrides,
  };
}

/** A review of `movie()` by `author` (ALICE unless told), as the API lists it. */
export function review(overrides = {}) {
  return {
    id: '665f1c0e8b3e4a00020000aa',
    movie_id: movie().id,
    author: { id: ALICE.id, display_name: ALICE.display_name },
    body: 'Tense from the first minute.',
    created_at: '2024-05-04T10:00:00Z',
    updated_at: '2024-05-04T10:00:00Z',
    ...overrides,
  };
}

/** A list endpoint's answer: `items` and their X-Total-Count (their length unless told). */
export function page(items, headers = {}) {
  return () => json(200, items, { 'X-Total-Count': String(items.length), ...headers });
}

/**
 * GET /api/movies/{id}/reviews as the API answers it: the page of `items` (with `headers`), or,
 * asked `?author=<user id>`, only that user's review among `all` (the movie's every review;
 * `items` unless told): 0 or 1 of them, with an X-Total-Count to match.
 */
export function reviewPage(items, headers = {}, all = items) {
  return (call) => {
    if (call.query.author === undefined) return page(items, headers)();
    return page(all.filter((r) => r.author.id === call.query.author))();
  };
}

/** GET /api/me/watchlist/{movie_id} as the API answers it: 204 when the movie is on the watchlist, else 404. */
export function watchlisted(listed) {
  return () => (listed ? json(204) : json(404, { message: 'This movie is not on your watchlist.', status: 404 }));
}

/** A movie's poster_url as the API builds it: versioned by a 32-hex `version` (a new poster, a new URL). */
export function posterUrl(movieId = movie().id, version = '0123456789abcdef0123456789abcdef') {
  return `http://localhost/api/movies/${movieId}/poster?v=${version}`;
}

export const CSRF = 'csrf-1';

/**
 * What a page load finds after a login: the API's readable CSRF cookie. Its
 * refresh cookie is HttpOnly, so scripts never see it; mock the API's side of
 * it with `issued()` on POST /api/auth/session/refresh.
 */
export function storeSession(csrf = CSRF) {
  document.cookie = `movie_bag_csrf=${csrf}; path=/`;
}

/** An access token from the API: its answer to a login (POST /api/auth/session) or a refresh. */
export function issued(access = 'access-1') {
  return () => json(200, { access_token: access, token_type: 'Bearer', expires_in: 900 });
}

/** The API's answer to a request on a session it has ended. */
export function revoked() {
  return () => json(401, { message: 'The token has been revoked.', status: 401 });
}
