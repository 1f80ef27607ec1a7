"""The wire tier: the live-server suites against the production configuration on a real wire protocol.

`make test-wire` runs this. It starts a MongoDB wire-protocol server on a loopback port (SecantusDB, on
a temporary folder, as database/local_server.py starts it for `make run`) unless MONGODB_TEST_URI names a MongoDB to use
instead (a local mongod, a replica set, Atlas: only the databases the tier creates are dropped), then
runs the suites with MOVIE_BAG_WIRE_URI set, which makes every live server of them the production
configuration: gunicorn with 3 workers, FLASK_CONFIG=production, a migrated database of its own,
sessions and rate-limit counters in MongoDB (tests/live_server.py). Expected failures on SecantusDB,
where it is not MongoDB, are listed at the end with their reasons (pytest -rxX).
"""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from database.local_server import temporary_database
from tests.live_server import ROOT

# The tier takes about 2 minutes; a hung database server must not hold CI for its whole time limit.
TIER_SECONDS = 20 * 60
SUITES = [
    "tests/test_wire.py",
    "tests/test_wire_catalogue.py",
    "tests/test_live_server.py",
    "tests/test_torture_concurrency.py",
    "tests/test_torture_hostile.py",
    "tests/test_catalogue.py",
    "tests/test_wire_integrity.py",
    "tests/test_wire_live.py",
]


def main():
    """Run the tier; pytest's exit code."""
    external = os.environ.get("MONGODB_TEST_URI")
    with contextlib.nullcontext(external) if external else temporary_database() as uri:
        label = "MONGODB_TEST_URI" if external else "SecantusDB (a MongoDB wire-protocol server, on a temporary folder)"
        print(f"wire tier: the live suites in the production configuration, on {label}", flush=True)
        env = {
            **os.environ,
            "MOVIE_BAG_WIRE_URI": uri,
            "MOVIE_BAG_WIRE_SERVER": "mongodb" if external else "secantusdb",
            "PIPENV_DONT_LOAD_ENV": "1",
        }
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--no-cov", "-m", "live", "-rxX", *SUITES]
        try:
            returncode = subprocess.run(command, cwd=ROOT, env=env, check=False, timeout=TIER_SECONDS).returncode
        except subprocess.TimeoutExpired:
            print(f"wire tier: FAILED: not finished after {TIER_SECONDS} s (a hung database server?)", flush=True)
            return 1
        print(EXPECTED_FAILURES if not external else "wire tier: on a real MongoDB no test is expected to fail.", flush=True)
        return returncode


# What SecantusDB 0.7.0b3 does differently from MongoDB, and what the tier does about it. Tests it would
# fail are marked xfail(strict) with the reason, and pytest's -rxX lines above list them; none is now.
EXPECTED_FAILURES = """wire tier: expected failures on SecantusDB: none. Its known gaps, and why none shows:
  - A BSON regular expression on an indexed field matches nothing: the app's one substring search (q on
    users' emails) sends the equivalent $regex operator form, which MongoDB documents as the same query
    and SecantusDB answers rightly (database/common.py, contains()); movie search reads indexed terms.
  - Text indexes are refused: the app declares none.
  - Its planner reports an in-memory sort for an equality filter with a compound sort even where the
    right compound index exists: tests/test_wire_catalogue.py holds the lists to MongoDB's rule instead
    (and asks explain only of a real MongoDB).
  - A transaction whose client died (SIGKILL) is never ended: MongoDB aborts it after
    transactionLifetimeLimitSeconds (60 s by default), SecantusDB held one past 200 s (and has no such
    parameter). The fault-injection tests end the dead client's sessions (killAllSessions) after each
    kill instead of waiting, as tests/test_wire_integrity.py says.
  - dropDatabase was seen to spin forever (one run in three): the tier drops nothing there, as the
    server's whole store is a temporary folder removed with it (tests/live_server.py).
  Everything else the suites use (unique and TTL indexes, findAndModify, aggregation, GridFS, sessions
  and rate-limit counters shared by three workers) behaves as on MongoDB here."""


if __name__ == "__main__":
    sys.exit(main())
