"""Every failure answers in the one JSON envelope, with TESTING on and off."""

import logging

import pytest
from flask_jwt_extended import jwt_required

from database.accounts import User
from tests.mongomock_app import make_app

PRODUCTION_ENV = {
    "JWT_SECRET_KEY": "a-production-secret-that-is-long-enough-0123456789",
    "MONGODB_URI": "mongodb://db.invalid:27017/movie-bag",
    # The data goes to mongomock below; rate-limit counters must not try the invalid host either.
    "RATELIMIT_STORAGE_URI": "memory://",
}


@pytest.fixture(params=["testing", "production"])
def any_app(request, monkeypatch):
    """The app as tests build it, and as production runs it (TESTING off), both on mongomock."""
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    # A fresh mongomock database is migrated at start-up here; production would refuse it.
    app = make_app(request.param, MIGRATE_ON_START=True)

    @app.get("/api/_boom")
    def boom():
        raise RuntimeError("secret detail that must stay in the log")

    with app.app_context():
        yield app


@pytest.fixture
def any_client(any_app):
    """A client of any_app."""
    return any_app.test_client()


def assert_envelope(response, status):
    """The body is exactly the envelope for this status."""
    assert response.status_code == status
    assert response.is_json
    assert response.json["status"] == status
    assert isinstance(response.json["message"], str) and response.json["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_production_app_runs_with_testing_off(any_app):
    assert any_app.testing is (any_app.config["ENV_NAME"] == "testing")


def test_unknown_route_is_json_404(any_client):
    assert_envelope(any_client.get("/api/no-such-thing"), 404)


def test_wrong_method_is_json_405_with_allow(any_client):
    response = any_client.delete("/api/movies")
    assert_envelope(response, 405)
    assert "GET" in response.headers["Allow"]


def test_body_over_one_mib_is_json_413(any_client):
    response = any_client.post("/api/auth/signup", data=b"x" * (1024 * 1024 + 1), content_type="application/json")
    assert_envelope(response, 413)


def test_non_json_body_is_json_415(any_client):
    response = any_client.post("/api/auth/signup", data="email=a", content_type="application/x-www-form-urlencoded")
    assert_envelope(response, 415)


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"email": "a@example.com",', b"\xff\xfe\xfa", b"[" * 10_000 + b"]" * 10_000, b""],
)
def test_malformed_json_is_json_400(any_client, body):
    response = any_client.post("/api/auth/signup", data=body, content_type="application/json")
    assert_envelope(response, 400)


def test_validation_error_never_echoes_the_password(any_client):
    password = "my-very-secret-password" + "x" * 250
    response = any_client.post("/api/auth/signup", json={"email": "a@example.com", "password": password})
    assert_envelope(response, 400)
    assert "my-very-secret-password" not in response.get_data(as_text=True)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not.a.token", "Token abc"])
def test_jwt_failures_are_json_401_with_bearer_challenge(any_client, header):
    headers = {"Authorization": header} if header else {}
    response = any_client.post("/api/movies", json={}, headers=headers)
    assert_envelope(response, 401)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="movie-bag"')


def test_unexpected_error_is_500_with_request_id_logged_not_shown(any_client, caplog):
    with caplog.at_level(logging.ERROR, logger="movie_bag.errors"):
        response = any_client.get("/api/_boom", headers={"X-Request-ID": "req-123"})
    assert_envelope(response, 500)
    assert "req-123" in response.json["message"]
    assert "secret detail" not in response.get_data(as_text=True)
    assert "req-123" in caplog.text and "secret detail" in caplog.text


def test_crash_during_login_does_not_log_the_password(any_client, caplog, monkeypatch):
    def crash(email, password):
        raise RuntimeError("authentication backend failed")

    monkeypatch.setattr(User, "authenticate", crash)
    with caplog.at_level(logging.DEBUG):
        response = any_client.post("/api/auth/login", json={"email": "a@example.com", "password": "hunter2-password"})
    assert_envelope(response, 500)
    assert "hunter2-password" not in caplog.text


def test_request_id_is_generated_when_absent_or_unsafe(any_client):
    generated = any_client.get("/api/movies").headers["X-Request-ID"]
    assert len(generated) == 32
    unsafe = any_client.get("/api/movies", headers={"X-Request-ID": "bad id; <script>" + "x" * 80}).headers["X-Request-ID"]
    assert " " not in unsafe and len(unsafe) == 32


def test_mongoengine_validation_error_is_400(any_app, any_client, monkeypatch):
    """A document rule the schema does not know about still answers 400, not 500."""

    @any_app.post("/api/_strict")
    @jwt_required(optional=True)
    def strict():
        User(email="user@localhost", password_hash="x").save()

    response = any_client.post("/api/_strict", json={})
    assert_envelope(response, 400)
    assert "email" in response.json["errors"]


def test_does_not_exist_is_404(any_app, any_client):
    @any_app.get("/api/_missing")
    def missing():
        User.objects.get(email="nobody@example.com")

    assert_envelope(any_client.get("/api/_missing"), 404)
