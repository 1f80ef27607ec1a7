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
