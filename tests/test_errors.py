"""Every failure answers in the one JSON envelope, with TESTING on and off."""

import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask_jwt_extended import create_access_token, jwt_required
from pymongo.errors import ServerSelectionTimeoutError

from database.accounts import User
from resources.errors import CODES, STATUS_CODES, code_for
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


def assert_envelope(response, status, code=None):
    """The body is exactly the envelope for this status, with a documented code (this one, if given)."""
    assert response.status_code == status
    assert response.is_json
    assert response.json["status"] == status
    assert response.json["code"] in CODES and response.json["code"] == (code or response.json["code"])
    assert isinstance(response.json["message"], str) and response.json["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_production_app_runs_with_testing_off(any_app):
    assert any_app.testing is (any_app.config["ENV_NAME"] == "testing")


def test_unknown_route_is_json_404(any_client):
    assert_envelope(any_client.get("/api/no-such-thing"), 404, "not_found")


def test_wrong_method_is_json_405_with_allow(any_client):
    response = any_client.delete("/api/movies")
    assert_envelope(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_body_over_one_mib_is_json_413(any_client):
    response = any_client.post("/api/auth/signup", data=b"x" * (1024 * 1024 + 1), content_type="application/json")
    assert_envelope(response, 413, "payload_too_large")


def test_non_json_body_is_json_415(any_client):
    response = any_client.post("/api/auth/signup", data="email=a", content_type="application/x-www-form-urlencoded")
    assert_envelope(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"email": "a@example.com",', b"\xff\xfe\xfa", b"[" * 10_000 + b"]" * 10_000, b""],
)
def test_malformed_json_is_json_400(any_client, body):
    response = any_client.post("/api/auth/signup", data=body, content_type="application/json")
    assert_envelope(response, 400, "bad_request")


def test_validation_error_never_echoes_the_password(any_client):
    password = "my-very-secret-password" + "x" * 250
    response = any_client.post("/api/auth/signup", json={"email": "a@example.com", "password": password})
    assert_envelope(response, 400, "validation_failed")
    assert "my-very-secret-password" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "authentication_required"),
        ("Bearer", "token_invalid"),
        ("Bearer not.a.token", "token_invalid"),
        ("Token abc", "authentication_required"),
    ],
)
def test_jwt_failures_are_json_401_with_bearer_challenge(any_client, header, code):
    headers = {"Authorization": header} if header else {}
    response = any_client.post("/api/movies", json={}, headers=headers)
    assert_envelope(response, 401, code)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="movie-bag"')


def test_unexpected_error_is_500_with_request_id_logged_not_shown(any_client, caplog):
    with caplog.at_level(logging.ERROR, logger="movie_bag.errors"):
        response = any_client.get("/api/_boom", headers={"X-Request-ID": "req-123"})
    assert_envelope(response, 500, "internal_error")
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
    assert_envelope(response, 400, "validation_failed")
    assert "email" in response.json["errors"]


def test_does_not_exist_is_404(any_app, any_client):
    @any_app.get("/api/_missing")
    def missing():
        User.objects.get(email="nobody@example.com")

    assert_envelope(any_client.get("/api/_missing"), 404, "not_found")


# --- each code, from the situation that answers it -------------------------------------------------------


def test_an_expired_token_is_token_expired(app, client):
    token = create_access_token(identity="0123456789abcdef01234567", expires_delta=timedelta(seconds=-1))
    assert_envelope(client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}), 401, "token_expired")


def test_a_logged_out_token_is_token_revoked(client, make_user, auth_headers):
    headers = auth_headers(make_user())
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    assert_envelope(client.get("/api/auth/me", headers=headers), 401, "token_revoked")


def test_a_refresh_token_where_an_access_token_goes_is_token_invalid(client, make_user, login):
    refresh = login(make_user())["refresh_token"]
    assert_envelope(client.get("/api/auth/me", headers={"Authorization": f"Bearer {refresh}"}), 401, "token_invalid")


def test_a_wrong_password_is_invalid_credentials(client, make_user):
    user = make_user()
    assert_envelope(client.post("/api/auth/login", json={"email": user.email, "password": "not-the-password"}), 401, "invalid_credentials")


def test_a_wrong_current_password_is_invalid_credentials_too(client, make_user, auth_headers):
    headers = auth_headers(make_user())
    body = {"current_password": "not-the-password", "new_password": "a-new-password-1"}
    assert_envelope(client.put("/api/auth/password", json=body, headers=headers), 403, "invalid_credentials")


def test_a_strangers_write_is_forbidden_not_owner(client, make_movie, make_user, auth_headers):
    movie = make_movie()
    response = client.patch(f"/api/movies/{movie.id}", json={"name": "Mine"}, headers=auth_headers(make_user()))
    assert_envelope(response, 403, "forbidden_not_owner")


def test_an_admins_operation_is_forbidden_to_others(client, make_user, auth_headers):
    assert_envelope(client.get("/api/users", headers=auth_headers(make_user())), 403, "forbidden")


def test_a_stale_if_match_is_precondition_failed(client, make_user, make_movie, auth_headers):
    owner = make_user()
    movie = make_movie(added_by=owner)
    stale = f'"{movie.id}-999"'
    response = client.patch(f"/api/movies/{movie.id}", json={"name": "New"}, headers={**auth_headers(owner), "If-Match": stale})
    assert_envelope(response, 412, "precondition_failed")


def test_a_taken_email_is_conflict(client, make_user):
    user = make_user()
    assert_envelope(client.post("/api/auth/signup", json={"email": user.email, "password": "some-password-1"}), 409, "conflict")


def test_a_bad_query_parameter_is_validation_failed(client):
    response = client.get("/api/movies?year_from=2000&year_to=1990")
    assert_envelope(response, 400, "validation_failed")
    assert response.json["errors"] == {"year_to": ["Must not be before year_from."]}


def test_an_unknown_reset_token_is_reset_token_invalid(client):
    response = client.post("/api/auth/reset", json={"reset_token": "x" * 43, "password": "a-new-password-1"})
    assert_envelope(response, 400, "reset_token_invalid")


def test_a_browser_refresh_without_its_csrf_value_is_csrf_failed(client, make_user):
    user = make_user()
    assert client.post("/api/auth/session", json={"email": user.email, "password": "correct-horse-battery"}).status_code == 200
    assert_envelope(client.post("/api/auth/session/refresh"), 401, "csrf_failed")


def test_a_database_that_does_not_answer_is_database_unavailable(app, client):
    @app.get("/api/_down")
    def down():
        raise ServerSelectionTimeoutError("no server")

    assert_envelope(client.get("/api/_down"), 503, "database_unavailable")


def test_every_code_is_in_the_documents_error_enum(client):
    document = client.get("/api/openapi.json").json
    assert document["components"]["schemas"]["Error"]["properties"]["code"]["enum"] == list(CODES)
    assert document["components"]["schemas"]["InternalError"]["properties"]["code"]["enum"] == ["internal_error"]
    assert all(f"`{code}`" in document["info"]["description"] for code in CODES)


def test_every_status_a_server_in_front_answers_has_a_documented_code():
    from server import REASONS

    assert {code_for(status) for status in REASONS} <= set(CODES)
    assert set(STATUS_CODES.values()) <= set(CODES)


def test_the_nginx_error_pages_carry_documented_codes():
    template = (Path(__file__).parent.parent / "deploy" / "nginx" / "movie-bag.conf.template").read_text()
    bodies = [json.loads(body) for body in re.findall(r"return \d{3} '(\{.*\})\\n';", template)]
    assert len(bodies) == 7  # 400, 413 (1, 5 and 12 MiB), 414, 431, 503
    assert all(body["code"] == code_for(body["status"]) or body["code"] == "service_unavailable" for body in bodies)
    assert {body["code"] for body in bodies} <= set(CODES)
