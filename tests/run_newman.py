"""Run the Postman collection with newman against a live server on a free port: `make test-postman`.

The collection runs twice against the same server (it makes fresh accounts and names each run), and
any failed assertion or request error makes this exit non-zero.
"""

import json
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_server import ROOT, live_server

COLLECTION = ROOT / "postman" / "movie-bag.postman_collection.json"
ENVIRONMENT = ROOT / "postman" / "local.postman_environment.json"
ARTIFACTS = ROOT / "artifacts"
ITERATIONS = 2


def newman_command(base_url, report):
    """The newman invocation, from the version package-lock.json pins."""
    return [
        "npx",
        "--no-install",
        "newman",
        "run",
        str(COLLECTION),
        "--environment",
        str(ENVIRONMENT),
        "--env-var",
        f"baseUrl={base_url}",
        "--iteration-count",
        str(ITERATIONS),
        "--reporters",
        "cli,json",
        "--reporter-json-export",
        str(report),
        "--color",
        "off",
        "--no-insecure-file-read",
    ]


def summarize(report):
    """Assertion counts from newman's JSON report: (passed, failed, request errors)."""
    stats = json.loads(report.read_text())["run"]["stats"]
    failed = stats["assertions"]["failed"]
    return stats["assertions"]["total"] - failed, failed, stats["requests"]["failed"]


def main():
    """Serve, run newman, report; the exit code is newman's unless the counts say worse."""
    ARTIFACTS.mkdir(exist_ok=True)
    report = ARTIFACTS / "newman.json"
    report.unlink(missing_ok=True)
    # DEMO_DATA brings the demo admin the Users folder logs in as, as `make run` does, on its own SecantusDB.
    with live_server(env={"DEMO_DATA": "1"}, log_path=ARTIFACTS / "newman-server.log", database="own") as base_url:
        result = subprocess.run(newman_command(base_url, report), cwd=ROOT, check=False)
    if not report.exists():
        print(f"newman wrote no report (exit code {result.returncode})")
        return result.returncode or 1
    passed, failed, request_errors = summarize(report)
    print(f"newman: {passed} passed, {failed} failed")
    if passed == 0 or failed or request_errors:
        return result.returncode or 1
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
