/**
 * The one way the web client talks to the movie-bag API.
 *
 * Every page goes through `api` so that the base URL, the Bearer header, the
 * error envelope and the silent token refresh live in a single place.
 */

const ACCESS_KEY = 'movieBag.accessToken';
const REFRESH_KEY = 'movieBag.refreshToken';

export const UNREACHABLE_MESSAGE =
  "We can't reach the movie-bag server right now. Check your connection and try again.";

/** An API failure carrying the envelope's message, HTTP status and field errors. */
export class ApiError extends Error {
  constructor(message, { status = 0, errors = {}, unreachable = false } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors;
    this.unreachable = unreachable || status === 0;
  }

  /** True when no HTTP answer came back at all (server down, offline, DNS...). */
  get isNetworkError() {
    return this.status === 0;
  }
}

/** Tokens live in sessionStorage so that closing the tab ends the session. */
export const session = {
  get accessToken() {
    return sessionStorage.getItem(ACCESS_KEY);
  },
  get refreshToken() {
    return sessionStorage.getItem(REFRESH_KEY);
  },
  get hasTokens() {
    return Boolean(sessionStorage.getItem(ACCESS_KEY));
  },
  save({ access_token: access, refresh_token: refresh }) {
    sessionStorage.setItem(ACCESS_KEY, access);
    if (refresh) sessionStorage.setItem(REFRESH_KEY, refresh);
  },
  clear() {
    sessionStorage.removeItem(ACCESS_KEY);
    sessionStorage.removeItem(REFRESH_KEY);
  },
};

export const STORAGE_KEYS = { access: ACCESS_KEY, refresh: REFRESH_KEY };

const FALLBACK_MESSAGES = {
  400: 'The request was not valid.',
  401: 'Please log in again.',
  403: "You don't have permission to do that.",
  404: 'Not found.',
  409: 'That conflicts with existing data.',
  412: 'Someone changed this meanwhile. Reload and try again.',
  429: 'Too many requests. Wait a moment and try again.',
};

/** Parses an RFC 8288 Link header into {rel: url}. */
export function parseLinkHeader(header) {
  const links = {};
  if (!header) return links;
  for (const part of header.split(',')) {
    const match = part.match(/<([^>]*)>\s*;(.*)/);
    if (!match) continue;
    const rel = match[2].match(/rel="?([^";]+)"?/);
    if (!rel) continue;
    for (const name of rel[1].trim().split(/\s+/)) links[name] = match[1];
  }
  return links;
}

/** Reads the page number out of one of the Link header's URLs. */
export function pageFromUrl(url) {
  if (!url) return null;
  const page = new URL(url, 'http://link.invalid').searchParams.get('page');
  return page ? Number(page) : 1;
}

function buildQuery(query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    // A proxy or a crashed server can answer with HTML; keep the status, drop the body.
    return null;
  }
}

/** Fetch wrapper for the movie-bag API. */
export class ApiClient {
  constructor({ baseUrl = '/api', fetchImpl } = {}) {
    this.baseUrl = baseUrl;
    this.fetchImpl = fetchImpl;
    this.refreshing = null;
    this.sessionListeners = new Set();
  }

  /** Calls `listener()` whenever the session is dropped because the API rejected it. */
  onSessionExpired(listener) {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  async send(method, path, { query, body, headers = {}, token } = {}) {
    const fetchImpl = this.fetchImpl || globalThis.fetch;
    const finalHeaders = { Accept: 'application/json', ...headers };
    if (body !== undefined) finalHeaders['Content-Type'] = 'application/json';
    if (token) finalHeaders.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetchImpl(`${this.baseUrl}${path}${buildQuery(query)}`, {
        method,
        headers: finalHeaders,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(UNREACHABLE_MESSAGE, { status: 0, unreachable: true });
    }
    return { response, data: await readBody(response) };
  }

  /**
   * Sends one request; a 401 on an authenticated call triggers one refresh and
   * one retry. Resolves to {data, headers, status}, rejects with ApiError.
   */
  async request(method, path, { query, body, headers, auth = true } = {}) {
    const token = auth ? session.accessToken : null;
    let { response, data } = await this.send(method, path, { query, body, headers, token });

    if (response.status === 401 && token && session.refreshToken) {
      await this.refreshSession();
      ({ response, data } = await this.send(method, path, {
        query,
        body,
        headers,
        token: session.accessToken,
      }));
    }

    if (!response.ok) throw this.toError(response, data);
    return { data, headers: response.headers, status: response.status };
  }

  toError(response, data) {
    const status = response.status;
    const envelope = data && typeof data.message === 'string';
    // Our API always answers in its JSON envelope; a bare 5xx comes from something
    // in front of it (the dev proxy, a load balancer) that could not reach Flask.
    if (status >= 500 && !envelope) {
      return new ApiError(UNREACHABLE_MESSAGE, { status, unreachable: true });
    }
    const message =
      (envelope && data.message) ||
      FALLBACK_MESSAGES[status] ||
      'Something went wrong on the server. Please try again.';
    return new ApiError(message, { status, errors: (data && data.errors) || {} });
  }

  /**
   * Trades the refresh token for a new pair. Concurrent 401s share one call:
   * refresh tokens rotate, so a second parallel refresh would present a token
   * the server already retired and could be taken for token theft.
   */
  refreshSession() {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  async doRefresh() {
    const { response, data } = await this.send('POST', '/auth/refresh', {
      token: session.refreshToken,
    });
    if (!response.ok || !data || !data.access_token) {
      this.expireSession();
      throw new ApiError('Your session has expired. Please log in again.', { status: 401 });
    }
    session.save(data);
  }

  expireSession() {
    session.clear();
    for (const listener of this.sessionListeners) listener();
  }

  get(path, query, options) {
    return this.request('GET', path, { query, ...options });
  }

  post(path, body, options) {
    return this.request('POST', path, { body, ...options });
  }

  put(path, body, options) {
    return this.request('PUT', path, { body, ...options });
  }

  patch(path, body, options) {
    return this.request('PATCH', path, { body, ...options });
  }

  delete(path, options) {
    return this.request('DELETE', path, options);
  }

  // --- auth -----------------------------------------------------------------

  signup(email, password) {
    return this.post('/auth/signup', { email, password }, { auth: false });
  }

  async login(email, password) {
    const { data } = await this.post('/auth/login', { email, password }, { auth: false });
    session.save(data);
    return data;
  }

  async me() {
    const { data } = await this.get('/auth/me');
    return data;
  }

  /** Revokes the login on the server, then forgets it here even if that failed. */
  async logout() {
    try {
      if (session.hasTokens) await this.post('/auth/logout');
    } catch {
      // Nothing to do: the tokens are dropped below either way.
    } finally {
      session.clear();
    }
  }

  // --- movies ---------------------------------------------------------------

  /** One page of movies plus the paging facts from X-Total-Count and Link. */
  async listMovies(query) {
    const { data, headers } = await this.get('/movies', query, { auth: false });
    const total = headers.get('X-Total-Count');
    const links = parseLinkHeader(headers.get('Link'));
    return {
      movies: data || [],
      total: total === null ? null : Number(total),
      links,
      lastPage: pageFromUrl(links.last),
    };
  }

  /** A movie and the ETag to send back as If-Match when it is edited. */
  async getMovie(movieId) {
    const { data, headers } = await this.get(`/movies/${encodeURIComponent(movieId)}`, undefined, {
      auth: false,
    });
    return { movie: data, etag: headers.get('ETag') };
  }

  async createMovie(fields) {
    const { data } = await this.post('/movies', fields);
    return data;
  }

  async updateMovie(movieId, fields, etag) {
    const headers = etag ? { 'If-Match': etag } : {};
    const { data, headers: responseHeaders } = await this.put(
      `/movies/${encodeURIComponent(movieId)}`,
      fields,
      { headers },
    );
    return { movie: data, etag: responseHeaders.get('ETag') };
  }

  async deleteMovie(movieId) {
    await this.delete(`/movies/${encodeURIComponent(movieId)}`);
  }
}

export const api = new ApiClient();
export default api;
