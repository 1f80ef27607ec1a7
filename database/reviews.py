"""Reviews: one per person and movie, changed only by its author or an admin."""

from bson import ObjectId
from mongoengine import DateTimeField, IntField, ReferenceField, StringField

from database import paging
from database.accounts import User
from database.common import OwnedDocument, atomically, exists, object_id, primary, remove_some, utcnow
from database.movies import NEWEST, Movie
from database.paging import Segment
from database.ratings import Rating


class Review(OwnedDocument):
    """One person's review of one movie: one each, changed only by its author or an admin."""

    movie = ReferenceField(Movie, required=True)
    author = ReferenceField(User, required=True)
    body = StringField(required=True, min_length=1, max_length=5000)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntField(default=1, min_value=1)

    meta = {
        "collection": "reviews",
        # Built by database/migrations.py before the app serves, never lazily on a write.
        "auto_create_index": False,
        "indexes": [{"fields": ["author", "movie"], "unique": True}, [("movie", 1), *NEWEST], [("author", 1), *NEWEST]],
    }
    unique_field = "review"
    unique_message = "You have reviewed this movie already: change that review instead."
    owner_field = "author"

    @classmethod
    def create(cls, movie_id, author_id, body):
        """A new review's row; None for an unknown movie, UniqueValueTaken for a second one by the author.

        The movie's review count changes with it (one transaction, see Movie.count_child): a movie deleted
        meanwhile either takes the review with it or makes this write find it gone.
        """
        key = object_id(movie_id)
        if key is None:
            return None
        now = utcnow()
        row = {"movie": key, "author": author_id, "body": body, "created_at": now, "updated_at": now, "version": 1}

        def work(session):
            row.pop("_id", None)  # a transaction run again inserts afresh
            User.require_open(author_id, session)
            if session is not None:
                Movie.count_child(key, "review_count", 1, session)
            with cls.naming_duplicates():
                primary(cls).insert_one(row, session=session)
            if session is None and not Movie.recount(key):  # the movie was deleted meanwhile: its review goes with it
                primary(cls).delete_one({"_id": row["_id"]})
                return None
            return row

        if not exists(Movie, key):
            return None
        return atomically(work)

    @classmethod
    def ids_among(cls, author_id, movie_ids):
        """The ids of the author's reviews of these movies, {movie id: review id}: one query whatever their number."""
        rows = primary(cls).find({"author": author_id, "movie": {"$in": list(movie_ids)}}, {"movie": 1})
        return {row["movie"]: row["_id"] for row in rows}

    @classmethod
    def delete_where(cls, doc_id, owner=None, versions=None):
        """Delete the review if it matches owner and versions, its movie's count with it; False if none matched."""
        if object_id(doc_id) is None:
            return False

        def work(session):
            row = primary(cls).find_one_and_delete(cls.write_filter(doc_id, owner, versions), {"movie": 1}, session=session)
            if row is None:
                return False
            if session is not None:
                Movie.count_child(row["movie"], "review_count", -1, session, missing_ok=True)
            else:
                Movie.recount(row["movie"])
            return True

        return atomically(work)

    @classmethod
    def remove_some_of(cls, user_id, batch):
        """Delete up to batch of the user's reviews (an account's purge): how many there were to delete."""
        return remove_some(cls, {"author": user_id}, lambda row: cls.delete_where(row["_id"]), batch)

    @classmethod
    def page(cls, movie_id, per_page, position=None, page_number=None, author=None):
        """One page of a movie's reviews (by author only, when given), newest first, each with its author's
        public name and score (paging.Page). Four queries whatever the page's size: the count, the page, its
        authors, their scores.
        """
        query = {"movie": object_id(movie_id), **({"author": ObjectId(author)} if author else {})}
        segments = [Segment(query, NEWEST)]
        found = paging.page(cls._get_collection(), segments, per_page, query, position, page_number)
        found.rows = with_authors(found.rows)
        return found


def page_by_author(author_id, per_page, position=None, page_number=None):
    """One page of the author's reviews of any movie, newest first, like a movie's (paging.Page)."""
    query = {"author": author_id}
    found = paging.page(Review._get_collection(), [Segment(query, NEWEST)], per_page, query, position, page_number)
    found.rows = with_authors(found.rows)
    return found


def with_authors(rows):
    """The review rows, each given its author's id and public name and the author's score of the movie (or
    None): two queries for all of them."""
    names = User.public_names({row["author"] for row in rows})
    scores = Rating.scores_of_pairs((row["author"], row["movie"]) for row in rows)
    return [
        {
            **row,
            "author": {"id": row["author"], "display_name": names[row["author"]]},
            "author_score": scores.get((row["author"], row["movie"])),
        }
        for row in rows
    ]
