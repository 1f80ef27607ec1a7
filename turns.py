"""Heavy work of one kind, bounded on the machine: at most N at once, a short line, then 503.

Password hashing (database/passwords.py) and poster decoding (resources/images.py) each cost a
request seconds of a core or a hundred megabytes: each runs under its own Turns. At most
<PREFIX>_CONCURRENCY of its kind run at once on the machine, whatever the number of workers and
threads (one lock file a turn in <PREFIX>_LOCK_DIR, flock'd); past <PREFIX>_WAIT_SECONDS of waiting
for a turn, the kind's Busy error becomes a 503 with Retry-After (resources/errors.py), so a flood of
one kind slows that kind, never the catalogue. An app's waiters form a line (one per app and kind,
in app.extensions): only the first of them tries for a turn, so one that came later never takes a
turn from one waiting longer (and the first in line does not time out behind luckier pollers). The
line holds at most <PREFIX>_MAX_WAITING requests: one more is refused at once, because each waiter
holds one of the server's threads, and a line as long as the thread pool would leave none for the
catalogue.
"""

import fcntl
import os
import threading
import time
from collections import deque
from contextlib import contextmanager

from flask import current_app, has_request_context

POLL_SECONDS = 0.01
OUTSIDE_REQUEST_WAIT_SECONDS = 300


class Busy(RuntimeError):
    """Every turn of a kind of work stayed taken for longer than the wait allows (a 503)."""

    answer = "The server is busy; try again in a moment."


class Line:
    """An app's requests waiting for a turn of one kind of work, first come first served."""

    def __init__(self):
        self.tickets = deque()
        self.changed = threading.Condition()

    def __len__(self):
        with self.changed:
            return len(self.tickets)


class Turns:
    """One kind of work bounded on the machine; its settings are the app config's <prefix>_* values.

    Made once, like an extension object; each app gets a line of its own at its first use.
    """

    def __init__(self, name, prefix, busy, running, waiting):
        self.name = name
        self.prefix = prefix
        self.busy = busy
        self.running_gauge = running
        self.waiting_gauge = waiting

    def setting(self, name):
        """The app's <prefix>_<name> setting."""
        return current_app.config[f"{self.prefix}_{name}"]

    def line(self):
        """The current app's line (setdefault is atomic: two first requests at once share one)."""
        return current_app.extensions.setdefault(self.name, Line())

    def waiting(self):
        """How many of the current app's requests wait for a turn now."""
        return len(self.line())

    def _wait_for_turn(self, waiters, ticket, folder, turns, deadline):
        """Wait in line, then for a free turn, until the deadline; the turn's locked descriptor."""
        while True:
            with waiters.changed:
                while waiters.tickets[0] is not ticket:
                    if not waiters.changed.wait(deadline - time.monotonic()) and time.monotonic() >= deadline:
                        raise self.busy("Every turn is taken.")
            fd = try_turns(folder, turns)
            if fd is not None:
                return fd
            if time.monotonic() >= deadline:
                raise self.busy("Every turn is taken.")
            time.sleep(POLL_SECONDS)  # another process (or thread) holds every turn: look again shortly

    @contextmanager
    def turn(self):
        """Hold one of the machine's turns of this kind while the body runs."""
        folder = self.setting("LOCK_DIR")
        os.makedirs(folder, exist_ok=True)
        # A request waits <prefix>_WAIT_SECONDS, then answers 503; work outside a request (the demo
        # catalogue at start-up, a command) has nobody to answer and waits its turn for longer.
        wait = self.setting("WAIT_SECONDS") if has_request_context() else OUTSIDE_REQUEST_WAIT_SECONDS
        deadline = time.monotonic() + wait
        ticket, waiters = object(), self.line()
        with waiters.changed:
            if len(waiters.tickets) >= self.setting("MAX_WAITING"):
                raise self.busy("The line for a turn is full.")
            waiters.tickets.append(ticket)
        self.waiting_gauge.inc()
        try:
            fd = self._wait_for_turn(waiters, ticket, folder, self.setting("CONCURRENCY"), deadline)
        finally:
            self.waiting_gauge.dec()
            with waiters.changed:
                waiters.tickets.remove(ticket)
                waiters.changed.notify_all()
        self.running_gauge.inc()
        try:
            yield
        finally:
            self.running_gauge.dec()
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def try_turns(folder, turns):
    """A locked file descriptor of a free turn, or None when every turn is taken."""
    for turn in range(turns):
        fd = os.open(os.path.join(folder, f"turn-{turn}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            os.close(fd)
    return None
