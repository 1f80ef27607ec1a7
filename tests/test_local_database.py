"""`make run`'s own database: SecantusDB started by server.py on a data folder, kept across every kind of stop.

Each test runs `python server.py` as `make run` does, on a fresh data folder and free ports: nothing of
a developer's .data/ or of another server is touched.
"""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from PIL import Image

from database.local_server import LocalDatabaseError, free_port, is_held, local_database, main, reset
from tests.live_server import DEFAULT_ENV, ROOT

pytestmark = pytest.mark.live

PASSWORD = "a-local-database-password"
SERVE_SECONDS = 60


class Run:
    """One `python server.py` on a data folder: its process, its URL, its output."""

    def __init__(self, data, db_port):
        self.db_port = db_port
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = data.parent / f"run-{self.port}.log"
        env = {
            **os.environ,
            **DEFAULT_ENV,
            "PIPENV_DONT_LOAD_ENV": "1",
            "MOVIE_BAG_DATA": str(data),
            "DB_PORT": str(db_port),
            "BIND": f"127.0.0.1:{self.port}",
            "JWT_SECRET_KEY": "",
            "RATELIMIT_ENABLED": "0",
        }
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "server.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self):
        """What the server printed so far."""
        return self.log.read_text(errors="replace")

    def wait_until_serving(self):
        """Poll /api/health until it answers 200; the seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < SERVE_SECONDS:
            assert self.process.poll() is None, self.output()
            try:
                if requests.get(f"{self.base}/api/health", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"not serving after {SERVE_SECONDS} s:\n{self.output()}")

    def database_pid(self):
        """The pid of the SecantusDB this server started (its child running secantusd-py)."""
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and parent_of(entry.name) == self.process.pid and b"secantusd-py" in cmdline(entry.name):
                return int(entry.name)
        raise AssertionError(f"server.py {self.process.pid} runs no SecantusDB:\n{self.output()}")

    def call(self, method, path, token=None, **kwargs):
        """An API request; the response."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, f"{self.base}{path}", headers={**headers, **kwargs.pop("headers", {})}, timeout=30, **kwargs)


def parent_of(pid):
    """The parent pid of a process (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(stat.rpartition(")")[2].split()[1])


def cmdline(pid):
    """A process's command line (empty once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def is_running(pid):
    """Whether a process exists and is not a zombie (an exited child nobody has reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def wait_until_gone(pid, timeout=30):
    """Poll /proc until the process has stopped running; whether it did in time."""
    deadline = time.monotonic() + timeout
    while is_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def png(colour):
    """A small PNG in one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def data(tmp_path):
    """A fresh data folder, as on a fresh clone."""
    return tmp_path / "data"


@pytest.fixture
def start(data):
    """Start `python server.py` on the data folder (one DB_PORT for every start); stops what is left at the end."""
    runs, db_port = [], free_port()

    def start():
        run = Run(data, db_port)
        runs.append(run)
        assert run.wait_until_serving() < SERVE_SECONDS
        run.database = run.database_pid()
        return run

    yield start
    for run in runs:
        if run.process.poll() is None:
            os.killpg(run.process.pid, signal.SIGKILL)
            run.process.wait()
    assert [run.database for run in runs if not wait_until_gone(run.database)] == [], "a SecantusDB outlived its server"


def fill(run):
    """An account, a movie with a poster, a rating and a review, each answered 2xx; what a later start must find."""
    assert run.call("POST", "/api/auth/signup", json={"email": "keeper@example.com", "password": PASSWORD}).status_code == 201
    tokens = run.call("POST", "/api/auth/login", json={"email": "keeper@example.com", "password": PASSWORD}).json()
    access = tokens["access_token"]
    created = run.call("POST", "/api/movies", access, json={"name": "Stalker", "casts": ["Alisa Freyndlikh"], "genres": ["Drama"]})
    assert created.status_code == 201
    movie = created.json()["id"]
    poster = png((200, 120, 40))
    stored = run.call("PUT", f"/api/movies/{movie}/poster", access, data=poster, headers={"Content-Type": "image/png"})
    assert stored.status_code == 200
    assert run.call("PUT", f"/api/movies/{movie}/rating", access, json={"score": 9}).status_code == 200
    assert run.call("POST", f"/api/movies/{movie}/reviews", access, json={"body": "The Zone keeps its secrets."}).status_code == 201
    return {"refresh_token": tokens["refresh_token"], "movie": movie, "poster": run.call("GET", f"/api/movies/{movie}/poster").content}


def find_everything(run, kept):
    """Log in again with the kept refresh token and find every write of fill(); the new refresh token."""
    refreshed = run.call("POST", "/api/auth/refresh", kept["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    access = refreshed.json()["access_token"]
    assert run.call("GET", "/api/auth/me", access).json()["email"] == "keeper@example.com"
    movie = run.call("GET", f"/api/movies/{kept['movie']}").json()
    assert (movie["name"], movie["rating"]) == ("Stalker", {"average": 9.0, "count": 1})
    assert run.call("GET", f"/api/movies/{kept['movie']}/poster").content == kept["poster"]
    assert run.call("GET", f"/api/movies/{kept['movie']}/rating", access).json() == {"score": 9}
    reviews = run.call("GET", f"/api/movies/{kept['movie']}/reviews").json()
    assert [review["body"] for review in reviews] == ["The Zone keeps its secrets."]
    return {**kept, "refresh_token": refreshed.json()["refresh_token"]}


def test_a_clean_stop_keeps_everything_and_leaves_no_process(start, data):
    run = start()
    kept = fill(run)
    database = run.database
    run.process.send_signal(signal.SIGTERM)
    assert run.process.wait(timeout=30) == 0
    assert not is_running(database), "SecantusDB outlived `make run`"
    assert (data / "db").is_dir() and (data / "jwt-secret").stat().st_mode & 0o777 == 0o600
    find_everything(start(), kept)


def test_ctrl_c_stops_the_database_too(start):
    run = start()
    database = run.database
    run.process.send_signal(signal.SIGINT)
    assert run.process.wait(timeout=30) == 0
    assert not is_running(database)


def test_when_the_app_is_killed_the_database_stops_too_and_keeps_everything(start):
    run = start()
    kept = fill(run)
    database = run.database
    run.process.send_signal(signal.SIGKILL)
    run.process.wait(timeout=30)
    assert wait_until_gone(database), "SecantusDB outlived the killed app"
    find_everything(start(), kept)


def test_when_app_and_database_are_killed_together_every_answered_write_is_kept(start):
    run = start()
    kept = fill(run)
    access = run.call("POST", "/api/auth/refresh", kept["refresh_token"]).json()
    kept["refresh_token"] = access["refresh_token"]
    # A burst of writes, each answered 201, then both processes killed at once: none may be lost.
    names = [f"Burst {n}" for n in range(20)]
    for name in names:
        answer = run.call("POST", "/api/movies", access["access_token"], json={"name": name, "casts": ["A"], "genres": ["B"]})
        assert answer.status_code == 201
    database = run.database
    os.kill(database, signal.SIGKILL)
    run.process.send_signal(signal.SIGKILL)
    run.process.wait(timeout=30)
    assert wait_until_gone(database)
    again = start()
    find_everything(again, kept)
    listed = again.call("GET", "/api/movies?per_page=100").json()
    assert set(names) <= {movie["name"] for movie in listed}


def test_a_second_run_on_the_same_folder_or_port_says_what_to_do(start, data, tmp_path):
    first = start()
    same_folder = Run(data, free_port())
    assert same_folder.process.wait(timeout=30) != 0
    assert "already holds" in same_folder.output() and "MOVIE_BAG_DATA" in same_folder.output()
    same_port = Run(tmp_path / "elsewhere", first.db_port)
    assert same_port.process.wait(timeout=30) != 0
    assert f"port {first.db_port} is already taken" in same_port.output() and "DB_PORT=" in same_port.output()


def test_reset_data_refuses_while_serving_and_empties_the_folder_after(start, data):
    run = start()
    env = {**os.environ, "MOVIE_BAG_DATA": str(data), "PIPENV_DONT_LOAD_ENV": "1"}
    command = [sys.executable, "-m", "database.local_server", "reset"]
    refused = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert refused.returncode == 1 and "stop `make run` first" in refused.stderr
    assert (data / "db").is_dir()
    run.process.send_signal(signal.SIGTERM)
    run.process.wait(timeout=30)
    emptied = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert emptied.returncode == 0, emptied.stderr
    assert not data.exists()


def test_a_fresh_run_prints_where_to_go_and_where_the_data_lives(start, data):
    run = start()
    printed = run.output()
    for expected in (f"{run.base}/api/docs", f"{run.base}/api/openapi.json", str(data), "make reset-data"):
        assert expected in printed


# --- the module itself, in this process ------------------------------------------------------------------


def test_a_held_folder_and_a_taken_port_are_refused_before_starting(tmp_path):
    port = free_port()
    with local_database(tmp_path / "db", port, durable=False):
        assert is_held(tmp_path / "db")
        with pytest.raises(LocalDatabaseError, match="already holds"), local_database(tmp_path / "db", free_port()):
            pass
        with pytest.raises(LocalDatabaseError, match=f"port {port} is already taken"), local_database(tmp_path / "other", port):
            pass
        with pytest.raises(LocalDatabaseError, match="stop `make run` first"):
            reset(tmp_path)
    assert not is_held(tmp_path / "db")
    assert reset(tmp_path) == tmp_path and not tmp_path.exists()


def test_reset_without_a_folder_is_fine_and_other_commands_are_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MOVIE_BAG_DATA", str(tmp_path / "never-made"))
    assert main(["reset"]) == 0
    assert main(["drop"]) == 2
    assert "usage" in capsys.readouterr().err
