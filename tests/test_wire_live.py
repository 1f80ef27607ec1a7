"""Delta sync and live updates as production serves them (wire tier): nginx with the committed template in
front of the API (gunicorn, 3 workers, which serve no streams) and the events service (the same app, one
worker serving EVENT_STREAMS streams on threads of their own), all on one MongoDB with change streams."""

import contextlib
import time
import uuid

import pytest
import requests

from tests.live_server import DEFAULT_ENV, behind_nginx, drop_databases, migrate, production_env, serve
from tests.sse import EventReader

pytestmark = pytest.mark.live

PASSWORD = "a-wire-live-password"
SECONDS = 2.0


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """(nginx's URL, the API's own URL, the events service's own URL) on a migrated database of their own."""
    import os

    database = f"movie-bag-wire-live-{time.time_ns()}"
    env = production_env(database)
    migrate({**os.environ, **DEFAULT_ENV, "PIPENV_DONT_LOAD_ENV": "1", **env})
    logs = tmp_path_factory.mktemp("logs")
    events_env = {**env, "WEB_CONCURRENCY": "1", "EVENT_STREAMS": "20", "EVENT_STREAM_SECONDS": "30"}
    with contextlib.ExitStack() as stack:
        api = stack.enter_context(serve(env, server="gunicorn", log_path=logs / "api.log"))
        events = stack.enter_context(serve(events_env, server="gunicorn", log_path=logs / "events.log"))
        front = stack.enter_context(behind_nginx(api, logs / "nginx.log", events_url=events))
        yield front, api, events
    drop_databases(database, f"{database}-limits")


def account(base):
    """A new account's Authorization header, through nginx."""
    email = f"wire-live-{uuid.uuid4().hex[:10]}@example.com"
    assert requests.post(f"{base}/api/auth/signup", json={"email": email, "password": PASSWORD}, timeout=30).status_code == 201
    token = requests.post(f"{base}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def synced(base, auth, since, movie_id, timeout=SECONDS):
    """The sync change of the movie after `since`, polled for up to timeout seconds: (change or None, next)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = requests.get(f"{base}/api/sync", params={"since": since}, headers=auth, timeout=30)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        found = next((change for change in page["changes"] if change["type"] == "movie" and change["id"] == movie_id), None)
        if found or time.monotonic() > deadline:
            return found, page["next"]
        time.sleep(0.1)


def test_one_clients_create_change_and_delete_reach_anothers_stream_and_sync_within_two_seconds_through_nginx(stack):
    front, _, _ = stack
    alice, bob = account(front), account(front)
    token = requests.get(f"{front}/api/sync", headers=bob, timeout=30).json()["next"]
    with EventReader(front) as stream:
        assert stream.response.status_code == 200
        started = time.monotonic()
        movie_id = requests.post(
            f"{front}/api/movies", json={"name": "Wire Live", "casts": ["A"], "genres": ["Drama"]}, headers=alice, timeout=30
        ).json()["id"]
        created = stream.wait_for(lambda event: event["data"]["id"] == movie_id, SECONDS)
        assert created is not None and created["event"] == "movie.created", f"no event within {SECONDS} s"
        change, token = synced(front, bob, token, movie_id)
        assert change["op"] == "upsert" and time.monotonic() - started < 2 * SECONDS

        assert requests.patch(f"{front}/api/movies/{movie_id}", json={"year": 1977}, headers=alice, timeout=30).status_code == 200
        changed = stream.wait_for(lambda event: event["data"]["id"] == movie_id, SECONDS)
        assert changed["event"] == "movie.changed" and changed["data"]["movie"]["year"] == 1977
        change, token = synced(front, bob, token, movie_id)
        assert change["movie"]["year"] == 1977

        assert requests.delete(f"{front}/api/movies/{movie_id}", headers=alice, timeout=30).status_code == 204
        deleted = stream.wait_for(lambda event: event["data"]["id"] == movie_id, SECONDS)
        assert deleted["event"] == "movie.deleted"
        change, token = synced(front, bob, token, movie_id)
        assert change["op"] == "delete"

    # A reconnect through nginx, to the events service, with the last id seen: what came since, nothing else.
    later = requests.post(
        f"{front}/api/movies", json={"name": "Wire Later", "casts": ["B"], "genres": ["Drama"]}, headers=alice, timeout=30
    ).json()["id"]
    time.sleep(1)
    with EventReader(front, last_event_id=deleted["id"]) as again:
        caught = again.next(SECONDS)
        assert (caught["event"], caught["data"]["id"]) == ("movie.created", later) and caught["id"] > deleted["id"]


def test_a_sync_token_older_than_the_tombstone_period_is_410_through_nginx(stack):
    front, _, _ = stack
    from bson import Timestamp

    from database.changes import RETENTION_DAYS, position

    old = position(Timestamp(int(time.time()) - (RETENTION_DAYS + 1) * 86400, 1), 0)
    answer = requests.get(f"{front}/api/sync", params={"since": old}, headers=account(front), timeout=30)
    assert answer.status_code == 410 and answer.json()["code"] == "sync_expired"


def test_the_apis_own_workers_serve_no_streams_and_nginx_passes_events_unbuffered(stack):
    front, api, events = stack
    refused = requests.get(f"{api}/api/events", timeout=10)
    assert refused.status_code == 503 and refused.json()["code"] == "live_updates_unavailable"
    with EventReader(front) as stream:
        assert stream.response.headers["Content-Type"].startswith("text/event-stream")
        assert "Content-Encoding" not in stream.response.headers
        # The first bytes (the retry line) arrive at once: nothing holds them back to fill a buffer.
        deadline = time.monotonic() + SECONDS
        while stream.retry is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stream.retry == 3000
    assert requests.get(f"{events}/api/ready", timeout=10).status_code == 200
