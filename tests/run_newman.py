"""Run the Postman collections with newman against live servers on free ports: `make test-postman`.

On a server loaded with the demo data, as `make run` serves it:
1. the exploration collection, once, from a fresh import: it must log in by itself (as the demo user)
   and never meet a 401;
2. the test collection, twice (it makes fresh accounts and names each run): no failed assertion;
3. then, through the API, no account or movie that was not there before the runs may be left.
Then the exploration collection once more, on a server whose access tokens last 5 seconds: it must
refresh or log in again by itself when its token expires, still without a 401.

Every run's base URL is the server's own (`baseUrl`): nothing here reaches port 5000. Any failed
assertion, request error, 401 of the exploration collection or leftover makes this exit non-zero.
"""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from database.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD
from tests.live_server import ROOT, live_server

COLLECTION = ROOT / "postman" / "movie-bag.postman_collection.json"
EXPLORE = ROOT / "postman" / "movie-bag-explore.postman_collection.json"
ENVIRONMENT = ROOT / "postman" / "local.postman_environment.json"
ARTIFACTS = ROOT / "artifacts"
ITERATIONS = 2
# The access token's life on the second server, and the pause between requests that makes the run outlast it.
SHORT_TOKEN_SECONDS, DELAY_MS = "5", "250"


def newman_command(collection, base_url, report, iterations=1, extra=()):
    """The newman invocation, from the version package-lock.json pins."""
    return [
        "npx",
        "--no-install",
        "newman",
        "run",
        str(collection),
        "--environment",
        str(ENVIRONMENT),
        "--env-var",
        f"baseUrl={base_url}",
        "--iteration-count",
        str(iterations),
        "--reporters",
        "cli,json",
        "--reporter-json-export",
        str(report),
        "--color",
        "off",
        "--no-insecure-file-read",
        *extra,
    ]


def run_newman(collection, base_url, report, **options):
    """Run one collection; newman's exit code (the report, if written, says the rest)."""
    report.unlink(missing_ok=True)
    return subprocess.run(newman_command(collection, base_url, report, **options), cwd=ROOT, check=False).returncode


def summarize(report):
    """Assertion counts from newman's JSON report: (passed, failed, request errors)."""
    stats = json.loads(report.read_text())["run"]["stats"]
    failed = stats["assertions"]["failed"]
    return stats["assertions"]["total"] - failed, failed, stats["requests"]["failed"]


def unauthorized(report):
    """The requests of a run that were answered 401."""
    executions = json.loads(report.read_text())["run"]["executions"]
    return [run["item"]["name"] for run in executions if run.get("response", {}).get("code") == 401]


def api(base_url, path, token=None, body=None):
    """A JSON request to the server; (body, headers)."""
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base_url}{path}", data=data, headers=headers, method="POST" if data else "GET")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response), response.headers


def every(base_url, path, token=None):
    """The ids of every item of a paginated list, following its Link rel="next"."""
    ids, url = set(), f"{path}?per_page=100"
    while url:
        items, headers = api(base_url, url, token)
        ids |= {item["id"] for item in items}
        url = next((part.split(";")[0].strip(" <>") for part in headers.get("Link", "").split(",") if 'rel="next"' in part), None)
        url = url and url.removeprefix(base_url)
    return ids


def accounts_and_movies(base_url):
    """The ids of every account (listed by the demo admin) and every movie on the server."""
    token = api(base_url, "/api/auth/login", body={"email": DEMO_ADMIN_EMAIL, "password": DEMO_ADMIN_PASSWORD})[0]["access_token"]
    return every(base_url, "/api/users", token), every(base_url, "/api/movies")


def verdict(name, code, report, forbid_401=False):
    """Print a run's counts; the problems found in it."""
    if not report.exists():
        return [f"{name}: newman wrote no report (exit code {code})"]
    passed, failed, request_errors = summarize(report)
    print(f"newman, {name}: {passed} passed, {failed} failed")
    problems = []
    if code or passed == 0 or failed or request_errors:
        problems.append(f"{name}: {failed} failed assertion(s), {request_errors} request error(s), exit code {code}")
    if forbid_401 and unauthorized(report):
        problems.append(f"{name}: answered 401: {', '.join(unauthorized(report))}")
    return problems


def main():
    """Serve, run newman, check what is left; non-zero on any problem."""
    ARTIFACTS.mkdir(exist_ok=True)
    explore, tests, expiring = (ARTIFACTS / f"newman-{name}.json" for name in ("explore", "tests", "explore-expiring"))
    # DEMO_DATA brings the demo user the exploration collection logs in as, and the demo admin the test
    # collection's Users and Clean up folders log in as, as `make run` does, on its own SecantusDB.
    with live_server(env={"DEMO_DATA": "1"}, log_path=ARTIFACTS / "newman-server.log", database="own") as base_url:
        accounts, movies = accounts_and_movies(base_url)
        explore_code = run_newman(EXPLORE, base_url, explore)
        tests_code = run_newman(COLLECTION, base_url, tests, iterations=ITERATIONS)
        accounts_after, movies_after = accounts_and_movies(base_url)
    env = {"DEMO_DATA": "1", "JWT_ACCESS_TOKEN_EXPIRES": SHORT_TOKEN_SECONDS}
    with live_server(env=env, log_path=ARTIFACTS / "newman-expiring-server.log", database="own") as base_url:
        expiring_code = run_newman(EXPLORE, base_url, expiring, extra=("--delay-request", DELAY_MS))
    problems = [
        *verdict("exploration collection", explore_code, explore, forbid_401=True),
        *verdict("test collection", tests_code, tests),
        *verdict(f"exploration collection, {SHORT_TOKEN_SECONDS}-second tokens", expiring_code, expiring, forbid_401=True),
    ]
    left = {"accounts": sorted(accounts_after - accounts), "movies": sorted(movies_after - movies)}
    print(f"left behind by the runs: {len(left['accounts'])} account(s), {len(left['movies'])} movie(s)")
    if left["accounts"] or left["movies"]:
        problems.append(f"the runs left accounts or movies behind: {left}")
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
