"""Rate limits: 429 in the envelope with Retry-After, per address and per account."""

import io

import pytest
from PIL import Image

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
        RATELIMIT_POSTER="2 per minute",
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


PRODUCTION_ENV = {
    "JWT_SECRET_KEY": "a-production-secret-that-is-long-enough-0123456789",
    "MONGODB_URI": "mongodb://db.invalid:27017/movie-bag",
    "RATELIMIT_STORAGE_URI": "memory://",
}
PLAIN_429 = "Too many attempts; wait a little and try again (see Retry-After)."


def assert_429(response, setting):
    """A rate-limit answer in the envelope, telling the client when to come back and (not in production)
    which setting refused it."""
    assert response.status_code == 429
    assert response.json["status"] == 429
    assert response.json["message"].startswith(PLAIN_429 + " Not in production: raise " + setting + " (now ")
    assert "RATELIMIT_ENABLED=0" in response.json["message"]
    assert response.json["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def test_signup_is_limited_per_address(limited_client):
    for n in range(2):
        assert limited_client.post("/api/auth/signup", json={"email": f"u{n}@example.com", "password": DEFAULT_PASSWORD}).status_code == 201
    assert_429(limited_client.post("/api/auth/signup", json={"email": "u9@example.com", "password": DEFAULT_PASSWORD}), "RATELIMIT_SIGNUP")


def test_login_is_limited_per_account_across_addresses(limited_client):
    assert login(limited_client, "victim@example.com", "10.0.0.1").status_code == 401
    assert login(limited_client, "VICTIM@example.com", "10.0.0.2").status_code == 401
    assert_429(login(limited_client, "victim@example.com", "10.0.0.3"), "RATELIMIT_LOGIN_ACCOUNT")
    assert login(limited_client, "someone-else@example.com", "10.0.0.4").status_code == 401


def test_login_is_limited_per_address_across_accounts(limited_client):
    for n in range(3):
        assert login(limited_client, f"a{n}@example.com").status_code == 401
    assert_429(login(limited_client, "a9@example.com"), "RATELIMIT_LOGIN")
    assert login(limited_client, "a9@example.com", "10.9.9.9").status_code == 401


def test_forgot_is_limited(limited_client):
    allowed = limited_client.post("/api/auth/forgot", json={"email": "a@example.com"})
    assert allowed.status_code == 202
    assert "Retry-After" not in allowed.headers
    assert_429(limited_client.post("/api/auth/forgot", json={"email": "a@example.com"}), "RATELIMIT_FORGOT")


def test_refresh_is_limited(limited_client):
    # The limiter is one per process, so no second app (such as make_user's) may be built here.
    limited_client.post("/api/auth/signup", json={"email": "r@example.com", "password": DEFAULT_PASSWORD})
    tokens = limited_client.post("/api/auth/login", json={"email": "r@example.com", "password": DEFAULT_PASSWORD}).json
    first = limited_client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert first.status_code == 200
    assert_429(
        limited_client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {first.json['refresh_token']}"}), "RATELIMIT_REFRESH"
    )


def test_login_with_a_non_object_body_is_still_limited_by_address(limited_client):
    for _ in range(3):
        limited_client.post("/api/auth/login", json=["x"])
    assert_429(limited_client.post("/api/auth/login", json=["x"]), "RATELIMIT_LOGIN")


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


def test_the_429_names_the_setting_and_its_value_outside_production(limited_client):
    for n in range(2):
        limited_client.post("/api/auth/signup", json={"email": f"v{n}@example.com", "password": DEFAULT_PASSWORD})
    refused = limited_client.post("/api/auth/signup", json={"email": "v9@example.com", "password": DEFAULT_PASSWORD})
    assert "raise RATELIMIT_SIGNUP (now '2 per minute')" in refused.json["message"]


def test_a_development_429_says_which_setting_to_change(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVIE_BAG_DATA", str(tmp_path))
    app = make_app("development", RATELIMIT_ENABLED=True, RATELIMIT_FORGOT="1 per minute")
    with app.app_context():
        client = app.test_client()
        assert client.post("/api/auth/forgot", json={"email": "d@example.com"}).status_code == 202
        assert_429(client.post("/api/auth/forgot", json={"email": "d@example.com"}), "RATELIMIT_FORGOT")


def test_production_429_names_no_setting(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    app = make_app("production", MIGRATE_ON_START=True, RATELIMIT_ENABLED=True, RATELIMIT_SIGNUP="1 per minute")
    with app.app_context():
        client = app.test_client()
        assert client.post("/api/auth/signup", json={"email": "p1@example.com", "password": DEFAULT_PASSWORD}).status_code == 201
        refused = client.post("/api/auth/signup", json={"email": "p2@example.com", "password": DEFAULT_PASSWORD})
    assert refused.status_code == 429
    assert refused.json == {"code": "rate_limited", "message": PLAIN_429, "status": 429}


def test_poster_uploads_are_limited_per_account(limited_client):
    limited_client.post("/api/auth/signup", json={"email": "poster@example.com", "password": DEFAULT_PASSWORD})
    token = limited_client.post("/api/auth/login", json={"email": "poster@example.com", "password": DEFAULT_PASSWORD}).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    movie = limited_client.post("/api/movies", json={"name": "Limited", "casts": ["A B"], "genres": ["Drama"]}, headers=headers).json
    out = io.BytesIO()
    Image.new("RGB", (60, 90)).save(out, "PNG")

    def upload(address):
        return limited_client.put(
            f"/api/movies/{movie['id']}/poster",
            data=out.getvalue(),
            headers={**headers, "Content-Type": "image/png"},
            environ_base={"REMOTE_ADDR": address},
        )

    assert [upload(f"10.0.1.{n}").status_code for n in range(2)] == [200, 200]
    assert_429(upload("10.0.1.9"), "RATELIMIT_POSTER")


def test_a_flood_of_wrong_passwords_from_many_addresses_never_locks_the_owner_out_of_a_known_device():
    """22 addresses x 5 wrong passwords pass the account's ceiling (100 an hour) on failures from unknown clients."""
    app = make_app(
        "testing",
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN="10 per minute",
        RATELIMIT_LOGIN_ACCOUNT_ADDRESS="5 per minute",
        RATELIMIT_LOGIN_ACCOUNT="100 per hour",
    )
    with app.app_context():
        owner, attacker = app.test_client(), app.test_client()
        body = {"email": "owner@example.com", "password": DEFAULT_PASSWORD}
        assert owner.post("/api/auth/signup", json=body, environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 201
        assert owner.post("/api/auth/login", json=body, environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 200
        assert owner.get_cookie("movie_bag_device", path="/api/auth") is not None
        statuses = [login(attacker, "owner@example.com", f"203.0.113.{n}").status_code for n in range(22) for _ in range(5)]
        assert statuses.count(401) == 100 and statuses[-10:] == [429] * 10  # past the account's ceiling
        # The owner, from a fresh address, on the device a login gave its cookie: in.
        assert owner.post("/api/auth/login", json=body, environ_base={"REMOTE_ADDR": "192.0.2.77"}).status_code == 200
        # The attackers stay limited, from their addresses and from a fresh one without the cookie.
        assert_429(login(attacker, "owner@example.com", "203.0.113.3"), "RATELIMIT_LOGIN_ACCOUNT_ADDRESS")
        assert_429(attacker.post("/api/auth/login", json=body, environ_base={"REMOTE_ADDR": "192.0.2.78"}), "RATELIMIT_LOGIN_ACCOUNT")


def test_a_device_cookie_is_known_only_to_the_account_whose_login_gave_it():
    app = make_app("testing", RATELIMIT_ENABLED=True, RATELIMIT_LOGIN_ACCOUNT="1 per hour", RATELIMIT_LOGIN_DEVICE="2 per hour")
    with app.app_context():
        client = app.test_client()
        for email in ("one@example.com", "two@example.com"):
            client.post("/api/auth/signup", json={"email": email, "password": DEFAULT_PASSWORD})
        assert client.post("/api/auth/login", json={"email": "one@example.com", "password": DEFAULT_PASSWORD}).status_code == 200
        # Another account's ceiling holds for this client: its cookie names the first account only.
        assert login(client, "two@example.com", "10.0.0.1").status_code == 401
        assert_429(login(client, "two@example.com", "10.0.0.2"), "RATELIMIT_LOGIN_ACCOUNT")
        # A known device's own failures count against it, from any address.
        assert [login(client, "one@example.com", f"10.0.1.{n}").status_code for n in range(2)] == [401, 401]
        assert_429(login(client, "one@example.com", "10.0.1.9"), "RATELIMIT_LOGIN_DEVICE")
