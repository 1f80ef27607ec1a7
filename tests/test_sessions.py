"""Sessions: refresh rotation with reuse detection, logout, password change, shared revocation."""

import jwt as pyjwt
import pytest

from database.accounts import Session, User
from tests.conftest import DEFAULT_PASSWORD
from tests.mongomock_app import make_app, shared_client_class


def bearer(token):
    """Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def refresh(client, refresh_token):
    """POST /api/auth/refresh with a refresh token."""
    return client.post("/api/auth/refresh", headers=bearer(refresh_token))


def me(client, access_token):
    """Status of GET /api/auth/me with an access token."""
    return client.get("/api/auth/me", headers=bearer(access_token)).status_code


def test_refresh_returns_a_new_pair(client, make_user, login):
    tokens = login(make_user())
    response = refresh(client, tokens["refresh_token"])
    assert response.status_code == 200
    new = response.json
    assert new["token_type"] == "Bearer" and new["expires_in"] == 900
    assert new["access_token"] != tokens["access_token"]
    assert new["refresh_token"] != tokens["refresh_token"]
    assert me(client, new["access_token"]) == 200


def test_rotated_refresh_token_never_outlives_its_session(client, make_user, login):
    tokens = login(make_user())
    first = pyjwt.decode(tokens["refresh_token"], options={"verify_signature": False})
    second = pyjwt.decode(refresh(client, tokens["refresh_token"]).json["refresh_token"], options={"verify_signature": False})
    assert second["sid"] == first["sid"]
    assert second["exp"] <= first["exp"]


def test_used_refresh_token_stops_working(client, make_user, login):
    tokens = login(make_user())
    refresh(client, tokens["refresh_token"])
    response = refresh(client, tokens["refresh_token"])
    assert response.status_code == 401
    assert "already used" in response.json["message"]


def test_refresh_token_reuse_revokes_the_whole_session(client, make_user, login):
    tokens = login(make_user())
    rotated = refresh(client, tokens["refresh_token"]).json
    refresh(client, tokens["refresh_token"])  # an attacker replays the stolen, already-used token
    assert me(client, rotated["access_token"]) == 401
    assert refresh(client, rotated["refresh_token"]).status_code == 401


def test_reuse_in_one_session_leaves_other_logins_alone(client, make_user, login):
    user = make_user()
    stolen, other = login(user), login(user)
    refresh(client, stolen["refresh_token"])
    refresh(client, stolen["refresh_token"])
    assert me(client, other["access_token"]) == 200


def test_access_token_cannot_refresh(client, make_user, login):
    tokens = login(make_user())
    assert refresh(client, tokens["access_token"]).status_code == 401


def test_logout_kills_both_tokens_of_that_login_only(client, make_user, login):
    user = make_user()
    this, other = login(user), login(user)
    response = client.post("/api/auth/logout", headers=bearer(this["access_token"]))
    assert response.status_code == 204
    assert me(client, this["access_token"]) == 401
    assert refresh(client, this["refresh_token"]).status_code == 401
    assert me(client, other["access_token"]) == 200
    assert refresh(client, other["refresh_token"]).status_code == 200


def test_logout_needs_an_access_token(client, make_user, login):
    tokens = login(make_user())
    assert client.post("/api/auth/logout").status_code == 401
    assert client.post("/api/auth/logout", headers=bearer(tokens["refresh_token"])).status_code == 401


def test_revoked_token_message(client, make_user, login):
    tokens = login(make_user())
    client.post("/api/auth/logout", headers=bearer(tokens["access_token"]))
    response = client.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert response.json["message"] == "The token has been revoked."
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_token_without_a_session_claim_is_refused(app, client, make_user):
    from flask_jwt_extended import create_access_token

    token = create_access_token(identity=str(make_user().id))
    assert me(client, token) == 401


def test_sessions_expire_through_a_ttl_index():
    index = next(i for i in Session._meta["index_specs"] if i["fields"] == [("expires_at", 1)])
    assert index["expireAfterSeconds"] == 0


def test_revocation_is_seen_by_another_app_instance_sharing_the_database():
    """Two app instances (as two workers or machines would be) with separate clients on one database."""
    client_class = shared_client_class()
    first = make_app("testing", client_class=client_class)
    with first.app_context():
        user = User(email="shared@example.com")
        user.set_password(DEFAULT_PASSWORD)
        user.save()
    tokens = first.test_client().post("/api/auth/login", json={"email": "shared@example.com", "password": DEFAULT_PASSWORD}).json
    second = make_app("testing", client_class=client_class)
    assert me(second.test_client(), tokens["access_token"]) == 200
    assert second.test_client().post("/api/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204
    third = make_app("testing", client_class=client_class)
    assert me(third.test_client(), tokens["access_token"]) == 401
    assert refresh(third.test_client(), tokens["refresh_token"]).status_code == 401


# --- password change ---------------------------------------------------------------------------


def change_password(client, token, current, new):
    """PUT /api/auth/password."""
    return client.put("/api/auth/password", json={"current_password": current, "new_password": new}, headers=bearer(token))


def test_password_change_revokes_every_other_session(client, make_user, login):
    user = make_user()
    this, other = login(user), login(user)
    response = change_password(client, this["access_token"], DEFAULT_PASSWORD, "a-brand-new-password")
    assert response.status_code == 204
    assert me(client, this["access_token"]) == 200
    assert me(client, other["access_token"]) == 401
    assert refresh(client, other["refresh_token"]).status_code == 401
    assert login(user, "a-brand-new-password")["access_token"]
    assert client.post("/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 401


def test_password_change_with_wrong_current_password_is_403(client, make_user, login):
    user = make_user()
    tokens = login(user)
    response = change_password(client, tokens["access_token"], "not-my-password", "a-brand-new-password")
    assert response.status_code == 403
    assert response.json["message"] == "The current password is not correct."
    assert User.objects.get(id=user.id).check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize("new", ["short", "x" * 257])
def test_password_change_validates_the_new_password(client, make_user, login, new):
    tokens = login(make_user())
    response = change_password(client, tokens["access_token"], DEFAULT_PASSWORD, new)
    assert response.status_code == 400
    assert "new_password" in response.json["errors"]


def test_password_change_needs_a_token(client):
    assert client.put("/api/auth/password", json={"current_password": "a", "new_password": "b" * 8}).status_code == 401
