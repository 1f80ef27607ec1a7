"""What every aggregate module of database/ shares: the clock, ids, and the owned, conditionally written document."""

import re
import time
from contextlib import contextmanager
from datetime import UTC, datetime

from bson import ObjectId
from flask import current_app, has_app_context
from mongoengine import Document, NotUniqueError
from mongoengine.connection import get_connection
from pymongo import ReadPreference
from pymongo.errors import DuplicateKeyError, OperationFailure
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from turns import Busy

# How long one unit of work may keep trying (with_transaction's own limit is 120 s, past gunicorn's 30 s
# timeout): a document held by another transaction that long (say, one a crashed process left open
# until MongoDB's transactionLifetimeLimitSeconds ends it, 60 s) makes the request a 503 with Retry-After.
TRANSACTION_SECONDS = 20

# What a write that must outlive a failover waits for: most members of the replica set have it, so no
# election can roll it back (MongoDB's "Write Concern" and "Rollbacks During Replica Set Failover").
MAJORITY = WriteConcern("majority")


def utcnow():
    """Now in UTC, naive and cut to milliseconds as MongoDB stores it."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def object_id(value):
    """The ObjectId a path id names, or None for anything that is not 24 hex digits."""
    return ObjectId(value) if ObjectId.is_valid(value) else None


def contains(text):
    """A filter matching strings that contain text in any letter case.

    The $regex operator form, with $options, rather than a BSON regular expression: MongoDB treats
    the two alike, and the wire-protocol stand-in the tests use (SecantusDB) matches only this one
    against an indexed field.
    """
    return {"$regex": re.escape(text), "$options": "i"}


def exists(document_class, key, session=None):
    """True while a document of this class has this _id: one read by _id (on the primary), no document built."""
    return key is not None and primary(document_class).find_one({"_id": key}, {"_id": 1}, session=session) is not None


def primary(document_class):
    """The document's collection as every write and every check that a write depends on uses it: read
    from the primary whatever readPreference MONGODB_URI names (a secondary lags: a revoked session would
    still pass there, a version just written would look stale), and written with majority acknowledgement.

    The public catalogue's lists read through the plain collection, so a URI's readPreference may
    spread those reads over secondaries.
    """
    return durable(document_class._get_collection())


def durable(collection):
    """The pymongo collection read from the primary and written with majority acknowledgement (see primary)."""
    return collection.with_options(read_preference=ReadPreference.PRIMARY, write_concern=MAJORITY)


def remove_some(document_class, query, remove, batch):
    """Call remove(row) on up to batch rows matching query (an account's purge): how many there were."""
    rows = list(primary(document_class).find(query, {"movie": 1}).limit(batch))
    for row in rows:
        remove(row)
    return len(rows)


class Abort(Exception):
    """Raised inside a unit of work to undo it (a transaction is aborted) and return the value it carries."""

    def __init__(self, value=None):
        super().__init__(value)
        self.value = value


def has_transactions(client):
    """Whether the database behind the client runs multi-document transactions: a replica set member or a
    sharded cluster (MongoDB has none on a standalone server; mongomock has none at all)."""
    try:
        hello = client.admin.command("hello")
    except (NotImplementedError, OperationFailure):
        return False
    return "setName" in hello or hello.get("msg") == "isdbgrid"


def transactions_here():
    """has_transactions for the current connection, asked once per app."""
    client = get_connection()
    if not has_app_context():
        return has_transactions(client)
    known = current_app.extensions.setdefault("mongodb_transactions", {})
    if id(client) not in known:
        known[id(client)] = has_transactions(client)
    return known[id(client)]


def atomically(work):
    """Run work(session) as one unit: all of it or none of it.

    Where the database has transactions, work runs in one, committed with majority write concern and
    snapshot reads on the primary, and retried by pymongo's with_transaction under MongoDB's rules
    (a TransientTransactionError runs it again, an UnknownTransactionCommitResult commits again). Where it
    has none (mongomock), work(None) runs its steps in order, each function ordering them to converge:
    the parent's conditional write first, children after, aggregates recounted from their rows (what
    `flask repair-data` finishes after a crash). Raising Abort(value) undoes the work and returns value.
    """
    if not transactions_here():
        try:
            return work(None)
        except Abort as abort:
            return abort.value
    deadline = time.monotonic() + TRANSACTION_SECONDS

    def attempt(session):
        if time.monotonic() > deadline:
            raise Busy(f"a transaction kept conflicting for {TRANSACTION_SECONDS} s")
        return work(session)

    with get_connection().start_session() as session:
        try:
            return session.with_transaction(
                attempt, read_concern=ReadConcern("snapshot"), write_concern=MAJORITY, read_preference=ReadPreference.PRIMARY
            )
        except Abort as abort:
            return abort.value


MAX_WRITE_TRIES = 10
MISSING = object()


class WriteConflict(RuntimeError):
    """A conditional write kept losing to other writers of the same document."""


class UniqueValueTaken(NotUniqueError):
    """A write refused by a unique index, naming the field whose value is taken."""

    def __init__(self, field, message=None):
        super().__init__(message or f"That {field} is already taken.")
        self.field = field


class UniqueFieldDocument(Document):
    """A document with one unique field (or pair), whose duplicate-key errors name that field.

    MongoDB's own message names the index but mongomock's does not, so the document says it.
    Writes through MongoEngine raise NotUniqueError, raw pymongo writes DuplicateKeyError.
    """

    meta = {"abstract": True}
    unique_field = None
    unique_message = None

    @classmethod
    def taken(cls, row):
        """The unique field (and its message) whose value the row would repeat: the one unique field here."""
        return cls.unique_field, cls.unique_message

    @classmethod
    @contextmanager
    def naming_duplicates(cls, row=None):
        """Turn a duplicate-key error raised inside into UniqueValueTaken for the field the row repeats."""
        try:
            yield
        except (NotUniqueError, DuplicateKeyError) as exc:
            raise UniqueValueTaken(*cls.taken(row)) from exc

    def save(self, *args, **kwargs):
        """Save, turning a duplicate key into UniqueValueTaken."""
        with self.naming_duplicates():
            return super().save(*args, **kwargs)


class OwnedDocument(UniqueFieldDocument):
    """A document one user owns, read as a row and changed by conditional writes.

    Every write is one findAndModify (or delete) whose filter carries the owner and the If-Match
    versions when given, so no other worker can slip a change in between a check and the write.
    """

    meta = {"abstract": True}
    owner_field = None
    # Optional fields whose absence, not a null, is stored (a sparse unique index skips only absent ones).
    sparse_fields = ()

    @classmethod
    def read(cls, doc_id):
        """The stored row with this id, or None (a malformed id included)."""
        key = object_id(doc_id)
        return primary(cls).find_one({"_id": key}) if key else None

    @classmethod
    def write_filter(cls, doc_id, owner=None, versions=None):
        """The filter of a conditional write: this document, owned by owner and at one of versions when given."""
        query = {"_id": ObjectId(doc_id)}
        if owner is not None:
            query[cls.owner_field] = owner
        if versions is not None:
            query["version"] = {"$in": versions}
        return query

    @classmethod
    def derive(cls, row):
        """Fields computed from the row's others and stored beside them (none unless a document says)."""
        return {}

    @classmethod
    def update_where(cls, doc_id, changes, owner=None, versions=None):
        """Apply validated changes if the document matches owner and versions: the row as stored now, or None.

        The row is read (with the owner and If-Match conditions), its derived fields are computed from it
        and the changes, and it is written back only if it is still at the version read: one conditional
        update. A write by someone else in between makes this one start again from the new version.
        """
        key = object_id(doc_id)
        collection = primary(cls)
        for _ in range(MAX_WRITE_TRIES):
            current = collection.find_one(cls.write_filter(doc_id, owner, versions)) if key else None
            if current is None:
                return None
            row = {**current, **changes}
            row.update(cls.derive(row), updated_at=utcnow(), version=current["version"] + 1)
            changed = {field: value for field, value in row.items() if field != "_id" and current.get(field, MISSING) != value}
            unset = {field: "" for field in cls.sparse_fields if row.get(field) is None and field in current}
            update = {"$set": {field: value for field, value in changed.items() if field not in unset}}
            if unset:
                update["$unset"] = unset
            with cls.naming_duplicates(row):
                if collection.update_one({"_id": key, "version": current["version"]}, update).matched_count:
                    return {field: value for field, value in row.items() if not (field in cls.sparse_fields and value is None)}
        raise WriteConflict("This was changed by others several times meanwhile: try again.")

    @classmethod
    def delete_where(cls, doc_id, owner=None, versions=None):
        """Delete the document if it matches owner and versions; False if none matched."""
        if object_id(doc_id) is None:
            return False
        return bool(primary(cls).delete_one(cls.write_filter(doc_id, owner, versions)).deleted_count)
