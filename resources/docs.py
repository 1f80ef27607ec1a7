"""Swagger UI at /api/docs, from the files the flask-swagger-ui package ships: no CDN, works offline.

The page is ours (resources/swagger/): it carries no inline script, so it runs under a strict
Content-Security-Policy, and its settings sit in a data attribute that swagger-initializer.js reads.
"""

from importlib.resources import files

from flask import send_file
from flask_restful import Resource
from werkzeug.exceptions import NotFound

from resources.caching import whole
from resources.contract import Reply, operation

TAG = "Service"
OURS = files("resources") / "swagger"
SWAGGER_UI = files("flask_swagger_ui") / "dist"
# Every file the page loads, and the only ones served: {name: (folder, media type)}.
FILES = {
    "swagger-ui-bundle.js": (SWAGGER_UI, "text/javascript"),
    "swagger-ui-standalone-preset.js": (SWAGGER_UI, "text/javascript"),
    "swagger-ui.css": (SWAGGER_UI, "text/css"),
    "index.css": (SWAGGER_UI, "text/css"),
    "favicon-32x32.png": (SWAGGER_UI, "image/png"),
    "favicon-16x16.png": (SWAGGER_UI, "image/png"),
    "swagger-initializer.js": (OURS, "text/javascript"),
}
MEDIA_TYPES = sorted({media for _, media in FILES.values()})


class ApiDocsResource(Resource):
    """The Swagger UI page."""

    @operation(
        "getApiDocs",
        "Swagger UI for this API",
        description="An HTML page that reads /api/openapi.json: log in, press Authorize, paste the access token.",
        tag=TAG,
        responses={200: Reply("The page.", content={"text/html": {"schema": {"type": "string"}}})},
        database=False,
    )
    def get(self):
        """The page."""
        return send_file(OURS / "index.html", mimetype="text/html", max_age=0, conditional=False, etag=False)


class ApiDocsFileResource(Resource):
    """The scripts, stylesheets and icons of the Swagger UI page."""

    @operation(
        "getApiDocsFile",
        "A script, stylesheet or icon of the Swagger UI page",
        tag=TAG,
        responses={
            200: Reply("The file.", content={media: {"schema": {"type": "string"}} for media in MEDIA_TYPES}),
            304: Reply("Not modified since the copy whose ETag was sent as If-None-Match."),
        },
        errors=[404],
        database=False,
    )
    def get(self, filename):
        """One of FILES (304 to a matching If-None-Match); anything else is a 404."""
        if filename not in FILES:
            raise NotFound("The documentation page has no such file.")
        folder, media_type = FILES[filename]
        return whole(send_file(folder / filename, mimetype=media_type, max_age=3600))
