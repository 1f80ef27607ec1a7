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
      headers: init.headers || {},
      body: init.body ? JSON.parse(init.body) : undefined,
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
  is_admin: false,
  created_at: '2024-05-01T10:00:00Z',
};

export const BOB = {
  id: '665f1c0e8b3e4a0001b2b2b2',
  email: 'bob@example.com',
  is_admin: false,
  created_at: '2024-05-02T10:00:00Z',
};

export function movie(overrides = {}) {
  return {
    id: '665f1c0e8b3e4a00010000aa',
    name: 'Heat',
    casts: ['Al Pacino', 'Robert De Niro'],
    genres: ['Crime', 'Thriller'],
    added_by: ALICE.id,
    created_at: '2024-05-03T10:00:00Z',
    updated_at: '2024-05-03T10:00:00Z',
    ...overrides,
  };
}

/** Puts a logged-in session in sessionStorage, as Login would. */
export function storeTokens(access = 'access-1', refresh = 'refresh-1') {
  sessionStorage.setItem('movieBag.accessToken', access);
  sessionStorage.setItem('movieBag.refreshToken', refresh);
}
