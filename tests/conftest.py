"""Fixtures: a fresh app on mongomock per test, its client, factories and a login helper.

Every test client, of any app a test builds, checks each answer against the OpenAPI document
(tests/contract.py): an answer the document does not allow fails the test that received it.
"""

import itertools
import os
import shutil
import tempfile

import mongoengine
import pytest
from flask import Flask
from flask.testing import FlaskClient

from database.accounts import User
from database.movies import Movie
from tests.contract import contract
from tests.mongomock_app import make_app

# Development apps keep their signing key in the data folder: the test run's own, never the project's .data/.
TEST_DATA = os.environ["MOVIE_BAG_DATA"] = tempfile.mkdtemp(prefix="movie-bag-test-data-")
DEFAULT_PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)
# The wire tier's own tests need its MongoDB (tests/run_wire_tier.py); the in-process run leaves them out.
collect_ignore = (
    []
    if os.environ.get("MOVIE_BAG_WIRE_URI")
    else ["test_wire.py", "test_wire_catalogue.py", "test_wire_integrity.py", "test_wire_live.py"]
)


class ContractClient(FlaskClient):
    """Flask's test client, checking every answer against the OpenAPI document."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        query = request.query_string.decode("utf-8", "replace")
        if response.mimetype == "text/event-stream" and not response.is_sequence:
            # An event stream lasts minutes: checked with its first chunk (sent at once), the rest the test's to read.
            chunks = iter(response.response)
            first = next(chunks, b"")
            response.response = itertools.chain([first], chunks)
            contract().check(request.method, request.path, query, response.status_code, response.headers, first)
            return response
        contract().check(request.method, request.path, query, response.status_code, response.headers, response.get_data())
        response.close()  # the body is buffered now: release the file a send_file answer streamed from
        return response


# Flask's documented hook for the class app.test_client() makes: every app a test builds uses it.
Flask.test_client_class = ContractClient


def pytest_sessionstart(session):
    """Build the run's OpenAPI document before any test builds its app: building it builds an app too,
    which would replace the database connection of a test already running."""
    contract()
    mongoengine.disconnect()


def pytest_sessionfinish(session, exitstatus):
    """The run's data folder and its live servers' SecantusDB go with it."""
    from tests.live_server import stop_session_database

    stop_session_database()
    shutil.rmtree(TEST_DATA, ignore_errors=True)


@pytest.fixture
def app():
    """A testing app on an empty in-memory database."""
    app = make_app("testing")
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


@pytest.fixture
def viewer(make_user, auth_headers):
    """A person's Bearer headers."""
    return auth_headers(make_user())


@pytest.fixture
def film(make_movie):
    """A movie's id."""
    return str(make_movie().id)


def pytest_collection_modifyitems(session, config, items):
    """Run the contract-coverage tests last, and note whether this run is the whole suite."""
    from pathlib import Path

    from tests.test_contract import FULL_RUN

    items.sort(key=lambda item: item.get_closest_marker("contract_coverage") is not None)
    every_module = {path.name for path in Path(__file__).parent.glob("test_*.py")} - set(collect_ignore)
    collected = {Path(str(item.fspath)).name for item in items}
    config.stash[FULL_RUN] = collected == every_module and not config.getoption("keyword") and not config.getoption("markexpr")
