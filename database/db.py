"""Connecting MongoEngine to MongoDB, or to the embedded in-memory database."""

import threading
from functools import wraps

import mongoengine
from bson import ObjectId
from mongoengine.connection import get_db

EMBEDDED_WARNING = (
    "MONGODB_URI is not set: using the embedded in-memory database; "
    "data is NOT persisted and is lost when the server stops."
)

# mongomock checks a unique index after storing the new document and rolls back on a clash, so two
# threads inserting the same name can both see the clash and both roll back: no movie, only 409s.
# Every write to the embedded store therefore holds one lock; a real MongoDB needs none.
EMBEDDED_WRITES = ("_insert", "_update", "_find_and_modify", "_delete", "bulk_write")
_embedded_write_lock = threading.RLock()


def _locked(method):
    """The method, run while holding the embedded store's write lock."""

    @wraps(method)
    def locked(*args, **kwargs):
        with _embedded_write_lock:
            return method(*args, **kwargs)

    locked.tuned = True
    return locked


def _by_id_first(iter_documents, filter_applies):
    """mongomock's document scan, with a filter naming one _id answered from the store's dict.

    mongomock scans every document even for an _id, where MongoDB uses its _id index: without this
    GET, PATCH and DELETE of one movie cost time in proportion to the whole catalogue.
    """

    @wraps(iter_documents)
    def iter_by_id_first(self, filter):
        document_id = filter.get("_id") if isinstance(filter, dict) else None
        if isinstance(document_id, ObjectId):
            try:
                document = self._store[document_id]
            except KeyError:  # also when another thread deletes it between a check and the read
                return iter([])
            return iter([document] if filter_applies(filter, document) else [])
        return iter_documents(self, filter)

    iter_by_id_first.tuned = True
    return iter_by_id_first


def tune_embedded_store(collection_class):
    """Make mongomock's writes atomic with respect to one another, and its lookups by _id direct."""
    from mongomock.filtering import filter_applies

    for name in EMBEDDED_WRITES:
        method = getattr(collection_class, name)
        if not getattr(method, "tuned", False):
            setattr(collection_class, name, _locked(method))
    if not getattr(collection_class._iter_documents, "tuned", False):
        collection_class._iter_documents = _by_id_first(collection_class._iter_documents, filter_applies)


def init_db(app, client_class=None):
    """Connect the default MongoEngine alias for this app (mongomock when no MONGODB_URI).

    client_class replaces pymongo's client, so tests can run any configuration on mongomock.
    """
    uri = app.config["MONGODB_URI"]
    options = {"uuidRepresentation": "standard", "tz_aware": False}
    if client_class is not None:
        options["mongo_client_class"] = client_class
    # A fresh app replaces the previous connection (tests build one app per test).
    mongoengine.disconnect()
    if uri:
        timeout = app.config["MONGODB_TIMEOUT_MS"]
        mongoengine.connect(
            db=app.config["MONGODB_DB"],  # a database named in the URI wins
            host=uri,
            serverSelectionTimeoutMS=timeout,
            connectTimeoutMS=timeout,
            socketTimeoutMS=max(timeout, 10_000),
            **options,
        )
        app.extensions["embedded_db"] = False
    else:
        import mongomock  # imported here: production never needs it

        tune_embedded_store(mongomock.Collection)
        mongoengine.connect(
            db=app.config["MONGODB_DB"],
            host="mongodb://localhost",
            **{"mongo_client_class": mongomock.MongoClient, **options},
        )
        app.extensions["embedded_db"] = True
        if not app.testing:
            app.logger.warning(EMBEDDED_WARNING)


def ping():
    """Ask the database to answer; raises a pymongo error when it cannot."""
    get_db().command("ping")
