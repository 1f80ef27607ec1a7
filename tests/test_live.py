"""Delta sync and live updates where the database has no change streams (mongomock), and the change log's
rules on their own: what each change becomes, and how positions order. The endpoints at work on a database
with change streams: tests/test_live_updates.py (and tests/test_wire_live.py, behind nginx)."""

import threading
from datetime import datetime

import pytest
from bson import ObjectId, Timestamp

from database import changes
from resources import live
from tests.mongomock_app import make_app


@pytest.fixture
def streaming_app():
    """An app that would serve event streams, on mongomock."""
    return make_app(EVENT_STREAMS=4)


def token_for(app):
    """A new account's Authorization header."""
    client = app.test_client()
    client.post("/api/auth/signup", json={"email": "sync@example.com", "password": "a-good-password"})
    token = client.post("/api/auth/login", json={"email": "sync@example.com", "password": "a-good-password"}).get_json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_without_change_streams_events_and_sync_are_503_saying_why(streaming_app):
    client = streaming_app.test_client()
    events = client.get("/api/events")
    assert events.status_code == 503 and events.get_json()["code"] == "live_updates_unavailable"
    assert "change streams" in events.get_json()["message"] and events.headers["Retry-After"]
    synced = client.get("/api/sync", headers=token_for(streaming_app))
    assert synced.status_code == 503 and synced.get_json()["code"] == "live_updates_unavailable"


def test_an_api_server_that_serves_no_streams_says_where_they_are():
    answer = make_app().test_client().get("/api/events")
    assert answer.status_code == 503 and answer.get_json()["code"] == "live_updates_unavailable"
    assert "events service" in answer.get_json()["message"]


def test_sync_needs_a_token_and_refuses_a_malformed_since(streaming_app):
    client = streaming_app.test_client()
    assert client.get("/api/sync").get_json()["code"] == "authentication_required"
    answer = client.get("/api/sync?since=not-a-token", headers=token_for(streaming_app))
    assert answer.status_code == 400 and "since" in answer.get_json()["errors"]


def test_a_malformed_last_event_id_in_the_query_is_a_400_naming_it(streaming_app):
    answer = streaming_app.test_client().get("/api/events?last_event_id=yesterday")
    assert answer.status_code == 400 and "last_event_id" in answer.get_json()["errors"]


def test_the_document_describes_the_sync_page_the_stream_and_their_codes(streaming_app):
    document = streaming_app.test_client().get("/api/openapi.json").get_json()
    sync = document["paths"]["/api/sync"]["get"]
    assert {"200", "410", "503"} <= set(sync["responses"]) and sync["security"]
    assert [parameter["name"] for parameter in sync["parameters"]] == ["since", "per_page"]
    change = document["components"]["schemas"]["SyncChange"]
    assert change["properties"]["type"]["enum"] == ["movie", "rating", "review", "watchlist"]
    assert change["properties"]["op"]["enum"] == ["upsert", "delete"]
    events = document["paths"]["/api/events"]["get"]
    assert "text/event-stream" in events["responses"]["200"]["content"]
    codes = document["components"]["schemas"]["Error"]["properties"]["code"]["enum"]
    assert {"sync_expired", "live_updates_unavailable", "busy"} <= set(codes)


WHEN = Timestamp(1_800_000_000, 7)


def event(collection, operation, key, when=WHEN, **extra):
    """A change event as MongoDB's change stream gives it."""
    return {
        "_id": {"_data": "token"},
        "operationType": operation,
        "clusterTime": when,
        "wallTime": datetime(2027, 1, 15, 8, 0),
        "ns": {"db": "movie-bag", "coll": collection},
        "documentKey": {"_id": key},
        **extra,
    }


def test_a_movies_changes_become_created_changed_rated_and_deleted_events():
    movie = ObjectId()
    assert changes.entry(event("movies", "insert", movie), 0)["event"] == "movie.created"
    renamed = event("movies", "update", movie, updateDescription={"updatedFields": {"name": "New", "version": 2}, "removedFields": []})
    assert changes.entry(renamed, 0)["event"] == "movie.changed"
    rated = event("movies", "update", movie, updateDescription={"updatedFields": {"rating_sum": 8, "rating_count": 1}, "removedFields": []})
    assert changes.entry(rated, 0)["event"] == "movie.rated"
    deleted = changes.entry(event("movies", "delete", movie), 3)
    assert deleted["event"] == "movie.deleted" and deleted["user"] is None and deleted["movie"] == movie
    # A change of the counts no answer shows is nobody's news.
    counted = event("movies", "update", movie, updateDescription={"updatedFields": {"watchlist_count": 2}, "removedFields": []})
    assert changes.entry(counted, 0) is None


def test_a_childs_deletion_is_its_owners_through_the_pre_image_and_private():
    user, movie = ObjectId(), ObjectId()
    gone = changes.entry(event("ratings", "delete", ObjectId(), fullDocumentBeforeChange={"user": user, "movie": movie, "score": 3}), 1)
    assert (gone["kind"], gone["op"], gone["user"], gone["movie"], gone["event"]) == ("rating", "delete", user, movie, None)
    review = changes.entry(event("reviews", "insert", ObjectId(), fullDocument={"author": user, "movie": movie}), 2)
    assert (review["user"], review["event"]) == (user, "review.posted")
    # Without an image, whose it was is unknown: it is left out rather than shown to everyone.
    assert changes.entry(event("watchlist", "delete", ObjectId()), 0) is None


def test_positions_order_as_the_database_committed_and_a_horizon_comes_before_its_own_time():
    early, late = Timestamp(1_800_000_000, 9), Timestamp(1_800_000_001, 1)
    assert changes.position(early, 0) < changes.position(early, 1) < changes.position(late, 0)
    assert changes.position(early, 999) < changes.position(Timestamp(1_800_000_000, 10), 0)
    assert changes.position(early) < changes.position(early, 0) and changes.position(early) > changes.position(
        Timestamp(1_799_999_999, 5), 9
    )
    assert all(changes.POSITION.match(value) for value in (changes.position(early), changes.position(late, 12)))
    assert changes.seconds_of(changes.position(late, 4)) == 1_800_000_001


def test_a_stream_that_lets_too_much_wait_is_closed_and_takes_what_waits_at_once():
    stream = live.Stream()
    stream.put([("1", b"a"), ("2", b"b")])
    assert stream.take(0.01) == [("1", b"a"), ("2", b"b")] and stream.take(0.01) == []
    stream.put([(str(n), b"x") for n in range(live.QUEUE_LIMIT + 1)])
    assert stream.closed


def test_a_waiting_stream_wakes_when_an_event_comes():
    stream = live.Stream()
    threading.Timer(0.05, stream.put, [[("1", b"a")]]).start()
    assert stream.take(5) == [("1", b"a")]


def test_a_feed_serves_at_most_its_streams_then_503_busy(streaming_app):
    feed = live.feed_of(streaming_app)
    opened = [feed.open() for _ in range(4)]
    with pytest.raises(live.StreamsFull):
        feed.open()
    feed.close(opened[0])
    feed.close(feed.open())
    feed.stop()
    assert all(stream.closed for stream in opened[1:])


def test_an_event_frame_is_one_server_sent_event():
    frame = live.frame("movie.deleted", {"type": "movie.deleted", "id": "abc"}, "180000000000000000070000001")
    assert frame == b'id: 180000000000000000070000001\nevent: movie.deleted\ndata: {"type":"movie.deleted","id":"abc"}\n\n'


def test_the_contract_check_reads_an_event_stream_event_by_event():
    from tests.contract import ContractViolation, contract

    head = {"Content-Type": "text/event-stream; charset=utf-8"}
    good = live.frame("movie.deleted", {"type": "movie.deleted", "id": "abc"}, "180000000000000000070000001")
    contract().check("GET", "/api/events", "", 200, head, b"retry: 3000\n\n" + good + b": keep-alive\n\n")
    for bad in (
        live.frame("movie.exploded", {"type": "movie.exploded"}),
        b"event: movie.deleted\ndata: not json\n\n",
        b"id: 12\nevent: reset\ndata: {}\n\n",
    ):
        with pytest.raises(ContractViolation):
            contract().check("GET", "/api/events", "", 200, head, bad)
