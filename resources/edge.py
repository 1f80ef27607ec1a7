"""What every request meets first: the proxies trusted, the hosts served, size limits, and JSON bodies
whose every failure to parse is a clear 4xx, never a crash."""

import io
import json
import re
import uuid

from flask import Request, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import (
    BadRequest,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
    SecurityError,
    UnsupportedMediaType,
)
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

from resources.contract import upload_limit

# The longest request line and header field any server in front of the app lets through: gunicorn's
# limits, and nginx's 8 KiB buffers. The app applies them too, so that every arrangement agrees.
MAX_REQUEST_LINE = 8190
MAX_HEADER_FIELD = 8190

SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonRequest(Request):
    """A request whose JSON parsing failures read as one clear sentence."""

    def on_json_loading_failed(self, e):
        """Malformed JSON is a 400; a missing or non-JSON content type falls to Flask's 415."""
        if e is None:
            raise UnsupportedMediaType("The request body must be JSON (Content-Type: application/json).")
        raise BadRequest("The request body is not valid JSON.")


class JsonProvider(DefaultJSONProvider):
    """Flask's JSON, with hostile nesting turned into a parse error instead of a crash."""

    def loads(self, s, **kwargs):
        """Parse JSON; nesting deep enough to exhaust the stack, or a lone surrogate, is invalid JSON here."""
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        text = s.decode(json.detect_encoding(s), "replace") if isinstance(s, bytes | bytearray) else s
        if SURROGATE_ESCAPE.search(text):
            reject_lone_surrogates(value)
        return value


def reject_lone_surrogates(value):
    """Raise ValueError if any string in the parsed JSON is not valid Unicode.

    JSON lets a string escape half a surrogate pair ("\\ud800"); such a string cannot be encoded to
    UTF-8, so it would fail deep inside bcrypt, BSON or the response instead of at the door.
    """
    pending = [value]
    while pending:  # a loop, not recursion: the document may be nested almost to the recursion limit
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("JSON string with a lone surrogate") from None


def refuse_oversized_requests():
    """414 for a request line over the limit, 431 for a header field over it, 413 for a long chunked body.

    A body sent with Transfer-Encoding: chunked announces no length, so the server cannot refuse it
    up front: it is read here, at most one byte past the limit, before anything parses it.
    """
    environ = request.environ
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and (upload := upload_limit(view, request.method.lower())):
        request.max_content_length = upload
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or (environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", ""))
    if len(target) + len(request.method) + 10 > MAX_REQUEST_LINE:
        raise RequestURITooLarge("The request line is too long (the limit is 8190 bytes).")
    if any(len(name) + len(value) + 2 > MAX_HEADER_FIELD for name, value in request.headers.items()):
        raise RequestHeaderFieldsTooLarge("A request header is too large (the limit is 8190 bytes).")
    limit = request.max_content_length
    if "CONTENT_LENGTH" not in environ and limit is not None and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        # Werkzeug would cut such a body at the limit without a word, and the cut JSON may still parse.
        body = request.input_stream.read(limit + 1)
        if len(body) > limit:
            raise RequestEntityTooLarge()
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))


def refuse_untrusted_hosts(wsgi_app, trusted_hosts):
    """WSGI middleware: a Host header outside TRUSTED_HOSTS is a 400 before Flask sees the request.

    Flask would refuse it too, when something reads the host; but a refusal raised there breaks
    flask-restful's error routing, which reads the host again. This answers first, in the envelope.
    """

    def middleware(environ, start_response):
        try:
            get_host(environ, trusted_hosts)
        except SecurityError:
            body = json.dumps({"code": "bad_request", "message": "This server does not serve that host.", "status": 400}).encode()
            headers = [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-cache"),
                ("X-Request-ID", uuid.uuid4().hex),
            ]
            start_response("400 Bad Request", headers)
            return [body]
        return wsgi_app(environ, start_response)

    return middleware


def init_requests(app):
    """The WSGI layers in front of the app, the request checks, and the JSON classes."""
    if app.config["TRUSTED_HOSTS"]:
        app.wsgi_app = refuse_untrusted_hosts(app.wsgi_app, app.config["TRUSTED_HOSTS"])
    if hops := app.config["PROXY_FIX_X_FOR"]:
        # Outermost: the host and address the checks see are the ones the trusted proxies forwarded.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.request_class = JsonRequest
    app.json = JsonProvider(app)
    app.before_request(refuse_oversized_requests)
