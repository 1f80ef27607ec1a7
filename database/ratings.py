"""One score per person and movie; the movie's rating follows every change."""

from mongoengine import DateTimeField, Document, IntField, ReferenceField
from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from database import paging
from database.accounts import User
from database.common import atomically, exists, object_id, primary, utcnow
from database.movies import Movie
from database.paging import Segment

# One's diary: the scores most recently given first.
LATEST = [("updated_at", DESCENDING), ("_id", DESCENDING)]


class Rating(Document):
    """One person's score of one movie, 1 to 10; the movie's sum, count and average follow every change.

    With transactions, the score and the movie's rating change together or not at all. Without, the
    score is written first and the movie's rating recounted from every score after, so a write repeated
    after a crash repairs it (as `flask repair-data` does for all of them).
    """

    user = ReferenceField(User, required=True)
    movie = ReferenceField(Movie, required=True)
    score = IntField(required=True, min_value=1, max_value=10)
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "ratings",
        "auto_create_index": False,
        "indexes": [{"fields": ["user", "movie"], "unique": True}, "movie", [("user", 1), *LATEST]],
    }

    @classmethod
    def score_of(cls, user_id, movie_id):
        """The user's score of the movie, or None."""
        key = object_id(movie_id)
        row = primary(cls).find_one({"user": user_id, "movie": key}, {"score": 1}) if key else None
        return row["score"] if row else None

    @classmethod
    def page(cls, user_id, per_page, position=None, page_number=None):
        """One page of the user's scores, most recently given first, each with its movie's row (paging.Page):
        three queries whatever the page's size, the count, the page and its movies."""
        query = {"user": user_id}
        found = paging.page(cls._get_collection(), [Segment(query, LATEST)], per_page, query, position, page_number)
        movies = Movie.rows_by_id([row["movie"] for row in found.rows])
        found.rows = [{**row, "movie": movies[row["movie"]]} for row in found.rows if row["movie"] in movies]
        return found

    @classmethod
    def scores_among(cls, user_id, movie_ids):
        """The user's scores of these movies, {movie id: score}: one query whatever their number."""
        rows = primary(cls).find({"user": user_id, "movie": {"$in": list(movie_ids)}}, {"movie": 1, "score": 1})
        return {row["movie"]: row["score"] for row in rows}

    @classmethod
    def scores_of_pairs(cls, pairs):
        """The scores of these (user id, movie id) pairs, {(user id, movie id): score}: one query whatever their number."""
        pairs = set(pairs)
        if not pairs:
            return {}
        users, movies = {user for user, _ in pairs}, {movie for _, movie in pairs}
        rows = primary(cls).find({"user": {"$in": list(users)}, "movie": {"$in": list(movies)}}, {"user": 1, "movie": 1, "score": 1})
        return {(row["user"], row["movie"]): row["score"] for row in rows if (row["user"], row["movie"]) in pairs}

    @classmethod
    def put(cls, user_id, movie_id, score):
        """Set the user's score of the movie (a second one replaces the first); False for an unknown movie."""
        key = object_id(movie_id)
        if key is None:
            return False
        change = {"$set": {"score": score, "updated_at": utcnow()}}

        def work(session):
            User.require_open(user_id, session)
            if not exists(Movie, key, session):
                return False
            before = primary(cls).find_one_and_update({"user": user_id, "movie": key}, change, upsert=True, session=session)
            if session is not None:
                previous = before["score"] if before else None
                Movie.change_rating(key, score - (previous or 0), 0 if previous is not None else 1, session)
            elif not Movie.recount(key):  # the movie was deleted meanwhile: its score goes with it
                primary(cls).delete_one({"user": user_id, "movie": key})
                return False
            return True

        try:
            return atomically(work)
        except DuplicateKeyError:  # two first scores at once: the other one inserted it, so this one replaces it
            return atomically(work)

    @classmethod
    def remove(cls, user_id, movie_id):
        """Take the user's score of the movie back, if any."""
        key = object_id(movie_id)
        if key is None:
            return

        def work(session):
            before = primary(cls).find_one_and_delete({"user": user_id, "movie": key}, session=session)
            if session is not None and before is not None:
                Movie.change_rating(key, -before["score"], -1, session)
            elif session is None:
                Movie.recount(key)

        atomically(work)

    @classmethod
    def remove_some_of(cls, user_id, batch):
        """Take back up to batch of the user's scores, each movie's rating corrected, as one unit of work
        (an account's purge): how many there were to take back. Six round trips however many scores."""

        def work(session):
            rows = list(primary(cls).find({"user": user_id}, {"movie": 1, "score": 1}, session=session).limit(batch))
            if rows:
                primary(cls).delete_many({"_id": {"$in": [row["_id"] for row in rows]}}, session=session)
                if session is not None:
                    Movie.take_back_scores({row["movie"]: row["score"] for row in rows}, session)
                else:
                    for row in rows:
                        Movie.recount(row["movie"])
            return len(rows)

        return atomically(work)
