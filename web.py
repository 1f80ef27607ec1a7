"""Serving the built React client (web/dist) at /, its client-side routes falling back to index.html."""

from pathlib import Path

from flask import Blueprint, current_app, send_from_directory
from werkzeug.routing import PathConverter

from resources.caching import whole
from resources.errors import error_response

blueprint = Blueprint("web", __name__)
IMMUTABLE_SECONDS = 31536000  # a year


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
    if path.startswith("assets/") and (dist / path).is_file():
        # Vite names every file under assets/ by a hash of its content: a new build is a new name.
        response = send_from_directory(dist, path, max_age=IMMUTABLE_SECONDS)
        response.cache_control.immutable = True
        return whole(response)
    if path and (dist / path).is_file():
        return whole(send_from_directory(dist, path))
    # index.html names the current build's assets: kept, but asked for again (If-None-Match) each time.
    return whole(send_from_directory(dist, "index.html"))


def register_web_client(app):
    """Serve the web client next to the API."""
    app.url_map.converters["client_path"] = ClientPathConverter
    app.register_blueprint(blueprint)
