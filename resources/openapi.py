"""The OpenAPI 3.1 document, generated from the URL table and each method's @operation declaration.

Request bodies, query strings and answers are the marshmallow schema objects that run the API, so a
field changed in resources/schemas.py changes validation, serialization and this document at once;
statuses, headers, security, tags and operation ids come from the declarations (resources/contract.py).
A route whose method has no declaration stops the document from being built.
"""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from flask_restful import Resource
from marshmallow import Schema, validate

from database.paging import COUNT_LIMIT, RESULT_WINDOW
from resources.contract import BROWSER, JSON, VIEWER, OptionalBody, Reply, Upload, declaration, operation
from resources.errors import CODES
from resources.schemas import (
    MAX_PER_PAGE,
    FieldNames,
    ObjectIdString,
    Text,
    TrimmedString,
    error_schema,
    internal_error_schema,
    openapi_document_schema,
)

TITLE = "movie-bag"
API_VERSION = "1.1.0"
OPENAPI_VERSION = "3.1.0"
BEARER = "bearerAuth"
REFRESH_COOKIE = "refreshCookie"

DESCRIPTION = f"""A movie catalogue: anyone reads, people with an account add movies, and only the person
who added a movie (or an admin) changes it.

**Authentication.** Log in (`login`), then send the access token as `Authorization: Bearer <token>`.
It lives 15 minutes; trade the refresh token for a new pair with `refreshToken` (once per refresh token).

**Errors** are one JSON envelope, `{{"code", "message", "status"}}`, plus `errors` by field on a 400 or 409;
a 500 names the `request_id` its details were logged under (also in every answer's `X-Request-ID`). `code`
is for programs and never changes its meaning; `message` is for people and may be reworded. The proxy and
server in front of the app (nginx, gunicorn, waitress) answer what they refuse themselves in the same envelope.
The codes:

{{codes}}

**Query strings.** An operation accepts exactly the query parameters it documents: any other parameter,
on any operation, is a 400 naming it (so a misspelt filter never silently returns everything).

**Lists** are paginated with `per_page` (at most {MAX_PER_PAGE}) and either `page` (numbered pages, within
the first {RESULT_WINDOW} items) or `cursor` (anywhere, at the same cost however deep). `Link` (RFC 8288)
gives the first page, the `next` one by cursor whenever more follow, and on numbered pages `prev` and
`last`. `X-Total-Count` is the exact number of matches up to {COUNT_LIMIT}; past that no request counts
further, and `X-Total-Count-Exceeds: {COUNT_LIMIT}` says so instead.

**Caching and compression.** Every JSON read answers with a strong `ETag` (a movie's or review's names its
version; any other, a list page included, is a hash of the answer, which changes when any row of the page or the
total does): send it back as `If-None-Match` and an unchanged answer is a `304` with no body. `Cache-Control` says
who may keep an answer: `no-store` for tokens, `private, no-cache` for anything asked with a token, `no-cache` for
the public catalogue. Answers of 500 bytes or more are compressed with Brotli or gzip when `Accept-Encoding`
allows (`Vary: Accept-Encoding`); a compressed answer's ETag ends in `:br` or `:gzip`, and If-Match takes it too.
Posters are never compressed (they are compressed images already).

**Lost updates.** A movie answers with an `ETag`; send it back as `If-Match` on PUT, PATCH and DELETE and
the write happens only if nobody changed the movie since (412 otherwise).

**Rate limits.** Login, signup, refresh and password reset emails are limited; their answers carry
`X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`, and a 429 says in `Retry-After`
how many seconds to wait."""

DESCRIPTION = DESCRIPTION.replace("{codes}", "\n".join(f"- `{code}`: {meaning}" for code, meaning in CODES.items()))

TAGS = [
    {"name": "Auth", "description": "Accounts of one's own: signup, login, tokens, passwords."},
    {"name": "Movies", "description": "The catalogue: public reads, writes by the person who added a movie or an admin."},
    {"name": "Reviews", "description": "What people write about movies: public reads, writes by the author or an admin."},
    {"name": "Watchlist", "description": "The movies one means to see, private to oneself."},
    {"name": "Letterboxd", "description": "One's ratings, reviews and watchlist in from a Letterboxd export, and out in its layout."},
    {
        "name": "Live updates",
        "description": "What changed since a client last looked (delta sync), and as it happens (Server-Sent Events).",
    },
    {"name": "Users", "description": "Account administration (admins), and one's own account."},
    {"name": "Service", "description": "Health, this document and its Swagger UI."},
]


def header(description, schema=None, required=True):
    """A response header component."""
    return {"description": description, "required": required, "schema": schema or {"type": "string"}}


RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
HEADERS = {
    "X-Request-ID": header("The request id, to quote in a bug report (echoes a sane incoming one)."),
    "Retry-After": header("Seconds to wait before trying again.", {"type": "integer"}),
    "WWW-Authenticate": header("An RFC 6750 Bearer challenge."),
    "ETag": header("The entity tag of this version (of a movie or review: send it back as If-Match; of a poster: as If-None-Match)."),
    "Location": header("The URL of what was created."),
    "X-Total-Count": header(
        f"How many items match, over all pages, when at most {COUNT_LIMIT} do (else absent).", {"type": "integer"}, False
    ),
    "X-Total-Count-Exceeds": header(
        f"`{COUNT_LIMIT}` when more items match than that (counting stops there; X-Total-Count is then absent).", {"type": "integer"}, False
    ),
    "Link": header(
        'RFC 8288 links: rel="first", rel="next" (by cursor, when more follow), and on numbered pages rel="prev" and rel="last".'
    ),
    "X-RateLimit-Limit": header("Requests allowed in the current window.", {"type": "integer"}, False),
    "X-RateLimit-Remaining": header("Requests left in the current window.", {"type": "integer"}, False),
    "X-RateLimit-Reset": header("When the window ends, in seconds since the epoch.", {"type": "integer"}, False),
    "Cache-Control": header(
        "`no-store` on an answer that carries a token or one's own export (never cached); `private, no-cache` on any other answer to a "
        "request with a token (one person's; kept only by their own client, revalidated); `no-cache` on the public "
        "catalogue (kept, revalidated with If-None-Match); a poster's: `public, max-age=31536000, immutable` under "
        "its poster_url, else `public, no-cache`."
    ),
    "Content-Disposition": header("`attachment` with the file's name: a download."),
    "Pragma": header("`no-cache`, for HTTP/1.0 caches."),
    "Set-Cookie": header(
        "The browser session's cookies: movie_bag_refresh (HttpOnly, Secure, SameSite=Strict, Path=/api/auth/session) "
        "and movie_bag_csrf (readable, Path=/), or both cleared; on a login, also the device cookie movie_bag_device "
        "(HttpOnly, Secure, SameSite=Strict, Path=/api/auth) that makes the client a known device of the account."
    ),
}

# {status: (description, headers)} of the error envelope answers.
ERRORS = {
    400: ("The request is not valid: a field, an unknown or bad query parameter, or the JSON itself.", ()),
    401: ("No token, or a token that is invalid, expired, revoked or whose account is gone.", ("WWW-Authenticate",)),
    403: ("The token's user may not do this.", ()),
    404: ("Nothing has this id (a malformed id included).", ()),
    409: ("This conflicts with what is stored: a unique value is taken, or no admin would be left.", ()),
    410: ("The sync token is older than the change log reaches: start over without `since`.", ()),
    412: ("If-Match names a version that is no longer current.", ()),
    413: (
        "The body is larger than the limit (1 MiB; 5 MiB for a poster, 12 MiB for a Letterboxd export), however it is "
        "framed (Content-Length or chunked).",
        (),
    ),
    414: ("The request line is longer than 8190 bytes.", ()),
    415: (
        "The body is not sent as the media type the operation takes (application/json, an image type for a poster, "
        "multipart/form-data for a Letterboxd export).",
        (),
    ),
    431: ("A request header is longer than 8190 bytes, or all of them together are too large.", ()),
    429: ("Too many attempts from this address (or at this account); wait and retry.", ("Retry-After",)),
    503: ("The database is not answering.", ("Retry-After",)),
}
INTERNAL_ERROR = "A bug on our side; its details are logged under the request id."
NOT_MODIFIED = Reply(
    "Not modified: If-None-Match named this answer's current ETag, so the copy the client has is still good. No body.",
    headers=("ETag",),
)
CSRF_TOKEN = {
    "in": "header",
    "name": "X-CSRF-Token",
    "required": True,
    "description": "The value of the movie_bag_csrf cookie: proof that this page, not another site, sends the request.",
    "schema": {"type": "string"},
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "description": "The ETag last read: the write happens only if the movie is still at that version.",
    "schema": {"type": "string"},
}


def schema_name(schema):
    """Component names: `MovieInput` for MovieInputSchema, `MoviePatch` for its partial instance."""
    schema_cls = schema if isinstance(schema, type) else type(schema)
    name = schema_cls.__name__.removesuffix("Schema")
    if isinstance(schema, Schema):
        if schema.only is not None or schema.exclude:
            return None
        if schema.partial:
            return name.removesuffix("Input") + "Patch"
    return name


def object_id_pattern(converter, field, **kwargs):
    """Ids of stored documents are 24 hex digits; say so wherever a schema takes one."""
    return {"pattern": "^[0-9a-fA-F]{24}$"} if isinstance(field, ObjectIdString) else {}


def field_names_pattern(converter, field, **kwargs):
    """A `fields` selection takes the answer's field names: say which, so that no selection the document allows is refused."""
    return {"pattern": field.pattern} if isinstance(field, FieldNames) else {}


# JSON Schema patterns (ECMA-262, unanchored unless anchored here): no NUL character anywhere, and for a trimmed
# string that must not be empty, at least one character that is neither white space nor NUL.
NO_NUL = r"^[^\u0000]*$"
NOT_BLANK_NO_NUL = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"


def text_pattern(converter, field, **kwargs):
    """A Text field refuses NUL characters (a search term, a poster's version, a name); a trimmed one that
    must not be empty must hold more than white space. Both are said, so that no string the document allows
    is refused."""
    if not isinstance(field, Text) or "pattern" in kwargs.get("ret", {}):
        return {}
    non_empty = any(isinstance(v, validate.Length) and (v.min or 0) >= 1 for v in field.validators)
    return {"pattern": NOT_BLANK_NO_NUL if isinstance(field, TrimmedString) and non_empty else NO_NUL}


def reply(answer, headers=()):
    """The OpenAPI response object of a Reply, with the headers every answer of its operation carries."""
    names = ("X-Request-ID", "Cache-Control", *answer.headers, *headers)
    response = {
        "description": answer.description,
        "headers": {name: {"$ref": f"#/components/headers/{name}"} for name in dict.fromkeys(names)},
    }
    if answer.content is not None:
        response["content"] = answer.content
    elif answer.schema is not None:
        response["content"] = {JSON: {"schema": answer.schema}, **(answer.alternatives or {})}
    return response


def responses_of(op, method):
    """Every answer of an operation: its own, a 304 for a JSON read, then the error envelope under each error status."""
    extra = RATE_LIMIT_HEADERS if op.limits else ()
    answers = {status: reply(answer, extra) for status, answer in op.responses.items()}
    read = op.responses.get(200)
    if method == "get" and read is not None and read.schema is not None and read.content is None:
        # Every JSON read is tagged and conditional (resources/caching.py).
        answers[200] = reply(read, (*extra, "ETag"))
        answers.setdefault(304, reply(NOT_MODIFIED, extra))
    for status in sorted(op.statuses - set(op.responses)):
        if status == 500:
            answers[status] = reply(Reply(INTERNAL_ERROR, internal_error_schema), extra)
        else:
            description, headers = ERRORS[status]
            if status in op.error_notes:
                description = f"{description} {op.error_notes[status]}"
            answers[status] = reply(Reply(description, error_schema, headers), extra)
    return answers


def operation_object(op, method):
    """The OpenAPI operation object of a declaration (apispec turns the schema objects into JSON Schema)."""
    document = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "description": op.description,
        "tags": [op.tag],
        "responses": responses_of(op, method),
    }
    parameters = [{"in": "query", "schema": op.query}] if op.query is not None else []
    if op.if_match:
        parameters.append(dict(IF_MATCH))
    if op.auth == BROWSER:
        parameters.append(dict(CSRF_TOKEN))
    if parameters:
        document["parameters"] = parameters
    if isinstance(op.body, Upload):
        binary = {"schema": {"type": "string", "format": "binary"}}
        content = op.body.content or {media: binary for media in op.body.media_types}
        if field := op.body.multipart_field:
            content["multipart/form-data"] = {
                "schema": {"type": "object", "properties": {field: binary["schema"]}, "required": [field], "additionalProperties": False},
                "encoding": {field: {"contentType": ", ".join(op.body.media_types)}},
            }
        document["requestBody"] = {"required": True, "description": op.body.description, "content": content}
    elif isinstance(op.body, OptionalBody):
        document["requestBody"] = {"required": False, "description": op.body.description, "content": {JSON: {"schema": op.body.schema}}}
    elif op.body is not None:
        document["requestBody"] = {"required": True, "content": {JSON: {"schema": op.body}}}
    if op.auth:
        document["security"] = [{REFRESH_COOKIE if op.auth == BROWSER else BEARER: []}]
        if isinstance(op.body, OptionalBody) or op.auth == VIEWER:
            # or no header at all: the token is in the body, or (VIEWER) the answer is the anonymous one
            document["security"].append({})
    return document


def openapi_path(rule):
    """/api/movies/<movie_id> as OpenAPI writes it, /api/movies/{movie_id}."""
    path = rule.rule
    for argument in rule.arguments:
        path = path.replace(f"<{argument}>", f"{{{argument}}}")
    return path


def path_parameters(rule):
    """The path parameters of a rule, all strings."""
    return [
        {
            "in": "path",
            "name": argument,
            "required": True,
            "description": f"The {argument.replace('_', ' ')}.",
            "schema": {"type": "string"},
        }
        for argument in sorted(rule.arguments)
    ]


def api_rules(app):
    """The URL rules under /api with the methods each answers (HEAD and OPTIONS are automatic)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule == "/api" or rule.rule.startswith("/api/"):
            yield rule, sorted(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})


def check_declarations(app):
    """Raise UndeclaredOperation for any /api route whose method has no declaration (at start-up)."""
    for rule, methods in api_rules(app):
        for method in methods:
            declaration(app.view_functions[rule.endpoint], method)


def build_spec(app):
    """The OpenAPI 3.1 document of every /api route; UndeclaredOperation when a method has no declaration."""
    plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    public_url = app.config["PUBLIC_URL"]
    spec = APISpec(
        title=TITLE,
        version=API_VERSION,
        openapi_version=OPENAPI_VERSION,
        plugins=[plugin],
        info={"description": DESCRIPTION, "contact": {"name": "movie-bag", "url": f"{public_url}/api/docs"}},
        servers=[{"url": public_url, "description": "This server"}],
        tags=TAGS,
    )
    plugin.converter.add_attribute_function(object_id_pattern)
    plugin.converter.add_attribute_function(text_pattern)
    plugin.converter.add_attribute_function(field_names_pattern)
    spec.components.security_scheme(BEARER, {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.security_scheme(
        REFRESH_COOKIE,
        {
            "type": "apiKey",
            "in": "cookie",
            "name": app.config["JWT_REFRESH_COOKIE_NAME"],
            "description": "The browser session's refresh token, set by createBrowserSession (HttpOnly).",
        },
    )
    for name, definition in HEADERS.items():
        spec.components.header(name, definition)
    for rule, methods in api_rules(app):
        view = app.view_functions[rule.endpoint]
        operations = {method: operation_object(declaration(view, method), method) for method in methods}
        spec.path(path=openapi_path(rule), operations=operations, parameters=path_parameters(rule) or None)
    document = spec.to_dict()
    used = {ref.rsplit("/", 1)[1] for ref in references(document["paths"]) if "/headers/" in ref}
    document["components"]["headers"] = {name: h for name, h in document["components"]["headers"].items() if name in used}
    return document


def references(value):
    """Every $ref in a part of the document."""
    if isinstance(value, dict):
        if "$ref" in value:
            yield value["$ref"]
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


class OpenApiResource(Resource):
    """The OpenAPI document of this API."""

    @operation(
        "getOpenApiDocument",
        "This OpenAPI document",
        description="The OpenAPI 3.1 document of this API, generated from the code that serves it.",
        tag="Service",
        responses={200: Reply("The OpenAPI 3.1 document.", openapi_document_schema)},
        database=False,
    )
    def get(self):
        """The document, built once per app: it only changes with the code."""
        if "openapi_spec" not in current_app.extensions:
            current_app.extensions["openapi_spec"] = build_spec(current_app)
        return current_app.extensions["openapi_spec"], 200
