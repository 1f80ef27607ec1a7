/**
 * The one way the web client talks to the movie-bag API.
 *
 * Every page goes through `api` so that the base URL, the Bearer header, the
 * error envelope and the silent token refresh live in a single place.
 */

// The access token lives in this variable only (never in storage), so it is gone when the page is.
let accessToken = null;

// The API keeps the refresh token in an HttpOnly cookie that scripts never see; beside it sits this
// readable cookie, whose value every request on that session repeats as X-CSRF-Token.
const CSRF_COOKIE = 'movie_bag_csrf';

export const UNREACHABLE_MESSAGE =
  "We can't reach the movie-bag server right now. Check your connection and try again.";

/**
 * An API failure carrying the envelope's message, HTTP status and field errors;
 * `retryAfter` is the wait in seconds a 429 asked for (null when it gave none).
 */
export class ApiError extends Error {
  constructor(message, { status = 0, errors = {}, unreachable = false, retryAfter = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors;
    this.unreachable = unreachable || status === 0;
    this.retryAfter = retryAfter;
  }

  /** True when no HTTP answer came back at all (server down, offline, DNS...). */
  get isNetworkError() {
    return this.status === 0;
  }
}

/** The value of the browser session's CSRF cookie, or null when the API set none. */
function csrfToken() {
  const prefix = `${CSRF_COOKIE}=`;
  const cookie = document.cookie
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(prefix));
  return cookie ? decodeURIComponent(cookie.slice(prefix.length)) : null;
}

/** This page's login: the access token in memory, and whether a browser session may be resumed. */
export const session = {
  get accessToken() {
    return accessToken;
  },
  /** True when a login may be alive: an access token here, or the session cookie to get one with. */
  get present() {
    return Boolean(accessToken || csrfToken());
  },
  save({ access_token: access }) {
    accessToken = access;
  },
  clear() {
    accessToken = null;
  },
};

const FALLBACK_MESSAGES = {
  400: 'The request was not valid.',
  401: 'Please log in again.',
  403: "You don't have permission to do that.",
  404: 'Not found.',
  409: 'That conflicts with existing data.',
  412: 'Someone changed this meanwhile. Reload and try again.',
  429: 'Too many attempts; try again in a moment.',
};

/**
 * Seconds to wait from a Retry-After header: delta-seconds or an HTTP date
 * (RFC 9110 allows both). Null when the header is missing or unreadable.
 */
export function parseRetryAfter(header, now = Date.now()) {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** "Too many attempts; try again in 30 seconds." for a 429's Retry-After. */
export function tooManyAttemptsMessage(seconds) {
  // Never promise "0 seconds": the limit is still in force when the answer was sent.
  const wait = Math.max(1, seconds);
  // Hour-long limits (password reset emails) read better in minutes than as 3599 seconds.
  if (wait >= 120) return `Too many attempts; try again in ${Math.ceil(wait / 60)} minutes.`;
  return `Too many attempts; try again in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`;
}

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

// Lists answer numbered pages only while page * per_page stays within this many rows; deeper
// pages are reached by following the Link header's rel="next", which carries a cursor.
export const NUMBERED_ROWS = 1000;

/** Reads the page number out of one of the Link header's URLs: 1 for a numbered link without one, null for a cursor's. */
export function pageFromUrl(url) {
  if (!url) return null;
  const params = new URL(url, 'http://link.invalid').searchParams;
  if (params.has('page')) return Number(params.get('page'));
  return params.has('cursor') ? null : 1;
}

/** The opaque cursor a Link header's URL carries, or null: never built here, only followed. */
export function cursorFromUrl(url) {
  if (!url) return null;
  return new URL(url, 'http://link.invalid').searchParams.get('cursor');
}

/** A query string from {name: value}; an array value repeats its name (`genre=Drama&genre=Crime`); empty values are left out. */
export function buildQuery(query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== '') params.append(key, item);
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * One page of a list endpoint: its items under `key`, plus the paging facts: `total` from
 * X-Total-Count (null when the API did not count), `totalExceeds` from X-Total-Count-Exceeds (the
 * cap the matches pass, when there are more than the API counts), and the Link header's URLs.
 */
function pageOf(key, { data, headers }) {
  const total = headers.get('X-Total-Count');
  const exceeds = headers.get('X-Total-Count-Exceeds');
  const links = parseLinkHeader(headers.get('Link'));
  return {
    [key]: data || [],
    total: total === null ? null : Number(total),
    totalExceeds: exceeds === null ? null : Number(exceeds),
    links,
    lastPage: pageFromUrl(links.last),
  };
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

  async send(method, path, { query, body, headers = {}, token, blob = false } = {}) {
    const fetchImpl = this.fetchImpl || globalThis.fetch;
    const finalHeaders = { Accept: 'application/json', ...headers };
    // A file (a poster) goes out as it is, under its own media type; a form (files) with the
    // multipart boundary the browser writes into its Content-Type; anything else as JSON.
    const form = typeof FormData !== 'undefined' && body instanceof FormData;
    const upload = form || (typeof Blob !== 'undefined' && body instanceof Blob);
    if (body !== undefined && !form) {
      finalHeaders['Content-Type'] = upload ? body.type || 'application/octet-stream' : 'application/json';
    }
    if (token) finalHeaders.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetchImpl(`${this.baseUrl}${path}${buildQuery(query)}`, {
        method,
        headers: finalHeaders,
        body: body === undefined || upload ? body : JSON.stringify(body),
        // The browser session's cookies travel to this origin only.
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError(UNREACHABLE_MESSAGE, { status: 0, unreachable: true });
    }
    // A download (`blob`) is read as a Blob when it succeeded; an error is still the JSON envelope.
    return { response, data: blob && response.ok ? await response.blob() : await readBody(response) };
  }

  /**
   * Sends one request; a 401 on an authenticated call triggers one refresh and
   * one retry. Resolves to {data, headers, status}, rejects with ApiError.
   */
  async request(method, path, { query, body, headers, auth = true, blob = false } = {}) {
    const token = auth ? accessToken : null;
    let { response, data } = await this.send(method, path, { query, body, headers, token, blob });

    if (response.status === 401 && token) {
      await this.refreshSession();
      ({ response, data } = await this.send(method, path, { query, body, headers, token: accessToken, blob }));
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
    if (status === 429) {
      // The limiter's own message ("10 per 1 minute") means nothing to people; the wait does.
      const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
      const message = retryAfter === null ? FALLBACK_MESSAGES[429] : tooManyAttemptsMessage(retryAfter);
      return new ApiError(message, { status, retryAfter, errors: (data && data.errors) || {} });
    }
    const message =
      (envelope && data.message) ||
      FALLBACK_MESSAGES[status] ||
      'Something went wrong on the server. Please try again.';
    return new ApiError(message, { status, errors: (data && data.errors) || {} });
  }

  /**
   * Trades the session's refresh cookie for a new access token. Concurrent 401s
   * share one call: the cookie rotates, so a second parallel refresh would present
   * a token the server already retired and could be taken for token theft.
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
    const csrf = csrfToken();
    if (csrf) {
      const { response, data } = await this.send('POST', '/auth/session/refresh', {
        headers: { 'X-CSRF-Token': csrf },
      });
      // Rate limited: the refresh cookie is still good, so keep the session for a later try.
      if (response.status === 429) throw this.toError(response, data);
      if (response.ok && data && data.access_token) {
        session.save(data);
        return;
      }
    }
    this.expireSession();
    throw new ApiError('Your session has expired. Please log in again.', { status: 401 });
  }

  /** After a page load, gets an access token from the session cookie; false when there is no session. */
  async resumeSession() {
    if (!session.present) return false;
    if (!accessToken) await this.refreshSession();
    return true;
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

  /** Creates an account; `displayName` (1 to 50 characters) is what others and the navbar show, never the email. */
  signup(email, password, displayName) {
    return this.post('/auth/signup', { email, password, display_name: displayName || undefined }, { auth: false });
  }

  /** Opens a browser session: the access token stays here, the refresh token in its HttpOnly cookie. */
  async login(email, password) {
    const { data } = await this.post('/auth/session', { email, password }, { auth: false });
    session.save(data);
    return data;
  }

  async me() {
    const { data } = await this.get('/auth/me');
    return data;
  }

  /** Changes the logged-in person's own account (`{display_name}`; null restores the default); resolves to it. */
  async updateMe(fields) {
    const { data } = await this.patch('/auth/me', fields);
    return data;
  }

  /** Asks for a reset email; the API answers the same whether or not the account exists. */
  async forgotPassword(email) {
    const { data } = await this.post('/auth/forgot', { email }, { auth: false });
    return data;
  }

  /** Sets a new password with the emailed token; every session of the account ends. */
  async resetPassword(resetToken, password) {
    await this.post('/auth/reset', { reset_token: resetToken, password }, { auth: false });
  }

  /** Changes the logged-in person's password; their other sessions end, this one goes on. */
  async changePassword(currentPassword, newPassword) {
    await this.put('/auth/password', { current_password: currentPassword, new_password: newPassword });
  }

  /** Ends the browser session on the server (which clears its cookies), then here even if that failed. */
  async logout() {
    const csrf = csrfToken();
    try {
      if (csrf) await this.delete('/auth/session', { auth: false, headers: { 'X-CSRF-Token': csrf } });
    } catch {
      // Nothing to do: the access token is dropped below either way.
    } finally {
      session.clear();
    }
  }

  // --- movies ---------------------------------------------------------------

  /** One page of movies plus the paging facts from X-Total-Count and Link. */
  async listMovies(query) {
    return pageOf('movies', await this.get('/movies', query, { auth: false }));
  }

  /** The genres movies have, most frequent first: [{name, count}]. */
  async listGenres() {
    const { data } = await this.get('/genres', undefined, { auth: false });
    return data;
  }

  /** The most frequent directors, most frequent first: [{name, count}]. */
  async listDirectors() {
    const { data } = await this.get('/directors', undefined, { auth: false });
    return data;
  }

  /**
   * A movie and the ETag to send back as If-Match when it is edited. Logged in, the movie carries
   * one's own state of it (`viewer`: score, on_watchlist, review_id) in the same answer.
   */
  async getMovie(movieId) {
    const { data, headers } = await this.get(`/movies/${encodeURIComponent(movieId)}`);
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

  /** Replaces a movie's poster with `file` (a JPEG, PNG or WebP Blob); resolves to {movie, etag}. */
  async uploadPoster(movieId, file) {
    const { data, headers } = await this.put(`/movies/${encodeURIComponent(movieId)}/poster`, file);
    return { movie: data, etag: headers.get('ETag') };
  }

  /** Removes a movie's poster (the movie's ETag changes: read it again before editing). */
  async deletePoster(movieId) {
    await this.delete(`/movies/${encodeURIComponent(movieId)}/poster`);
  }

  // --- ratings --------------------------------------------------------------

  /** The logged-in person's score (1 to 10) of a movie, or null when they have not rated it. */
  async getMyRating(movieId) {
    try {
      const { data } = await this.get(`/movies/${encodeURIComponent(movieId)}/rating`);
      return data.score;
    } catch (error) {
      if (error.status === 404) return null;
      throw error;
    }
  }

  /** Gives a movie `score` (1 to 10), replacing one's earlier score; resolves to the score kept. */
  async rateMovie(movieId, score) {
    const { data } = await this.put(`/movies/${encodeURIComponent(movieId)}/rating`, { score });
    return data.score;
  }

  /** Takes back one's score of a movie. */
  async clearRating(movieId) {
    await this.delete(`/movies/${encodeURIComponent(movieId)}/rating`);
  }

  // --- reviews --------------------------------------------------------------

  /** One page of a movie's reviews, newest first, with the same paging facts as movies. */
  async listReviews(movieId, query) {
    const path = `/movies/${encodeURIComponent(movieId)}/reviews`;
    return pageOf('reviews', await this.get(path, query, { auth: false }));
  }

  /** `userId`'s review of a movie (`?author=` answers one at most), or null when there is none. */
  async findReview(movieId, userId) {
    // Without an author the query would list everyone's reviews, and the first is someone else's.
    if (!userId) return null;
    const { reviews } = await this.listReviews(movieId, { author: userId });
    return reviews[0] || null;
  }

  /** A review and the ETag to send back as If-Match when it is changed or deleted. */
  async getReview(reviewId) {
    const { data, headers } = await this.get(`/reviews/${encodeURIComponent(reviewId)}`, undefined, { auth: false });
    return { review: data, etag: headers.get('ETag') };
  }

  /** Writes the logged-in person's review of a movie (a second one is a 409); resolves to {review, etag}. */
  async createReview(movieId, body) {
    const { data, headers } = await this.post(`/movies/${encodeURIComponent(movieId)}/reviews`, { body });
    return { review: data, etag: headers.get('ETag') };
  }

  /** Rewrites a review if it is still at `etag` (else 412); resolves to {review, etag}. */
  async updateReview(reviewId, body, etag) {
    const { data, headers } = await this.patch(
      `/reviews/${encodeURIComponent(reviewId)}`,
      { body },
      { headers: { 'If-Match': etag } },
    );
    return { review: data, etag: headers.get('ETag') };
  }

  /** Deletes a review if it is still at `etag` (else 412). */
  async deleteReview(reviewId, etag) {
    await this.delete(`/reviews/${encodeURIComponent(reviewId)}`, { headers: { 'If-Match': etag } });
  }

  // --- watchlist ------------------------------------------------------------

  /** One page of the logged-in person's watchlist, most recently added first. */
  async listWatchlist(query) {
    return pageOf('movies', await this.get('/me/watchlist', query));
  }

  /** Whether a movie is on the logged-in person's watchlist: the API answers 204 when it is, 404 when not. */
  async isOnWatchlist(movieId) {
    try {
      await this.get(`/me/watchlist/${encodeURIComponent(movieId)}`);
      return true;
    } catch (error) {
      if (error.status === 404) return false;
      throw error;
    }
  }

  /** Puts a movie on the watchlist (again is no change). */
  async addToWatchlist(movieId) {
    await this.put(`/me/watchlist/${encodeURIComponent(movieId)}`);
  }

  /** Takes a movie off the watchlist. */
  async removeFromWatchlist(movieId) {
    await this.delete(`/me/watchlist/${encodeURIComponent(movieId)}`);
  }

  // --- Letterboxd ---------------------------------------------------------------

  /**
   * Imports a Letterboxd export: `form` holds the zip as `export`, or its CSV files as `ratings`,
   * `reviews` and `watchlist`. Resolves to the report {imported: {ratings, reviews, watchlist},
   * unmatched: [{name, year, kinds, score, review}]}; a malformed file rejects with the file and line
   * in the message and every problem in `errors`, by file.
   */
  async importLetterboxd(form) {
    const { data } = await this.post('/me/import/letterboxd', form);
    return data;
  }

  /** The logged-in person's ratings, reviews and watchlist as a zip Blob in Letterboxd's layout. */
  async exportLetterboxd() {
    const { data } = await this.request('GET', '/me/export/letterboxd', { blob: true });
    return data;
  }

  // --- users (admins; anyone for their own account) -----------------------------

  /** One page of accounts (admins only), with the same paging facts as movies. */
  async listUsers(query) {
    return pageOf('users', await this.get('/users', query));
  }

  async createUser({ email, password, is_admin: isAdmin = false }) {
    const { data } = await this.post('/users', { email, password, is_admin: isAdmin });
    return data;
  }

  async setAdmin(userId, isAdmin) {
    const { data } = await this.patch(`/users/${encodeURIComponent(userId)}`, { is_admin: isAdmin });
    return data;
  }

  /** Deletes an account and every movie it added. */
  async deleteUser(userId) {
    await this.delete(`/users/${encodeURIComponent(userId)}`);
  }
}

export const api = new ApiClient();
export default api;
