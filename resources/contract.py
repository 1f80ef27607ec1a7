"""Each operation's whole contract, declared once on its Resource method.

    @operation("getMovie", "Read a movie", tag="Movies", responses={200: Reply("The movie.", movie_schema, ("ETag",))}, errors=[404])
    def get(self, movie_id): ...

The declaration is both what runs and what is documented: it applies the rate limits and the token
check it names, rejects a query string its schema does not describe, loads the query and the JSON
body through their schemas (passed to the method as `args` and `data`), and resources/openapi.py
builds the OpenAPI document from it. A method without one cannot be documented, so the app refuses it.
"""

from dataclasses import dataclass, field
from functools import wraps

from flask import current_app, request
from flask_jwt_extended import jwt_required
from marshmallow import ValidationError, fields

from database.db import ensure_ready
from resources.schemas import empty_query_schema

ACCESS = "access"  # an access token as `Authorization: Bearer`
REFRESH = "refresh"  # a refresh token as `Authorization: Bearer`
BROWSER = "browser"  # the browser session's refresh cookie, with its CSRF value in X-CSRF-Token
VIEWER = "viewer"  # an optional access token as `Authorization: Bearer`: without one the answer is the anonymous one
JSON = "application/json"


@dataclass(frozen=True)
class Reply:
    """One answer of an operation: what it means, its JSON body schema, the headers it always carries.

    content replaces the JSON body for answers of other media types ({media type: JSON Schema}); alternatives
    are other media types the answer may come as beside the JSON body ({media type: media type object}).
    """

    description: str
    schema: object = None
    headers: tuple = ()
    content: dict = None
    alternatives: dict = None


@dataclass(frozen=True)
class Upload:
    """A request body that is a file, not JSON: its media types and its size limit.

    The method reads it itself (request.get_data(), or request.files for a form); the limit replaces the
    JSON limit for the request. With multipart_field, the file may also come as the one file part of a
    multipart/form-data body (the part's name is documented as that field). content replaces the raw binary
    body in the document ({media type: media type object}, as a form's parts).
    """

    media_types: tuple
    max_bytes: int
    description: str
    multipart_field: str = None
    content: dict = None


@dataclass(frozen=True)
class OptionalBody:
    """A JSON body the operation also works without: when one is sent, its schema checks it before anything
    else runs (so flask-jwt-extended only ever reads a token from a JSON object); the method reads it itself."""

    schema: object
    description: str


@dataclass(frozen=True)
class Operation:
    """What an operation takes and answers; see operation()."""

    operation_id: str
    summary: str
    description: str
    tag: str
    responses: dict
    errors: tuple = ()
    # {status: sentence} of what, beside the usual, an error status of this operation means (a cross-field rule).
    error_notes: dict = field(default_factory=dict, compare=False)
    body: object = None
    query: object = None
    auth: str = None
    if_match: bool = False
    limits: tuple = field(default=(), compare=False)
    database: bool = True
    # Whether the operation needs the database migrated (indexes built) first: all but the probes.
    schema: bool = True

    @property
    def implied_errors(self):
        """Statuses that follow from what the operation takes, rather than from what it does.

        Every operation may answer 400 (an unknown query parameter), 414 and 431 (a request line or a
        header over the limit) and 500 (a bug); a JSON body adds 413 and 415, a token 401, a rate limit
        429, a database read 503 (also when every password hashing turn stays taken).
        """
        statuses = {400, 414, 431, 500}
        if self.body is not None:
            statuses |= {413, 415}
        if self.auth:
            statuses.add(401)
        if self.limits:
            statuses.add(429)
        if self.database:
            statuses.add(503)
        return statuses

    @property
    def declared_statuses(self):
        """The statuses the method itself answers with: each must be seen in the tests."""
        return set(self.responses) | set(self.errors)

    @property
    def statuses(self):
        """Every status the operation can answer with."""
        return self.declared_statuses | self.implied_errors


def operation(
    operation_id,
    summary,
    *,
    tag,
    responses,
    description=None,
    errors=(),
    body=None,
    query=None,
    auth=None,
    if_match=False,
    limits=(),
    database=True,
    schema=True,
):
    """Declare a Resource method's contract, and apply what it declares.

    responses: {status: Reply} for the answers the method returns; errors: the error statuses it
    raises itself (404, 403, 409, ...), or {status: sentence} to say what else a status means there
    (a rule across parameters). body and query are marshmallow schema instances (body may also be an
    Upload or an OptionalBody); auth is ACCESS or REFRESH (the kind of Bearer token), VIEWER (an optional
    access token) or BROWSER (the browser session's cookie); if_match documents the If-Match header the method reads; limits are
    rate-limit decorators from resources/limits.py.
    """
    op = Operation(
        operation_id=operation_id,
        summary=summary,
        description=description or summary + ".",
        tag=tag,
        responses=dict(responses),
        errors=tuple(errors),
        error_notes=dict(errors) if isinstance(errors, dict) else {},
        body=body,
        query=query,
        auth=auth,
        if_match=if_match,
        limits=tuple(limits),
        database=database,
        schema=schema,
    )

    def decorate(method):
        @wraps(method)
        def run(*args, **kwargs):
            if op.database and op.schema:
                # A database that is not yet at this code's schema (indexes built) is a 503 until it is.
                ensure_ready(current_app)
            loaded = (query or empty_query_schema).load(query_arguments(query or empty_query_schema))
            if query is not None:
                kwargs["args"] = loaded
            if body is not None and not isinstance(body, Upload | OptionalBody):
                kwargs["data"] = body.load(request.get_json())
            return method(*args, **kwargs)

        endpoint = run
        # Limits wrap the method, then the token check wraps them: on an operation with a token, a
        # limit counts requests whose token is good, and its key may be their account.
        for limit in reversed(op.limits):
            endpoint = limit(endpoint)
        if auth:
            optional = auth == VIEWER
            endpoint = jwt_required(optional=optional, refresh=auth not in (ACCESS, VIEWER), locations=token_locations(auth, body))(
                endpoint
            )
        if isinstance(body, OptionalBody):
            endpoint = checking_optional_body(body.schema, endpoint)
        endpoint.operation = op
        return endpoint

    return decorate


def token_locations(auth, body):
    """Where flask-jwt-extended looks for the token: the browser session's cookie, or the Bearer header (and, for
    an operation with an optional JSON body, that body's token field: JWT_REFRESH_JSON_KEY, `refresh_token`)."""
    if auth == BROWSER:
        return ["cookies"]
    return ["headers", "json"] if isinstance(body, OptionalBody) else ["headers"]


def checking_optional_body(schema, endpoint):
    """endpoint, after schema has checked the request's JSON body when it has one."""

    @wraps(endpoint)
    def run(*args, **kwargs):
        if request.content_length or "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            schema.load(request.get_json())
        return endpoint(*args, **kwargs)

    return run


def query_arguments(schema):
    """The query string as the schema takes it: every value of a list parameter, one of any other.

    A single-valued parameter given twice is a 400 rather than one of its values chosen silently.
    """
    arguments = {}
    for name in request.args:
        values = request.args.getlist(name)
        if isinstance(schema.fields.get(name), fields.List):
            arguments[name] = values
        elif len(values) > 1:
            raise ValidationError({name: ["Give this parameter once."]})
        else:
            arguments[name] = values[0]
    return arguments


class UndeclaredOperation(LookupError):
    """A route answers a method that has no declaration: it could not be documented."""


def operation_of(view, method):
    """The Operation declared for this Flask view function and HTTP method (lower case), or None."""
    handler = getattr(getattr(view, "view_class", None), method, view)
    return getattr(handler, "operation", None)


def upload_limit(view, method):
    """The size limit of the file an operation takes, or None (a JSON body, or no declaration)."""
    op = operation_of(view, method)
    return op.body.max_bytes if op is not None and isinstance(op.body, Upload) else None


def declaration(view, method):
    """The Operation declared for this Flask view function and HTTP method (lower case)."""
    op = operation_of(view, method)
    if op is None:
        raise UndeclaredOperation(f"{method.upper()} of the view {view.__name__!r} has no @operation declaration")
    return op
