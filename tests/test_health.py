"""Health and behaviour when the database is down."""

import time

import pytest

from tests.mongomock_app import make_app


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


@pytest.fixture
def unreachable_db_client(monkeypatch):
    """An app pointed at a closed port on loopback, with real pymongo."""
    monkeypatch.setenv("MONGODB_URI", "mongodb://127.0.0.1:9/movie-bag")
    monkeypatch.setenv("MONGODB_TIMEOUT_MS", "300")
    monkeypatch.setenv("DEMO_DATA", "0")
    # limits' MongoDB storage connects from its __del__, which would outlive this test.
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    app = make_app("development", client_class=None)
    return app.test_client()


@pytest.mark.parametrize("path", ["/api/health", "/api/movies", "/api/movies/000000000000000000000000"])
def test_database_down_is_503_json_quickly(unreachable_db_client, path):
    started = time.monotonic()
    response = unreachable_db_client.get(path)
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json["status"] == 503
    assert response.headers["Retry-After"]


def test_login_with_database_down_is_503(unreachable_db_client):
    response = unreachable_db_client.post("/api/auth/login", json={"email": "a@example.com", "password": "whatever-pw"})
    assert response.status_code == 503
