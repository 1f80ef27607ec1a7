"""Rate limits: 429 in the envelope with Retry-After, per address and per account."""

import pytest

from tests.conftest import DEFAULT_PASSWORD
from tests.mongomock_app import make_app


@pytest.fixture
def limited_app():
    """A testing app with rate limiting on and tiny limits."""
    app = make_app(
        "testing",
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN="3 per minute",
        RATELIMIT_LOGIN_ACCOUNT="2 per minute",
        RATELIMIT_SIGNUP="2 per minute",
        RATELIMIT_FORGOT="1 per minute",
        RATELIMIT_REFRESH="1 per minute",
    )
    with app.app_context():
        yield app


@pytest.fixture
def limited_client(limited_app):
    """A client of limited_app."""
    return limited_app.test_client()


def login(client, email, address="10.0.0.1"):
    """A login attempt from an address."""
    return client.post("/api/auth/login", json={"email": email, "password": "wrong-password"}, environ_base={"REMOTE_ADDR": address})


def assert_429(response):
    """A rate-limit answer in the envelope, telling the client when to come back."""
    assert response.status_code == 429
    assert response.json == {
        "code": "rate_limited",
        "message": "Too many attempts; wait a little and try again (see Retry-After).",
        "status": 429,
    }
    assert int(response.headers["Retry-After"]) > 0


def test_signup_is_limited_per_address(limited_client):
    for n in range(2):
        assert limited_client.post("/api/auth/signup", json={"email": f"u{n}@example.com", "password": DEFAULT_PASSWORD}).status_code == 201
    assert_429(limited_client.post("/api/auth/signup", json={"email": "u9@example.com", "password": DEFAULT_PASSWORD}))


def test_login_is_limited_per_account_across_addresses(limited_client):
    assert login(limited_client, "victim@example.com", "10.0.0.1").status_code == 401
    assert login(limited_client, "VICTIM@example.com", "10.0.0.2").status_code == 401
    assert_429(login(limited_client, "victim@example.com", "10.0.0.3"))
    assert login(limited_client, "someone-else@example.com", "10.0.0.4").status_code == 401


def test_login_is_limited_per_address_across_accounts(limited_client):
    for n in range(3):
        assert login(limited_client, f"a{n}@example.com").status_code == 401
    assert_429(login(limited_client, "a9@example.com"))
    assert login(limited_client, "a9@example.com", "10.9.9.9").status_code == 401


def test_forgot_is_limited(limited_client):
    allowed = limited_client.post("/api/auth/forgot", json={"email": "a@example.com"})
    assert allowed.status_code == 202
    assert "Retry-After" not in allowed.headers
    assert_429(limited_client.post("/api/auth/forgot", json={"email": "a@example.com"}))


def test_refresh_is_limited(limited_client):
    # The limiter is one per process, so no second app (such as make_user's) may be built here.
    limited_client.post("/api/auth/signup", json={"email": "r@example.com", "password": DEFAULT_PASSWORD})
    tokens = limited_client.post("/api/auth/login", json={"email": "r@example.com", "password": DEFAULT_PASSWORD}).json
    first = limited_client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert first.status_code == 200
    assert_429(limited_client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {first.json['refresh_token']}"}))


def test_login_with_a_non_object_body_is_still_limited_by_address(limited_client):
    for _ in range(3):
        limited_client.post("/api/auth/login", json=["x"])
    assert_429(limited_client.post("/api/auth/login", json=["x"]))


def test_limits_trust_forwarded_addresses_only_when_configured():
    app = make_app("testing", RATELIMIT_ENABLED=True, RATELIMIT_SIGNUP="1 per minute", PROXY_FIX_X_FOR=1)
    with app.app_context():
        client = app.test_client()
        first = client.post(
            "/api/auth/signup", json={"email": "p1@example.com", "password": DEFAULT_PASSWORD}, headers={"X-Forwarded-For": "203.0.113.1"}
        )
        other = client.post(
            "/api/auth/signup", json={"email": "p2@example.com", "password": DEFAULT_PASSWORD}, headers={"X-Forwarded-For": "203.0.113.2"}
        )
        assert (first.status_code, other.status_code) == (201, 201)
