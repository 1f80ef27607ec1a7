"""Connecting MongoEngine to MongoDB (or, in development, the local database `make run` starts)."""

import threading

import mongoengine
from mongoengine.connection import get_db
from pymongo import monitoring
from pymongo.errors import ConnectionFailure

import metrics
from config import ConfigError

_ready_lock = threading.Lock()


class CommandMetrics(monitoring.CommandListener):
    """pymongo's command monitoring: every command's count and round trip, by command name."""

    def started(self, event):
        """Nothing to record before the answer."""

    def succeeded(self, event):
        """A command answered."""
        metrics.DB_COMMANDS.labels(event.command_name, "ok").inc()
        metrics.DB_LATENCY.labels(event.command_name).observe(event.duration_micros / 1e6)

    def failed(self, event):
        """A command failed."""
        metrics.DB_COMMANDS.labels(event.command_name, "failed").inc()
        metrics.DB_LATENCY.labels(event.command_name).observe(event.duration_micros / 1e6)


def init_db(app, client_class=None):
    """Connect the default MongoEngine alias for this app to MONGODB_URI (development's default: the local
    database `make run` starts, database/local_server.py).

    client_class replaces pymongo's client, so tests can run any configuration on mongomock.
    """
    uri = app.config["MONGODB_URI"]
    if not uri:
        raise ConfigError("MONGODB_URI is not set: the app has no database to connect to.")
    options = {"uuidRepresentation": "standard", "tz_aware": False, "event_listeners": [CommandMetrics()]}
    if client_class is not None:
        options["mongo_client_class"] = client_class
    # A fresh app replaces the previous connection (tests build one app per test).
    mongoengine.disconnect()
    timeout = app.config["MONGODB_TIMEOUT_MS"]
    # The client is the app's (app.extensions["mongodb"]); MongoEngine's documents reach it by its alias.
    app.extensions["mongodb"] = mongoengine.connect(
        db=app.config["MONGODB_DB"],  # a database named in the URI wins
        host=uri,
        serverSelectionTimeoutMS=timeout,
        connectTimeoutMS=min(timeout, 10_000),
        socketTimeoutMS=max(timeout, app.config["MONGODB_SOCKET_TIMEOUT_MS"]),
        # The defaults, said here because they matter: a write or read interrupted by a failover is
        # sent once more to the new primary. Multi-document writes are transactions (database/common.py).
        retryWrites=True,
        retryReads=True,
        **options,
    )


def ping():
    """Ask the database to answer; raises a pymongo error when it cannot."""
    get_db().command("ping")


def ensure_ready(app):
    """Make sure the database is at this code's schema before it serves: migrate it (development,
    MIGRATE_ON_START) or check it (production: NeedsMigration when it is not)."""
    if app.extensions.get("database_ready"):
        return
    from database.migrations import migrate, require_migrated

    with _ready_lock:
        if not app.extensions.get("database_ready"):
            migrate() if app.config["MIGRATE_ON_START"] else require_migrated()
            app.extensions["database_ready"] = True


def prepare(app):
    """At start-up: ensure_ready; a database that does not answer yet is tried again by each request.

    A production database that answers but needs `make migrate` stops start-up (NeedsMigration).
    """
    with app.app_context():
        try:
            ensure_ready(app)
        except ConnectionFailure as error:
            app.logger.warning("the database does not answer yet (%s): it is checked again with each request", type(error).__name__)


def is_empty(app):
    """Whether the database is ready and holds neither accounts nor movies: the only one the demo catalogue goes into."""
    from database.accounts import User
    from database.movies import Movie

    if not app.extensions.get("database_ready"):
        return False
    with app.app_context():
        return not any(document._get_collection().find_one({}, {"_id": 1}) for document in (User, Movie))
