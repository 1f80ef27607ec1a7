"""One JSON error envelope for every failure: {"code", "message", "status"} plus "errors" for fields.

`code` is for programs: one of CODES, stable, and the same from every layer that answers (this app,
gunicorn and waitress in server.py, nginx's error pages in deploy/nginx/); `message` is for people.

Every request gets an id (the caller's X-Request-ID when sane), echoed on every answer and named by a
500 so that a bug report can quote it.
"""

import logging
import re
import uuid

import marshmallow
import mongoengine
from flask import current_app, g, jsonify, request
from flask_limiter.errors import RateLimitExceeded
from pymongo.errors import ConnectionFailure
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from database.accounts import AccountClosed
from database.changes import LiveUpdatesUnavailable, SyncExpired
from database.migrations import DuplicateValues, NeedsMigration
from turns import Busy

logger = logging.getLogger("movie_bag.errors")

PASSED_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

MESSAGES = {
    400: "The request is not valid.",
    401: "Authentication is required.",
    403: "You are not allowed to do that.",
    404: "The requested resource was not found.",
    405: "This method is not allowed on this resource.",
    409: "This conflicts with an existing resource.",
    412: "The resource has changed since you last read it; fetch it again and retry.",
    413: "The request body is too large (the limit is 1 MiB).",
    415: "The request body must be JSON (Content-Type: application/json).",
    429: "Too many attempts; wait a little and try again (see Retry-After).",
    503: "The database is unavailable; try again shortly.",
    431: "The request headers are too large.",
    410: "This is gone for good.",
}


# Every error code any layer answers with, and what it means: the OpenAPI document lists them (an enum).
CODES = {
    "validation_failed": "A field, a query parameter or the body's shape is refused; `errors` names which and why.",
    "bad_request": "The request could not be read as sent: malformed JSON, a poster that is not the image it says, a "
    "malformed request line or header, or a host this server does not serve.",
    "authentication_required": "No token was sent where the operation needs one.",
    "invalid_credentials": "The email or password is wrong (login), or the current password is (password change).",
    "token_invalid": "The token is malformed, tampered with, or of the wrong kind (a refresh token where an access token goes).",
    "token_expired": "The token has expired: refresh it (an access token) or log in again (a refresh token).",
    "token_revoked": "The token's session has ended (logout, a password change, a refresh token used twice) or its "
    "account is gone: log in again.",
    "csrf_failed": "The browser session's CSRF value was not sent as X-CSRF-Token, or does not match.",
    "reset_token_invalid": "The password reset token is unknown, expired or used already: ask for a new one.",
    "forbidden": "The caller may not do this (an admin's operation, or a proxy this server does not trust).",
    "forbidden_not_owner": "Only the person who added this, or an admin, may change it.",
    "not_found": "Nothing has this id (a malformed id included), or there is no such path.",
    "method_not_allowed": "This path does not take this method; Allow lists those it does.",
    "request_timeout": "The request was not sent in time.",
    "conflict": "This conflicts with what is stored: a unique value is taken, or no admin would be left.",
    "precondition_failed": "If-Match names a version that is no longer current: read it again, then retry.",
    "payload_too_large": "The body is over the operation's limit (1 MiB; 5 MiB for a poster).",
    "uri_too_long": "The request line is over 8190 bytes.",
    "unsupported_media_type": "The body is not of a media type the operation takes.",
    "expectation_failed": "The request's Expect header is not supported.",
    "rate_limited": "Too many attempts: wait the seconds Retry-After says.",
    "headers_too_large": "A request header, or all of them together, is too large.",
    "internal_error": "A bug on our side, logged under the `request_id` given.",
    "not_implemented": "The request's transfer coding is not supported.",
    "database_unavailable": "The database did not answer: retry after Retry-After.",
    "busy": "Every turn of some heavy work (password hashing, image decoding) or every live-update stream is taken: "
    "retry after Retry-After.",
    "database_not_ready": "The database has not been migrated to this version of the code yet: retry later.",
    "service_unavailable": "The API is restarting or unreachable behind the proxy: retry after Retry-After.",
    "sync_expired": "The sync token is older than the change log keeps (30 days) or than the log itself: sync again "
    "from the start (without `since`) after reading the catalogue anew.",
    "live_updates_unavailable": "No live updates or sync here: the database has no change streams (a standalone "
    "server), no events service has run on it yet, or this server does not serve event streams.",
}
# The code of an error answer whose cause names none, by status.
STATUS_CODES = {
    400: "bad_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    410: "sync_expired",
    412: "precondition_failed",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    417: "expectation_failed",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal_error",
    501: "not_implemented",
    503: "database_unavailable",
}


def code_for(status):
    """The code of an error answer with this status whose cause names none."""
    return STATUS_CODES.get(status) or ("internal_error" if status >= 500 else "bad_request")


def coded(exception, code):
    """A werkzeug HTTP exception that answers with this code (one of CODES) rather than its status's."""
    exception.error_code = code
    return exception


def error_response(status, message=None, errors=None, headers=None, code=None, **extra):
    """The envelope every error answer uses."""
    body = {
        "code": code or code_for(status),
        "message": message or MESSAGES.get(status) or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    if headers:
        response.headers.extend(headers)
    return response


def handle_http_exception(exc):
    """Werkzeug's HTTP errors (404, 405, 413, 415, malformed JSON, abort(...)) as JSON."""
    headers = [(k, v) for k, v in exc.get_response().headers.items() if k in PASSED_HEADERS]
    # Werkzeug's stock descriptions are long; ours are one sentence unless the code said more.
    message = exc.description if exc.description != type(exc).description else None
    if exc.code == 413 and message is None:
        message = f"The request body is too large (the limit is {request.max_content_length // (1024 * 1024)} MiB)."
    # An upload refused for several problems (resources/letterboxd_files.py) lists them all by file.
    return error_response(exc.code, message, errors=getattr(exc, "errors", None), headers=headers, code=getattr(exc, "error_code", None))


def handle_rate_limit(exc):
    """A breached rate limit; the limiter adds Retry-After to the answer.

    Outside production the answer names the setting that refused it (resources/limits.py gives each
    limit its setting's name), so a developer knows what to raise instead of waiting an hour.
    """
    setting = exc.description
    if current_app.config.get("ENV_NAME") == "production" or not (setting.startswith("RATELIMIT_") and setting in current_app.config):
        return error_response(429, code="rate_limited")
    hint = (
        f" Not in production: raise {setting} (now {current_app.config[setting]!r}) or set RATELIMIT_ENABLED=0,"
        " in the environment or .env.local, and restart the server."
    )
    return error_response(429, MESSAGES[429] + hint, code="rate_limited")


def drop_stray_retry_after(response):
    """Flask-Limiter puts Retry-After on every limited answer; it only means something on 429 and 503."""
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def handle_marshmallow_error(exc):
    """Schema validation failures; the submitted values are never echoed back."""
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    return error_response(400, "The submitted data is not valid.", errors=messages, code="validation_failed")


def handle_mongoengine_validation(exc):
    """Document validation failures that slipped past the schema: the fields, never their values.

    MongoEngine's messages quote the value they refused (`Invalid email address: ...`).
    """
    errors = {field: ["Not a valid value."] for field in (exc.to_dict() or {})}
    return error_response(400, "The submitted data is not valid.", errors=errors or None, code="validation_failed")


def handle_does_not_exist(exc):
    """A lookup that found nothing."""
    return error_response(404)


def handle_not_unique(exc):
    """A unique index refused the write, even when two requests raced past any check."""
    field = getattr(exc, "field", None)
    if field:
        return error_response(409, str(exc) or f"That {field} is already taken.", errors={field: ["Already taken."]})
    return error_response(409)


def handle_database_down(exc):
    """MongoDB did not answer in time (any pymongo ConnectionFailure): a clear 503, not a hang or a 500."""
    logger.error("database unavailable (request %s): %s", g.get("request_id"), exc)
    return error_response(503, headers=[("Retry-After", "5")], code="database_unavailable")


def handle_busy(exc):
    """Every turn of a kind of heavy work (password hashing, image decoding) stayed taken: come back in a
    second rather than queue without end."""
    return error_response(503, exc.answer, headers=[("Retry-After", "1")], code="busy")


def handle_account_closed(exc):
    """A write for an account closed while the request ran: as dead as its token."""
    return error_response(401, "The account of this token no longer exists.", code="token_revoked")


def handle_live_updates_unavailable(exc):
    """No change log here (resources/live.py): why, and when to look again."""
    return error_response(503, str(exc), headers=[("Retry-After", "30")], code="live_updates_unavailable")


def handle_sync_expired(exc):
    """A sync token (or a stream's Last-Event-ID) the change log no longer reaches back to."""
    return error_response(410, str(exc), code="sync_expired")


def handle_not_migrated(exc):
    """The database is older than the code (or a unique index cannot be built): not ready, and why."""
    logger.error("database not ready: %s", exc)
    return error_response(503, str(exc), headers=[("Retry-After", "30")], code="database_not_ready")


def handle_unexpected(exc):
    """Anything else is a bug: log it with the request id, tell the client only the id."""
    request_id = g.get("request_id")
    logger.exception("unhandled error (request %s)", request_id)
    return error_response(500, f"An unexpected error occurred (request id {request_id}).", request_id=request_id, code="internal_error")


def assign_request_id():
    """Tag the request with an id (the caller's X-Request-ID when sane) for logs and answers."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex


def add_request_id(response):
    """Echo the request id so a client can quote it in a bug report."""
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


def register_error_handlers(app):
    """Route every exception the app can raise to the envelope, and give every request its id.

    Registered before the extensions, so that these after_request hooks run after theirs.
    """
    app.before_request(assign_request_id)
    app.after_request(add_request_id)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(RateLimitExceeded, handle_rate_limit)
    app.after_request(drop_stray_retry_after)
    app.register_error_handler(marshmallow.ValidationError, handle_marshmallow_error)
    app.register_error_handler(mongoengine.ValidationError, handle_mongoengine_validation)
    app.register_error_handler(mongoengine.DoesNotExist, handle_does_not_exist)
    app.register_error_handler(mongoengine.NotUniqueError, handle_not_unique)
    app.register_error_handler(ConnectionFailure, handle_database_down)
    app.register_error_handler(Busy, handle_busy)
    app.register_error_handler(AccountClosed, handle_account_closed)
    app.register_error_handler(NeedsMigration, handle_not_migrated)
    app.register_error_handler(LiveUpdatesUnavailable, handle_live_updates_unavailable)
    app.register_error_handler(SyncExpired, handle_sync_expired)
    app.register_error_handler(DuplicateValues, handle_not_migrated)
    app.register_error_handler(Exception, handle_unexpected)
