"""Fixtures: a fresh app on mongomock per test, its client, factories and a login helper."""

import itertools

import mongoengine
import pytest

from app import create_app
from database.models import Movie, User

DEFAULT_PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


@pytest.fixture
def app():
    """A testing app on an empty in-memory database."""
    app = create_app("testing")
    with app.app_context():
        yield app
    mongoengine.disconnect()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create a user straight in the database; returns the User."""

    def make_user(email=None, password=DEFAULT_PASSWORD, is_admin=False):
        user = User(email=email or f"user{next(_counter)}@example.com", is_admin=is_admin)
        user.set_password(password)
        return user.save()

    return make_user


@pytest.fixture
def make_movie(app, make_user):
    """Create a movie straight in the database; returns the Movie."""

    def make_movie(added_by=None, name=None, casts=("Actor One",), genres=("Drama",)):
        return Movie(
            name=name or f"Movie {next(_counter)}",
            casts=list(casts),
            genres=list(genres),
            added_by=added_by or make_user(),
        ).save()

    return make_movie


@pytest.fixture
def login(client):
    """Log a user in through the real endpoint; returns the token answer."""

    def login(user, password=DEFAULT_PASSWORD):
        response = client.post("/api/auth/login", json={"email": user.email, "password": password})
        assert response.status_code == 200, response.json
        return response.json

    return login


@pytest.fixture
def auth_headers(login):
    """Bearer headers for a user, obtained by logging in through the real endpoint."""

    def auth_headers(user, password=DEFAULT_PASSWORD):
        return {"Authorization": f"Bearer {login(user, password)['access_token']}"}

    return auth_headers
