// The movie-bag flow through a client generated from /api/openapi.json with openapi-typescript's
// default options and openapi-fetch, as a third-party developer would write it: no casts, no `!`.
// tests/test_generated_clients.py generates .generated/schema.d.ts, type-checks this file with
// `tsc --noEmit --strict`, then runs it with node against a live server: node flow.js <base URL>.
import createClient from "openapi-fetch";
import type { components, paths } from "./.generated/schema.js";

type Movie = components["schemas"]["Movie"];
type MovieInput = components["schemas"]["MovieInput"];
type Token = components["schemas"]["Token"];

const baseUrl = process.argv[2] ?? "http://127.0.0.1:5000";
const api = createClient<paths>({ baseUrl });
const password = "generated-client-password";

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`flow failed: ${message}`);
}

function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

type ErrorCode = components["schemas"]["Error"]["code"];

/** The status of an error answer: every error body of the document is an envelope carrying it. */
function errorStatus(error: { status: number } | string | undefined): number | undefined {
  return typeof error === "object" ? error.status : undefined;
}

/** The machine-readable code of an error answer: one of the document's enum. */
function errorCode(error: { code: ErrorCode } | string | undefined): ErrorCode | undefined {
  return typeof error === "object" ? error.code : undefined;
}

async function account(): Promise<{ id: string; email: string; tokens: Token }> {
  const email = `ts-${crypto.randomUUID().slice(0, 12)}@example.com`;
  const signup = await api.POST("/api/auth/signup", { body: { email, password } });
  check(signup.response.status === 201 && signup.data !== undefined, `signup answered ${signup.response.status}`);
  const login = await api.POST("/api/auth/login", { body: { email, password } });
  check(login.data !== undefined, `login answered ${login.response.status}`);
  return { id: signup.data.id, email, tokens: login.data };
}

async function main(): Promise<void> {
  const owner = await account();
  const me = await api.GET("/api/auth/me", { headers: bearer(owner.tokens.access_token) });
  check(me.data !== undefined && me.data.email === owner.email && !me.data.is_admin, "me is the new account");

  const genre = `Genre ${crypto.randomUUID().slice(0, 8)}`;
  const input: MovieInput = { name: `Typed ${crypto.randomUUID().slice(0, 8)}`, casts: ["Ana de Armas"], genres: [genre] };
  const created = await api.POST("/api/movies", { body: input, headers: bearer(owner.tokens.access_token) });
  check(created.response.status === 201 && created.data !== undefined, "the movie is created");
  const movie: Movie = created.data;
  check(movie.added_by === owner.id, "the movie is the owner's");

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
  const stale = await api.PATCH("/api/movies/{movie_id}", {
    params: { path: { movie_id: movie.id }, header: { "If-Match": etag } },
    body: { casts: ["Nobody"] },
    headers: bearer(owner.tokens.access_token),
  });
  check(stale.response.status === 412 && errorStatus(stale.error) === 412, "a stale ETag is a 412 envelope");
  check(errorCode(stale.error) === "precondition_failed", "a stale ETag's code is precondition_failed");

  const stranger = await account();
  const forbidden = await api.PATCH("/api/movies/{movie_id}", {
    params: { path: { movie_id: movie.id } },
    body: { name: "Mine now" },
    headers: bearer(stranger.tokens.access_token),
  });
  check(errorStatus(forbidden.error) === 403, "another user's write is a 403 envelope");
  check(errorCode(forbidden.error) === "forbidden_not_owner", "another user's write is forbidden_not_owner");

  const refreshed = await api.POST("/api/auth/refresh", { headers: bearer(owner.tokens.refresh_token) });
  check(refreshed.data !== undefined && refreshed.data.token_type === "Bearer", "refresh answers a new pair");
  const again = await api.POST("/api/auth/refresh", { body: { refresh_token: refreshed.data.refresh_token } });
  check(again.data !== undefined && again.data.token_type === "Bearer", "a refresh token in the body answers a new pair too");
  const access = again.data.access_token;
  const logout = await api.POST("/api/auth/logout", { headers: bearer(access) });
  check(logout.response.status === 204, "logout is a 204");
  const after = await api.GET("/api/auth/me", { headers: bearer(access) });
  check(after.response.status === 401 && errorStatus(after.error) === 401, "a logged-out token is a 401 envelope");
  check(errorCode(after.error) === "token_revoked", "a logged-out token's code is token_revoked");
  console.log("flow passed");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
