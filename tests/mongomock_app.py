"""The unit tests' database: mongomock, inside the test process. Nothing of it is on the serving path.

Every test that builds an app builds it with make_app, on a fresh in-memory database; the app itself
never imports mongomock (create_app("testing") alone has no database and says so).
"""

import functools

import mongomock
import mongomock.gridfs
from mongomock.store import ServerStore

from app import create_app

# pymongo's gridfs checks that it is given pymongo's own Database: let it take mongomock's (posters).
mongomock.gridfs.enable_gridfs_integration()

# mongomock connects nowhere: the host is only parsed. The database is the configuration's MONGODB_DB.
URI = "mongodb://localhost"


def shared_client_class():
    """A mongomock client class whose clients all see one store, as workers sharing one MongoDB do."""
    return functools.partial(mongomock.MongoClient, _store=ServerStore())


def make_app(config_name="testing", client_class=mongomock.MongoClient, **overrides):
    """An app of the named configuration on mongomock (a fresh database unless client_class shares one;
    client_class=None: on pymongo, to the configuration's MONGODB_URI).

    The testing configuration names no database: it gets URI. Rate-limit counters stay in memory,
    whatever the configuration would send them to, as the data goes to mongomock.
    """
    settings = {"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_STORAGE_OPTIONS": {}, **overrides}
    if config_name == "testing":
        settings.setdefault("MONGODB_URI", URI)
    return create_app(config_name, mongo_client_class=client_class, **settings)
