"""Administration: admins manage accounts; users see and delete their own; the last admin stays."""

import pytest

from database.accounts import Session, User
from database.movies import Movie


@pytest.fixture
def admin(make_user):
    """An admin."""
    return make_user(email="admin@example.com", is_admin=True)


def test_admin_lists_users_with_pagination(client, admin, make_user, auth_headers):
    for _ in range(3):
        make_user()
    response = client.get("/api/users?per_page=2", headers=auth_headers(admin))
    assert response.status_code == 200
    assert len(response.json) == 2
    assert response.headers["X-Total-Count"] == "4"
    assert 'rel="next"' in response.headers["Link"]
    assert all("password_hash" not in user and "password" not in user for user in response.json)


def test_admin_searches_users_by_email(client, admin, make_user, auth_headers):
    make_user(email="findme@example.com")
    response = client.get("/api/users?q=FINDME", headers=auth_headers(admin))
    assert [u["email"] for u in response.json] == ["findme@example.com"]


@pytest.mark.parametrize("query", ["page=0", "per_page=500", "sort=email"])
def test_bad_user_list_parameters_are_400(client, admin, auth_headers, query):
    assert client.get(f"/api/users?{query}", headers=auth_headers(admin)).status_code == 400


def test_non_admin_cannot_list_or_create_users(client, make_user, auth_headers):
    headers = auth_headers(make_user())
    assert client.get("/api/users", headers=headers).status_code == 403
    body = {"email": "x@example.com", "password": "long-enough"}
    assert client.post("/api/users", json=body, headers=headers).status_code == 403
    assert User.objects(email="x@example.com").count() == 0


def test_admin_creates_an_admin(client, admin, auth_headers):
    body = {"email": "New.Admin@example.com", "password": "long-enough", "is_admin": True}
    response = client.post("/api/users", json=body, headers=auth_headers(admin))
    assert response.status_code == 201
    assert response.json["email"] == "new.admin@example.com" and response.json["is_admin"] is True
    assert response.headers["Location"] == f"/api/users/{response.json['id']}"
    assert User.authenticate("new.admin@example.com", "long-enough")["is_admin"]


def test_admin_create_validates_and_detects_duplicates(client, admin, auth_headers):
    headers = auth_headers(admin)
    assert client.post("/api/users", json={"email": "bad", "password": "long-enough"}, headers=headers).status_code == 400
    assert client.post("/api/users", json={"email": "ADMIN@example.com", "password": "long-enough"}, headers=headers).status_code == 409


def test_admin_reads_any_user_and_user_reads_self(client, admin, make_user, auth_headers):
    user = make_user()
    assert client.get(f"/api/users/{user.id}", headers=auth_headers(admin)).json["email"] == user.email
    assert client.get(f"/api/users/{user.id}", headers=auth_headers(user)).status_code == 200
    # Anyone else's account is as unknown as a missing one.
    assert client.get(f"/api/users/{admin.id}", headers=auth_headers(user)).status_code == 404


def test_admin_grants_and_removes_admin_rights(client, admin, make_user, auth_headers):
    user = make_user()
    headers = auth_headers(admin)
    granted = client.patch(f"/api/users/{user.id}", json={"is_admin": True}, headers=headers)
    assert granted.status_code == 200 and granted.json["is_admin"] is True
    removed = client.patch(f"/api/users/{user.id}", json={"is_admin": False}, headers=headers)
    assert removed.status_code == 200 and removed.json["is_admin"] is False
    assert User.objects.get(id=user.id).is_admin is False


def test_demotion_applies_to_existing_tokens_at_once(client, admin, make_user, make_movie, auth_headers):
    other_admin = make_user(is_admin=True)
    headers = auth_headers(other_admin)
    client.patch(f"/api/users/{other_admin.id}", json={"is_admin": False}, headers=auth_headers(admin))
    movie = make_movie()
    assert client.delete(f"/api/movies/{movie.id}", headers=headers).status_code == 403


def test_last_admin_cannot_be_demoted(client, admin, auth_headers):
    response = client.patch(f"/api/users/{admin.id}", json={"is_admin": False}, headers=auth_headers(admin))
    assert response.status_code == 409
    assert "last admin" in response.json["message"]
    assert User.objects.get(id=admin.id).is_admin is True


def test_last_admin_cannot_be_deleted(client, admin, auth_headers):
    response = client.delete(f"/api/users/{admin.id}", headers=auth_headers(admin))
    assert response.status_code == 409
    assert User.objects(id=admin.id).count() == 1


def test_an_admin_can_leave_when_another_admin_remains(client, admin, make_user, auth_headers):
    make_user(is_admin=True)
    assert client.delete(f"/api/users/{admin.id}", headers=auth_headers(admin)).status_code == 204
    assert User.objects(is_admin=True).count() == 1


def test_patch_accepts_only_is_admin(client, admin, make_user, auth_headers):
    user = make_user()
    headers = auth_headers(admin)
    assert client.patch(f"/api/users/{user.id}", json={"email": "new@example.com"}, headers=headers).status_code == 400
    assert client.patch(f"/api/users/{user.id}", json={"is_admin": "maybe"}, headers=headers).status_code == 400


def test_non_admin_cannot_patch_users(client, make_user, auth_headers):
    user = make_user()
    response = client.patch(f"/api/users/{user.id}", json={"is_admin": True}, headers=auth_headers(user))
    assert response.status_code == 403
    assert User.objects.get(id=user.id).is_admin is False


def test_user_deletes_own_account_with_movies_and_sessions(client, make_user, make_movie, login):
    user = make_user()
    make_movie(added_by=user)
    kept = make_movie()
    tokens = login(user)
    response = client.delete(f"/api/users/{user.id}", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert response.status_code == 204
    assert User.objects(id=user.id).count() == 0
    assert list(Movie.objects.scalar("id")) == [kept.id]
    assert Session.objects(user=user.id).count() == 0
    assert client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}).status_code == 401


def test_admin_deletes_another_user(client, admin, make_user, auth_headers):
    user = make_user()
    assert client.delete(f"/api/users/{user.id}", headers=auth_headers(admin)).status_code == 204
    assert User.objects(id=user.id).count() == 0


def test_user_cannot_delete_someone_else(client, make_user, auth_headers):
    user, other = make_user(), make_user()
    assert client.delete(f"/api/users/{other.id}", headers=auth_headers(user)).status_code == 404
    assert User.objects(id=other.id).count() == 1


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_user_is_404(client, admin, auth_headers, method):
    response = getattr(client, method)("/api/users/000000000000000000000000", json={"is_admin": True}, headers=auth_headers(admin))
    assert response.status_code == 404


def test_admins_demoting_each_other_never_leave_zero_admins(admin, make_user):
    other = make_user(is_admin=True)
    assert User.drop_admin(admin.id) is True
    assert User.drop_admin(other.id) is False
    assert User.objects(is_admin=True).count() == 1


# --- command line ------------------------------------------------------------------------------


def test_create_admin_command_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "Root@Example.com"], input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    assert "Created admin root@example.com." in result.output
    assert "a-long-password" not in result.output
    assert User.authenticate("root@example.com", "a-long-password")["is_admin"]


def test_create_admin_command_promotes_an_existing_user(app, make_user):
    user = make_user(email="member@example.com")
    result = app.test_cli_runner().invoke(args=["create-admin", "member@example.com"])
    assert result.exit_code == 0
    assert "member@example.com is now an admin." in result.output
    assert User.objects.get(id=user.id).is_admin


def test_create_admin_command_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "root@example.com"], input="short\nshort\n")
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    assert User.objects.count() == 0


def test_user_search_refuses_nul_characters(client, admin, auth_headers):
    response = client.get("/api/users?q=a%00b", headers=auth_headers(admin))
    assert response.status_code == 400
    assert "q" in response.json["errors"]
