"""Delta sync and live updates against a live server on SecantusDB (a database with change streams), as
`make run` serves them: /api/sync and /api/events read the change log its recorder keeps.

The wire tier runs the production arrangement (the events service behind nginx): tests/test_wire_live.py.
"""

import time
import uuid

import pytest
import requests

from tests.live_server import live_server
from tests.sse import EventReader

pytestmark = pytest.mark.live

PASSWORD = "live-updates-password"
SECONDS = 2.0  # how soon a change must reach another client


@pytest.fixture(scope="module")
def server():
    """A server serving up to 3 streams of 60 s."""
    with live_server(env={"EVENT_STREAMS": "3", "EVENT_STREAM_SECONDS": "60"}) as base:
        yield base


@pytest.fixture(scope="module")
def short_server():
    """A server serving up to 2 streams of 2 s, idle ones carrying a comment every half second."""
    with live_server(env={"EVENT_STREAMS": "2", "EVENT_STREAM_SECONDS": "2", "EVENT_KEEPALIVE_SECONDS": "0.5"}) as base:
        yield base


def account(base):
    """A new account's Authorization header."""
    email = f"live-{uuid.uuid4().hex[:10]}@example.com"
    assert requests.post(f"{base}/api/auth/signup", json={"email": email, "password": PASSWORD}, timeout=30).status_code == 201
    token = requests.post(f"{base}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def create_movie(base, auth, name=None):
    """A new movie's id."""
    body = {"name": name or f"Live {uuid.uuid4().hex[:8]}", "casts": ["Someone"], "genres": ["Drama"]}
    answer = requests.post(f"{base}/api/movies", json=body, headers=auth, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def sync(base, auth, since=None, **params):
    """One sync page (asserted 200)."""
    answer = requests.get(f"{base}/api/sync", params={**({"since": since} if since else {}), **params}, headers=auth, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def sync_until(base, auth, since, predicate, timeout=SECONDS):
    """Sync from `since` until predicate(changes) holds (within timeout seconds): (changes, next)."""
    deadline = time.monotonic() + timeout
    while True:
        page = sync(base, auth, since)
        if predicate(page["changes"]) or time.monotonic() > deadline:
            return page["changes"], page["next"]
        time.sleep(0.1)


def of(changes, kind, thing_id):
    """The change of this type and id in a page, or None."""
    return next((change for change in changes if change["type"] == kind and change["id"] == thing_id), None)


def test_a_second_clients_sync_gets_a_movie_created_changed_and_deleted_with_its_tombstone(server):
    alice, bob = account(server), account(server)
    start = sync(server, bob)
    assert start["changes"] == [] and start["more"] is False

    movie_id = create_movie(server, alice)
    changes, token = sync_until(server, bob, start["next"], lambda found: of(found, "movie", movie_id))
    assert of(changes, "movie", movie_id)["op"] == "upsert" and of(changes, "movie", movie_id)["movie"]["id"] == movie_id

    assert requests.patch(f"{server}/api/movies/{movie_id}", json={"year": 1984}, headers=alice, timeout=30).status_code == 200
    changes, token = sync_until(server, bob, token, lambda found: of(found, "movie", movie_id))
    assert of(changes, "movie", movie_id)["movie"]["year"] == 1984

    assert requests.delete(f"{server}/api/movies/{movie_id}", headers=alice, timeout=30).status_code == 204
    changes, token = sync_until(server, bob, token, lambda found: of(found, "movie", movie_id))
    assert of(changes, "movie", movie_id) == {"type": "movie", "op": "delete", "id": movie_id, "movie_id": movie_id}
    assert sync(server, bob, token)["changes"] == []


def test_sync_gives_the_callers_own_scores_reviews_and_watchlist_and_nobody_elses(server):
    alice, bob = account(server), account(server)
    movie_id = create_movie(server, alice)
    token, alice_token = sync(server, bob)["next"], sync(server, alice)["next"]
    assert requests.put(f"{server}/api/movies/{movie_id}/rating", json={"score": 9}, headers=alice, timeout=30).status_code == 200
    assert requests.put(f"{server}/api/movies/{movie_id}/rating", json={"score": 4}, headers=bob, timeout=30).status_code == 200
    assert requests.put(f"{server}/api/me/watchlist/{movie_id}", headers=bob, timeout=30).status_code == 204
    review = requests.post(f"{server}/api/movies/{movie_id}/reviews", json={"body": "Bob's view."}, headers=bob, timeout=30).json()

    changes, token = sync_until(server, bob, token, lambda found: of(found, "review", review["id"]))
    assert of(changes, "rating", movie_id)["rating"]["score"] == 4  # Bob's, never Alice's 9
    assert [change["type"] for change in changes if change["type"] != "movie"] == ["rating", "watchlist", "review"]
    assert of(changes, "watchlist", movie_id)["watchlist"]["added_at"]
    assert of(changes, "review", review["id"])["review"]["author_score"] == 4
    # The movie's rating (both scores) is the catalogue's, once, as it is now.
    assert next(change for change in changes if change["type"] == "movie")["movie"]["rating"] == {"average": 6.5, "count": 2}

    assert requests.delete(f"{server}/api/movies/{movie_id}/rating", headers=bob, timeout=30).status_code == 204
    assert requests.delete(f"{server}/api/me/watchlist/{movie_id}", headers=bob, timeout=30).status_code == 204
    assert requests.delete(f"{server}/api/reviews/{review['id']}", headers=bob, timeout=30).status_code == 204
    changes, _ = sync_until(server, bob, token, lambda found: of(found, "review", review["id"]))
    assert {(change["type"], change["op"]) for change in changes if change["type"] != "movie"} == {
        ("rating", "delete"),
        ("watchlist", "delete"),
        ("review", "delete"),
    }
    # Alice's own sync shows her score, and none of Bob's rows.
    alice_changes = sync(server, alice, alice_token)["changes"]
    assert of(alice_changes, "rating", movie_id)["rating"]["score"] == 9
    assert {change["type"] for change in alice_changes} == {"movie", "rating"}


def position_at(seconds):
    """The sync token of the log's position at this time (how positions are made: database/changes.py)."""
    from bson import Timestamp

    from database.changes import position

    return position(Timestamp(int(seconds), 0))


def test_sync_pages_follow_the_database_order_each_thing_once(server):
    alice = account(server)
    token = sync(server, alice)["next"]
    made = [create_movie(server, alice) for _ in range(5)]
    assert requests.patch(f"{server}/api/movies/{made[0]}", json={"year": 2001}, headers=alice, timeout=30).status_code == 200
    sync_until(server, alice, token, lambda found: of(found, "movie", made[4]))

    seen, more = [], True
    while more:
        page = sync(server, alice, token, per_page=2)
        ids = [change["id"] for change in page["changes"]]
        assert len(ids) <= 2 and len(set(ids)) == len(ids)
        seen += [change["id"] for change in page["changes"] if change["type"] == "movie" and change["id"] in made]
        token, more = page["next"], page["more"]
    # In the order the database made the changes: the five creations, then the first movie's change
    # (pages of two: the first page gives that movie as it is now, its change comes again at the end).
    assert seen == [*made, made[0]]
    whole = sync(server, alice, sync(server, alice)["next"])
    assert whole["changes"] == [] and whole["more"] is False


def test_a_token_older_than_the_log_is_410_and_a_malformed_one_400(server):
    alice = account(server)
    month_ago = position_at(time.time() - 31 * 86400)
    answer = requests.get(f"{server}/api/sync", params={"since": month_ago}, headers=alice, timeout=30)
    assert answer.status_code == 410 and answer.json()["code"] == "sync_expired" and "start over" in answer.json()["message"]

    malformed = requests.get(f"{server}/api/sync", params={"since": "yesterday"}, headers=alice, timeout=30)
    assert malformed.status_code == 400 and malformed.json()["code"] == "validation_failed" and "since" in malformed.json()["errors"]
    assert requests.get(f"{server}/api/sync", timeout=30).status_code == 401


def test_an_open_stream_gets_each_change_of_another_client_within_two_seconds(server):
    alice = account(server)
    with EventReader(server) as reader:
        assert reader.response.status_code == 200 and reader.response.headers["Content-Type"].startswith("text/event-stream")
        movie_id = create_movie(server, alice, "Streamed Movie")
        created = reader.wait_for(lambda event: event["data"]["id"] == movie_id, SECONDS)
        assert created["event"] == "movie.created" and created["data"]["movie"]["name"] == "Streamed Movie"

        requests.put(f"{server}/api/movies/{movie_id}/rating", json={"score": 7}, headers=alice, timeout=30)
        rated = reader.wait_for(lambda event: event["data"]["id"] == movie_id, SECONDS)
        assert rated["event"] == "movie.rated" and rated["data"]["movie"]["rating"] == {"average": 7.0, "count": 1}

        requests.post(f"{server}/api/movies/{movie_id}/reviews", json={"body": "Seen live."}, headers=alice, timeout=30)
        posted = reader.wait_for(lambda event: event["data"]["id"] == movie_id, SECONDS)
        assert posted["event"] == "review.posted" and posted["data"]["review"]["body"] == "Seen live."
        assert "viewer" not in rated["data"]["movie"] and "email" not in str(posted["data"])  # the stream is public

        requests.patch(f"{server}/api/movies/{movie_id}", json={"name": "Renamed Live"}, headers=alice, timeout=30)
        changed = reader.wait_for(lambda event: event["data"]["id"] == movie_id, SECONDS)
        assert changed["event"] == "movie.changed" and changed["data"]["movie"]["name"] == "Renamed Live"

        requests.delete(f"{server}/api/movies/{movie_id}", headers=alice, timeout=30)
        deleted = reader.wait_for(lambda event: event["data"]["id"] == movie_id, SECONDS)
        assert deleted["event"] == "movie.deleted" and deleted["data"] == {"type": "movie.deleted", "id": movie_id}
        ids = [created["id"], rated["id"], posted["id"], changed["id"], deleted["id"]]
        assert ids == sorted(ids) and len(set(ids)) == 5


def test_a_reconnect_with_last_event_id_misses_nothing_and_repeats_nothing(server):
    alice = account(server)
    with EventReader(server) as reader:
        first = create_movie(server, alice)
        seen = reader.wait_for(lambda event: event["data"]["id"] == first, SECONDS)
        assert seen is not None
    missed = [create_movie(server, alice) for _ in range(3)]
    requests.delete(f"{server}/api/movies/{first}", headers=alice, timeout=30)
    time.sleep(1)

    expected = [("movie.created", movie_id) for movie_id in missed] + [("movie.deleted", first)]
    # With the header, as EventSource sends it, and in the query, for a client that cannot send headers.
    for in_query in (False, True):
        with EventReader(server, last_event_id=seen["id"], in_query=in_query) as again:
            got = []
            while len(got) < 4 and (event := again.next(SECONDS)) is not None:
                got.append(event)
        assert [(event["event"], event["data"]["id"]) for event in got] == expected
        assert all(event["id"] > seen["id"] for event in got)


def test_a_stream_ends_on_time_with_keepalives_and_past_the_limit_is_a_503_while_requests_still_answer(short_server):
    with EventReader(short_server) as one, EventReader(short_server) as two:
        third = requests.get(f"{short_server}/api/events", timeout=10)
        assert third.status_code == 503 and third.json()["code"] == "busy" and third.headers["Retry-After"]
        started = time.monotonic()
        listed = requests.get(f"{short_server}/api/movies", timeout=10)
        assert listed.status_code == 200 and time.monotonic() - started < 5
        assert one.ended.wait(10) and two.ended.wait(10)
        assert one.retry == 3000 and one.comments >= 2
    assert requests.get(f"{short_server}/api/events", stream=True, timeout=10).status_code == 200


def test_changes_made_while_no_recorder_runs_reach_sync_once_one_runs_again():
    shared = {
        "MONGODB_DB": f"movie-bag-live-resume-{uuid.uuid4().hex[:8]}",
        "JWT_SECRET_KEY": "a-live-updates-secret-that-is-long-enough-0123",
    }
    with live_server(env={**shared, "EVENT_STREAMS": "2"}) as first:
        alice = account(first)
        token = sync(first, alice)["next"]
    # The recorder is down (only an API that serves no streams runs): changes wait in MongoDB's oplog.
    with live_server(env={**shared, "EVENT_STREAMS": "0"}) as api_only:
        movie_id = create_movie(api_only, alice)
        assert requests.patch(f"{api_only}/api/movies/{movie_id}", json={"year": 1968}, headers=alice, timeout=30).status_code == 200
        stalled = sync(api_only, alice, token)
        assert stalled["changes"] == [] and stalled["next"] == token
    with live_server(env={**shared, "EVENT_STREAMS": "2"}) as again:
        changes, _ = sync_until(again, alice, token, lambda found: of(found, "movie", movie_id), timeout=10)
        assert of(changes, "movie", movie_id)["movie"]["year"] == 1968
