"""The change log: every change to the catalogue and to each person's scores, reviews and watchlist, in
the order the database committed it, for `/api/sync` (offline clients) and `/api/events` (live updates).

The order is the database's own. A recorder (one thread in each process that serves event streams:
`make run`'s server, the `events` service in production) follows a MongoDB change stream over the
movies, ratings, reviews and watchlist collections and appends one entry a change to the `changes`
collection, under a position made of the change's cluster time (the oplog's timestamp, the same on
every machine) and its place among the changes of that same time (a transaction's). No API machine's
clock orders anything, so machines whose clocks differ skip nothing.

- Entries are inserted in stream order, each only after the one before it is stored (by this recorder
  or another: two recorders write the same entries under the same positions, the second write of each
  refused as a duplicate), so the log is always a prefix of the stream: a reader that saw position p
  has seen every position before it.
- A recorder resumes where the log ends (the change stream's resume token is kept with each entry,
  and with the log's state while nothing changes). When it cannot (the oplog no longer reaches back
  that far, or no recorder ever ran), it starts now and moves the log's *horizon* there: a token from
  before the horizon may have missed changes, so it is refused (410), as is one older than
  RETENTION_DAYS, the time an entry (a deletion's tombstone included) is kept (a TTL index).
- A deleted score, review or watchlist entry is attributed to its owner through the change stream's
  pre-image (MongoDB 6.0+: changeStreamPreAndPostImages, enabled on those collections by `make migrate`).

Change streams need a replica set or a sharded cluster (MongoDB Atlas included); mongomock and a
standalone mongod have none, and the two endpoints say so (LiveUpdatesUnavailable, a 503).
"""

import logging
import re
import threading
import time
from datetime import UTC, datetime

from mongoengine.connection import get_connection, get_db
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import BulkWriteError, CollectionInvalid, OperationFailure, PyMongoError
from pymongo.read_concern import ReadConcern

from database.common import durable, transactions_here

logger = logging.getLogger("movie_bag.changes")

COLLECTION = "changes"
STATE = "movie_bag_meta"  # the log's state is one row of the schema's own collection
STATE_ID = "change_log"
# How long a change (a deletion's tombstone included) stays in the log; a sync token older than this is a 410.
RETENTION_DAYS = 30
RETENTION_SECONDS = RETENTION_DAYS * 86400
KINDS = {"movies": "movie", "ratings": "rating", "reviews": "review", "watchlist": "watchlist"}
# The field that names a child row's person (its owner), read from the row or its pre-image.
OWNERS = {"ratings": "user", "reviews": "author", "watchlist": "user"}
# The children whose deletions need their pre-image to say whose they were.
PRE_IMAGES = ("ratings", "reviews", "watchlist")
# A movie's fields that make up its public rating (Movie.rating_fields), and those no answer shows.
RATING_FIELDS = {"rating_sum", "rating_count", "rating_average", "rated"}
UNSEEN_FIELDS = {"review_count", "watchlist_count"}
# The indexes of the log: readers walk it by position (its _id), a person's entries by theirs, the
# public events by theirs; `at` expires entries after RETENTION_DAYS.
INDEXES = [
    ([("user", ASCENDING), ("_id", ASCENDING)], {}),
    ([("event", ASCENDING), ("_id", ASCENDING)], {}),
    ([("at", ASCENDING)], {"expireAfterSeconds": RETENTION_SECONDS}),
]
POSITION = re.compile(r"^\d{20}(\d{7})?$")
BATCH = 200
AWAIT_MS = 300
RETRY_SECONDS = 2
# While nothing changes, the stream's own resume point is kept this often, so a restart resumes from it.
IDLE_SAVE_SECONDS = 30
WATCH = [
    {
        "$match": {
            "ns.coll": {"$in": list(KINDS)},
            "operationType": {"$in": ["insert", "update", "replace", "delete"]},
        }
    }
]


class LiveUpdatesUnavailable(RuntimeError):
    """No change log here: the database has no change streams, or no recorder has run on it yet."""


class SyncExpired(RuntimeError):
    """A position from before the log's horizon or older than its retention: the client starts over."""


def position(cluster_time, index=None):
    """The log position of a change: its cluster time, then its place among that time's changes.
    Without index, the position just before every change of that time (a horizon)."""
    head = f"{cluster_time.time:010d}{cluster_time.inc:010d}"
    return head if index is None else f"{head}{index:07d}"


def seconds_of(at):
    """The cluster time, in seconds since the epoch, of a position."""
    return int(at[:10])


def log():
    """The log as writers and readers use it: on the primary, majority-acknowledged, majority reads
    (a reader never sees an entry an election could roll back, and sees the log's prefix in order)."""
    return durable(get_db()[COLLECTION]).with_options(read_concern=ReadConcern("majority"))


def state_rows():
    """The collection that keeps the log's state."""
    return durable(get_db()[STATE])


def has_change_streams():
    """Whether the connected database has change streams: a replica set or a sharded cluster, as for
    transactions (asked once per app)."""
    return transactions_here()


def prepare():
    """Turn on pre-images for the children where there are change streams (idempotent, and safe when several
    processes migrate at once, as development's workers do; `make migrate` builds the log's INDEXES with the others)."""
    if not has_change_streams():
        return
    db = get_db()
    options = {row["name"]: row.get("options", {}) for row in db.list_collections(filter={"name": {"$in": list(PRE_IMAGES)}})}
    for name in PRE_IMAGES:
        if options.get(name, {}).get("changeStreamPreAndPostImages", {}).get("enabled"):
            continue
        if name not in options:
            try:
                db.create_collection(name, changeStreamPreAndPostImages={"enabled": True})
                continue
            except CollectionInvalid:
                pass  # another process made it meanwhile
        db.command("collMod", name, changeStreamPreAndPostImages={"enabled": True})


# --- recording ----------------------------------------------------------------------------------


def entry(event, index):
    """The log entry of one change event, or None for a change no client sees (a movie's hidden counts)."""
    collection = event["ns"]["coll"]
    kind, operation = KINDS[collection], event["operationType"]
    op = {"insert": "insert", "delete": "delete"}.get(operation, "update")
    cluster_time = event["clusterTime"]
    at = event.get("wallTime") or datetime.fromtimestamp(cluster_time.time, UTC).replace(tzinfo=None)
    row = {
        "_id": position(cluster_time, index),
        "kind": kind,
        "op": op,
        "ref": event["documentKey"]["_id"],
        "at": at,
        "resume": event["_id"],
    }
    if kind == "movie":
        changed = {name.split(".")[0] for name in (event.get("updateDescription") or {}).get("updatedFields", {})}
        changed |= {name.split(".")[0] for name in (event.get("updateDescription") or {}).get("removedFields", [])}
        if op == "update" and operation == "update" and changed <= UNSEEN_FIELDS:
            return None
        rated = op == "update" and operation == "update" and changed <= RATING_FIELDS | UNSEEN_FIELDS
        event_type = {"insert": "movie.created", "delete": "movie.deleted"}.get(op, "movie.rated" if rated else "movie.changed")
        return {**row, "movie": row["ref"], "user": None, "event": event_type}
    document = event.get("fullDocument") or event.get("fullDocumentBeforeChange")
    if document is None:
        logger.warning("change log: a %s %s of %s carried no image; its owner's sync will not show it", kind, op, row["ref"])
        return None
    posted = kind == "review" and op != "delete"
    return {**row, "movie": document.get("movie"), "user": document.get(OWNERS[collection]), "event": "review.posted" if posted else None}


def append(rows):
    """Insert rows in order, skipping those another recorder stored already (their positions are the same)."""
    collection = log()
    while rows:
        try:
            collection.insert_many(rows, ordered=True)
            return
        except BulkWriteError as error:
            first = error.details["writeErrors"][0]
            if first["code"] != 11000:
                raise
            rows = rows[first["index"] + 1 :]


def state():
    """The log's state row: {horizon, resume, after}, or None before any recorder ran."""
    return state_rows().find_one({"_id": STATE_ID})


def last_entry():
    """The latest entry of the log, or None."""
    return log().find_one({}, {"resume": 1}, sort=[("_id", DESCENDING)])


def operation_time():
    """The database's cluster time now (a Timestamp): a ping's operationTime."""
    client = get_connection()
    with client.start_session() as session:
        get_db().command("ping", session=session)
        return session.operation_time


def start_afresh():
    """Start the log at the database's time now: its horizon moves here (tokens from before are 410s)."""
    now = operation_time()
    state_rows().update_one(
        {"_id": STATE_ID},
        {"$set": {"horizon": position(now), "resume": None, "after": position(now), "started_at": now}},
        upsert=True,
    )
    logger.warning("change log: started at cluster time %s; sync tokens from before it will be refused", now)
    return now


def resume_point():
    """(resume token, start time, last position) to follow the stream from, whichever is later of the
    log's last entry and the state's idle resume point; (None, None, None) when there is neither."""
    found, last = state(), last_entry()
    if found is None:
        return None, None, None
    if last is not None and last["_id"] > (found.get("after") or ""):
        return last["resume"], None, last["_id"]
    if found.get("resume"):
        return found["resume"], None, found.get("after")
    return None, found.get("started_at"), found.get("after")


def save_idle_point(token, after):
    """Keep the stream's resume point while nothing changes (never moving it backwards)."""
    state_rows().update_one({"_id": STATE_ID, "after": {"$lte": after}}, {"$set": {"resume": token, "after": after}})


class Recorder:
    """Follows the change stream and appends to the log; calls publish(entries) after each batch it stored."""

    def __init__(self, publish=None):
        self.publish = publish or (lambda entries: None)
        self.stopping = threading.Event()
        self.running = threading.Event()
        self.thread = None

    def start(self):
        """Run in a daemon thread (one per process)."""
        self.thread = threading.Thread(target=self.run, name="change-log-recorder", daemon=True)
        self.thread.start()
        return self

    def stop(self, wait=None):
        """Stop following: the thread ends within a second (waited for up to `wait` seconds)."""
        self.stopping.set()
        if wait and self.thread is not None:
            self.thread.join(wait)

    def run(self):
        """Follow until stopped, starting again after a database error."""
        while not self.stopping.is_set():
            try:
                self.follow()
            except PyMongoError as error:
                self.running.clear()
                if isinstance(error, OperationFailure) and error.code in (136, 260, 280, 286):
                    # ChangeStreamHistoryLost (286), a token the oplog no longer has: whatever happened
                    # since is lost to the log, so it starts again here.
                    logger.warning("change log: cannot resume (%s); starting again now", error)
                    start_afresh()
                else:
                    logger.warning("change log: %s; following again in %s s", error, RETRY_SECONDS)
                self.stopping.wait(RETRY_SECONDS)

    def follow(self):
        """One change stream, from where the log ends, until stopped or an error."""
        token, start_at, after = resume_point()
        if token is None and start_at is None:
            start_at = start_afresh()
            after = position(start_at)
        options = {"resume_after": token} if token else {"start_at_operation_time": start_at}
        with get_db().watch(
            WATCH, full_document="whenAvailable", full_document_before_change="whenAvailable", max_await_time_ms=AWAIT_MS, **options
        ) as stream:
            self.running.set()
            last_time, index, idle_since = None, -1, None
            if after and len(after) == 27:
                last_time, index = after[:20], int(after[20:])
            while not self.stopping.is_set():
                events = []
                while len(events) < BATCH:
                    event = stream.try_next()
                    if event is None:
                        break
                    events.append(event)
                if not events:
                    idle_since = self.idle(stream, after, idle_since)
                    continue
                idle_since = None
                rows = []
                for event in events:
                    head = position(event["clusterTime"])
                    index = index + 1 if head == last_time else 0
                    last_time = head
                    found = entry(event, index)
                    after = position(event["clusterTime"], index)
                    if found is not None:
                        rows.append(found)
                if rows:
                    append(rows)
                    self.publish(rows)

    def idle(self, stream, after, idle_since):
        """Keep the stream's resume point now and then while nothing changes; the new idle_since."""
        now = time.monotonic()
        if idle_since is None:
            return now
        if now - idle_since >= IDLE_SAVE_SECONDS and after and stream.resume_token:
            save_idle_point(stream.resume_token, after)
            return now
        return idle_since


# --- reading ------------------------------------------------------------------------------------


def horizon():
    """The log's horizon: every change after it is (or will be) in the log. LiveUpdatesUnavailable when
    there is no log here."""
    if not has_change_streams():
        raise LiveUpdatesUnavailable("This database has no change streams (a MongoDB replica set or Atlas has them).")
    found = state()
    if found is None:
        raise LiveUpdatesUnavailable("No change recorder has run on this database yet (the events service starts one).")
    return found["horizon"]


def latest():
    """The position of the newest change in the log (its horizon when it has none)."""
    start = horizon()
    last = log().find_one({}, {"_id": 1}, sort=[("_id", DESCENDING)])
    return max(start, last["_id"]) if last else start


def check(since):
    """Refuse a position the log can no longer answer for (SyncExpired): before the horizon, or older
    than the retention by the database's own clock."""
    if since < horizon() or seconds_of(since) < operation_time().time - RETENTION_SECONDS:
        raise SyncExpired(
            f"This sync token is older than the change log reaches ({RETENTION_DAYS} days, or since the log last started): "
            "start over without `since`, read the catalogue again, then sync from the new token."
        )


def read_for(user_id, since, per_page):
    """One page of the log after `since` for this person: the catalogue's changes and their own.
    (entries, next position, more): read up to the log's end as it was when the read began."""
    check(since)
    end = latest()
    query = {"_id": {"$gt": since, "$lte": end}, "user": {"$in": [None, user_id]}}
    rows = list(log().find(query, {"resume": 0}).sort("_id", ASCENDING).limit(per_page + 1))
    more = len(rows) > per_page
    rows = rows[:per_page]
    return rows, (rows[-1]["_id"] if more else end), more


def read_public(after, limit):
    """The public events after a position (a reconnecting stream's Last-Event-ID), oldest first."""
    check(after)
    query = {"_id": {"$gt": after}, "event": {"$ne": None}}
    return list(log().find(query, {"resume": 0}).sort("_id", ASCENDING).limit(limit))


def current_rows(user_id, entries):
    """What the entries' subjects are now, for a sync page: {"movie": {id: row}, "rating": {movie id: row},
    "watchlist": {movie id: row}, "review": {id: row}}, the person's own only; one query a kind. A subject
    missing from its map is gone (a tombstone)."""
    from database.movies import Movie
    from database.ratings import Rating
    from database.reviews import Review
    from database.watchlists import WatchlistEntry

    wanted = {
        kind: {row["ref"] if kind in ("movie", "review") else row["movie"] for row in entries if row["kind"] == kind}
        for kind in KINDS.values()
    }
    mine = {"user": user_id}
    return {
        "movie": Movie.rows_by_id(wanted["movie"]) if wanted["movie"] else {},
        "rating": {row["movie"]: row for row in durable(Rating._get_collection()).find({**mine, "movie": {"$in": list(wanted["rating"])}})},
        "watchlist": {
            row["movie"]: row
            for row in durable(WatchlistEntry._get_collection()).find({**mine, "movie": {"$in": list(wanted["watchlist"])}})
        },
        "review": {
            row["_id"]: row for row in durable(Review._get_collection()).find({"_id": {"$in": list(wanted["review"])}, "author": user_id})
        },
    }


def current_public(entries):
    """The movies and reviews public events name, as they are now: ({movie id: row}, {review id: row})."""
    from database.movies import Movie
    from database.reviews import Review

    movies = {row["ref"] for row in entries if row["kind"] == "movie" and row["op"] != "delete"}
    reviews = [row["ref"] for row in entries if row["kind"] == "review"]
    found = {row["_id"]: row for row in durable(Review._get_collection()).find({"_id": {"$in": reviews}})} if reviews else {}
    return (Movie.rows_by_id(movies) if movies else {}), found
