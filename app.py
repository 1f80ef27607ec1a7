"""The movie-bag application factory; `app` is built on first use for `flask run` and gunicorn."""

import json
import re
import uuid
from pathlib import Path

from flask import Flask, Request, g, request, send_from_directory
from flask.json.provider import DefaultJSONProvider
from flask_cors import CORS
from flask_restful import Api
from werkzeug.exceptions import BadRequest, UnsupportedMediaType
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import PathConverter

from config import load_config
from database.cli import register_commands
from database.db import init_db
from database.demo import load_demo_catalogue
from database.models import bcrypt
from resources.auth import jwt
from resources.errors import error_response, register_error_handlers
from resources.limits import init_limiter
from resources.mail import mail
from resources.routes import init_routes

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
EXPOSED_HEADERS = ["ETag", "Link", "Location", "X-Total-Count", "X-Request-ID", "Retry-After"]


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


class JsonApi(Api):
    """flask-restful, minus its own error formatting: every error goes to resources/errors.py."""

    def handle_error(self, e):
        """Hand the error back to Flask, whose handlers answer in the one envelope."""
        raise e


def assign_request_id():
    """Tag the request with an id (the caller's X-Request-ID when sane) for logs and answers."""

    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex


def add_request_id(response):
    """Echo the request id so a client can quote it in a bug report."""
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


class ClientPathConverter(PathConverter):
    """A path of the web client: anything but /api and what lies under it.

    Were /api paths to match the client's catch-all GET route, an API URL asked with a method it
    does not take (GET /api/auth/login) would be a 404 instead of a 405, and OPTIONS would list GET.
    """

    regex = r"(?!api(?:/|$))[^/].*?"


def register_web_client(app):
    """Serve the built React client at / with client-side routes falling back to index.html."""
    app.url_map.converters["client_path"] = ClientPathConverter

    @app.get("/", defaults={"path": ""})
    @app.get("/<client_path:path>")
    def web_client(path):
        """A file of the client, or its index.html for a client-side route."""
        dist = Path(app.config["WEB_DIST"])
        if not (dist / "index.html").is_file():
            return error_response(
                404,
                "The web client is not built here (Node.js and npm are needed: run `make run` "
                "with them installed). The API is served under /api.",
            )
        if path and (dist / path).is_file():
            return send_from_directory(dist, path)
        return send_from_directory(dist, "index.html", max_age=0)


def create_app(config_name=None, mongo_client_class=None, **overrides):
    """Build the application for the named configuration (FLASK_CONFIG by default).

    overrides replace settings after the configuration is loaded (tests lower rate limits with it).
    """
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(load_config(config_name))
    app.config.update(overrides)
    if app.config["PROXY_FIX_X_FOR"]:
        hops = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.request_class = JsonRequest
    app.json = JsonProvider(app)
    app.url_map.strict_slashes = False

    # First, so its after_request hook runs after every extension's (Flask runs them in reverse).
    register_error_handlers(app)
    init_db(app, mongo_client_class)
    bcrypt.init_app(app)
    jwt.init_app(app)
    mail.init_app(app)
    init_limiter(app)
    if app.config["CORS_ORIGINS"]:
        CORS(app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}}, expose_headers=EXPOSED_HEADERS)

    app.before_request(assign_request_id)
    app.after_request(add_request_id)
    init_routes(JsonApi(app))
    register_web_client(app)
    register_commands(app)

    if app.extensions["embedded_db"] and app.config["DEMO_DATA"]:
        with app.app_context():
            load_demo_catalogue()
    return app


def __getattr__(name):
    """Build the module-level `app` only when something asks for it (gunicorn app:app, flask run)."""
    if name == "app":
        globals()["app"] = create_app()
        return globals()["app"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
