"""The OpenAPI 3.1 document, built by apispec from the very schema objects that run the API.

Request bodies, answers and the movie query string are the instances in resources/schemas.py, so a
field changed there changes validation, serialization and this document at once. What the schemas
cannot say (paths, statuses, headers, who must log in) is the OPERATIONS table below, keyed by the
view behind each URL and its method; tests/test_openapi.py fails on any /api route it leaves out.
"""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from flask_restful import Resource
from flask_swagger_ui import get_swaggerui_blueprint
from marshmallow import Schema, fields, validate

from resources.auth import (
    ForgotPasswordResource,
    LoginResource,
    LogoutResource,
    MeResource,
    PasswordResource,
    RefreshResource,
    ResetPasswordResource,
    SignupResource,
)
from resources.health import HealthResource
from resources.movie import MovieListResource, MovieResource
from resources.schemas import (
    PASSWORD_MAX_BYTES,
    PASSWORD_MIN_CHARS,
    ObjectIdString,
    TrimmedString,
    UserSchema,
    credentials_schema,
    forgot_schema,
    login_schema,
    movie_patch_schema,
    movie_query_schema,
    movie_schema,
    movies_schema,
    password_change_schema,
    reset_schema,
    token_schema,
    user_patch_schema,
    user_query_schema,
    user_schema,
    users_schema,
    validate_password,
    validate_password_bytes,
)
from resources.user import UserListResource, UserResource

TITLE = "movie-bag"
API_VERSION = "1.0.0"
OPENAPI_VERSION = "3.1.0"
SWAGGER_UI_URL = "/api/docs"
BEARER = "bearerAuth"
JSON = "application/json"


class ErrorSchema(Schema):
    """The one error envelope resources/errors.py answers with."""

    message = fields.String(required=True, metadata={"description": "One sentence for a person."})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status, repeated."})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Validation messages by field (nested for list items)."},
    )


class NoticeSchema(ErrorSchema):
    """The same envelope answering a request that was accepted: one sentence and the status."""


class HealthSchema(Schema):
    """What /api/health answers while the database does."""

    status = fields.String(required=True, metadata={"enum": ["ok"]})


class OpenApiDocumentSchema(Schema):
    """This document itself, as far as a client needs to know before parsing it."""

    openapi = fields.String(required=True)
    info = fields.Dict(required=True)
    paths = fields.Dict(required=True)


# Signup answers only the new account's id: the same field UserSchema shows, not a copy of it.
signup_answer_schema = UserSchema(only=("id",))


# --- the pieces an operation is made of --------------------------------------------------------

def header(description, schema=None):
    """A response header the answer always carries."""
    return {"description": description, "required": True, "schema": schema or {"type": "string"}}


# Component headers, referenced by name from the answers below.
HEADERS = {
    "X-Request-ID": header("The request id, to quote in a bug report (echoes a sane incoming one)."),
    "Retry-After": header("Seconds to wait before trying again.", {"type": "integer"}),
    "WWW-Authenticate": header("An RFC 6750 Bearer challenge."),
    "ETag": header("The entity tag of this version of the movie; send it back as If-Match."),
    "Location": header("The URL of what was created."),
    "X-Total-Count": header("How many items match, over all pages.", {"type": "integer"}),
    "Link": header('RFC 8288 links to the first, prev, next and last pages (rel="...").'),
}

# Component responses: the error envelope under each status the API answers with.
ERRORS = {
    400: ("BadRequest", "The request is not valid: a field, the query string or the JSON itself.", ()),
    401: (
        "Unauthorized",
        "No token, or a token that is invalid, expired, revoked or whose account is gone.",
        ("WWW-Authenticate",),
    ),
    403: ("Forbidden", "The token's user may not do this.", ()),
    404: ("NotFound", "Nothing has this id (a malformed id included).", ()),
    409: ("Conflict", "The value of a unique field is already taken.", ()),
    412: ("PreconditionFailed", "If-Match names a version that is no longer current.", ()),
    413: ("PayloadTooLarge", "The body is larger than 1 MiB.", ()),
    415: ("UnsupportedMediaType", "The body is not sent as application/json.", ()),
    429: ("TooManyRequests", "Too many attempts from this address (or at this account); wait and retry.", ("Retry-After",)),
    503: ("ServiceUnavailable", "The database is not answering.", ("Retry-After",)),
}


# gunicorn answers this one itself, as an HTML page, before the app sees the request.
URI_TOO_LONG = "UriTooLong"
URI_TOO_LONG_RESPONSE = {
    "description": "The path and query string are longer than the server reads (8190 bytes); "
    "the HTTP server answers this itself, as an HTML page.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def json_response(description, schema=None, headers=()):
    """An answer with its headers and, when it has a body, the JSON schema of the body."""
    response = {"description": description, "headers": {name: name for name in ("X-Request-ID", *headers)}}
    if schema is not None:
        response["content"] = {JSON: {"schema": schema}}
    return response


def error_responses(*statuses):
    """References to the component answer of each error status."""
    return {status: ERRORS[status][0] for status in statuses}


def operation(tag, summary, responses, errors=(), body=None, query=None, auth=False, if_match=False):
    """One operation: its answers, and the body, query, If-Match and token it takes.

    The statuses every such operation can answer are added here: 400/413/415 for a JSON body,
    401 for a token, 503 because it reads the database.
    """
    implied = set(errors) | {503}
    parameters = []
    op = {"tags": [tag], "summary": summary}
    if body is not None:
        implied |= {400, 413, 415}
        op["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    if query is not None:
        implied.add(400)
        parameters.append({"in": "query", "schema": query})
    if if_match:
        parameters.append({
            "in": "header",
            "name": "If-Match",
            "required": False,
            "description": "The ETag last read: the write happens only if the movie is still at it.",
            "schema": {"type": "string"},
        })
    if auth:
        implied.add(401)
        op["security"] = [{BEARER: []}]
    if parameters:
        op["parameters"] = parameters
    op["responses"] = {**responses, **error_responses(*sorted(implied))}
    return op


def static_operation(tag, summary, responses):
    """An operation that touches neither the database nor a body: only what it lists."""
    return {"tags": [tag], "summary": summary, "responses": responses}


def movie_update(summary, body):
    """PUT and PATCH differ only in their body: the whole movie, or any part of it."""
    return operation(
        "Movies",
        summary,
        {200: json_response("The movie as stored now.", movie_schema, ("ETag",))},
        errors=[403, 404, 409, 412],
        body=body,
        auth=True,
        if_match=True,
    )


class OpenApiResource(Resource):
    """The OpenAPI document of this API."""

    def get(self):
        """Build the document once per app; it only changes with the code."""
        if "openapi_spec" not in current_app.extensions:
            current_app.extensions["openapi_spec"] = build_spec(current_app)
        return current_app.extensions["openapi_spec"], 200


SWAGGER_UI_ENDPOINT = "swagger_ui.show"

OPERATIONS = {
    (HealthResource, "get"): operation(
        "Service", "Is the service and its database answering", {200: json_response("Up.", HealthSchema)}
    ),
    (OpenApiResource, "get"): static_operation(
        "Service",
        "This OpenAPI document",
        {200: json_response("The OpenAPI 3.1 document.", OpenApiDocumentSchema)},
    ),
    (SWAGGER_UI_ENDPOINT, "get"): static_operation(
        "Service",
        "Swagger UI for this document (/api/docs) and its static files (/api/docs/{path})",
        {
            200: {
                "description": "The page, or one of its scripts, stylesheets or images.",
                "headers": {"X-Request-ID": "X-Request-ID"},
                "content": {media: {} for media in (
                    "text/html", "text/css", "text/javascript", "image/png", "application/octet-stream"
                )},
            },
            **error_responses(404),
        },
    ),
    (SignupResource, "post"): operation(
        "Auth",
        "Create an account",
        {201: json_response(
            "Created; Location is the new account.",
            signup_answer_schema,
            ("Location",),
        )},
        errors=[409, 429],
        body=credentials_schema,
    ),
    (LoginResource, "post"): operation(
        "Auth",
        "Exchange email and password for an access and a refresh token",
        {200: json_response("Logged in.", token_schema)},
        errors=[401, 429],
        body=login_schema,
    ),
    (RefreshResource, "post"): operation(
        "Auth",
        "Trade the refresh token (sent as the Bearer token) for a new pair; the old one stops working",
        {200: json_response("A new token pair of the same session.", token_schema)},
        errors=[429],
        auth=True,
    ),
    (LogoutResource, "post"): operation(
        "Auth", "End this login's session: both its tokens stop working", {204: json_response("Logged out.")}, auth=True
    ),
    (PasswordResource, "put"): operation(
        "Auth",
        "Change one's own password; every other session ends",
        {204: json_response("Changed.")},
        errors=[403],
        body=password_change_schema,
        auth=True,
    ),
    (ForgotPasswordResource, "post"): operation(
        "Auth",
        "Email a password reset link (the same answer whether or not the address has an account)",
        {202: json_response("Accepted: if the address has an account, a link is on its way.", NoticeSchema)},
        errors=[429],
        body=forgot_schema,
    ),
    (ResetPasswordResource, "post"): operation(
        "Auth",
        "Set a new password with an emailed reset token; every session of the account ends",
        {204: json_response("Changed.")},
        body=reset_schema,
    ),
    (MeResource, "get"): operation(
        "Auth", "The account behind the token", {200: json_response("The account.", user_schema)}, auth=True
    ),
    (UserListResource, "get"): operation(
        "Users",
        "Page through the accounts, newest first (admins only)",
        {200: json_response("One page of accounts.", users_schema, ("X-Total-Count", "Link"))},
        errors=[403],
        query=user_query_schema,
        auth=True,
    ),
    (UserListResource, "post"): operation(
        "Users",
        "Create an account, admin or not (admins only)",
        {201: json_response("Created; Location is the new account.", user_schema, ("Location",))},
        errors=[403, 409],
        body=user_schema,
        auth=True,
    ),
    (UserResource, "get"): operation(
        "Users",
        "Read an account (its owner or an admin)",
        {200: json_response("The account.", user_schema)},
        errors=[403, 404],
        auth=True,
    ),
    (UserResource, "patch"): operation(
        "Users",
        "Grant or take away admin rights (admins only; never the last admin's)",
        {200: json_response("The account as it is now.", user_schema)},
        errors=[403, 404, 409],
        body=user_patch_schema,
        auth=True,
    ),
    (UserResource, "delete"): operation(
        "Users",
        "Delete an account with its movies and sessions (its owner or an admin; never the last admin)",
        {204: json_response("Deleted.")},
        errors=[403, 404, 409],
        auth=True,
    ),
    (MovieListResource, "get"): operation(
        "Movies",
        "Search, filter, sort and page the catalogue",
        {200: json_response("One page of movies.", movies_schema, ("X-Total-Count", "Link"))},
        query=movie_query_schema,
    ),
    (MovieListResource, "post"): operation(
        "Movies",
        "Add a movie owned by the caller",
        {201: json_response(
            "Created; Location is the new movie.",
            movie_schema,
            ("ETag", "Location"),
        )},
        errors=[409],
        body=movie_schema,
        auth=True,
    ),
    (MovieResource, "get"): operation(
        "Movies", "Read a movie", {200: json_response("The movie.", movie_schema, ("ETag",))}, errors=[404]
    ),
    (MovieResource, "put"): movie_update(
        "Replace a movie's name, casts and genres (its owner or an admin)", movie_schema
    ),
    (MovieResource, "patch"): movie_update(
        "Change any of a movie's name, casts and genres (its owner or an admin)", movie_patch_schema
    ),
    (MovieResource, "delete"): operation(
        "Movies",
        "Remove a movie (its owner or an admin)",
        {204: json_response("Deleted.")},
        errors=[403, 404, 412],
        auth=True,
        if_match=True,
    ),
}


# --- turning the URL map and the table into the document ---------------------------------------

def schema_name(schema):
    """Component names: `Movie`, `MoviePatch` for the partial one; other variants are inlined."""
    schema_cls = schema if isinstance(schema, type) else type(schema)
    name = schema_cls.__name__.removesuffix("Schema")
    if isinstance(schema, Schema):
        if schema.only is not None or schema.exclude:
            return None
        if schema.partial:
            return f"{name}Patch"
    return name


def object_id_pattern(converter, field, **kwargs):
    """Ids of stored documents are 24 hex digits; say so wherever a schema takes one."""
    return {"pattern": "^[0-9a-fA-F]{24}$"} if isinstance(field, ObjectIdString) else {}


def trimmed_not_blank(converter, field, **kwargs):
    """A trimmed string that must not be empty must hold more than white space."""
    non_empty = any(isinstance(v, validate.Length) and (v.min or 0) >= 1 for v in field.validators)
    if isinstance(field, TrimmedString) and non_empty:
        return {"pattern": r"\S"}
    return {}


def password_rules(converter, field, **kwargs):
    """The schema's password validators, in the words JSON Schema has for them."""
    rules = {}
    if validate_password in field.validators:
        rules["minLength"] = PASSWORD_MIN_CHARS
    if validate_password in field.validators or validate_password_bytes in field.validators:
        rules["description"] = f"At most {PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt's limit)."
    return rules


def view_of(app, rule):
    """The key a URL rule has in OPERATIONS: its resource class, or its endpoint name."""
    view = app.view_functions[rule.endpoint]
    return getattr(view, "view_class", rule.endpoint)


def openapi_path(rule):
    """/api/movies/<movie_id> as OpenAPI writes it, /api/movies/{movie_id}; no trailing slash."""
    path = rule.rule
    for argument in rule.arguments:
        path = path.replace(f"<{argument}>", f"{{{argument}}}")
        path = path.replace(f"<path:{argument}>", f"{{{argument}}}")
    return path.rstrip("/") or "/"


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
    """The URL rules under /api, with the methods each answers (HEAD and OPTIONS are automatic)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule == "/api" or rule.rule.startswith("/api/"):
            methods = sorted(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
            yield rule, methods


def build_spec(app):
    """The OpenAPI 3.1 document of every /api route that OPERATIONS describes."""
    marshmallow_plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    spec = APISpec(
        title=TITLE,
        version=API_VERSION,
        openapi_version=OPENAPI_VERSION,
        plugins=[marshmallow_plugin],
        info={
            "description": (
                "A movie catalogue: anyone reads, people with an account add movies, and only the "
                "person who added a movie (or an admin) changes it. Log in, then send the access "
                "token as `Authorization: Bearer <token>` (Swagger UI: Authorize)."
            )
        },
        servers=[{"url": "/", "description": "This server"}],
    )
    marshmallow_plugin.map_to_openapi_type(fields.Function, fields.String)
    marshmallow_plugin.converter.add_attribute_function(object_id_pattern)
    marshmallow_plugin.converter.add_attribute_function(password_rules)
    marshmallow_plugin.converter.add_attribute_function(trimmed_not_blank)
    spec.components.security_scheme(BEARER, {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorSchema)
    for name, definition in HEADERS.items():
        spec.components.header(name, definition)
    for name, description, headers in ERRORS.values():
        spec.components.response(name, json_response(description, "Error", headers))

    paths = {}
    for rule, methods in api_rules(app):
        view = view_of(app, rule)
        operations = {m: OPERATIONS[(view, m)] for m in methods if (view, m) in OPERATIONS}
        if not operations:
            continue
        entry = paths.setdefault(openapi_path(rule), {"rule": rule, "operations": {}})
        entry["operations"].update(operations)
    spec.components.response(URI_TOO_LONG, URI_TOO_LONG_RESPONSE)
    for path, entry in paths.items():
        parameters = path_parameters(entry["rule"])
        operations = deep_copy(entry["operations"])
        for op in operations.values():
            if parameters or any(p["in"] == "query" for p in op.get("parameters", ())):
                op["responses"][414] = URI_TOO_LONG
        spec.path(path=path, operations=operations, parameters=parameters or None)
    return spec.to_dict()


def deep_copy(value):
    """A copy apispec may rewrite in place (it swaps schema objects for $refs) without touching OPERATIONS."""
    if isinstance(value, dict):
        return {key: deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [deep_copy(item) for item in value]
    return value


def swagger_ui_blueprint():
    """Swagger UI from flask-swagger-ui's bundled files: no CDN, works offline."""
    return get_swaggerui_blueprint(
        SWAGGER_UI_URL,
        "/api/openapi.json",
        config={
            "app_name": f"{TITLE} API",
            "persistAuthorization": True,
            "displayRequestDuration": True,
            "tryItOutEnabled": True,
            # Swagger UI would otherwise send the document to an online validator for its badge.
            "validatorUrl": None,
        },
    )

