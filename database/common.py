"""What every aggregate module of database/ shares: the clock, ids, and the owned, conditionally written document."""

import re
from contextlib import contextmanager
from datetime import UTC, datetime

from bson import ObjectId
from mongoengine import Document, NotUniqueError
from pymongo.errors import DuplicateKeyError


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


def exists(document_class, key):
    """True while a document of this class has this _id: one read by _id, no document built."""
    return key is not None and document_class._get_collection().find_one({"_id": key}, {"_id": 1}) is not None


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
        return cls._get_collection().find_one({"_id": key}) if key else None

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
        collection = cls._get_collection()
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
        """Delete the document if it matches owner and versions (delete rules apply); False if none matched."""
        if object_id(doc_id) is None:
            return False
        return bool(cls.objects(__raw__=cls.write_filter(doc_id, owner, versions)).delete())
