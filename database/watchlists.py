"""Watchlists: the movies each person means to see."""

import contextlib

from mongoengine import CASCADE, DateTimeField, Document, ReferenceField
from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from database import paging
from database.accounts import User
from database.common import exists, object_id, utcnow
from database.movies import Movie
from database.paging import Segment

LATEST = [("added_at", DESCENDING), ("_id", DESCENDING)]


class WatchlistEntry(Document):
    """A movie on someone's watchlist."""

    user = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    movie = ReferenceField(Movie, required=True, reverse_delete_rule=CASCADE)
    added_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "watchlist",
        # Built by database/migrations.py before the app serves, never lazily on a write.
        "auto_create_index": False,
        "indexes": [{"fields": ["user", "movie"], "unique": True}, [("user", 1), *LATEST], "movie"],
    }

    @classmethod
    def add(cls, user_id, movie_id):
        """Put the movie on the user's watchlist (again is no change); False for an unknown movie."""
        key = object_id(movie_id)
        if key is None or not exists(Movie, key):
            return False
        entries = cls._get_collection()
        with contextlib.suppress(DuplicateKeyError):  # two adds at once: it is on the list either way
            entries.update_one({"user": user_id, "movie": key}, {"$setOnInsert": {"added_at": utcnow()}}, upsert=True)
        if not exists(Movie, key):
            entries.delete_one({"user": user_id, "movie": key})
            return False
        return True

    @classmethod
    def holds(cls, user_id, movie_id):
        """True when the movie is on the user's watchlist."""
        key = object_id(movie_id)
        return key is not None and cls._get_collection().find_one({"user": user_id, "movie": key}, {"_id": 1}) is not None

    @classmethod
    def remove(cls, user_id, movie_id):
        """Take the movie off the user's watchlist, if it is on it."""
        key = object_id(movie_id)
        if key is not None:
            cls._get_collection().delete_one({"user": user_id, "movie": key})

    @classmethod
    def page(cls, user_id, per_page, position=None, page_number=None):
        """One page of the user's watchlist as movie rows, most recently added first (paging.Page): three
        queries, the count, the page's entries and their movies."""
        query = {"user": user_id}
        segments = [Segment(query, LATEST)]
        found = paging.page(cls._get_collection(), segments, per_page, query, position, page_number, {"movie": 1, "added_at": 1})
        movies = Movie.rows_by_id([entry["movie"] for entry in found.rows])
        found.rows = [movies[entry["movie"]] for entry in found.rows if entry["movie"] in movies]
        return found
