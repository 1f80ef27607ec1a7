"""The bound on password hashing: a line, first come first served, of bounded length, and a wait with an end."""

import threading
import time

import pytest

from database.passwords import HashingBusy, hashing_turn, waiting


@pytest.fixture
def one_turn(app, tmp_path):
    """The app with one hashing turn on the machine (a lock folder of its own) and a long wait."""
    app.config.update(
        PASSWORD_HASH_CONCURRENCY=1, PASSWORD_HASH_WAIT_SECONDS=30, PASSWORD_HASH_MAX_WAITING=10, PASSWORD_HASH_LOCK_DIR=str(tmp_path)
    )
    return app


def wait_until(condition, seconds=10):
    """Poll until condition() holds; fail the test past seconds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_waiters_get_their_turn_in_the_order_they_came(one_turn):
    served, threads = [], []

    def hash_one(n):
        with one_turn.app_context(), hashing_turn():
            served.append(n)

    with one_turn.app_context(), hashing_turn():
        for n in range(6):
            threads.append(threading.Thread(target=hash_one, args=(n,)))
            threads[-1].start()
            wait_until(lambda n=n: waiting() == n + 1)  # n is in line before n + 1 comes
    for thread in threads:
        thread.join(10)
    assert served == [0, 1, 2, 3, 4, 5]
    assert waiting() == 0


def test_past_the_wait_a_request_leaves_the_line_busy(one_turn):
    one_turn.config["PASSWORD_HASH_WAIT_SECONDS"] = 0.05
    outcome = []

    def hash_one():
        with one_turn.test_request_context():
            try:
                with hashing_turn():
                    outcome.append("hashed")
            except HashingBusy:
                outcome.append("busy")

    with one_turn.app_context(), hashing_turn():
        thread = threading.Thread(target=hash_one)
        thread.start()
        thread.join(10)
    assert outcome == ["busy"]
    assert waiting() == 0
    # The turn it waited for is free again for the next one.
    with one_turn.app_context(), hashing_turn():
        assert waiting() == 0


def test_outside_a_request_hashing_waits_longer_than_a_request_would(one_turn):
    """The demo catalogue at start-up has no client to answer 503 to: it waits for its turn instead."""
    one_turn.config["PASSWORD_HASH_WAIT_SECONDS"] = 0.05
    outcome = []

    def hash_one():
        with one_turn.app_context(), hashing_turn():
            outcome.append("hashed")

    with one_turn.app_context(), hashing_turn():
        thread = threading.Thread(target=hash_one)
        thread.start()
        wait_until(lambda: waiting() == 1)
        time.sleep(0.2)  # four times a request's wait
    thread.join(10)
    assert outcome == ["hashed"]


def test_a_full_line_refuses_at_once_and_takes_the_next_when_there_is_room(one_turn):
    one_turn.config["PASSWORD_HASH_MAX_WAITING"] = 2
    held, release, threads, outcome = threading.Event(), threading.Event(), [], []

    def hash_one():
        with one_turn.app_context(), hashing_turn():
            outcome.append("hashed")

    def hold_turn():
        with one_turn.app_context(), hashing_turn():
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_turn)
    holder.start()
    with one_turn.app_context():
        assert held.wait(10)
        for n in range(2):
            threads.append(threading.Thread(target=hash_one))
            threads[-1].start()
            wait_until(lambda n=n: waiting() == n + 1)
        started = time.monotonic()
        with pytest.raises(HashingBusy), hashing_turn():
            pass
        assert time.monotonic() - started < 1  # refused at once, not after the 30 s wait
    release.set()
    for thread in [holder, *threads]:
        thread.join(10)
    assert outcome == ["hashed", "hashed"]
    with one_turn.app_context(), hashing_turn():
        assert waiting() == 0
