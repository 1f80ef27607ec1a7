"""The layers: resources reach the database only through database/; the app never imports mongomock, and
only the tests' helper (tests/mongomock_app.py) touches its internals."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRIVATE_DATA_ACCESS = re.compile(r"_get_collection|_from_son|\b_data\b|SimpleNamespace")
# mongomock's private names: its collections' internals and its client's shared store.
MONGOMOCK_INTERNAL = re.compile(r"mongomock[\w.]*\._\w+|\._(insert|update|find_and_modify|delete|iter_documents|store)\b|_store=")
MONGOMOCK_HELPER = ROOT / "tests" / "mongomock_app.py"


def python_files(*folders):
    """Every Python file of the project in these folders (or at the top level)."""
    for folder in folders:
        yield from sorted((ROOT / folder).glob("*.py"))


def imported_modules(path):
    """The modules a file imports."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_resources_never_touch_a_collection_or_a_documents_internals():
    offending = [
        f"{path.name}:{n}"
        for path in python_files("resources")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if PRIVATE_DATA_ACCESS.search(line)
    ]
    assert offending == []


def test_no_file_but_the_tests_mongomock_helper_names_a_mongomock_internal():
    files = [*python_files(".", "database", "resources", "tests", "bench")]
    offending = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in files
        if path != MONGOMOCK_HELPER and path.name != "test_architecture.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if MONGOMOCK_INTERNAL.search(line)
    ]
    assert offending == []
    assert MONGOMOCK_INTERNAL.search(MONGOMOCK_HELPER.read_text()), "the pattern finds what the helper does"


def test_no_module_of_the_app_imports_mongomock():
    files = [*python_files(".", "database", "resources")]
    assert [path.name for path in files if any(module.startswith("mongomock") for module in imported_modules(path))] == []


def test_database_imports_nothing_from_resources_or_the_web_layer():
    for path in python_files("database"):
        layers = {module.split(".")[0] for module in imported_modules(path)}
        assert not layers & {"resources", "web", "cli", "app"}, path.name


def test_raw_pymongo_is_used_only_inside_database():
    for path in [*python_files(".", "resources")]:
        assert not any(
            module == "pymongo" or (module.startswith("pymongo.") and module != "pymongo.errors") for module in imported_modules(path)
        ), path.name


def test_extensions_are_made_in_one_module():
    constructors = re.compile(r"\b(Bcrypt|JWTManager|Limiter|Mail|CORS)\(")
    makers = {path.name for path in python_files(".", "resources", "database") if constructors.search(path.read_text())}
    assert makers == {"extensions.py"}


def test_the_factory_is_about_sixty_lines():
    assert len((ROOT / "app.py").read_text().splitlines()) <= 60


@pytest.mark.parametrize("uri", ["", "mongodb://127.0.0.1:9/movie-bag"], ids=["the local database", "MONGODB_URI"])
def test_serving_never_loads_mongomock(uri):
    probe = "import sys; from app import create_app; create_app('development'); print('mongomock' in sys.modules)"
    env = {
        **os.environ,
        "MONGODB_URI": uri,
        "MONGODB_SETTINGS": "",
        "DB_PORT": "9",  # nothing answers there: the app starts anyway and says so with each request
        "MONGODB_TIMEOUT_MS": "200",
        "DEMO_DATA": "1",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PIPENV_DONT_LOAD_ENV": "1",
    }
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "False"


def test_a_testing_app_without_a_database_refuses_to_start():
    """create_app("testing") alone never falls back to an in-memory database: tests connect one (make_app)."""
    from app import create_app
    from config import ConfigError

    with pytest.raises(ConfigError, match="MONGODB_URI is not set"):
        create_app("testing")


def test_no_class_of_the_app_extends_a_librarys_private_method():
    """`super()._name(...)` is the mark of overriding a base class's private method."""
    offending = []
    for path in python_files(".", "database", "resources"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) == "super"
            ):
                offending.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offending == []


def test_what_the_database_layer_hands_to_resources_is_rows_never_documents(client, make_user, auth_headers):
    """Every value a database/ function returns to a resources/ caller, over a tour of the whole API, is
    a row (dict), a list or page of rows, or a plain value: never a MongoEngine document or queryset."""
    from mongoengine.base import BaseDocument
    from mongoengine.queryset import QuerySet

    from database.paging import Page

    returned = []
    database, resources = str(ROOT / "database"), str(ROOT / "resources")

    def record(frame, event, value):
        caller = frame.f_back
        if (
            event == "return"
            and frame.f_code.co_filename.startswith(database)
            and caller
            and caller.f_code.co_filename.startswith(resources)
        ):
            returned.append((frame.f_code.co_name, value))

    def documents_in(value):
        if isinstance(value, BaseDocument | QuerySet):
            return [type(value).__name__]
        if isinstance(value, Page):
            return documents_in(value.rows)
        if isinstance(value, list | tuple):
            return [kind for item in value for kind in documents_in(item)]
        return []

    admin = make_user(is_admin=True)
    admin_headers = auth_headers(admin)
    sys.setprofile(record)
    try:
        client.post("/api/auth/signup", json={"email": "tour@example.com", "password": "a-tour-password", "display_name": "Tourist"})
        tokens = client.post("/api/auth/login", json={"email": "tour@example.com", "password": "a-tour-password"}).json
        me = {"Authorization": f"Bearer {tokens['access_token']}"}
        client.get("/api/auth/me", headers=me)
        client.patch("/api/auth/me", json={"display_name": "Tour Guide"}, headers=me)
        movie = client.post("/api/movies", json={"name": "Tour", "year": 2001, "casts": ["A B"], "genres": ["Drama"]}, headers=me).json
        client.get("/api/movies?q=tour")
        client.get("/api/movies?genre=drama&sort=name")
        client.get(f"/api/movies/{movie['id']}")
        client.patch(f"/api/movies/{movie['id']}", json={"overview": "A tour."}, headers=me)
        client.put(f"/api/movies/{movie['id']}/rating", json={"score": 8}, headers=me)
        client.get(f"/api/movies/{movie['id']}/rating", headers=me)
        review = client.post(f"/api/movies/{movie['id']}/reviews", json={"body": "Good."}, headers=me).json
        client.get(f"/api/movies/{movie['id']}/reviews")
        client.patch(f"/api/reviews/{review['id']}", json={"body": "Very good."}, headers=me)
        client.put(f"/api/me/watchlist/{movie['id']}", headers=me)
        client.get(f"/api/me/watchlist/{movie['id']}", headers=me)
        client.get("/api/me/watchlist", headers=me)
        client.get("/api/genres")
        client.get("/api/users?q=tour", headers=admin_headers)
        user_id = client.get("/api/auth/me", headers=me).json["id"]
        client.get(f"/api/users/{user_id}", headers=admin_headers)
        client.patch(f"/api/users/{user_id}", json={"is_admin": False}, headers=admin_headers)
        client.put("/api/auth/password", json={"current_password": "a-tour-password", "new_password": "another-password"}, headers=me)
        client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
        client.delete(f"/api/reviews/{review['id']}", headers=me)
        client.delete(f"/api/movies/{movie['id']}", headers=me)
        client.delete(f"/api/users/{user_id}", headers=admin_headers)
    finally:
        sys.setprofile(None)
    called = {name for name, _ in returned}
    assert {"authenticate", "find_by_id", "page", "create", "update_where", "rename", "start", "rotate"} <= called
    assert [(name, documents_in(value)) for name, value in returned if documents_in(value)] == []
