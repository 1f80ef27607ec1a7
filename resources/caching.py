"""HTTP caching of the answers: a Cache-Control on every one, an ETag on every JSON read, and 304s.

- An answer that carries a token says `no-store` itself (resources/tokens.py); a poster and the web
  client's files say what suits them (resources/movie.py, web.py).
- Any other answer to a request that carried credentials (a Bearer token, the browser session's cookie)
  is that person's: `private, no-cache`. The rest is the public catalogue: `no-cache`. Either way a
  cache may keep it, and must ask again with If-None-Match before using it.
- A JSON read (GET or HEAD, 200) without an ETag of its own (movies and reviews carry "<id>-<version>")
  gets a strong one: a hash of its body and of the headers that describe a page (X-Total-Count,
  X-Total-Count-Exceeds, Link), so a page's tag changes when any of its rows, or the total, does.
  werkzeug's make_conditional then answers a matching If-None-Match with a 304 and no body.

flask-compress runs after this: what it compresses it tags "<tag>:br" or "<tag>:gzip" (another
representation, another strong tag), and it answers If-None-Match with those tags the same way.
"""

import hashlib

from flask import current_app, request

PAGE_HEADERS = ("X-Total-Count", "X-Total-Count-Exceeds", "Link")
# The content codings flask-compress appends to an ETag (resources/ownership.py reads If-Match through them).
CODINGS = ("br", "gzip")


def body_tag(response):
    """A strong entity tag of a JSON answer: its body, and the headers that tell which page of how many it is."""
    digest = hashlib.sha256(response.get_data())
    for name in PAGE_HEADERS:
        digest.update(f"\n{name}: {response.headers.get(name, '')}".encode())
    return digest.hexdigest()[:32]


def has_credentials():
    """Whether the request carried a token: its answer is then for that person alone."""
    return "Authorization" in request.headers or current_app.config["JWT_REFRESH_COOKIE_NAME"] in request.cookies


def cache_answers(response):
    """Cache-Control on every answer that has none; an ETag and a 304 for JSON reads; no content type on a 204."""
    if response.status_code == 204:
        # No content, so no content type: else flask-compress would see text/html and encode the empty body.
        response.headers.pop("Content-Type", None)
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "private, no-cache" if has_credentials() else "no-cache"
    if request.method in ("GET", "HEAD") and response.status_code == 200 and response.is_json:
        if "ETag" not in response.headers:
            response.set_etag(body_tag(response))
        response.make_conditional(request)
    return response


def whole(response):
    """A file's answer read whole rather than streamed, so that flask-compress can compress it (it leaves
    streams alone, COMPRESS_STREAMS) and answer If-None-Match with its compressed ETag. The files are small."""
    if response.status_code == 200:
        response.direct_passthrough = False
        response.make_sequence()
    return response


def init_caching(app):
    """Register the hook after the extensions', so that it runs before flask-compress's."""
    app.after_request(cache_answers)
