"""schemathesis, a client nobody on this project wrote, fuzzes every documented operation on a live server."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from database.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD
from tests.live_server import ROOT, live_server

pytestmark = pytest.mark.live

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
# Examples per operation and phase; raise it locally to dig deeper. The time goes to generating them, not
# to the server (its log: under a minute of the run's answering time): every text field's pattern (no NUL)
# and the multipart bodies cost hypothesis more than plain strings did.
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "100")
# A fixed seed makes a failure reproducible; set SCHEMATHESIS_SEED to explore other inputs.
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261121")
TIME_LIMIT = 600
# The demo catalogue brings movies to read and the admin that /api/users needs. The rate limits are
# raised so that fuzzing reaches the validation and logic behind signup, login, forgot and the Letterboxd
# import instead of a wall of 429s after ten requests; tests/test_limits.py and test_letterboxd.py prove the
# limits themselves.
FUZZ_SERVER_ENV = {
    "DEMO_DATA": "1",
    # Live updates as `make run` serves them (its change log kept, so /api/sync answers), each event stream
    # ending after a fraction of a second so that every stream the fuzzer opens is answered whole.
    "EVENT_STREAMS": "8",
    "EVENT_STREAM_SECONDS": "0.3",
    "EVENT_KEEPALIVE_SECONDS": "0.1",
    **{f"RATELIMIT_{name}": "100000 per minute" for name in ("LOGIN", "LOGIN_ACCOUNT", "SIGNUP", "FORGOT", "REFRESH", "LETTERBOXD")},
}


def login(base_url, credentials):
    """A token pair of a new session of this account."""
    response = requests.post(f"{base_url}/api/auth/login", json=credentials, timeout=10)
    response.raise_for_status()
    return response.json()


def prepare_tokens(base_url):
    """A fresh account's tokens (separate sessions for logout and refresh) and the demo admin's."""
    user = {"email": f"fuzz-{uuid.uuid4().hex}@example.com", "password": "fuzzing-password"}
    requests.post(f"{base_url}/api/auth/signup", json=user, timeout=10).raise_for_status()
    admin = {"email": DEMO_ADMIN_EMAIL, "password": DEMO_ADMIN_PASSWORD}
    return {
        "user": login(base_url, user)["access_token"],
        "logout": login(base_url, user)["access_token"],
        "refresh": login(base_url, user)["refresh_token"],
        "admin": login(base_url, admin)["access_token"],
    }


def run_schemathesis(base_url, report):
    """`schemathesis run` against the live document, signed in through tests/schemathesis_hooks.py."""
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--no-color",
        "run",
        f"{base_url}/api/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--request-timeout",
        "10",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
        "MOVIE_BAG_TOKENS": json.dumps(prepare_tokens(base_url)),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIME_LIMIT)


@pytest.fixture(scope="module")
def schemathesis_run(tmp_path_factory):
    """One bounded schemathesis run: its exit code, its output and its JSON report."""
    workdir = tmp_path_factory.mktemp("schemathesis")
    report_path = workdir / "report.json"
    with live_server(env=FUZZ_SERVER_ENV, log_path=workdir / "server.log") as base_url:
        result = run_schemathesis(base_url, report_path)
    output = result.stdout[-20000:] + result.stderr[-5000:]
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    return result.returncode, output, report


def test_schemathesis_finds_no_failure_in_any_operation(schemathesis_run):
    returncode, output, report = schemathesis_run
    assert returncode == 0, output
    assert report["complete"] is True, output
    assert report["failures"] == [] and report["errors"] == [], output
    assert report["test_cases"]["generated"] > 0


def test_schemathesis_tested_every_documented_operation(schemathesis_run, client):
    _, output, report = schemathesis_run
    paths = client.get("/api/openapi.json").json["paths"]
    documented = sum(len(item) - ("parameters" in item) for item in paths.values())
    # schemathesis leaves out the operation that serves the document it read (GET /api/openapi.json).
    assert report["operations"]["tested"] == report["operations"]["total"] == documented - 1, output


@pytest.mark.parametrize(
    "operation", ["GET /api/auth/me", "POST /api/movies", "GET /api/users", "POST /api/auth/logout", "POST /api/auth/refresh"]
)
def test_schemathesis_got_past_the_login_on_protected_operations(schemathesis_run, operation):
    """The auth hook works: protected operations accepted some requests instead of only answering 401."""
    _, output, report = schemathesis_run
    rates = report["valid_rates"][operation]
    assert sum(phase["accepted"] for phase in rates.values()) > 0, output
