"""Signup, login and the current user."""

import time

import jwt as pyjwt
import pytest

from database.accounts import Session, User
from database.movies import Movie

PASSWORD = "correct-horse-battery"


def signup(client, email="new@example.com", password=PASSWORD, **extra):
    """POST a signup body."""
    return client.post("/api/auth/signup", json={"email": email, "password": password, **extra})


def test_signup_creates_account_with_location(client):
    response = signup(client)
    assert response.status_code == 201
    user = User.objects.get(id=response.json["id"])
    assert user.email == "new@example.com"
    assert response.headers["Location"] == f"/api/users/{user.id}"


def test_signup_stores_email_lower_cased_and_hash_not_password(client):
    signup(client, email="  Mixed.Case@Example.COM ")
    user = User.objects.get()
    assert user.email == "mixed.case@example.com"
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("bcrypt-sha256$$2")


@pytest.mark.parametrize(
    "email", ["demo@movie-bag.dev\u200b", "de\u200dmo@movie-bag.dev", "demo@movie\u2060-bag.dev", "\u202edemo@movie-bag.dev"]
)
def test_an_email_with_invisible_formatting_characters_is_a_400(client, email):
    response = signup(client, email=email)
    assert response.status_code == 400
    assert response.json["errors"] == {"email": ["Must not contain invisible formatting characters (zero-width spaces, bidi marks)."]}
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("first", "second"), [("x@bücher.example", "x@xn--bcher-kva.example"), ("x@xn--bcher-kva.example", "X@BÜCHER.example")]
)
def test_an_international_domain_and_its_ascii_form_are_one_account(client, first, second):
    assert signup(client, email=first).status_code == 201
    response = signup(client, email=second)
    assert (response.status_code, response.json["errors"]) == (409, {"email": ["Already taken."]})
    assert User.objects.get().email == "x@xn--bcher-kva.example"
    for email in (first, second):
        assert client.post("/api/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200


def test_signup_response_never_contains_password_or_hash(client):
    response = signup(client)
    assert set(response.json) == {"id"}
    assert PASSWORD not in response.get_data(as_text=True)


def test_signup_with_taken_email_in_other_case_is_conflict(client):
    signup(client, email="taken@example.com")
    response = signup(client, email="TAKEN@example.com")
    assert response.status_code == 409
    assert response.json["errors"] == {"email": ["Already taken."]}
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"password": PASSWORD}, "email"),
        ({"email": "a@example.com"}, "password"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "x" * 257}, "password"),
        ({"email": "a@example.com", "password": "é" * 257}, "password"),
        ({"email": "a@example.com", "password": 12345678}, "password"),
        ({"email": {"$ne": None}, "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": PASSWORD, "is_admin": True}, "is_admin"),
        ({"email": "a@example.com", "password": PASSWORD, "id": "x"}, "id"),
    ],
)
def test_signup_rejects_invalid_body_with_field_message(client, body, field):
    response = client.post("/api/auth/signup", json=body)
    assert response.status_code == 400
    assert field in response.json["errors"]
    assert User.objects.count() == 0


def test_signup_rejects_non_object_body(client):
    response = client.post("/api/auth/signup", json=["a", "b"])
    assert response.status_code == 400
    assert response.json["errors"]


@pytest.mark.parametrize("password", ["x" * 256, "é" * 256, "字" * 100, "a" * 8])
def test_signup_accepts_passwords_up_to_256_characters_in_any_script(client, password):
    assert signup(client, password=password).status_code == 201
    assert client.post("/api/auth/login", json={"email": "new@example.com", "password": password}).status_code == 200


def test_login_returns_bearer_tokens(client, make_user):
    make_user(email="me@example.com")
    response = client.post("/api/auth/login", json={"email": "ME@example.com", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60
    claims = pyjwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["type"] == "access"
    assert claims["exp"] - claims["iat"] == 15 * 60
    refresh = pyjwt.decode(body["refresh_token"], options={"verify_signature": False})
    assert refresh["type"] == "refresh"
    assert refresh["exp"] - refresh["iat"] == 30 * 24 * 3600


def test_wrong_password_and_unknown_email_get_the_same_401(client, make_user):
    make_user(email="me@example.com")
    wrong = client.post("/api/auth/login", json={"email": "me@example.com", "password": "wrong-password"})
    unknown = client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "wrong-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json == {"code": "invalid_credentials", "message": "Invalid email or password.", "status": 401}
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_email_still_costs_a_bcrypt_check(client, monkeypatch):
    from extensions import bcrypt

    checked = []
    original = bcrypt.check_password_hash
    monkeypatch.setattr(bcrypt, "check_password_hash", lambda h, p: checked.append(p) or original(h, p))
    client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "whatever1"})
    assert len(checked) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"email": {"$ne": None}, "password": {"$ne": None}},
        {"email": {"$gt": ""}, "password": "x"},
        {"email": "me@example.com", "password": {"$regex": ".*"}},
        {"email": "me@example.com"},
        {"email": "me@example.com", "password": "p" * 257},
    ],
)
def test_login_injection_and_invalid_bodies_are_400(client, make_user, body):
    make_user(email="me@example.com")
    response = client.post("/api/auth/login", json=body)
    assert response.status_code == 400
    assert response.json["errors"]
    assert "access_token" not in response.json


def test_me_returns_the_token_owner(client, make_user, auth_headers):
    user = make_user(email="me@example.com", is_admin=True)
    response = client.get("/api/auth/me", headers=auth_headers(user))
    assert response.status_code == 200
    assert response.json["id"] == str(user.id)
    assert response.json["email"] == "me@example.com"
    assert response.json["is_admin"] is True
    assert response.json["created_at"].endswith("+00:00")
    assert "password_hash" not in response.json


def test_me_without_token_is_401_with_bearer_challenge(client):
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer realm=")


def test_me_with_non_bearer_header_is_401(client):
    response = client.get("/api/auth/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401


def test_me_with_refresh_token_is_401(client, make_user, login):
    tokens = login(make_user())
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_expired_token_is_401(app, client, make_user, login):
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = __import__("datetime").timedelta(seconds=-1)
    tokens = login(make_user())
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert response.status_code == 401
    assert response.json["message"] == "The token has expired."
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def _tamper(token, **changes):
    """Replace claims in the payload but keep the original header and signature."""
    import base64
    import json

    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_tampered_token_is_401(client, make_user, login):
    victim = make_user(is_admin=True)
    attacker = make_user()
    token = _tamper(login(attacker)["access_token"], sub=str(victim.id))
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json["message"] == "The token is invalid."


def test_token_signed_with_another_key_is_401(client, make_user):
    user = make_user()
    token = pyjwt.encode(
        {
            "sub": str(user.id),
            "type": "access",
            "fresh": False,
            "jti": "x",
            "iat": int(time.time()),
            "nbf": int(time.time()),
            "exp": int(time.time()) + 60,
        },
        "some-other-secret-that-is-long-enough-32b",
        algorithm="HS256",
    )
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_an_access_token_used_before_is_still_no_refresh_token(client, make_user, login):
    token = login(make_user())["access_token"]
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    response = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_access_tokens_without_expiry_work(app, client, make_user, login):
    """flask-jwt-extended leaves exp out when the lifetime is 0."""
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = __import__("datetime").timedelta(0)
    token = login(make_user())["access_token"]
    statuses = [client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code for _ in range(2)]
    assert statuses == [200, 200]


def test_a_token_used_before_still_expires(app, client, make_user, login):
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = __import__("datetime").timedelta(seconds=5)  # long enough to be used once on a busy machine
    token = login(make_user())["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    exp = pyjwt.decode(token, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, exp - time.time()) + 0.05)
    response = client.get("/api/auth/me", headers=headers)
    assert (response.status_code, response.json["message"]) == (401, "The token has expired.")


def test_an_expired_token_can_still_be_read_where_expiry_is_waived(app, make_user, login):
    from flask_jwt_extended import decode_token

    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = __import__("datetime").timedelta(seconds=-1)
    user = make_user()
    assert decode_token(login(user)["access_token"], allow_expired=True)["sub"] == str(user.id)


def test_a_token_used_before_then_tampered_with_is_401(client, make_user, login):
    victim, attacker = make_user(is_admin=True), make_user()
    token = login(attacker)["access_token"]
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json["id"] == str(attacker.id)
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {_tamper(token, sub=str(victim.id))}"})
    assert (response.status_code, response.json["message"]) == (401, "The token is invalid.")


def test_a_token_accepted_by_one_app_is_not_trusted_by_an_app_with_another_secret(client, make_user, login):
    from tests.mongomock_app import make_app

    token = login(make_user())["access_token"]
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    other = make_app("testing", JWT_SECRET_KEY="another-testing-secret-that-is-long-enough")
    response = other.test_client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert (response.status_code, response.json["message"]) == (401, "The token is invalid.")


def test_token_of_deleted_user_is_401(client, make_user, auth_headers):
    user = make_user()
    headers = auth_headers(user)
    user.delete()
    response = client.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.json["message"] == "The account of this token no longer exists."


def test_token_whose_user_vanished_behind_our_back_is_401(client, make_user, auth_headers):
    """Even if the account disappears without its sessions (a raw delete), its tokens stop."""
    user = make_user()
    headers = auth_headers(user)
    User._get_collection().delete_one({"_id": user.id})
    response = client.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.json["message"] == "The account of this token no longer exists."
    response = client.post("/api/movies", json={"name": "Orphan", "casts": ["a"], "genres": ["b"]}, headers=headers)
    assert (response.status_code, response.json["message"]) == (401, "The account of this token no longer exists.")
    assert Movie.objects.count() == 0


def test_login_racing_the_deletion_of_its_account_gets_no_session(client, make_user, monkeypatch):
    """An account deleted while its password is checked (sessions first) is left with no new session."""
    user = make_user()
    password_matches = User.password_matches

    def deleted_meanwhile(row, password):
        matches = password_matches(row, password)
        User.objects.get(id=row["_id"]).delete()
        return matches

    monkeypatch.setattr(User, "password_matches", staticmethod(deleted_meanwhile))
    response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert (response.status_code, response.json["message"]) == (401, "Invalid email or password.")
    assert Session.objects(user=user.id).count() == 0


def test_user_can_read_own_account_but_not_anothers(client, make_user, auth_headers):
    me, other = make_user(), make_user()
    headers = auth_headers(me)
    assert client.get(f"/api/users/{me.id}", headers=headers).json["email"] == me.email
    # Another account is as unknown as a missing one (no probing ids for accounts).
    assert client.get(f"/api/users/{other.id}", headers=headers).status_code == 404
    assert client.get("/api/users/nope", headers=headers).status_code == 404


# --- the refresh token in a JSON body --------------------------------------------------------------


def test_a_refresh_token_in_a_json_body_gets_a_new_pair(client, make_user, login):
    user = make_user()
    tokens = login(user)
    response = client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {response.json['access_token']}"})
    assert me.status_code == 200 and me.json["email"] == user.email


def test_a_refresh_token_in_a_json_body_works_once(client, make_user, login):
    tokens = login(make_user())
    assert client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 200
    reused = client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert (reused.status_code, reused.json["code"]) == (401, "token_revoked")


def test_an_access_token_in_the_refresh_body_is_token_invalid(client, make_user, login):
    tokens = login(make_user())
    response = client.post("/api/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert (response.status_code, response.json["code"]) == (401, "token_invalid")


@pytest.mark.parametrize("body", [{}, {"token": "x"}, {"refresh_token": "x", "extra": 1}, [], ["refresh_token"], "refresh_token", 5])
def test_a_refresh_body_of_another_shape_is_validation_failed(client, body):
    response = client.post("/api/auth/refresh", json=body)
    assert (response.status_code, response.json["code"]) == (400, "validation_failed")


def test_a_refresh_without_any_token_is_authentication_required(client):
    response = client.post("/api/auth/refresh")
    assert (response.status_code, response.json["code"]) == (401, "authentication_required")


def test_the_refresh_cookie_is_not_taken_by_the_token_endpoint(client, make_user):
    """The browser session's cookie works only on its own paths, with its CSRF value: never on /api/auth/refresh."""
    user = make_user()
    assert client.post("/api/auth/session", json={"email": user.email, "password": "correct-horse-battery"}).status_code == 200
    refresh = client.get_cookie("movie_bag_refresh", path="/api/auth/session").value
    csrf = client.get_cookie("movie_bag_csrf").value
    client.set_cookie("movie_bag_refresh", refresh, path="/")  # as if a client sent it everywhere
    response = client.post("/api/auth/refresh", headers={"X-CSRF-Token": csrf})
    assert (response.status_code, response.json["code"]) == (401, "authentication_required")
