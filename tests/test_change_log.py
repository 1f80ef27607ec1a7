"""The change log, /api/sync and /api/events inside the test process, on SecantusDB (a database with change
streams: mongomock has none): the recorder's thread, a stream read chunk by chunk as a client reads it,
catching up after a reconnect, the `reset` of one that missed too much, and the recorder's recoveries.

The same endpoints behind real servers: tests/test_live_updates.py (waitress) and tests/test_wire_live.py
(gunicorn and nginx).
"""

import json
import queue
import threading
import time
import uuid

import pytest
from bson import ObjectId, Timestamp
from mongoengine.connection import get_db
from pymongo.errors import OperationFailure

from database import changes
from resources import live
from tests.live_server import session_database_uri
from tests.mongomock_app import make_app

SECONDS = 2.0


@pytest.fixture
def app():
    """An app on a database of its own on the session's SecantusDB, serving up to 4 streams of 2 s; its
    recorder stopped (and waited for) afterwards."""
    uri = session_database_uri(f"movie-bag-change-log-{uuid.uuid4().hex[:8]}")
    made = make_app(
        client_class=None,
        MONGODB_URI=uri,
        EVENT_STREAMS=4,
        EVENT_STREAM_SECONDS=2.0,
        EVENT_KEEPALIVE_SECONDS=0.2,
    )
    live.feed_of(made).start()
    yield made
    live.feed_of(made).stop(wait=5)


def auth(app, email="log@example.com"):
    """A new account's Authorization header."""
    client = app.test_client()
    assert client.post("/api/auth/signup", json={"email": email, "password": "a-good-password"}).status_code == 201
    token = client.post("/api/auth/login", json={"email": email, "password": "a-good-password"}).get_json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def create(app, headers, name):
    """A new movie's id."""
    answer = app.test_client().post("/api/movies", json={"name": name, "casts": ["A"], "genres": ["Drama"]}, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def synced(app, headers, since, wanted):
    """Sync pages from `since` until one holds a change `wanted` picks (within SECONDS): that page."""
    deadline = time.monotonic() + SECONDS
    while True:
        page = app.test_client().get("/api/sync", query_string={"since": since}, headers=headers).get_json()
        if any(wanted(change) for change in page["changes"]) or time.monotonic() > deadline:
            return page
        time.sleep(0.05)


class Frames:
    """An /api/events answer read as a server sends it to a client: chunk by chunk, as the app yields them,
    on a thread of its own (as a server's request thread runs the stream beside the other requests)."""

    def __init__(self, app, headers=None):
        self.chunks, self.ended = queue.Queue(), threading.Event()
        opened, self.response = threading.Event(), None

        def read():
            self.response = app.test_client().get("/api/events", headers=headers or {}, buffered=False)
            opened.set()
            try:
                for chunk in self.response.response:
                    self.chunks.put(chunk)
            finally:
                self.response.close()
                self.ended.set()

        threading.Thread(target=read, daemon=True).start()
        assert opened.wait(SECONDS)

    def next_chunk(self, timeout=SECONDS):
        """The next chunk within timeout seconds, or None (the stream ended, or nothing came)."""
        try:
            return self.chunks.get(timeout=timeout)
        except queue.Empty:
            return None

    def next_event(self, wanted=lambda event: True, timeout=SECONDS):
        """The next event frame `wanted` picks, as (id, event, data), within timeout seconds; None if none came."""
        deadline = time.monotonic() + timeout
        while (chunk := self.next_chunk(max(deadline - time.monotonic(), 0.01))) is not None:
            text = chunk.decode()
            if "data: " in text:
                fields = dict(line.split(": ", 1) for line in text.strip().splitlines())
                found = (fields.get("id"), fields["event"], json.loads(fields["data"]))
                if wanted(found):
                    return found
        return None


def test_a_movies_life_reaches_sync_and_an_open_stream(app):
    headers = auth(app)
    start = app.test_client().get("/api/sync", headers=headers).get_json()
    stream = Frames(app)
    if True:
        assert stream.next_chunk() == b"retry: 3000\n\n"
        movie_id = create(app, headers, "Logged Movie")
        position, kind, data = stream.next_event(lambda event: event[2]["id"] == movie_id)
        assert (kind, data["movie"]["name"]) == ("movie.created", "Logged Movie") and changes.POSITION.match(position)

        page = synced(app, headers, start["next"], lambda change: change["id"] == movie_id)
        assert [(change["type"], change["op"]) for change in page["changes"]] == [("movie", "upsert")]
        assert app.test_client().delete(f"/api/movies/{movie_id}", headers=headers).status_code == 204
        assert stream.next_event(lambda event: event[2]["id"] == movie_id)[1] == "movie.deleted"
        after = synced(app, headers, page["next"], lambda change: change["op"] == "delete")
        assert after["changes"] == [{"type": "movie", "op": "delete", "id": movie_id, "movie_id": movie_id}]


def test_a_stream_carries_keepalives_ends_on_time_and_a_fifth_is_busy(app):
    streams = [Frames(app) for _ in range(4)]
    assert {stream.next_chunk() for stream in streams} == {b"retry: 3000\n\n"}
    busy = app.test_client().get("/api/events")
    assert busy.status_code == 503 and busy.get_json()["code"] == "busy" and busy.headers["Retry-After"]
    assert streams[0].next_chunk() == b": keep-alive\n\n"
    assert all(stream.ended.wait(4) for stream in streams)
    assert Frames(app).next_chunk() == b"retry: 3000\n\n"


def test_a_reconnect_catches_up_and_one_that_missed_too_much_is_told_to_reset(app, monkeypatch):
    headers = auth(app)
    stream = Frames(app)
    first = create(app, headers, "Seen First")
    seen = stream.next_event(lambda event: event[2]["id"] == first)
    missed = [create(app, headers, f"Missed {n}") for n in range(3)]
    time.sleep(1)

    again = Frames(app, {"Last-Event-ID": seen[0]})
    assert [again.next_event()[2]["id"] for _ in missed] == missed

    monkeypatch.setattr(live, "CATCH_UP", 2)
    position, kind, data = Frames(app, {"Last-Event-ID": seen[0]}).next_event()
    assert (kind, data["code"]) == ("reset", "sync_expired") and position > seen[0]

    expired = changes.position(Timestamp(int(time.time()) - 40 * 86400, 1), 0)
    assert Frames(app, {"Last-Event-ID": expired}).next_event()[1] == "reset"


def test_sync_pages_hold_each_thing_once_and_say_when_more_wait(app):
    headers = auth(app)
    since = app.test_client().get("/api/sync", headers=headers).get_json()["next"]
    made = [create(app, headers, f"Paged {n}") for n in range(3)]
    synced(app, headers, since, lambda change: change["id"] == made[-1])
    page = app.test_client().get("/api/sync", query_string={"since": since, "per_page": 2}, headers=headers).get_json()
    assert [change["id"] for change in page["changes"]] == made[:2] and page["more"] is True
    rest = app.test_client().get("/api/sync", query_string={"since": page["next"], "per_page": 2}, headers=headers).get_json()
    assert [change["id"] for change in rest["changes"]] == made[2:] and rest["more"] is False


def test_while_nothing_changes_the_stream_position_is_kept_for_a_restart(app, monkeypatch):
    monkeypatch.setattr(changes, "IDLE_SAVE_SECONDS", 0.2)
    create(app, auth(app), "Before The Quiet")
    time.sleep(0.5)
    before = changes.state()
    deadline = time.monotonic() + 5
    while changes.state().get("resume") == before.get("resume") and time.monotonic() < deadline:
        time.sleep(0.1)
    kept = changes.state()
    assert kept["resume"] and kept["resume"] != before.get("resume") and kept["after"] >= before["after"]


def test_a_recorder_that_cannot_resume_starts_the_log_again_and_older_tokens_are_410(app, monkeypatch):
    headers = auth(app)
    token = app.test_client().get("/api/sync", headers=headers).get_json()["next"]
    live.feed_of(app).stop(wait=5)
    failed = []

    def history_lost(recorder):
        # What MongoDB answers when a resume token has left the oplog: ChangeStreamHistoryLost.
        failed.append(True)
        recorder.stopping.set()
        raise OperationFailure("Resume of change stream was not possible", code=286)

    monkeypatch.setattr(changes, "RETRY_SECONDS", 0)
    monkeypatch.setattr(changes.Recorder, "follow", history_lost)
    changes.Recorder().run()
    assert failed and changes.horizon() > token
    answer = app.test_client().get("/api/sync", query_string={"since": token}, headers=headers)
    assert answer.status_code == 410 and answer.get_json()["code"] == "sync_expired"


def test_a_recorder_that_loses_the_database_follows_again(app, monkeypatch):
    calls = []

    def flaky(recorder):
        calls.append(True)
        if len(calls) == 2:
            recorder.stopping.set()
        raise OperationFailure("not primary", code=10107)

    monkeypatch.setattr(changes, "RETRY_SECONDS", 0)
    monkeypatch.setattr(changes.Recorder, "follow", flaky)
    horizon = changes.horizon()
    changes.Recorder().run()
    assert len(calls) == 2 and changes.horizon() == horizon  # retried, and the log kept its horizon


def test_a_second_recorder_writes_the_same_entries_once(app):
    headers = auth(app)
    other = changes.Recorder().start()
    try:
        assert other.running.wait(SECONDS)
        made = ObjectId(create(app, headers, "Recorded Twice"))
        renamed = app.test_client().patch(f"/api/movies/{made}", json={"year": 1999}, headers=headers)
        assert renamed.status_code == 200
        deadline = time.monotonic() + SECONDS
        while get_db()[changes.COLLECTION].count_documents({"ref": made}) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # both recorders have had their turn
    finally:
        other.stop(wait=5)
    entries = list(get_db()[changes.COLLECTION].find({"ref": made}).sort("_id", 1))
    assert [entry["event"] for entry in entries] == ["movie.created", "movie.changed"]
