"""Watchlists: the movies each person means to see."""

from mongoengine import DateTimeField, Document, ReferenceField
from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from database import paging
from database.accounts import User
from database.common import atomically, exists, object_id, primary, remove_some, utcnow
from database.movies import Movie
from database.paging import Segment

LATEST = [("added_at", DESCENDING), ("_id", DESCENDING)]


class WatchlistEntry(Document):
    """A movie on someone's watchlist."""

    user = ReferenceField(User, required=True)
    movie = ReferenceField(Movie, required=True)
    added_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "watchlist",
        # Built by database/migrations.py before the app serves, never lazily on a write.
        "auto_create_index": False,
        "indexes": [{"fields": ["user", "movie"], "unique": True}, [("user", 1), *LATEST], "movie"],
    }

    @classmethod
    def add(cls, user_id, movie_id):
        """Put the movie on the user's watchlist (again is no change); False for an unknown movie.

        The movie's watchlist count changes with a new entry, in one transaction (Movie.count_child).
        """
        key = object_id(movie_id)
        if key is None or not exists(Movie, key):
            return False

        def work(session):
            User.require_open(user_id, session)
            added = primary(cls).update_one(
                {"user": user_id, "movie": key}, {"$setOnInsert": {"added_at": utcnow()}}, upsert=True, session=session
            )
            if session is not None:
                if added.upserted_id is not None:
                    Movie.count_child(key, "watchlist_count", 1, session)
                return exists(Movie, key, session)
            if not Movie.recount(key):  # the movie was deleted meanwhile: the entry goes with it
                primary(cls).delete_one({"user": user_id, "movie": key})
                return False
            return True

        try:
            return bool(atomically(work))
        except DuplicateKeyError:  # two adds at once: it is on the list either way
            return exists(Movie, key)

    @classmethod
    def holds(cls, user_id, movie_id):
        """True when the movie is on the user's watchlist."""
        key = object_id(movie_id)
        return key is not None and primary(cls).find_one({"user": user_id, "movie": key}, {"_id": 1}) is not None

    @classmethod
    def held_among(cls, user_id, movie_ids):
        """Which of these movies are on the user's watchlist, as a set of ids: one query whatever their number."""
        return {row["movie"] for row in primary(cls).find({"user": user_id, "movie": {"$in": list(movie_ids)}}, {"movie": 1})}

    @classmethod
    def remove(cls, user_id, movie_id):
        """Take the movie off the user's watchlist, if it is on it, its movie's count with it."""
        key = object_id(movie_id)
        if key is None:
            return

        def work(session):
            removed = primary(cls).delete_one({"user": user_id, "movie": key}, session=session).deleted_count
            if session is None:
                Movie.recount(key)
            elif removed:
                Movie.count_child(key, "watchlist_count", -1, session, missing_ok=True)

        atomically(work)

    @classmethod
    def remove_some_of(cls, user_id, batch):
        """Delete up to batch of the user's watchlist entries (an account's purge): how many there were to delete."""
        return remove_some(cls, {"user": user_id}, lambda row: cls.remove(user_id, row["movie"]), batch)

    @classmethod
    def page(cls, user_id, per_page, position=None, page_number=None):
        """One page of the user's watchlist as movie rows, each with when it was added (`added_at`), most
        recently added first (paging.Page): three queries, the count, the page's entries and their movies."""
        query = {"user": user_id}
        segments = [Segment(query, LATEST)]
        found = paging.page(cls._get_collection(), segments, per_page, query, position, page_number, {"movie": 1, "added_at": 1})
        movies = Movie.rows_by_id([entry["movie"] for entry in found.rows])
        found.rows = [{**movies[entry["movie"]], "added_at": entry["added_at"]} for entry in found.rows if entry["movie"] in movies]
        return found
