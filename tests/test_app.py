"""The application shell: web client serving, CORS, CLI, demo data and the module-level app."""

import pytest
from flask import Flask

import app as app_module
from database.accounts import User
from database.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_EMAIL, DEMO_MOVIES, DEMO_PASSWORD
from database.movies import Movie
from tests.mongomock_app import make_app, shared_client_class


@pytest.fixture
def dist(tmp_path):
    """A built web client with an index page and one asset."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "app.js").write_text("console.log('hi')")
    return tmp_path


@pytest.fixture
def web_client(app, dist):
    """A client of an app that serves the built web client."""
    app.config["WEB_DIST"] = str(dist)
    return app.test_client()


@pytest.mark.parametrize("path", ["/", "/login", "/private", "/movies/123"])
def test_client_routes_fall_back_to_index_html(web_client, path):
    with web_client.get(path) as response:
        assert response.status_code == 200
        assert b"<div id=root>" in response.data


def test_client_assets_are_served(web_client):
    with web_client.get("/assets/app.js") as response:
        assert response.data == b"console.log('hi')"


def test_api_paths_are_never_the_client(web_client):
    response = web_client.get("/api/nope")
    assert response.status_code == 404
    assert response.is_json


def test_api_url_with_a_method_it_does_not_take_is_405_not_the_client(web_client):
    response = web_client.get("/api/auth/login")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert response.json["status"] == 405


def test_unknown_api_path_under_a_writable_url_is_404(web_client):
    response = web_client.put("/api/movies/some/deeper/path")
    assert response.status_code == 404
    assert response.json["status"] == 404


def test_client_routes_may_start_with_api_letters(web_client):
    with web_client.get("/apiary") as response:
        assert response.status_code == 200
        assert b"<div id=root>" in response.data


def test_without_a_built_client_root_explains_why(client, tmp_path, app):
    app.config["WEB_DIST"] = str(tmp_path / "missing")
    response = client.get("/")
    assert response.status_code == 404
    assert "Node.js" in response.json["message"]


def test_cors_is_off_by_default(client):
    response = client.get("/api/movies", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_allows_configured_origins(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "https://spa.example")
    monkeypatch.setenv("DEMO_DATA", "0")
    monkeypatch.delenv("MONGODB_URI", raising=False)
    client = make_app("development").test_client()
    allowed = client.get("/api/movies", headers={"Origin": "https://spa.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://spa.example"
    assert "X-Total-Count" in allowed.headers["Access-Control-Expose-Headers"]
    other = client.get("/api/movies", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_load_demo_command_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["load-demo"])
    assert first.exit_code == 0
    assert f"Added {len(DEMO_MOVIES)} demo movies" in first.output
    second = runner.invoke(args=["load-demo"])
    assert "Added 0 demo movies" in second.output
    assert Movie.objects.count() == len(DEMO_MOVIES) >= 30
    assert User.authenticate(DEMO_EMAIL, DEMO_PASSWORD)["is_admin"] is False
    assert User.authenticate(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)["is_admin"] is True


@pytest.fixture
def demo_env(monkeypatch):
    """Development with the demo catalogue on, on mongomock."""
    for name in ("MONGODB_URI", "MONGODB_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEMO_DATA", "1")
    monkeypatch.setenv("BCRYPT_LOG_ROUNDS", "4")


def test_development_loads_the_demo_catalogue_into_an_empty_database(demo_env):
    app = make_app("development")
    assert app.extensions["demo_loaded"] is True
    response = app.test_client().get("/api/movies?per_page=100")
    assert len(response.json) == len(DEMO_MOVIES)


def an_account(email):
    """A saved account."""
    user = User(email=email)
    user.set_password("a-password-of-its-own")
    return user.save()


def keep_an_account():
    """A database holding one account and no movie."""
    an_account("keeper@example.com")


def keep_a_movie():
    """A database holding one movie and no account (its owner removed behind the app's back)."""
    Movie(name="Heat", casts=["Al Pacino"], genres=["Crime"], added_by=an_account("gone@example.com")).save()
    User._get_collection().delete_many({})


@pytest.mark.parametrize("keep", [keep_an_account, keep_a_movie], ids=["an account", "a movie"])
def test_a_database_holding_anything_never_gets_the_demo(demo_env, keep):
    client_class = shared_client_class()
    with make_app("development", client_class=client_class, DEMO_DATA=False).app_context():
        keep()
        kept = (User.objects.count(), Movie.objects.count())
    again = make_app("development", client_class=client_class)
    assert "demo_loaded" not in again.extensions
    with again.app_context():
        assert (User.objects.count(), Movie.objects.count()) == kept


def test_a_restart_does_not_load_the_demo_twice(demo_env):
    client_class = shared_client_class()
    make_app("development", client_class=client_class)
    restarted = make_app("development", client_class=client_class)
    assert "demo_loaded" not in restarted.extensions
    with restarted.app_context():
        assert Movie.objects.count() == len(DEMO_MOVIES)


def test_gunicorn_builds_the_app_through_the_factory():
    """gunicorn.conf.py names `app:create_app()`: no app is built when app.py is imported."""
    import subprocess
    import sys

    # In a process of its own: the settings file prepares the metrics folder of a server as it runs.
    probe = "import runpy; print(runpy.run_path('gunicorn.conf.py')['wsgi_app'])"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "app:create_app()"
    assert not any(isinstance(value, Flask) for value in vars(app_module).values())
