"""Clients generated from the live OpenAPI document, as third-party developers make them, work unchanged.

- openapi-python-client (pinned in the dev packages) generates a Python package, told only that the
  poster's image types are raw bytes (tests/clients/openapi-python-client.yaml); the flow below runs
  entirely through it, every answer parsed into its generated model.
- openapi-typescript and openapi-fetch (pinned in package.json) type a TypeScript client, which
  `tsc --noEmit --strict` checks and node then runs against the same server (tests/clients/flow.ts).
- Spectral's `spectral:oas` ruleset finds nothing to say about the document.
"""

import importlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from tests.live_server import ROOT, live_server

pytestmark = pytest.mark.live

CLIENTS = ROOT / "tests" / "clients"
GENERATED = CLIENTS / ".generated"
BIN = Path(sys.executable).parent
PASSWORD = "generated-client-password"
HAVE_NODE = shutil.which("npx") is not None and (ROOT / "node_modules" / ".bin" / "tsc").exists()
needs_node = pytest.mark.skipif(
    not HAVE_NODE and os.environ.get("CI") != "true",
    reason="Node.js and the root package.json's packages (npm ci) are needed; CI runs these",
)


@pytest.fixture(scope="module")
def server():
    """A live server, every answer of which is checked against the document."""
    with live_server() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def document(server, tmp_path_factory):
    """The live document, saved as a file for the generators."""
    path = tmp_path_factory.mktemp("document") / "openapi.json"
    path.write_bytes(requests.get(f"{server}/api/openapi.json", timeout=10).content)
    return path


def run(command, **options):
    """Run a tool; its exit code and everything it printed."""
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, **options)
    return result.returncode, result.stdout + result.stderr


# --- Python ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def python_client(document, tmp_path_factory):
    """The package openapi-python-client generates from the live document, imported."""
    out = tmp_path_factory.mktemp("python-client")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}  # its ruff post-hooks
    code, output = run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(out / "movie_bag_client"),
            "--config",
            str(CLIENTS / "openapi-python-client.yaml"),
        ],
        env=env,
    )
    sys.path.insert(0, str(out))
    try:
        yield code, output, importlib.import_module("movie_bag_client")
    finally:
        sys.path.remove(str(out))
        for name in [name for name in sys.modules if name.startswith("movie_bag_client")]:
            del sys.modules[name]


def test_openapi_python_client_generates_with_no_warning(python_client):
    code, output, _ = python_client
    assert code == 0, output
    assert "warning" not in output.lower() and "error" not in output.lower(), output


def parsed(response, model, status):
    """The answer's generated model, after checking its status and type."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert isinstance(response.parsed, model), type(response.parsed)
    return response.parsed


@pytest.fixture
def clients(python_client):
    """Make generated clients (anonymous, or with a token); their connections are closed afterwards."""
    _, _, package = python_client
    made = []

    def make(token=None, base_url=None):
        client = package.AuthenticatedClient(base_url=base_url, token=token) if token else package.Client(base_url=base_url)
        made.append(client)
        return client

    yield make
    for client in made:
        client.get_httpx_client().close()


def test_the_whole_flow_through_the_generated_python_client(server, clients):
    from movie_bag_client.api.auth import get_me, login, logout, refresh_token, signup
    from movie_bag_client.api.movies import create_movie, get_movie, list_movies, replace_movie, update_movie
    from movie_bag_client.models import (
        AccountCreated,
        Error,
        ErrorCode,
        Login,
        Movie,
        MovieInput,
        MoviePatch,
        RefreshInput,
        Signup,
        Token,
        User,
    )

    anonymous = clients(base_url=server)

    def account():
        email = f"py-{uuid.uuid4().hex[:12]}@example.com"
        created = parsed(signup.sync_detailed(client=anonymous, body=Signup(email=email, password=PASSWORD)), AccountCreated, 201)
        tokens = parsed(login.sync_detailed(client=anonymous, body=Login(email=email, password=PASSWORD)), Token, 200)
        return email, created, tokens

    email, created, tokens = account()
    me = clients(tokens.access_token, server)
    user = parsed(get_me.sync_detailed(client=me), User, 200)
    assert (user.id, user.email, user.is_admin) == (created.id, email, False)

    genre = f"Genre {uuid.uuid4().hex[:8]}"
    body = MovieInput(name=f"Generated {uuid.uuid4().hex[:8]}", casts=["Ana de Armas"], genres=[genre])
    movie = parsed(create_movie.sync_detailed(client=me, body=body), Movie, 201)
    assert (movie.added_by, movie.genres) == (user.id, [genre])

    listed = list_movies.sync_detailed(client=anonymous, genre=[genre])
    assert [m.id for m in parsed(listed, list, 200)] == [movie.id] and all(isinstance(m, Movie) for m in listed.parsed)
    assert listed.headers["X-Total-Count"] == "1"

    read = get_movie.sync_detailed(movie.id, client=anonymous)
    current = parsed(read, Movie, 200)
    replaced = replace_movie.sync_detailed(
        movie.id,
        client=me,
        body=MovieInput(name=current.name + " (extended)", casts=current.casts, genres=current.genres),
        if_match=read.headers["ETag"],
    )
    assert parsed(replaced, Movie, 200).name == current.name + " (extended)"

    patched = update_movie.sync_detailed(movie.id, client=me, body=MoviePatch(casts=["Ryan Gosling"]), if_match=replaced.headers["ETag"])
    assert parsed(patched, Movie, 200).casts == ["Ryan Gosling"]
    stale = update_movie.sync_detailed(movie.id, client=me, body=MoviePatch(casts=["Nobody"]), if_match=read.headers["ETag"])
    assert parsed(stale, Error, 412).code == ErrorCode.PRECONDITION_FAILED

    _, _, other_tokens = account()
    stranger = clients(other_tokens.access_token, server)
    refused = update_movie.sync_detailed(movie.id, client=stranger, body=MoviePatch(name="Mine"))
    assert parsed(refused, Error, 403).code == ErrorCode.FORBIDDEN_NOT_OWNER

    renewed = parsed(refresh_token.sync_detailed(client=clients(tokens.refresh_token, server)), Token, 200)
    # The refresh token in the body, as OAuth clients send it: no Authorization header at all.
    renewed = parsed(refresh_token.sync_detailed(client=anonymous, body=RefreshInput(refresh_token=renewed.refresh_token)), Token, 200)
    fresh = clients(renewed.access_token, server)
    assert parsed(get_me.sync_detailed(client=fresh), User, 200).id == user.id
    assert logout.sync_detailed(client=fresh).status_code == 204
    assert parsed(get_me.sync_detailed(client=fresh), Error, 401).code == ErrorCode.TOKEN_REVOKED


# --- TypeScript -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def typescript_client(document):
    """tests/clients/flow.ts beside the types openapi-typescript generates, with its default options."""
    shutil.rmtree(GENERATED, ignore_errors=True)
    GENERATED.mkdir(parents=True)
    code, output = run(["npx", "--no-install", "openapi-typescript", str(document), "-o", str(GENERATED / "schema.d.ts")])
    assert code == 0, output
    return GENERATED


@needs_node
def test_the_typescript_client_type_checks_strictly(typescript_client):
    code, output = run(["npx", "--no-install", "tsc", "--noEmit", "--strict", "-p", str(CLIENTS / "tsconfig.json")])
    assert code == 0, output


def test_the_typescript_flow_uses_no_casts_and_no_non_null_assertions():
    source = (CLIENTS / "flow.ts").read_text()
    code = "\n".join(line.split("//")[0] for line in source.splitlines())
    assert " as " not in code and "<any>" not in code and ": any" not in code
    assert not any(token in code for token in ("!.", "!)", "!;", "!,", "![")), "a non-null assertion"


@needs_node
def test_the_whole_flow_through_the_generated_typescript_client(server, typescript_client):
    code, output = run(["npx", "--no-install", "tsc", "-p", str(CLIENTS / "tsconfig.json"), "--outDir", str(GENERATED / "out")])
    assert code == 0, output
    code, output = run(["node", str(GENERATED / "out" / "flow.js"), server])
    assert code == 0, output
    assert output.strip().endswith("flow passed"), output


# --- Spectral -------------------------------------------------------------------------------------


def spectral(path, tmp_path):
    """Spectral's findings on a document, with the committed ruleset (spectral:oas, unchanged)."""
    report = tmp_path / "spectral.json"
    code, output = run(
        [
            "npx",
            "--no-install",
            "spectral",
            "lint",
            "--ruleset",
            str(ROOT / ".spectral.yaml"),
            "--fail-severity",
            "hint",
            "--format",
            "json",
            "--output",
            str(report),
            str(path),
        ]
    )
    assert report.exists(), output
    return code, json.loads(report.read_text() or "[]")


@needs_node
def test_spectral_finds_nothing_in_the_live_document(document, tmp_path):
    code, findings = spectral(document, tmp_path)
    assert findings == [] and code == 0, [(f["code"], f["path"], f["message"]) for f in findings]


@needs_node
def test_spectral_does_flag_a_document_without_operation_ids(document, tmp_path):
    stripped = json.loads(document.read_text())
    for item in stripped["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("operationId", None)
    path = tmp_path / "stripped.json"
    path.write_text(json.dumps(stripped))
    code, findings = spectral(path, tmp_path)
    assert code != 0 and {f["code"] for f in findings} == {"operation-operationId"}
