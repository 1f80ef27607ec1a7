"""Password hashes: bcrypt of the password's SHA-256, as Django's BCryptSHA256PasswordHasher does.

bcrypt reads at most 72 bytes (bcrypt 5 raises past them), so a long passphrase, or a short one in a
script with 3-byte characters, would be cut or refused. Hashing it with SHA-256 first gives bcrypt 64
hex characters whatever the password's length. Hashes made before this (plain bcrypt, `$2b$...`)
still verify, and User.authenticate replaces them at the next successful login.

A bcrypt check at cost 12 is a quarter of a second of one core. At most PASSWORD_HASH_CONCURRENCY of
them run at once on the machine, whatever the number of workers and threads (one lock file a turn,
flock'd); past PASSWORD_HASH_WAIT_SECONDS of waiting for a turn, HashingBusy becomes a 503 with
Retry-After, so a flood of logins slows logins, never the catalogue. An app's waiters form a line (HashingLine, one per app):
only the first of them tries for a turn, so one that came later never takes a turn from one waiting
longer (and the first in line does not time out behind luckier pollers). The line holds at most
PASSWORD_HASH_MAX_WAITING requests: one more is refused at once, because each waiter holds one of the
server's threads, and a line as long as the thread pool would leave none for the catalogue.
"""

import fcntl
import hashlib
import os
import threading
import time
from collections import deque
from contextlib import contextmanager

from flask import current_app, has_request_context

import metrics
from extensions import bcrypt

PREFIX = "bcrypt-sha256$"
BCRYPT_MAX_BYTES = 72
POLL_SECONDS = 0.01
OUTSIDE_REQUEST_WAIT_SECONDS = 300


class HashingBusy(RuntimeError):
    """Every hashing turn stayed taken for longer than the wait allows."""


class HashingLine:
    """An app's requests waiting for a hashing turn, first come first served (app.extensions["password_hashing"])."""

    def __init__(self, app=None):
        self.tickets = deque()
        self.changed = threading.Condition()
        if app is not None:
            self.init_app(app)

    def init_app(self, app):
        """Serve this app's password hashing."""
        app.extensions["password_hashing"] = self

    def __len__(self):
        with self.changed:
            return len(self.tickets)


def line():
    """The current app's line for a hashing turn."""
    return current_app.extensions["password_hashing"]


def waiting():
    """How many of the current app's requests wait for a hashing turn now."""
    return len(line())


def _try_turns(folder, turns):
    """A locked file descriptor of a free turn, or None when every turn is taken."""
    for turn in range(turns):
        fd = os.open(os.path.join(folder, f"turn-{turn}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            os.close(fd)
    return None


def _wait_for_turn(waiters, ticket, folder, turns, deadline):
    """Wait in line, then for a free turn, until the deadline; the turn's locked descriptor."""
    while True:
        with waiters.changed:
            while waiters.tickets[0] is not ticket:
                if not waiters.changed.wait(deadline - time.monotonic()) and time.monotonic() >= deadline:
                    raise HashingBusy("Every password hashing turn is taken.")
        fd = _try_turns(folder, turns)
        if fd is not None:
            return fd
        if time.monotonic() >= deadline:
            raise HashingBusy("Every password hashing turn is taken.")
        time.sleep(POLL_SECONDS)  # another process (or thread) holds every turn: look again shortly


@contextmanager
def hashing_turn():
    """Hold one of the machine's PASSWORD_HASH_CONCURRENCY turns while the body runs."""
    config = current_app.config
    folder = config["PASSWORD_HASH_LOCK_DIR"]
    os.makedirs(folder, exist_ok=True)
    # A request waits PASSWORD_HASH_WAIT_SECONDS, then answers 503; work outside a request (the demo
    # catalogue at start-up, a command) has nobody to answer and waits its turn for longer.
    wait = config["PASSWORD_HASH_WAIT_SECONDS"] if has_request_context() else OUTSIDE_REQUEST_WAIT_SECONDS
    deadline = time.monotonic() + wait
    ticket, waiters = object(), line()
    with waiters.changed:
        if len(waiters.tickets) >= config["PASSWORD_HASH_MAX_WAITING"]:
            raise HashingBusy("The line for a password hashing turn is full.")
        waiters.tickets.append(ticket)
    metrics.HASH_WAITING.inc()
    try:
        fd = _wait_for_turn(waiters, ticket, folder, config["PASSWORD_HASH_CONCURRENCY"], deadline)
    finally:
        metrics.HASH_WAITING.dec()
        with waiters.changed:
            waiters.tickets.remove(ticket)
            waiters.changed.notify_all()
    metrics.HASHING.inc()
    try:
        yield
    finally:
        metrics.HASHING.dec()
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _prehash(password):
    """The SHA-256 of the password in hex: 64 ASCII bytes, within what bcrypt reads."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def hash_password(password, rounds):
    """A new hash of the password at this bcrypt cost."""
    with hashing_turn():
        return PREFIX + bcrypt.generate_password_hash(_prehash(password), rounds).decode()


def verify_password(stored, password):
    """True when the password is the one the stored hash was made from."""
    if stored.startswith(PREFIX):
        stored, password = stored.removeprefix(PREFIX), _prehash(password)
    elif len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        return False  # a plain bcrypt hash from before: its password was at most 72 bytes long
    with hashing_turn():
        return bcrypt.check_password_hash(stored, password)


def needs_rehash(stored, rounds):
    """True for a hash of the old scheme or of another cost: it is replaced at the next login."""
    if not stored.startswith(PREFIX):
        return True
    return int(stored.removeprefix(PREFIX).split("$")[2]) != rounds
