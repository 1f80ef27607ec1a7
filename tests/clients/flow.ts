// The movie-bag flow through a client generated from /api/openapi.json with openapi-typescript's
// default options and openapi-fetch, as a third-party developer would write it: no casts, no `!`.
// tests/test_generated_clients.py generates .generated/schema.d.ts, type-checks this file with
// `tsc --noEmit --strict`, then runs it with node against a live server: node flow.js <base URL>.
// The flow is the list `steps` at the end, each step from accounts and a movie of its own: a new step is
// one more function and one more line there.
import createClient from "openapi-fetch";
import type { components, paths } from "./.generated/schema.js";

type Movie = components["schemas"]["Movie"];
type MovieFields = components["schemas"]["MovieFields"];
type MovieInput = components["schemas"]["MovieInput"];
type Token = components["schemas"]["Token"];
type Viewer = components["schemas"]["Viewer"];
type ErrorCode = components["schemas"]["Error"]["code"];
type SyncPage = components["schemas"]["SyncPage"];
type SyncChange = components["schemas"]["SyncChange"];

const baseUrl = process.argv[2] ?? "http://127.0.0.1:5000";
// A read that takes `fields` answers application/json (Movie) or, narrowed, application/vnd.movie-bag.fields+json
// (MovieFields). openapi-fetch types `data` as every media type of the answer at once unless the client is made
// for one (createClient's second type parameter): `api` reads JSON, `narrowedApi` reads narrowed movies (its
// `error` is not typed: errors are JSON, read them through `api`).
const api = createClient<paths, "application/json">({ baseUrl });
const narrowedApi = createClient<paths, "application/vnd.movie-bag.fields+json">({ baseUrl });
const password = "generated-client-password";

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`flow failed: ${message}`);
}

function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** The status of an error answer: every error body of the document is an envelope carrying it. */
function errorStatus(error: { status: number } | string | undefined): number | undefined {
  return typeof error === "object" ? error.status : undefined;
}

/** The machine-readable code of an error answer: one of the document's enum. */
function errorCode(error: { code: ErrorCode } | string | undefined): ErrorCode | undefined {
  return typeof error === "object" ? error.code : undefined;
}

type Remedy = "fix the request" | "sign in again" | "read it again" | "not yours" | "gone" | "wait and retry" | "start over" | "report it";

/**
 * What a client does about an error, by its code. tsc proves the switch exhaustive: a code the document
 * adds to the enum fails to compile here (`never`) until it is handled, in this flow and in any client
 * written this way; a code the document drops fails too (its case is no longer an ErrorCode).
 */
function remedy(code: ErrorCode): Remedy {
  switch (code) {
    case "validation_failed":
    case "bad_request":
    case "csrf_failed":
    case "reset_token_invalid":
    case "method_not_allowed":
    case "conflict":
    case "payload_too_large":
    case "uri_too_long":
    case "unsupported_media_type":
    case "expectation_failed":
    case "headers_too_large":
    case "not_implemented":
      return "fix the request";
    case "authentication_required":
    case "invalid_credentials":
    case "token_invalid":
    case "token_expired":
    case "token_revoked":
      return "sign in again";
    case "precondition_failed":
      return "read it again";
    case "forbidden":
    case "forbidden_not_owner":
      return "not yours";
    case "not_found":
      return "gone";
    case "request_timeout":
    case "rate_limited":
    case "busy":
    case "database_unavailable":
    case "database_not_ready":
    case "service_unavailable":
    case "live_updates_unavailable":
      return "wait and retry";
    case "sync_expired":
      return "start over";
    case "internal_error":
      return "report it";
    default: {
      const unhandled: never = code;
      throw new Error(`unhandled error code ${String(unhandled)}`);
    }
  }
}

/** An error answer's status and code are the expected ones, and its code leads to the expected remedy. */
function checkError(
  error: { status: number; code: ErrorCode } | string | undefined,
  status: number,
  expected: ErrorCode,
  then: Remedy,
  what: string,
): void {
  const code = errorCode(error);
  check(errorStatus(error) === status, `${what} is a ${status} envelope`);
  check(code !== undefined && code === expected, `${what}'s code is ${expected}, not ${String(code)}`);
  check(remedy(code) === then, `${what}: ${then}`);
}

interface Account {
  id: string;
  email: string;
  tokens: Token;
}

async function account(): Promise<Account> {
  const email = `ts-${crypto.randomUUID().slice(0, 12)}@example.com`;
  const signup = await api.POST("/api/auth/signup", { body: { email, password } });
  check(signup.response.status === 201 && signup.data !== undefined, `signup answered ${signup.response.status}`);
  const login = await api.POST("/api/auth/login", { body: { email, password } });
  check(login.data !== undefined, `login answered ${login.response.status}`);
  return { id: signup.data.id, email, tokens: login.data };
}

/** A new movie of owner's, in a genre of its own (a filter on it finds this movie alone). */
async function newMovie(owner: Account): Promise<{ movie: Movie; genre: string }> {
  const genre = `Genre ${crypto.randomUUID().slice(0, 8)}`;
  const input: MovieInput = { name: `Typed ${crypto.randomUUID().slice(0, 8)}`, casts: ["Ana de Armas"], genres: [genre] };
  const created = await api.POST("/api/movies", { body: input, headers: bearer(owner.tokens.access_token) });
  check(created.response.status === 201 && created.data !== undefined, "the movie is created");
  const movie: Movie = created.data;
  check(movie.added_by === owner.id, "the movie is the owner's");
  return { movie, genre };
}

async function signUpLogInAndReadMe(): Promise<void> {
  const owner = await account();
  const me = await api.GET("/api/auth/me", { headers: bearer(owner.tokens.access_token) });
  check(me.data !== undefined && me.data.email === owner.email && !me.data.is_admin, "me is the new account");
}

async function createFindReplaceAndPatch(): Promise<void> {
  const owner = await account();
  const { movie, genre } = await newMovie(owner);
  const listed = await api.GET("/api/movies", { params: { query: { genre: [genre] } } });
  check(listed.data !== undefined && listed.data.length === 1 && listed.data[0]?.id === movie.id, "the filter finds it");
  check(listed.response.headers.get("X-Total-Count") === "1", "X-Total-Count counts it");

  const read = await api.GET("/api/movies/{movie_id}", { params: { path: { movie_id: movie.id } } });
  const etag = read.response.headers.get("ETag");
  check(read.data !== undefined && etag !== null, "the movie reads with an ETag");
  const replacement: MovieInput = { name: `${read.data.name} (extended)`, casts: read.data.casts, genres: read.data.genres };
  const replaced = await api.PUT("/api/movies/{movie_id}", {
    params: { path: { movie_id: movie.id }, header: { "If-Match": etag } },
    body: replacement,
    headers: bearer(owner.tokens.access_token),
  });
  const replacedTag = replaced.response.headers.get("ETag");
  check(replaced.data !== undefined && replaced.data.name === replacement.name && replacedTag !== null, "PUT replaces it");

  const patched = await api.PATCH("/api/movies/{movie_id}", {
    params: { path: { movie_id: movie.id }, header: { "If-Match": replacedTag } },
    body: { casts: ["Ryan Gosling"] },
    headers: bearer(owner.tokens.access_token),
  });
  check(patched.data !== undefined && patched.data.casts.join() === "Ryan Gosling", "PATCH with If-Match changes it");
}

/** The viewer block's three fields, each read into a variable of its type in the document. */
function viewerState(viewer: Viewer | undefined, what: string): [number | null, boolean, string | null] {
  check(viewer !== undefined, `${what} carries a viewer block`);
  const score: number | null = viewer.score;
  const onWatchlist: boolean = viewer.on_watchlist;
  const reviewId: string | null = viewer.review_id;
  return [score, onWatchlist, reviewId];
}

async function theViewerBlockCarriesTheCallersScoreWatchlistAndReview(): Promise<void> {
  const owner = await account();
  const fan = await account();
  const { movie, genre } = await newMovie(owner);
  const path = { movie_id: movie.id };
  const rated = await api.PUT("/api/movies/{movie_id}/rating", { params: { path }, body: { score: 8 }, headers: bearer(fan.tokens.access_token) });
  check(rated.data !== undefined && rated.data.score === 8, "the fan rates it 8");
  const listed = await api.PUT("/api/me/watchlist/{movie_id}", { params: { path }, headers: bearer(fan.tokens.access_token) });
  check(listed.response.status === 204, "the fan puts it on the watchlist");
  const reviewed = await api.POST("/api/movies/{movie_id}/reviews", {
    params: { path },
    body: { body: "Worth it." },
    headers: bearer(fan.tokens.access_token),
  });
  check(reviewed.data !== undefined, "the fan reviews it");
  const reviewId = reviewed.data.id;

  const read = await api.GET("/api/movies/{movie_id}", { params: { path }, headers: bearer(fan.tokens.access_token) });
  check(read.data !== undefined, "the fan reads the movie");
  const [score, onWatchlist, review] = viewerState(read.data.viewer, "the fan's movie");
  check(score === 8 && onWatchlist && review === reviewId, "the movie's viewer block: 8, on the watchlist, the review");
  check(read.data.rating.average === 8 && read.data.rating.count === 1, "the movie's rating counts the score");

  const page = await api.GET("/api/movies", { params: { query: { genre: [genre] } }, headers: bearer(fan.tokens.access_token) });
  check(page.data !== undefined && page.data.length === 1, "the fan's list page finds the movie");
  const [rowScore, rowOnWatchlist, rowReview] = viewerState(page.data[0]?.viewer, "the list page's row");
  check(rowScore === 8 && rowOnWatchlist && rowReview === reviewId, "the row's viewer block: 8, on the watchlist, the review");

  // The owner did none of it: a viewer block all the same, saying so.
  const own = await api.GET("/api/movies/{movie_id}", { params: { path }, headers: bearer(owner.tokens.access_token) });
  check(own.data !== undefined, "the owner reads the movie");
  const [ownScore, ownOnWatchlist, ownReview] = viewerState(own.data.viewer, "the owner's movie");
  check(ownScore === null && !ownOnWatchlist && ownReview === null, "the owner's viewer block: no score, not listed, no review");

  // An anonymous caller gets no viewer block at all (the document: absent, not null).
  const anonymous = await api.GET("/api/movies/{movie_id}", { params: { path } });
  check(anonymous.data !== undefined && anonymous.data.viewer === undefined, "an anonymous read has no viewer block");
  const anonymousPage = await api.GET("/api/movies", { params: { query: { genre: [genre] } } });
  check(
    anonymousPage.data !== undefined && anonymousPage.data.length === 1 && anonymousPage.data.every((row) => row.viewer === undefined),
    "an anonymous list page has no viewer block",
  );
}

async function anErrorParsesIntoTheErrorModelWithItsCodeFromTheEnum(): Promise<void> {
  const owner = await account();
  const stranger = await account();
  const { movie } = await newMovie(owner);
  for (const unknown of ["0".repeat(24), "not-an-id"]) {
    const missing = await api.GET("/api/movies/{movie_id}", { params: { path: { movie_id: unknown } } });
    checkError(missing.error, 404, "not_found", "gone", `an unknown movie id (${unknown})`);
  }

  const read = await api.GET("/api/movies/{movie_id}", { params: { path: { movie_id: movie.id } } });
  const etag = read.response.headers.get("ETag");
  check(read.data !== undefined && etag !== null, "the movie reads with an ETag");
  const patched = await api.PATCH("/api/movies/{movie_id}", {
    params: { path: { movie_id: movie.id }, header: { "If-Match": etag } },
    body: { casts: ["Ryan Gosling"] },
    headers: bearer(owner.tokens.access_token),
  });
  check(patched.data !== undefined, "PATCH with If-Match changes it");
  const stale = await api.PATCH("/api/movies/{movie_id}", {
    params: { path: { movie_id: movie.id }, header: { "If-Match": etag } },
    body: { casts: ["Nobody"] },
    headers: bearer(owner.tokens.access_token),
  });
  check(stale.response.status === 412, "a stale ETag is a 412");
  checkError(stale.error, 412, "precondition_failed", "read it again", "a stale ETag");

  const forbidden = await api.PATCH("/api/movies/{movie_id}", {
    params: { path: { movie_id: movie.id } },
    body: { name: "Mine now" },
    headers: bearer(stranger.tokens.access_token),
  });
  checkError(forbidden.error, 403, "forbidden_not_owner", "not yours", "another user's write");
}

async function refreshLogOutAndARevokedToken(): Promise<void> {
  const owner = await account();
  const refreshed = await api.POST("/api/auth/refresh", { headers: bearer(owner.tokens.refresh_token) });
  check(refreshed.data !== undefined && refreshed.data.token_type === "Bearer", "refresh answers a new pair");
  const again = await api.POST("/api/auth/refresh", { body: { refresh_token: refreshed.data.refresh_token } });
  check(again.data !== undefined && again.data.token_type === "Bearer", "a refresh token in the body answers a new pair too");
  const access = again.data.access_token;
  const logout = await api.POST("/api/auth/logout", { headers: bearer(access) });
  check(logout.response.status === 204, "logout is a 204");
  const after = await api.GET("/api/auth/me", { headers: bearer(access) });
  check(after.response.status === 401, "a logged-out token is a 401");
  checkError(after.error, 401, "token_revoked", "sign in again", "a logged-out token");
}

/** Sync from `since` until a page holds a change that `wanted` picks (the change log follows within a second or two). */
async function syncUntil(access: string, since: string, wanted: (change: SyncChange) => boolean): Promise<SyncPage> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const page = await api.GET("/api/sync", { params: { query: { since } }, headers: bearer(access) });
    check(page.data !== undefined, `sync answered ${page.response.status}`);
    const found: SyncPage = page.data;
    if (found.changes.some(wanted)) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("flow failed: the change never reached sync");
}

async function aSyncPageCarriesTheCataloguesAndOnesOwnChanges(): Promise<void> {
  const owner = await account();
  const access = owner.tokens.access_token;
  const start = await api.GET("/api/sync", { headers: bearer(access) });
  check(start.data !== undefined && start.data.changes.length === 0 && !start.data.more, "sync starts with a token and no changes");
  const since: string = start.data.next;
  const { movie } = await newMovie(owner);
  const rated = await api.PUT("/api/movies/{movie_id}/rating", {
    params: { path: { movie_id: movie.id } },
    body: { score: 6 },
    headers: bearer(access),
  });
  check(rated.response.status === 200, "the movie is rated");

  const page = await syncUntil(access, since, (change) => change.type === "rating" && change.movie_id === movie.id);
  const movieChange = page.changes.find((change) => change.type === "movie" && change.id === movie.id);
  check(movieChange !== undefined && movieChange.op === "upsert", "the new movie is an upsert");
  const synced: Movie | undefined = movieChange.movie;
  check(synced !== undefined && synced.name === movie.name && synced.rating.count === 1, "the upsert carries the movie in its present state");
  const ratingChange = page.changes.find((change) => change.type === "rating" && change.movie_id === movie.id);
  const score: number | undefined = ratingChange?.rating?.score;
  check(score === 6, "one's own score comes with it");

  const deleted = await api.DELETE("/api/movies/{movie_id}", { params: { path: { movie_id: movie.id } }, headers: bearer(access) });
  check(deleted.response.status === 204, "the movie is deleted");
  const after = await syncUntil(access, page.next, (change) => change.type === "movie" && change.id === movie.id);
  const tombstone = after.changes.find((change) => change.type === "movie" && change.id === movie.id);
  check(tombstone !== undefined && tombstone.op === "delete" && tombstone.movie === undefined, "a deletion is a tombstone");

  const expired = await api.GET("/api/sync", { params: { query: { since: "10000000000000000000" } }, headers: bearer(access) });
  checkError(expired.error, 410, "sync_expired", "start over", "a token older than the log");
}

async function aNarrowedMovieCarriesOnlyTheNamedFields(): Promise<void> {
  const owner = await account();
  const { movie, genre } = await newMovie(owner);
  const path = { movie_id: movie.id };
  const read = await narrowedApi.GET("/api/movies/{movie_id}", { params: { path, query: { fields: "name,year" } } });
  check(read.response.headers.get("Content-Type") === "application/vnd.movie-bag.fields+json", "a narrowed movie has its own media type");
  check(read.data !== undefined, "the narrowed movie reads");
  const narrowed: MovieFields = read.data;
  const name: string | undefined = narrowed.name;
  check(narrowed.id === movie.id && name === movie.name && narrowed.year === null, "it carries its id and the fields named");
  check(narrowed.casts === undefined && narrowed.rating === undefined && narrowed.viewer === undefined, "and no other field");

  const page = await narrowedApi.GET("/api/movies", {
    params: { query: { genre: [genre], fields: "name,viewer" } },
    headers: bearer(owner.tokens.access_token),
  });
  check(page.data !== undefined && page.data.length === 1 && page.data[0]?.id === movie.id, "a narrowed page finds the movie");
  check(page.response.headers.get("X-Total-Count") === "1", "a narrowed page counts its rows like the whole one");
  const [score, onWatchlist, review] = viewerState(page.data[0]?.viewer, "the narrowed row");
  check(score === null && !onWatchlist && review === null, "the narrowed row's viewer block, named, is there");

  const unknown = await api.GET("/api/movies/{movie_id}", { params: { path, query: { fields: "budget" } } });
  checkError(unknown.error, 400, "validation_failed", "fix the request", "an unknown field");
}

const steps: Array<[string, () => Promise<void>]> = [
  ["sign up, log in and read me", signUpLogInAndReadMe],
  ["create, find, replace and patch", createFindReplaceAndPatch],
  ["the viewer block carries the caller's score, watchlist and review", theViewerBlockCarriesTheCallersScoreWatchlistAndReview],
  ["an error parses into the error model with its code from the enum", anErrorParsesIntoTheErrorModelWithItsCodeFromTheEnum],
  ["refresh, log out and a revoked token", refreshLogOutAndARevokedToken],
  ["a sync page carries the catalogue's and one's own changes", aSyncPageCarriesTheCataloguesAndOnesOwnChanges],
  ["a narrowed movie carries only the named fields", aNarrowedMovieCarriesOnlyTheNamedFields],
];

async function main(): Promise<void> {
  for (const [name, run] of steps) {
    await run();
    console.log(`step passed: ${name}`);
  }
  console.log("flow passed");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
