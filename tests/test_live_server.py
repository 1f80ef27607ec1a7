"""The app as gunicorn serves it: the same answers over a real socket."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.live_server import live_server

pytestmark = pytest.mark.live


def request(url, method="GET", body=None, token=None):
    """A JSON request; returns (status, headers, body)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            raw = response.read()
            return response.status, response.headers, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, json.loads(error.read())


def test_signup_login_create_and_read_over_gunicorn():
    with live_server() as base:
        status, _, _ = request(f"{base}/api/auth/signup", "POST", {"email": "live@example.com", "password": "live-password"})
        assert status == 201
        _, _, tokens = request(f"{base}/api/auth/login", "POST", {"email": "live@example.com", "password": "live-password"})
        status, headers, movie = request(
            f"{base}/api/movies", "POST", {"name": "Live", "casts": ["A"], "genres": ["B"]}, tokens["access_token"]
        )
        assert status == 201
        assert headers["Location"] == f"/api/movies/{movie['id']}"
        status, headers, movies = request(f"{base}/api/movies")
        assert [m["name"] for m in movies] == ["Live"]
        assert headers["X-Total-Count"] == "1"


def test_production_style_errors_over_gunicorn():
    """TESTING is off here, as in production: errors must still be the JSON envelope."""
    with live_server() as base:
        status, headers, body = request(f"{base}/api/movies", "POST", {"name": "x"})
        assert (status, body["status"]) == (401, 401)
        assert headers["WWW-Authenticate"].startswith("Bearer")
        status, _, body = request(f"{base}/api/nothing-here")
        assert body == {"code": "not_found", "message": "The requested resource was not found.", "status": 404}


def test_longest_valid_movie_search_fits_in_the_request_line():
    """q, genre and cast at 200 four-byte characters each are valid: not a 414 from gunicorn."""
    longest = "\U0001f3ac" * 200
    query = urllib.parse.urlencode({"q": longest, "genre": longest, "cast": longest, "per_page": 100})
    with live_server() as base:
        status, headers, movies = request(f"{base}/api/movies?{query}")
    assert len(query) > 7000
    assert (status, movies, headers["X-Total-Count"]) == (200, [], "0")


def test_an_idle_connection_outlives_the_clients_own_idle_limit():
    """Node's fetch keeps an idle socket 4 s: the server must not close it first, or a request sent
    as it closes fails at the network level (gunicorn's default is 2 s)."""
    import http.client
    import time

    with live_server() as base:
        url = urllib.parse.urlsplit(base)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        connection.request("GET", "/api/health")
        assert connection.getresponse().read() and connection.sock is not None
        socket_before = connection.sock
        time.sleep(3.5)
        connection.request("GET", "/api/health")  # on the same socket: http.client never reconnects
        response = connection.getresponse()
        assert (response.status, connection.sock) == (200, socket_before)
        connection.close()
