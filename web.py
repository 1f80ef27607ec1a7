"""Serving the built React client (web/dist) at /, its client-side routes falling back to index.html."""

from pathlib import Path

from flask import Blueprint, current_app, send_from_directory
from werkzeug.routing import PathConverter

from resources.errors import error_response

blueprint = Blueprint("web", __name__)


class ClientPathConverter(PathConverter):
    """A path of the web client: anything but /api and what lies under it.

    Were /api paths to match the client's catch-all GET route, an API URL asked with a method it
    does not take (GET /api/auth/login) would be a 404 instead of a 405, and OPTIONS would list GET.
    """

    regex = r"(?!api(?:/|$))[^/].*?"


@blueprint.get("/", defaults={"path": ""})
@blueprint.get("/<client_path:path>")
def web_client(path):
    """A file of the client, or its index.html for a client-side route."""
    dist = Path(current_app.config["WEB_DIST"])
    if not (dist / "index.html").is_file():
        return error_response(
            404,
            "The web client is not built here (Node.js and npm are needed: run `make run` "
            "with them installed). The API is served under /api.",
        )
    if path and (dist / path).is_file():
        return send_from_directory(dist, path)
    return send_from_directory(dist, "index.html", max_age=0)


def register_web_client(app):
    """Serve the web client next to the API."""
    app.url_map.converters["client_path"] = ClientPathConverter
    app.register_blueprint(blueprint)
