"""300 open event streams beside the API: GET /api/movies's p99 idle, then with the streams open and events
flowing to all of them (`make bench`; alone: `BENCH_ONLY=streams make bench`).

As production runs them on one machine: the API (gunicorn.conf.py, its workers serving no streams) and
the events service (the same app, one worker, EVENT_STREAMS threads for streams) on one database. The
streams are held by one client thread (a selector over STREAMS sockets on loopback), opened after the idle
measurement and closed after the loaded one; meanwhile a writer changes a movie every WRITE_EVERY seconds,
so each change is fanned out to every stream. Bounded: STREAMS connections, for the measurement's seconds.
"""

import contextlib
import selectors
import socket
import sys
import threading
import time
import urllib.parse

import requests

from tests.live_server import live_server

STREAMS = 300
WRITE_EVERY = 0.5
TARGET_RATIO = 2.0


class Streams:
    """count open /api/events streams on loopback, drained by one thread; counts the events each received."""

    def __init__(self, base, count):
        address = urllib.parse.urlsplit(base)
        self.selector = selectors.DefaultSelector()
        self.received, self.tails = {}, {}
        self.refused = 0
        self.stopping = threading.Event()
        request = f"GET /api/events HTTP/1.1\r\nHost: {address.netloc}\r\nAccept: text/event-stream\r\n\r\n".encode()
        for _ in range(count):
            connection = socket.create_connection((address.hostname, address.port), timeout=10)
            connection.sendall(request)
            head = connection.recv(4096)
            if not head.startswith(b"HTTP/1.1 200"):
                self.refused += 1
                connection.close()
                continue
            connection.setblocking(False)
            self.received[connection] = head.count(b"\nevent: ")
            self.tails[connection] = head[-7:]
            self.selector.register(connection, selectors.EVENT_READ)
        self.thread = threading.Thread(target=self.drain, daemon=True)
        self.thread.start()

    def drain(self):
        """Read whatever arrives on any stream, counting events, until closed."""
        while not self.stopping.is_set():
            for key, _ in self.selector.select(timeout=0.2):
                with contextlib.suppress(BlockingIOError):
                    data = key.fileobj.recv(65536)
                    if not data:
                        self.selector.unregister(key.fileobj)
                        continue
                    # A frame may be split between two reads: the last bytes of the one before count too.
                    joined = self.tails[key.fileobj] + data
                    self.received[key.fileobj] += joined.count(b"\nevent: ")
                    self.tails[key.fileobj] = joined[-7:]

    def open_count(self):
        """How many streams the server still holds open."""
        return len(self.selector.get_map())

    def close(self):
        """Close every stream."""
        self.stopping.set()
        self.thread.join(5)
        for connection in list(self.received):
            connection.close()


def writer(base, token, movie_id, stop):
    """Change the movie every WRITE_EVERY seconds until stop is set: how many changes were made."""
    made, session = 0, requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.wait(WRITE_EVERY):
        if (
            session.patch(f"{base}/api/movies/{movie_id}", json={"overview": f"change {made}"}, headers=headers, timeout=30).status_code
            == 200
        ):
            made += 1
    return made


def measure_streams(uri, database, secret, run_wrk, peak_rss_mib, warm_up, seconds, connections, streams=STREAMS):
    """The row: p99 of the first page idle and with `streams` streams open, their ratio, and the events delivered."""
    env = {
        "MONGODB_URI": uri,
        "MONGODB_DB": database,
        "JWT_SECRET_KEY": secret,
        "RATELIMIT_ENABLED": "0",
        "BCRYPT_LOG_ROUNDS": "4",
        "MIGRATE_ON_START": "1",
    }
    with contextlib.ExitStack() as stack:
        api = stack.enter_context(live_server(env=env, contract=False, server="gunicorn"))
        events = stack.enter_context(
            live_server(
                env={**env, "WEB_CONCURRENCY": "1", "EVENT_STREAMS": str(streams + 10), "MIGRATE_ON_START": "0"},
                contract=False,
                server="gunicorn",
            )
        )
        email, password = "streams-bench@example.com", "streams-bench-password"
        requests.post(f"{api}/api/auth/signup", json={"email": email, "password": password}, timeout=30)
        token = requests.post(f"{api}/api/auth/login", json={"email": email, "password": password}, timeout=30).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        for n in range(20):
            requests.post(
                f"{api}/api/movies", json={"name": f"Stream bench {n}", "casts": ["A"], "genres": ["Drama"]}, headers=auth, timeout=30
            )
        movie_id = requests.get(f"{api}/api/movies", timeout=30).json()[0]["id"]

        run_wrk(api, "get", None, ["/api/movies"], warm_up, connections)
        idle = run_wrk(api, "get", None, ["/api/movies"], seconds, connections)
        held = Streams(events, streams)
        stop = threading.Event()
        try:
            with contextlib.closing(_Thread(writer, api, token, movie_id, stop)) as writes:
                time.sleep(1)
                loaded = run_wrk(api, "get", None, ["/api/movies"], seconds, connections)
                stop.set()
                made = writes.result()
            time.sleep(1)  # the last change's events on their way
            still_open, counts = held.open_count(), sorted(held.received.values())
            events_rss = peak_rss_mib(events.pid)
        finally:
            held.close()
    return {
        "endpoint": f"GET /api/movies, {streams} event streams open",
        "streams": streams,
        "streams_refused": held.refused,
        "streams_open_at_end": still_open,
        "changes_made": made,
        "events_per_stream_min": counts[0] if counts else 0,
        "events_per_stream_max": counts[-1] if counts else 0,
        "idle_p99_ms": idle["p99_ms"],
        "idle_rps": idle["rps"],
        "p99_ms": loaded["p99_ms"],
        "rps": loaded["rps"],
        "p99_ratio": round(loaded["p99_ms"] / idle["p99_ms"], 2),
        "errors": loaded["errors"],
        "events_service_peak_rss_mib": events_rss,
    }


class _Thread(threading.Thread):
    """A thread whose function's result is kept."""

    def __init__(self, function, *args):
        super().__init__(daemon=True)
        self.function, self.args, self.value = function, args, None
        self.start()

    def run(self):
        self.value = self.function(*self.args)

    def result(self):
        self.join()
        return self.value

    def close(self):
        self.join(0)


def format_streams(row):
    """One line of the report."""
    return (
        f"{row['endpoint']}: p99 idle {row['idle_p99_ms']} ms, with streams {row['p99_ms']} ms ({row['p99_ratio']}x); "
        f"{row['streams'] - row['streams_refused']} streams held, {row['streams_open_at_end']} open at the end, "
        f"{row['changes_made']} changes, {row['events_per_stream_min']}-{row['events_per_stream_max']} events a stream; "
        f"the events service's peak RSS {row['events_service_peak_rss_mib']} MiB"
    )


def markdown(row):
    """The section's table."""
    held = row["streams"] - row["streams_refused"]
    return (
        "| streams held | open at the end | changes made | events a stream | idle p99 ms | p99 ms with streams | ratio | events service peak RSS MiB |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| {held} of {row['streams']} | {row['streams_open_at_end']} | {row['changes_made']} | "
        f"{row['events_per_stream_min']}-{row['events_per_stream_max']} | {row['idle_p99_ms']} | {row['p99_ms']} | "
        f"{row['p99_ratio']}x | {row['events_service_peak_rss_mib']} |"
    )


def verdict(row):
    """(met, sentence) of the target: p99 within TARGET_RATIO of idle, every stream held and fed."""
    fed = (
        row["streams_refused"] == 0
        and row["streams_open_at_end"] == row["streams"]
        and row["events_per_stream_min"] >= row["changes_made"] > 0
    )
    ok = row["p99_ratio"] <= TARGET_RATIO and fed
    return ok, f"{row['endpoint']}: p99 {row['p99_ratio']}x its idle p99 (<= {TARGET_RATIO}x), every stream held and given every change"


if __name__ == "__main__":
    sys.exit("run it with `BENCH_ONLY=streams make bench`")
