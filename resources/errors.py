"""One JSON error envelope for every failure: {"message", "status"} plus "errors" for fields."""

import logging

import marshmallow
import mongoengine
from flask import g, jsonify
from flask_limiter.errors import RateLimitExceeded
from pymongo.errors import ConnectionFailure
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

logger = logging.getLogger("movie_bag.errors")

PASSED_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

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
}


def error_response(status, message=None, errors=None, headers=None):
    """The envelope every error answer uses."""
    body = {"message": message or MESSAGES.get(status) or HTTP_STATUS_CODES.get(status, "Error"), "status": status}
    if errors:
        body["errors"] = errors
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
    return error_response(exc.code, message, headers=headers)


def handle_rate_limit(exc):
    """A breached rate limit; the limiter adds Retry-After to the answer."""
    return error_response(429)


def drop_stray_retry_after(response):
    """Flask-Limiter puts Retry-After on every limited answer; it only means something on 429 and 503."""
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def handle_marshmallow_error(exc):
    """Schema validation failures; the submitted values are never echoed back."""
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    return error_response(400, "The submitted data is not valid.", errors=messages)


def handle_mongoengine_validation(exc):
    """Document validation failures that slipped past the schema."""
    errors = {field: [str(message)] for field, message in (exc.to_dict() or {}).items()}
    return error_response(400, "The submitted data is not valid.", errors=errors or None)


def handle_does_not_exist(exc):
    """A lookup that found nothing."""
    return error_response(404)


def handle_not_unique(exc):
    """A unique index refused the write, even when two requests raced past any check."""
    field = getattr(exc, "field", None)
    if field:
        return error_response(409, f"That {field} is already taken.", errors={field: ["Already taken."]})
    return error_response(409)


def handle_database_down(exc):
    """MongoDB did not answer in time (any pymongo ConnectionFailure): a clear 503, not a hang or a 500."""
    logger.error("database unavailable (request %s): %s", g.get("request_id"), exc)
    return error_response(503, headers=[("Retry-After", "5")])


def handle_unexpected(exc):
    """Anything else is a bug: log it with the request id, tell the client only the id."""
    request_id = g.get("request_id")
    logger.exception("unhandled error (request %s)", request_id)
    return error_response(500, f"An unexpected error occurred (request id {request_id}).")


def register_error_handlers(app):
    """Route every exception the app can raise to the envelope."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(RateLimitExceeded, handle_rate_limit)
    app.after_request(drop_stray_retry_after)
    app.register_error_handler(marshmallow.ValidationError, handle_marshmallow_error)
    app.register_error_handler(mongoengine.ValidationError, handle_mongoengine_validation)
    app.register_error_handler(mongoengine.DoesNotExist, handle_does_not_exist)
    app.register_error_handler(mongoengine.NotUniqueError, handle_not_unique)
    app.register_error_handler(ConnectionFailure, handle_database_down)
    app.register_error_handler(Exception, handle_unexpected)
