"""Reviews: one per person and movie, changed only by its author or an admin."""

from bson import ObjectId
from mongoengine import CASCADE, DateTimeField, IntField, ReferenceField, StringField

from database import paging
from database.accounts import User
from database.common import OwnedDocument, exists, object_id, utcnow
from database.movies import NEWEST, Movie
from database.paging import Segment


class Review(OwnedDocument):
    """One person's review of one movie: one each, changed only by its author or an admin."""

    movie = ReferenceField(Movie, required=True, reverse_delete_rule=CASCADE)
    author = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    body = StringField(required=True, min_length=1, max_length=5000)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntField(default=1, min_value=1)

    meta = {
        "collection": "reviews",
        # Built by database/migrations.py before the app serves, never lazily on a write.
        "auto_create_index": False,
        "indexes": [{"fields": ["author", "movie"], "unique": True}, [("movie", 1), *NEWEST]],
    }
    unique_field = "review"
    unique_message = "You have reviewed this movie already: change that review instead."
    owner_field = "author"

    @classmethod
    def create(cls, movie_id, author_id, body):
        """A new review's row; None for an unknown movie, UniqueValueTaken for a second one by the author."""
        key = object_id(movie_id)
        if key is None or not exists(Movie, key):
            return None
        now = utcnow()
        row = {"movie": key, "author": author_id, "body": body, "created_at": now, "updated_at": now, "version": 1}
        with cls.naming_duplicates():
            cls._get_collection().insert_one(row)
        if not exists(Movie, key):  # the movie was deleted meanwhile: its review goes with it
            cls._get_collection().delete_one({"_id": row["_id"]})
            return None
        return row

    @classmethod
    def page(cls, movie_id, per_page, position=None, page_number=None, author=None):
        """One page of a movie's reviews (by author only, when given), newest first, each with its author's
        public name (paging.Page). Three queries whatever the page's size: the count, the page, its authors.
        """
        query = {"movie": object_id(movie_id), **({"author": ObjectId(author)} if author else {})}
        segments = [Segment(query, NEWEST)]
        found = paging.page(cls._get_collection(), segments, per_page, query, position, page_number)
        found.rows = with_authors(found.rows)
        return found


def with_authors(rows):
    """The review rows, each given its author's id and public name: one query for all of them."""
    names = User.public_names({row["author"] for row in rows})
    return [{**row, "author": {"id": row["author"], "display_name": names[row["author"]]}} for row in rows]
