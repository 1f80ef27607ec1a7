"""The local database `make run` serves on without MONGODB_URI: SecantusDB, a MongoDB wire-protocol server.

SecantusDB (the `secantusdb` package, GPL-2.0) runs as a process of its own, started by `local_database()`
and stopped when its block ends; the app only ever talks to it over a socket with pymongo, as it talks
to MongoDB in production. Its data lives in `<data folder>/db` (WiredTiger files, reopened intact by
the next start). On Linux the server is also killed when the process that started it dies, even by
SIGKILL (PR_SET_PDEATHSIG); elsewhere (macOS) only a clean stop (Ctrl-C, SIGTERM) stops it.

`python -m database.local_server reset` (`make reset-data`) empties the data folder, unless a server holds it.
"""

import contextlib
import ctypes
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# WiredTiger holds this file's fcntl lock for as long as a server has the folder open.
LOCK_FILE = "WiredTiger.lock"
PR_SET_PDEATHSIG = 1
# Looked up here, not in the forked child (where loading a library could wait on a lock another thread held).
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
START_SECONDS = 60
STOP_SECONDS = 10


class LocalDatabaseError(RuntimeError):
    """The local database cannot start (or cannot be reset), with what to do about it."""


def server_command(storage_path, port, host="127.0.0.1", durable=True):
    """The secantusd-py command line serving storage_path on host:port."""
    command = [
        str(Path(sys.executable).with_name("secantusd-py")),
        "--host",
        host,
        "--port",
        str(port),
        "--storage-path",
        str(storage_path),
        "--log-level",
        "WARNING",
    ]
    # Every acknowledged write is on disk before its answer: without it a power cut or a SIGKILL of
    # the whole process group right after a burst of writes was measured to lose the last two.
    return [*command, "--sync-on-commit"] if durable else command


def is_held(storage_path):
    """Whether a running server has this storage folder open (it holds WiredTiger's lock file)."""
    lock = Path(storage_path) / LOCK_FILE
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def port_is_taken(host, port):
    """Whether something already listens on host:port (bound as the server binds, with SO_REUSEADDR)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _die_with_parent(parent_pid):
    """In the server's process, before it runs: ask Linux to kill it when its parent dies.

    SIGKILL, not SIGTERM: SecantusDB 0.7.0b3's SIGTERM handler can deadlock (it sets the event its main
    thread may be inside waiting on), and nobody would be left to finish the job. With --sync-on-commit
    every acknowledged write is on disk already; WiredTiger recovers the rest from its log at the next start.
    """
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        # The parent may have died before the request took effect: nobody would stop this server then.
        if os.getppid() != parent_pid:
            os._exit(1)


def ping(uri, timeout_ms=500):
    """Whether the server at uri answers a ping."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    try:
        with MongoClient(uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms) as client:
            client.admin.command("ping")
    except PyMongoError:
        return False
    return True


def _refusal(log_text, storage_path, port):
    """What went wrong, in words, when the server exited before answering."""
    if "already being managed by another process" in log_text:
        return held_message(storage_path)
    if "Address already in use" in log_text:
        return taken_message(port)
    return f"the local database (SecantusDB) exited before answering; its last words:\n{log_text[-2000:]}"


def held_message(storage_path):
    """Another server has the folder open."""
    return (
        f"another SecantusDB already holds {storage_path} (is `make run` running in another terminal?). "
        "Stop it first, or give this one a data folder of its own: MOVIE_BAG_DATA=/some/folder make run"
    )


def taken_message(port):
    """Something else listens on the port."""
    return f"port {port} is already taken (another `make run`, or another database?). Choose another one: DB_PORT={port + 1} make run"


def stop(process, timeout=STOP_SECONDS):
    """Stop the server cleanly (SIGTERM), or kill it if it does not stop in time; wait for it either way.

    A clean stop takes about 2 s; SecantusDB's SIGTERM handler can deadlock now and then, hence the kill.
    """
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def local_database(storage_path, port, host="127.0.0.1", log_path=None, durable=True, timeout=START_SECONDS):
    """Run SecantusDB on storage_path at host:port for the block; yields its Popen (its URI is uri(host, port)).

    Raises LocalDatabaseError, saying what to do, when the folder is held by another server, the port
    is taken, or the server does not answer a ping within timeout seconds. The server gets a session
    of its own, so a Ctrl-C in the terminal reaches the app alone, which then stops the server here.
    """
    storage_path = Path(storage_path)
    if is_held(storage_path):
        raise LocalDatabaseError(held_message(storage_path))
    if port_is_taken(host, port):
        raise LocalDatabaseError(taken_message(port))
    storage_path.mkdir(parents=True, exist_ok=True)
    log_path = Path(log_path or storage_path.parent / "secantusdb.log")
    parent = os.getpid()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            server_command(storage_path, port, host, durable),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: _die_with_parent(parent),
        )
    try:
        _wait_until_it_answers(process, uri(host, port), log_path, storage_path, port, timeout)
        yield process
    finally:
        stop(process)


def _wait_until_it_answers(process, address, log_path, storage_path, port, timeout):
    """Poll the server with pings until it answers; raise LocalDatabaseError if it exits or never does."""
    deadline = time.monotonic() + timeout
    while not ping(address):
        if process.poll() is not None:
            raise LocalDatabaseError(_refusal(Path(log_path).read_text(errors="replace"), storage_path, port))
        if time.monotonic() > deadline:
            raise LocalDatabaseError(f"the local database (SecantusDB) did not answer within {timeout} s; its log: {log_path}")
        time.sleep(0.1)


def uri(host, port, database=""):
    """The MongoDB URI of a local server (and one of its databases)."""
    return f"mongodb://{host}:{port}/{database}?directConnection=true"


def free_port():
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def temporary_database(durable=False):
    """A SecantusDB on a temporary folder and a free port, both gone afterwards (test suites); yields its URI."""
    work = Path(tempfile.mkdtemp(prefix="movie-bag-secantus-"))
    port = free_port()
    try:
        with local_database(work / "db", port, log_path=work / "server.log", durable=durable):
            yield uri("127.0.0.1", port)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def reset(folder):
    """Empty the data folder (the database and the development signing key); refuse while a server holds it."""
    folder = Path(folder)
    if is_held(folder / "db"):
        raise LocalDatabaseError(f"a running server holds {folder / 'db'}: stop `make run` first, then reset.")
    if folder.exists():
        shutil.rmtree(folder)
    return folder


def main(argv):
    """`python -m database.local_server reset` (make reset-data): empty the data folder `make run` keeps."""
    from config import data_folder

    if argv != ["reset"]:
        print("usage: python -m database.local_server reset", file=sys.stderr)
        return 2
    try:
        folder = reset(data_folder())
    except LocalDatabaseError as error:
        print(f"reset-data: {error}", file=sys.stderr)
        return 1
    print(f"reset-data: removed {folder}; the next `make run` starts on an empty database.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
