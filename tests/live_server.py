"""Start the app under gunicorn on a free loopback port, exactly as `make run` serves it."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What every live test server runs with unless the caller overrides it: the embedded database,
# cheap bcrypt, no demo data, and nothing from the developer's .env deciding the outcome.
DEFAULT_ENV = {
    "FLASK_CONFIG": "development",
    "MONGODB_URI": "",
    "MONGODB_SETTINGS": "",
    "DEMO_DATA": "0",
    "BCRYPT_LOG_ROUNDS": "4",
    "ACCESS_LOG": "",
    "CORS_ORIGINS": "",
}


def free_port():
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def wait_until_healthy(base_url, process, timeout=30, status=200):
    """Poll /api/health until it answers `status`; fail loudly if the server dies or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"live server exited with code {process.returncode}")
        if health_status(base_url) == status:
            return
        time.sleep(0.2)
    raise RuntimeError(f"live server at {base_url} did not become healthy in {timeout}s")


@contextlib.contextmanager
def live_server(env=None, args=(), log_path=None, health=200):
    """Yield the base URL of a gunicorn-served app; stop it (and its workers) afterwards.

    The server counts as up once /api/health answers `health` (503 for a server whose database is down).
    """
    port = free_port()
    base_url = ServerURL(f"http://127.0.0.1:{port}")
    server_env = {**os.environ, **DEFAULT_ENV, "PIPENV_DONT_LOAD_ENV": "1", "BIND": f"127.0.0.1:{port}", **(env or {})}
    log = open(log_path or os.devnull, "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *args, "app:app"],
        cwd=ROOT,
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
