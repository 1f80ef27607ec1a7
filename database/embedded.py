"""The embedded in-memory database (mongomock) that `make run` and the tests use without MONGODB_URI.

Only database/db.py imports this module, and only when no MONGODB_URI is set: production never loads
mongomock. The adjustments below reach into mongomock's internals, so they stay here and nowhere else.
"""

import functools
import threading
from functools import wraps

import mongoengine
import mongomock
import mongomock.gridfs
from bson import ObjectId
from mongomock.filtering import filter_applies
from mongomock.store import ServerStore

WARNING = "MONGODB_URI is not set: using the embedded in-memory database; data is NOT persisted and is lost when the server stops."

# mongomock checks a unique index after storing the new document and rolls back on a clash, so two
# threads inserting the same name can both see the clash and both roll back: no movie, only 409s.
# Every write to the embedded store therefore holds one lock; a real MongoDB needs none.
WRITES = ("_insert", "_update", "_find_and_modify", "_delete", "bulk_write")
_write_lock = threading.RLock()


def _locked(method):
    """The method, run while holding the embedded store's write lock."""

    @wraps(method)
    def locked(*args, **kwargs):
        with _write_lock:
            return method(*args, **kwargs)

    return locked


def _by_id_first(iter_documents):
    """mongomock's document scan, with a filter naming one _id answered from the store's dict.

    mongomock scans every document even for an _id, where MongoDB uses its _id index: without this,
    reading or writing one movie costs time in proportion to the whole catalogue.
    """

    @wraps(iter_documents)
    def iter_by_id_first(self, filter):
        document_id = filter.get("_id") if isinstance(filter, dict) else None
        if isinstance(document_id, ObjectId | str):
            try:
                document = self._store[document_id]
            except KeyError:  # also when another thread deletes it between a check and the read
                return iter([])
            return iter([document] if filter_applies(filter, document) else [])
        return iter_documents(self, filter)

    return iter_by_id_first


# Applied once, when this module is first imported.
for _name in WRITES:
    setattr(mongomock.Collection, _name, _locked(getattr(mongomock.Collection, _name)))
mongomock.Collection._iter_documents = _by_id_first(mongomock.Collection._iter_documents)
# pymongo's gridfs checks that it is given pymongo's own Database: let it take mongomock's (posters).
mongomock.gridfs.enable_gridfs_integration()


def shared_client_class():
    """A mongomock client class whose clients all see one store, as workers sharing one MongoDB do."""
    return functools.partial(mongomock.MongoClient, _store=ServerStore())


def connect_embedded(app, client_class=None, **options):
    """Connect MongoEngine's default alias to a new in-memory database."""
    mongoengine.connect(
        db=app.config["MONGODB_DB"],
        host="mongodb://localhost",
        mongo_client_class=client_class or mongomock.MongoClient,
        **options,
    )
    if not app.testing:
        app.logger.warning(WARNING)
