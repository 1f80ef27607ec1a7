"""Delta sync (/api/sync) and live updates (/api/events), both read from the change log (database/changes.py).

- /api/sync gives an offline client every change since its token, a page at a time: the catalogue's
  movies (their rating included) and the caller's own scores, reviews and watchlist entries, each as it
  is now (`upsert`) or gone (`delete`, a tombstone kept RETENTION_DAYS). A token older than that is a 410.
- /api/events is a Server-Sent Events stream of the catalogue's public changes. Each process that serves
  streams has one Feed: one change stream (the recorder's) fanned out to all of its clients. A stream
  holds a thread of its own, set apart from those that answer requests (`make run`: server.py adds
  EVENT_STREAMS threads to waitress' pool; production: the `events` service, a gunicorn of its own behind
  nginx's /api/events location), and at most EVENT_STREAMS streams are served at once (then a 503). A
  stream ends after EVENT_STREAM_SECONDS; the browser's EventSource reconnects with Last-Event-ID and
  is given what it missed from the log, so a reconnect, to any process, misses nothing.
"""

import json
import threading
import time
import weakref

from flask import Response, current_app, request, stream_with_context
from flask_restful import Resource

from database import changes
from database.reviews import with_authors
from resources.contract import ACCESS, Reply, operation
from resources.schemas import events_query_schema, movie_schema, review_schema, sync_page_schema, sync_query_schema
from resources.tokens import require_account
from turns import Busy

TAG = "Live updates"
# How many missed events a reconnecting stream is given; past that it is told to reload (a `reset` event).
CATCH_UP = 1000
# A client that does not read its stream leaves at most this many events waiting before it is dropped (it
# reconnects and catches up from the log).
QUEUE_LIMIT = 5000
RETRY_MS = 3000
START_SECONDS = 5
EVENT_TYPES = ("movie.created", "movie.changed", "movie.rated", "movie.deleted", "review.posted")


# What each event of the stream is (the way OpenAPI tools read a text/event-stream schema: one event's fields).
EVENT_SCHEMA = {
    "type": "object",
    "description": "One event of the stream. `data` is JSON: `{type, id, movie}` (movie.created, movie.changed, movie.rated), "
    "`{type, id}` (movie.deleted), `{type, id, review}` (review.posted), `id` the movie's; `reset`: `{type, code, message}`.",
    "properties": {
        "event": {"type": "string", "enum": [*EVENT_TYPES, "reset"]},
        "data": {"type": "string", "contentMediaType": "application/json"},
        "id": {
            "type": "string",
            "pattern": changes.POSITION.pattern,
            "description": "The event's position: send it back as Last-Event-ID.",
        },
        "retry": {"type": "integer", "minimum": 0, "description": "How many milliseconds to wait before reconnecting."},
    },
    "additionalProperties": False,
}


class StreamsFull(Busy):
    """Every event stream this process serves is taken."""

    answer = "Every live-update stream this server serves is taken: retry after Retry-After."


class Stream:
    """One client's queue of events (lists of (position, frame bytes)), filled by its Feed."""

    def __init__(self):
        self.ready = threading.Condition()
        self.waiting = []
        self.closed = False

    def put(self, frames):
        """Queue frames; a client that lets too many wait is closed (it catches up when it reconnects)."""
        with self.ready:
            if len(self.waiting) + len(frames) > QUEUE_LIMIT:
                self.closed = True
            else:
                self.waiting.extend(frames)
            self.ready.notify()

    def close(self):
        """End the stream (the server is stopping)."""
        with self.ready:
            self.closed = True
            self.ready.notify()

    def take(self, timeout):
        """The frames waiting, after at most timeout seconds; [] when none came."""
        with self.ready:
            self.ready.wait_for(lambda: self.waiting or self.closed, timeout)
            frames, self.waiting = self.waiting, []
            return frames


class Feed:
    """A process's one change stream (database/changes.py's Recorder), fanned out to its event streams."""

    def __init__(self, app):
        self.app = app
        self.limit = app.config["EVENT_STREAMS"]
        self.lock = threading.Lock()
        self.streams = set()
        self.recorder = None

    def start(self):
        """Start the recorder, once, where the database has change streams; whether it runs. The first
        start waits (a few seconds at most) until it follows the stream, so a change log exists."""
        with self.lock:
            if self.recorder is None:
                with self.app.app_context():
                    if not changes.has_change_streams():
                        return False
                self.recorder = changes.Recorder(self.publish).start()
                self.recorder.running.wait(START_SECONDS)
        return True

    def stop(self, wait=None):
        """Stop the recorder (waiting up to `wait` seconds for it) and end every stream."""
        with self.lock:
            streams, self.streams = list(self.streams), set()
            if self.recorder is not None:
                self.recorder.stop(wait)
        for stream in streams:
            stream.close()

    def open(self):
        """A new client's Stream; StreamsFull past the limit."""
        with self.lock:
            if len(self.streams) >= self.limit:
                raise StreamsFull()
            stream = Stream()
            self.streams.add(stream)
            return stream

    def close(self, stream):
        """A client left."""
        with self.lock:
            self.streams.discard(stream)

    def publish(self, entries):
        """The recorder stored these entries: the public ones go to every client, read and framed once."""
        public = [entry for entry in entries if entry["event"]]
        with self.lock:
            streams = list(self.streams)
        if not public or not streams:
            return
        with self.app.app_context():
            frames = event_frames(public)
        for stream in streams:
            stream.put(frames)


def event_frames(entries):
    """[(position, Server-Sent Events frame)] of public log entries, each with what it names as it is now
    (a movie or review gone since is left out: its deletion comes after)."""
    movies, reviews = changes.current_public(entries)
    reviews = {row["_id"]: row for row in with_authors(list(reviews.values()))}
    frames = []
    for entry in entries:
        data = {"type": entry["event"], "id": str(entry["movie"])}
        if entry["kind"] == "movie" and entry["event"] != "movie.deleted":
            if entry["ref"] not in movies:
                continue
            data["movie"] = movie_schema.dump(movies[entry["ref"]])
        elif entry["kind"] == "review":
            if entry["ref"] not in reviews:
                continue
            data["review"] = review_schema.dump(reviews[entry["ref"]])
        frames.append((entry["_id"], frame(entry["event"], data, entry["_id"])))
    return frames


def frame(event, data, position=None):
    """One Server-Sent Events frame."""
    head = f"id: {position}\n" if position else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def feed_of(app):
    """The app's Feed (made by init_live)."""
    return app.extensions["live_feed"]


def init_live(app):
    """Give the app its Feed (started by start_feeds, or by the first stream)."""
    app.extensions["live_feed"] = Feed(app)
    FEEDS.add(app.extensions["live_feed"])


# The Feeds of this process's apps, held weakly: an app that is gone (a test's) takes its Feed with it.
FEEDS = weakref.WeakSet()


def start_feeds():
    """Start the recorder of every app of this process that serves streams (server.py, gunicorn's events service)."""
    for feed in FEEDS:
        if feed.limit:
            feed.start()


def catch_up(last_id):
    """The frames a reconnecting stream missed after last_id (the Last-Event-ID it sent), and where it is
    then; a `reset` frame first when the log no longer reaches back that far or too much was missed."""
    try:
        entries = changes.read_public(last_id, CATCH_UP)
    except changes.SyncExpired:
        entries = None
    if entries is None or len(entries) == CATCH_UP:
        latest = changes.latest()
        reset = frame(
            "reset", {"type": "reset", "code": "sync_expired", "message": "Too much was missed: read the catalogue again."}, latest
        )
        return [(latest, reset)], latest
    frames = event_frames(entries)
    return frames, (entries[-1]["_id"] if entries else last_id)


class EventStreamResource(Resource):
    """The catalogue's changes as they happen."""

    @operation(
        "streamEvents",
        "Live catalogue changes (Server-Sent Events)",
        description=(
            "A `text/event-stream` of the catalogue's changes as the database commits them: `movie.created`, "
            "`movie.changed`, `movie.rated` (its rating changed) and `review.posted`, whose `data` is JSON "
            "`{type, id, movie}` or `{type, id, review}` (the movie or review as its own GET gives it, `id` the "
            "movie's id), and `movie.deleted` (`{type, id}`). Each event's `id` is its position: a client that "
            "reconnects with `Last-Event-ID` (the browser's EventSource does; or `last_event_id` in the query) is "
            "first given every event it missed; one that missed too much gets a `reset` event (read the catalogue again). A stream ends "
            "after some minutes (the client reconnects, missing nothing) and carries a comment line while idle. "
            "503 `live_updates_unavailable` where the database has no change streams (a standalone mongod) or "
            "this server serves none; 503 `busy` when every stream it serves is taken."
        ),
        tag=TAG,
        responses={
            200: Reply(
                "The stream, until the server ends it.",
                headers=("Cache-Control",),
                content={"text/event-stream": {"schema": EVENT_SCHEMA}},
            )
        },
        errors=[503],
        query=events_query_schema,
    )
    def get(self, args):
        """The stream, or a 503."""
        feed = feed_of(current_app)
        if not feed.limit:
            raise changes.LiveUpdatesUnavailable(
                "This server does not serve live updates: they are served at the events service's /api/events (docs/production.md)."
            )
        if not feed.start():
            raise changes.LiveUpdatesUnavailable(
                "This database has no change streams, so there are no live updates (a MongoDB replica set or Atlas has them)."
            )
        last_id = request.headers.get("Last-Event-ID", "") or args.get("last_event_id", "")
        if last_id and not changes.POSITION.match(last_id):
            last_id = ""  # not one of ours (another server's, or garbage): the stream starts now
        changes.horizon()  # the log exists (or this is a 503 saying why not), before the stream's 200
        stream = feed.open()
        seconds, keepalive = current_app.config["EVENT_STREAM_SECONDS"], current_app.config["EVENT_KEEPALIVE_SECONDS"]

        def generate():
            try:
                yield f"retry: {RETRY_MS}\n\n".encode()
                last = ""
                if last_id:
                    frames, last = catch_up(last_id)
                    for _, data in frames:
                        yield data
                deadline = time.monotonic() + seconds
                while (remaining := deadline - time.monotonic()) > 0:
                    frames = stream.take(min(keepalive, remaining))
                    if stream.closed:
                        break
                    if not frames:
                        yield b": keep-alive\n\n"
                    for position, data in frames:
                        if position > last:
                            last = position
                            yield data
            finally:
                feed.close(stream)

        headers = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}
        return Response(stream_with_context(generate()), 200, headers, mimetype="text/event-stream")


class SyncResource(Resource):
    """What changed since a client last looked."""

    @operation(
        "syncChanges",
        "Changes since a sync token (offline clients)",
        description=(
            "Every change since `since`, oldest first, each thing once as it is now: the catalogue's movies (their "
            "rating included) and the caller's own scores, reviews and watchlist entries; `op: delete` is a "
            "tombstone, kept "
            f"{changes.RETENTION_DAYS} days. The order is the database's (its change stream), never a server's "
            "clock. To start: ask without `since` and keep `next`, then read the catalogue and your own lists; "
            "from then on ask with `since=next` (again at once while `more`). 410 `sync_expired`: the token is "
            f"older than {changes.RETENTION_DAYS} days (or than the log): start over. 503 "
            "`live_updates_unavailable`: the database has no change streams, or no events service has run."
        ),
        tag=TAG,
        responses={200: Reply("One page of changes.", sync_page_schema)},
        errors=[410, 503],
        query=sync_query_schema,
        auth=ACCESS,
    )
    def get(self, args):
        """A page of changes, or the token to start from."""
        user_id = require_account()
        since = args.get("since")
        if since is None:
            return sync_page_schema.dump({"changes": [], "next": changes.latest(), "more": False})
        entries, next_position, more = changes.read_for(user_id, since, args["per_page"])
        return sync_page_schema.dump({"changes": sync_changes(user_id, entries), "next": next_position, "more": more})


def sync_changes(user_id, entries):
    """The page's changes: each thing once, at the place of its last change, as it is now."""
    now = changes.current_rows(user_id, entries)
    reviews = {row["_id"]: row for row in with_authors(list(now["review"].values()))}
    latest = {}
    for entry in entries:
        key = (entry["kind"], entry["ref"] if entry["kind"] in ("movie", "review") else entry["movie"])
        latest.pop(key, None)
        latest[key] = entry
    found = []
    for (kind, key), entry in latest.items():
        current = reviews.get(key) if kind == "review" else now[kind].get(key)
        change = {"type": kind, "op": "upsert" if current else "delete", "id": str(key), "movie_id": str(entry["movie"])}
        if current:
            change[kind] = current
        found.append(change)
    return found
