"""Start the app on a free loopback port, exactly as `make run` serves it (or as production does, under gunicorn)."""

import atexit
import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from database.local_server import free_port, temporary_database

ROOT = Path(__file__).resolve().parent.parent

# What every live test server runs with unless the caller overrides it: development on SecantusDB (below),
# cheap bcrypt, no demo data, and nothing from the developer's .env deciding the outcome.
DEFAULT_ENV = {
    "FLASK_CONFIG": "development",
    "MONGODB_URI": "",
    "MONGODB_SETTINGS": "",
    "DEMO_DATA": "0",
    "BCRYPT_LOG_ROUNDS": "4",
    "ACCESS_LOG": "",
    "CORS_ORIGINS": "",
    # No change-log recorder (live updates) unless a test asks for one: tests/test_live_updates.py does.
    "EVENT_STREAMS": "0",
}


# A live server without a MONGODB_URI of its own runs on SecantusDB, one of two ways:
# - "session": a database of its own on the one SecantusDB this process starts at its first such server
#   (a pytest session starts dozens of servers; stop_session_database() ends it, at the latest at exit);
# - "own": `make run`'s whole arrangement, server.py starting SecantusDB on the server's own data folder
#   and a free DB_PORT (tests/run_newman.py).
_session = {"stack": None, "uri": None, "databases": itertools.count(1)}


def session_database_uri(name):
    """The URI of database `name` on the session's SecantusDB, started now if it is not running yet."""
    if _session["uri"] is None:
        stack = contextlib.ExitStack()
        _session["uri"] = stack.enter_context(temporary_database())
        _session["stack"] = stack
        atexit.register(stop_session_database)
    parts = urllib.parse.urlsplit(_session["uri"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def stop_session_database():
    """Stop the session's SecantusDB, if one runs, and remove its folder."""
    stack, _session["stack"], _session["uri"] = _session["stack"], None, None
    if stack is not None:
        stack.close()


class ServerURL(str):
    """The base URL of a live server, which also knows the pid of its gunicorn master."""

    pid = None


def health_status(base_url):
    """The status /api/health answers with, or None while nothing answers."""
    try:
        with urllib.request.urlopen(f"{base_url}/api/health", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code
    except OSError:
        return None


def wait_until_healthy(base_url, process, timeout=60, status=200):
    """Poll /api/health until it answers `status`; fail loudly if the server dies or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"live server exited with code {process.returncode}")
        if health_status(base_url) == status:
            return
        time.sleep(0.2)
    raise RuntimeError(f"live server at {base_url} did not become healthy in {timeout}s")


# The wire tier (tests/run_wire_tier.py): a MongoDB wire-protocol server to run live servers against.
WIRE_URI = os.environ.get("MOVIE_BAG_WIRE_URI")
WIRE_SECRET = "a-wire-tier-secret-that-is-long-enough-0123456789"
_databases = itertools.count(1)


def wire_database_uri(name):
    """The wire tier's MongoDB URI with this database name in its path."""
    parts = urllib.parse.urlsplit(WIRE_URI)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def production_env(database):
    """What a production server of the wire tier runs with: FLASK_CONFIG=production, 3 workers, a database of its own."""
    return {
        "FLASK_CONFIG": "production",
        "JWT_SECRET_KEY": WIRE_SECRET,
        "MONGODB_URI": wire_database_uri(database),
        "RATELIMIT_STORAGE_URI": "",
        "WEB_CONCURRENCY": "3",
        "GUNICORN_THREADS": "4",
        "MIGRATE_ON_START": "",
    }


MIGRATE_ENV = {"RATELIMIT_STORAGE_URI": "memory://"}  # the command counts nothing


def migrate(env, root=ROOT):
    """`make migrate` against a server's database, as the docker-compose migrate service runs it."""
    command = [sys.executable, "-m", "flask", "--app", "app:create_app(prepare_database=False)", "migrate"]
    result = subprocess.run(command, cwd=root, env={**env, **MIGRATE_ENV}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def drop_databases(*names):
    """Remove the wire tier's databases a server used (on a real MongoDB: MONGODB_TEST_URI).

    On SecantusDB nothing is dropped: its whole store is a temporary folder removed with the server,
    and its dropDatabase was seen to spin forever (one run in three), which hung the tier.
    """
    from pymongo import MongoClient

    if os.environ.get("MOVIE_BAG_WIRE_SERVER") == "secantusdb":
        return
    with MongoClient(WIRE_URI, serverSelectionTimeoutMS=5000, socketTimeoutMS=120_000) as client:
        for name in names:
            client.drop_database(name)


def live_server(
    env=None, args=(), log_path=None, health=200, contract=True, root=ROOT, python=sys.executable, server="run", database="session"
):
    """Yield the base URL of a live server (see serve); in the wire tier, the production configuration.

    With MOVIE_BAG_WIRE_URI set (tests/run_wire_tier.py), a server asked for as `make run` serves is
    instead the production configuration: gunicorn with 3 workers, FLASK_CONFIG=production, its own
    database on that MongoDB (migrated first, as `make migrate` does; dropped afterwards, with its
    rate-limit counters). The test's own settings still win.
    """
    if not (WIRE_URI and server == "run" and root == ROOT):
        return serve(env, args, log_path, health, contract, root, python, server, database)
    wire_database = f"movie-bag-wire-{os.getpid()}-{next(_databases)}"
    wire_env = {**production_env(wire_database), **(env or {})}
    return _wire_server(wire_env, args, log_path, health, contract, wire_database)


@contextlib.contextmanager
def _wire_server(env, args, log_path, health, contract, database):
    """A production server of the wire tier on a migrated database of its own."""
    migrate({**os.environ, **DEFAULT_ENV, "PIPENV_DONT_LOAD_ENV": "1", **env})
    try:
        with serve(env, args, log_path, health, contract, ROOT, sys.executable, "gunicorn") as base:
            yield base
    finally:
        drop_databases(database, f"{database}-limits")


@contextlib.contextmanager
def serve(env=None, args=(), log_path=None, health=200, contract=True, root=ROOT, python=sys.executable, server="run", database="session"):
    """Yield the base URL of a served app; stop it (and its workers) afterwards.

    Each server has a data folder of its own (MOVIE_BAG_DATA: development's signing key), removed after.
    Without a MONGODB_URI in env, database says where its data goes: "session", a database of its own
    on this process's SecantusDB; "own", SecantusDB started by server.py itself on that data folder, as
    `make run` does (server "run" only).
    The server counts as up once /api/health answers `health` (503 for a server whose database is down).
    With contract (the default), every answer of the app is recorded and checked against the OpenAPI
    document when the server stops (tests/contract.py): a violation fails the test that started it.
    root and python serve another checkout of the project with its own interpreter (`make bench BASELINE=`).
    server is "run", waitress as `make run` serves (server.py), or "gunicorn", with gunicorn.conf.py
    as production serves; args are gunicorn's extra arguments.
    """
    port = free_port()
    base_url = ServerURL(f"http://127.0.0.1:{port}")
    data = tempfile.mkdtemp(prefix="movie-bag-live-data-")
    server_env = {
        **os.environ,
        **DEFAULT_ENV,
        "PIPENV_DONT_LOAD_ENV": "1",
        "BIND": f"127.0.0.1:{port}",
        "MOVIE_BAG_DATA": data,
        # The server's own hashing turns: another test's server never makes its logins wait (or 503).
        "PASSWORD_HASH_LOCK_DIR": os.path.join(data, "hashing"),
        "IMAGE_WORK_LOCK_DIR": os.path.join(data, "images"),
        **(env or {}),
    }
    if not server_env["MONGODB_URI"]:
        if database == "own" and server == "run":
            server_env["DB_PORT"] = str(free_port())
        else:
            name = server_env.get("MONGODB_DB") or f"movie-bag-live-{os.getpid()}-{next(_session['databases'])}"
            server_env["MONGODB_URI"] = session_database_uri(name)
    exchanges = None
    if contract:
        exchanges = tempfile.NamedTemporaryFile(prefix="movie-bag-exchanges-", suffix=".jsonl", delete=False)  # noqa: SIM115
        exchanges.close()
        server_env["MOVIE_BAG_EXCHANGES"] = exchanges.name
        args = (*args, "tests.contract_server:recorded_app()")
    if server == "run":
        command = [python, "-m", "tests.contract_server"] if contract else [python, "server.py"]
    else:
        command = [python, "-m", "gunicorn", "-c", "gunicorn.conf.py", *args]
    log = open(log_path or os.devnull, "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        command,
        cwd=root,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url.pid = process.pid
    try:
        wait_until_healthy(base_url, process, status=health)
        yield base_url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        shutil.rmtree(data, ignore_errors=True)
    if exchanges is not None:
        check_recorded(exchanges.name)


def check_recorded(path):
    """Fail with every recorded answer that the OpenAPI document does not allow."""
    from tests.contract import check_exchanges

    with open(path, encoding="utf-8") as lines:
        violations = check_exchanges(lines)
    os.unlink(path)
    if violations:
        raise AssertionError(f"{len(violations)} answer(s) off the OpenAPI document:\n" + "\n\n".join(violations[:20]))


NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "movie-bag.conf.template"


def render_nginx_template(upstream, port, events_upstream=None):
    """The committed nginx config with its placeholders filled in, as the nginx image's envsubst does
    (the event streams go to the API itself unless an events service is named)."""
    from string import Template

    values = {"API_UPSTREAM": upstream, "EVENTS_UPSTREAM": events_upstream or upstream, "NGINX_PORT": str(port)}
    return Template(NGINX_TEMPLATE.read_text()).safe_substitute(values)


@contextlib.contextmanager
def behind_nginx(upstream_url, log_path, events_url=None):
    """Yield the base URL of Debian's nginx, running deploy/nginx/ in front of upstream_url (and of the
    events service at events_url, when given), on loopback."""
    import shutil
    import urllib.parse

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="movie-bag-nginx-"))
    upstream = urllib.parse.urlsplit(upstream_url).netloc
    events = urllib.parse.urlsplit(events_url).netloc if events_url else None
    (work / "movie-bag.conf").write_text(render_nginx_template(upstream, port, events))
    (work / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\nuser root;\npid {work}/nginx.pid;\nerror_log {work}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;\n"
        f"  uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;\n"
        f"  include {work}/movie-bag.conf;\n"
        "}\n"
    )
    log = open(log_path, "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [nginx, "-p", str(work), "-c", str(work / "nginx.conf")], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base_url = ServerURL(f"http://127.0.0.1:{port}")
    base_url.pid = process.pid
    try:
        wait_until_healthy(base_url, process)
        yield base_url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
        log.close()
        shutil.rmtree(work, ignore_errors=True)
