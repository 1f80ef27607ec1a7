"""The production configuration over a real wire protocol: several gunicorn workers on one MongoDB.

Collected only by the wire tier (tests/run_wire_tier.py), whose live servers are FLASK_CONFIG=production
with 3 gunicorn workers, each on a migrated database of its own (tests/live_server.py).
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from pymongo import MongoClient

from database.migrations import SCHEMA_VERSION
from tests.live_server import DEFAULT_ENV, ROOT, WIRE_URI, drop_databases, live_server, migrate, production_env

pytestmark = pytest.mark.live
ON_SECANTUS = os.environ.get("MOVIE_BAG_WIRE_SERVER") == "secantusdb"
PASSWORD = "a-wire-tier-password"


def fresh_database(tag):
    """A database name nothing has used."""
    return f"movie-bag-wire-{tag}-{time.time_ns()}"


def signup_and_login(base, email):
    """A new account's tokens."""
    assert requests.post(f"{base}/api/auth/signup", json={"email": email, "password": PASSWORD}, timeout=30).status_code == 201
    return requests.post(f"{base}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30).json()


def at_once(count, call):
    """Run call(n) for n in range(count) from as many threads, released together; their results."""
    start = threading.Barrier(count)

    def run(n):
        start.wait()
        return call(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


# --- indexes exist before the first request --------------------------------------------------------


@pytest.mark.parametrize("config", ["production", "development"])
def test_sixteen_first_creates_on_a_fresh_database_make_one_movie_and_one_account(config):
    """Production serves only a migrated database; development migrates as each worker starts."""
    env = {"RATELIMIT_SIGNUP": "100 per minute", **({"FLASK_CONFIG": config} if config == "development" else {})}
    with live_server(env=env) as base:
        statuses = at_once(
            16,
            lambda n: (
                requests.post(f"{base}/api/auth/signup", json={"email": "first@example.com", "password": PASSWORD}, timeout=60).status_code
            ),
        )
        assert sorted(statuses) == [201] + [409] * 15
        token = requests.post(f"{base}/api/auth/login", json={"email": "first@example.com", "password": PASSWORD}, timeout=30).json()[
            "access_token"
        ]
        body = {"name": "The Very First", "casts": ["A"], "genres": ["B"]}
        statuses = at_once(
            16,
            lambda n: requests.post(f"{base}/api/movies", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60).status_code,
        )
        assert sorted(statuses) == [201] + [409] * 15
        assert requests.get(f"{base}/api/movies", timeout=30).headers["X-Total-Count"] == "1"


def migrate_env(database):
    """The environment `make migrate` runs in against this database."""
    return {**os.environ, **DEFAULT_ENV, "PIPENV_DONT_LOAD_ENV": "1", **production_env(database)}


def test_production_refuses_to_serve_a_database_that_needs_migrate():
    database = fresh_database("unmigrated")
    env = {**migrate_env(database), "BIND": "127.0.0.1:0", "RATELIMIT_STORAGE_URI": "memory://"}
    probe = "from app import create_app; create_app()"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    drop_databases(database)
    assert result.returncode != 0
    assert "needs `make migrate`" in result.stderr and "schema is at version 0" in result.stderr


def test_migrate_upgrades_an_old_database_in_place_and_is_idempotent():
    database = fresh_database("upgrade")
    with MongoClient(WIRE_URI) as client:
        old = client[database]
        owner = old.users.insert_one({"email": "old@example.com", "password_hash": "$2b$04$" + "x" * 53, "is_admin": True}).inserted_id
        old.movies.insert_one({"name": "Heat", "casts": ["Al Pacino"], "genres": ["Crime"], "added_by": owner, "version": 1})
    try:
        first = migrate(migrate_env(database))
        assert f"schema version {SCHEMA_VERSION}" in first and " 0 documents" not in first
        assert " 0 documents" in migrate(migrate_env(database))
        with MongoClient(WIRE_URI) as client:
            movie = client[database].movies.find_one({"name": "Heat"})
            assert (movie["directors"], movie["overview"], movie["rating_count"], movie["rated"]) == ([], "", 0, False)
            assert (movie["name_key"], movie["cast_keys"]) == ("heat", ["al pacino"])
            assert client[database].movie_bag_meta.find_one({"_id": "schema"})["version"] == SCHEMA_VERSION
    finally:
        drop_databases(database)


def test_a_unique_index_that_cannot_be_built_names_the_duplicates():
    database = fresh_database("duplicates")
    with MongoClient(WIRE_URI) as client:
        client[database].movies.insert_many([{"name": "Twice", "casts": [], "genres": []}, {"name": "TWICE", "casts": [], "genres": []}])
    command = [sys.executable, "-m", "flask", "--app", "app:create_app(prepare_database=False)", "migrate"]
    env = migrate_env(database)
    result = subprocess.run(
        command, cwd=ROOT, env={**env, "RATELIMIT_STORAGE_URI": "memory://"}, capture_output=True, text=True, timeout=120
    )
    drop_databases(database)
    assert result.returncode != 0
    assert "'name_key': 'twice'" in result.stderr + result.stdout and "held more than once" in result.stderr + result.stdout


def test_ready_answers_200_once_the_database_is_migrated():
    with live_server() as base:
        response = requests.get(f"{base}/api/ready", timeout=30)
        assert (response.status_code, response.json()) == (200, {"status": "ready"})


# --- workers share everything through MongoDB ----------------------------------------------------------


def fresh_connection_get(base, path, token):
    """A GET on a connection of its own, so that requests spread over the workers."""
    return requests.get(f"{base}{path}", headers={"Authorization": f"Bearer {token}", "Connection": "close"}, timeout=30).status_code


def test_a_logout_on_one_worker_holds_on_every_worker():
    with live_server() as base:
        tokens = signup_and_login(base, "revoked@example.com")
        assert {fresh_connection_get(base, "/api/auth/me", tokens["access_token"]) for _ in range(24)} == {200}
        assert (
            requests.post(f"{base}/api/auth/logout", headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=30).status_code
            == 204
        )
        assert {fresh_connection_get(base, "/api/auth/me", tokens["access_token"]) for _ in range(24)} == {401}
        assert (
            requests.post(
                f"{base}/api/auth/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}, timeout=30
            ).status_code
            == 401
        )


def test_rate_limits_count_across_workers():
    with live_server(env={"RATELIMIT_LOGIN": "10 per minute"}) as base:
        statuses = [
            requests.post(
                f"{base}/api/auth/login",
                json={"email": f"n{n}@example.com", "password": "wrong-password"},
                headers={"Connection": "close"},
                timeout=30,
            ).status_code
            for n in range(14)
        ]
    assert statuses == [401] * 10 + [429] * 4


def test_two_refreshes_at_once_on_different_workers_both_keep_the_session():
    with live_server() as base:
        for n in range(5):
            tokens = signup_and_login(base, f"race{n}@example.com")
            answers = at_once(
                2,
                lambda _, refresh=tokens["refresh_token"]: requests.post(
                    f"{base}/api/auth/refresh",
                    headers={"Authorization": f"Bearer {refresh}", "Connection": "close"},
                    timeout=30,
                ),
            )
            assert [a.status_code for a in answers] == [200, 200]
            assert {fresh_connection_get(base, "/api/auth/me", a.json()["access_token"]) for a in answers} == {200}


# --- processes -----------------------------------------------------------------------------------------


def database_connections(pid, db_port):
    """How many TCP connections the process with this pid has open to the database's port."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        target = os.readlink(f"/proc/{pid}/fd/{fd}") if os.path.exists(f"/proc/{pid}/fd/{fd}") else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == db_port and fields[9] in inodes:
                count += 1
    return count


def test_no_database_client_is_opened_before_gunicorn_forks():
    db_port = urllib.parse.urlsplit(WIRE_URI).port
    with live_server() as base:

        def children():
            return [int(pid) for pid in Path(f"/proc/{base.pid}/task/{base.pid}/children").read_text().split()]

        # The first worker up answers the health check; the others may still be starting.
        deadline = time.monotonic() + 30
        while len(workers := children()) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 3
        # Which worker accepts a connection is the kernel's choice: ask until each has served one
        # (and so opened its own client), for at most 30 s.
        deadline = time.monotonic() + 30
        while not all(database_connections(worker, db_port) > 0 for worker in workers) and time.monotonic() < deadline:
            requests.get(f"{base}/api/movies", headers={"Connection": "close"}, timeout=30)
        assert all(database_connections(worker, db_port) > 0 for worker in workers)
        assert database_connections(base.pid, db_port) == 0


def test_sigterm_lets_the_request_in_flight_finish_and_refuses_new_connections():
    with live_server(env={"BCRYPT_LOG_ROUNDS": "14", "PASSWORD_HASH_WAIT_SECONDS": "30"}) as base:
        requests.post(f"{base}/api/auth/signup", json={"email": "slow@example.com", "password": PASSWORD}, timeout=60)
        answer = {}

        def slow_login():
            answer["response"] = requests.post(
                f"{base}/api/auth/login", json={"email": "slow@example.com", "password": PASSWORD}, timeout=60
            )

        thread = threading.Thread(target=slow_login)
        thread.start()
        time.sleep(0.4)  # the login is hashing now: about a second at cost 14
        os.kill(base.pid, signal.SIGTERM)
        time.sleep(0.3)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{base}/api/health", timeout=5)
        thread.join(timeout=30)
        assert answer["response"].status_code == 200 and answer["response"].json()["access_token"]


# --- logs and metrics to run it by -------------------------------------------------------------------------


def test_each_request_is_one_json_log_line_with_no_secret_in_it(tmp_path):
    log = tmp_path / "server.log"
    with live_server(env={"LOG_FORMAT": "json"}, log_path=log) as base:
        tokens = signup_and_login(base, "logged@example.com")
        movie = requests.post(
            f"{base}/api/movies",
            json={"name": "Logged", "casts": ["A"], "genres": ["B"]},
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
            timeout=30,
        ).json()
        requests.get(f"{base}/api/movies/{movie['id']}", headers={"X-Request-ID": "wire-log-probe"}, timeout=30)
        requests.patch(
            f"{base}/api/movies/{movie['id']}",
            json={"genres": ["C"]},
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
            timeout=30,
        )
        time.sleep(0.5)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    read = next(line for line in lines if line.get("request_id") == "wire-log-probe")
    assert (read["route"], read["method"], read["status"], read["level"]) == ("/api/movies/<movie_id>", "GET", 200, "INFO")
    assert read["duration_ms"] >= 0 and read["client"] == "127.0.0.1" and read["time"]
    patched = next(line for line in lines if line.get("method") == "PATCH")
    assert patched["user_id"] == movie["added_by"] and patched["status"] == 200
    text = log.read_text()
    for secret in (tokens["access_token"], tokens["refresh_token"], PASSWORD, "$2b$"):
        assert secret not in text


def scrape(base, token):
    """The /metrics text."""
    response = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    return response.text


def sample(text, name, **labels):
    """The value of one sample of the exposition text (summed when several processes wrote it)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    total = None
    for line in text.splitlines():
        match = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        if match and match.group(1) == name and ",".join(sorted((match.group(2) or "").split(","))) == wanted:
            total = (total or 0) + float(match.group(3))
    return total


def test_a_scrape_of_metrics_shows_each_request_by_route_and_status():
    token = "a-metrics-token-for-the-wire-tier"
    with live_server(env={"METRICS_TOKEN": token}) as base:
        assert requests.get(f"{base}/metrics", timeout=30).status_code == 401
        tokens = signup_and_login(base, "counted@example.com")
        requests.post(f"{base}/api/auth/login", json={"email": "counted@example.com", "password": "wrong-password"}, timeout=30)
        movie = requests.post(
            f"{base}/api/movies",
            json={"name": "Counted", "casts": ["A"], "genres": ["B"]},
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
            timeout=30,
        ).json()
        for _ in range(6):
            requests.get(f"{base}/api/movies/{movie['id']}", headers={"Connection": "close"}, timeout=30)
        text = scrape(base, token)
    assert sample(text, "movie_bag_http_requests_total", route="/api/movies/<movie_id>", method="GET", status="200") == 6
    assert sample(text, "movie_bag_http_request_duration_seconds_count", route="/api/movies/<movie_id>", method="GET") == 6
    assert sample(text, "movie_bag_signups_total") == 1 and sample(text, "movie_bag_movies_created_total") == 1
    assert sample(text, "movie_bag_logins_total", outcome="ok") == 1 and sample(text, "movie_bag_logins_total", outcome="failed") == 1
    assert sample(text, "movie_bag_mongodb_commands_total", command="find", outcome="ok") > 0
    assert sample(text, "movie_bag_password_hashes_in_flight") == 0
