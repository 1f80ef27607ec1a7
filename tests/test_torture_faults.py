"""Torture: the database is gone (MONGODB_URI points at a closed port); the API says so, quickly, and lives on."""

import time
from datetime import timedelta

import jwt
import pytest
import requests
from bson import ObjectId

from tests.live_server import free_port, live_server

pytestmark = pytest.mark.live

SECRET = "a-torture-test-secret-that-is-long-enough-0123456789"
# A 503 within 3 s when MONGODB_TIMEOUT_MS is 2 s (production's default waits out an election, 15 s:
# a deployment that would rather answer fast than ride out a failover sets it lower, as here).
ANSWER_WITHIN_SECONDS = 3


def access_token(subject):
    """A well-signed access token whose session and user the server must look up."""
    now = int(time.time())
    claims = {"sub": subject, "sid": "a-session", "type": "access", "fresh": False, "jti": "t", "iat": now, "nbf": now}
    claims["exp"] = now + int(timedelta(minutes=5).total_seconds())
    return jwt.encode(claims, SECRET, algorithm="HS256")


@pytest.fixture(scope="module")
def down_server():
    """A gunicorn server whose MongoDB is a port nobody listens on."""
    env = {
        "MONGODB_URI": f"mongodb://127.0.0.1:{free_port()}/movie-bag",
        "MONGODB_TIMEOUT_MS": "2000",
        "WEB_CONCURRENCY": "2",
        "JWT_SECRET_KEY": SECRET,
    }
    with live_server(env=env, health=503) as base:
        yield base


MOVIE_ID = str(ObjectId())
# Made when the request is sent (see the test), not at import: the suite may run longer than a token lives.
BEARER = "bearer"
REQUESTS = [
    ("GET", "/api/health", {}),
    ("GET", "/api/movies", {}),
    ("GET", "/api/movies?q=heat&genre=Crime", {}),
    ("GET", f"/api/movies/{MOVIE_ID}", {}),
    ("POST", "/api/auth/signup", {"json": {"email": "down@example.com", "password": "a-long-password"}}),
    ("POST", "/api/auth/login", {"json": {"email": "down@example.com", "password": "a-long-password"}}),
    ("GET", "/api/auth/me", {"headers": BEARER}),
    ("POST", "/api/movies", {"json": {"name": "Heat", "casts": ["A"], "genres": ["Crime"]}, "headers": BEARER}),
    ("PATCH", f"/api/movies/{MOVIE_ID}", {"json": {"genres": ["Crime"]}, "headers": BEARER}),
    ("DELETE", f"/api/movies/{MOVIE_ID}", {"headers": BEARER}),
]


@pytest.mark.parametrize(("method", "path", "options"), REQUESTS, ids=[f"{m} {p}" for m, p, _ in REQUESTS])
def test_database_down_is_a_quick_json_503(down_server, method, path, options):
    if options.get("headers") == BEARER:
        options = {**options, "headers": {"Authorization": f"Bearer {access_token(str(ObjectId()))}"}}
    started = time.monotonic()
    response = requests.request(method, f"{down_server}{path}", timeout=30, **options)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json() == {"code": "database_unavailable", "message": "The database is unavailable; try again shortly.", "status": 503}
    assert response.headers["Retry-After"] == "5"
    assert elapsed < ANSWER_WITHIN_SECONDS


def test_server_keeps_serving_while_the_database_is_down(down_server):
    with requests.Session() as session:
        statuses = [session.get(f"{down_server}/api/movies", timeout=30).status_code for _ in range(3)]
        assert statuses == [503, 503, 503]
        # Answers that need no database still come at once.
        assert session.get(f"{down_server}/api/nothing-here", timeout=30).status_code == 404
        assert session.post(f"{down_server}/api/movies", json={}, timeout=30).status_code == 401
