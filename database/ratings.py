"""One score per person and movie; the movie's rating follows every change."""

from mongoengine import CASCADE, DateTimeField, Document, IntField, ReferenceField
from pymongo.errors import DuplicateKeyError

from database.accounts import User
from database.common import exists, object_id, utcnow
from database.movies import Movie


class Rating(Document):
    """One person's score of one movie, 1 to 10; the movie's sum and count follow every change."""

    user = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    movie = ReferenceField(Movie, required=True, reverse_delete_rule=CASCADE)
    score = IntField(required=True, min_value=1, max_value=10)
    updated_at = DateTimeField(default=utcnow)

    meta = {"collection": "ratings", "auto_create_index": False, "indexes": [{"fields": ["user", "movie"], "unique": True}, "movie"]}

    @classmethod
    def score_of(cls, user_id, movie_id):
        """The user's score of the movie, or None."""
        key = object_id(movie_id)
        row = cls._get_collection().find_one({"user": user_id, "movie": key}, {"score": 1}) if key else None
        return row["score"] if row else None

    @classmethod
    def put(cls, user_id, movie_id, score):
        """Set the user's score of the movie (a second one replaces the first); False for an unknown movie."""
        key = object_id(movie_id)
        if key is None or not exists(Movie, key):
            return False
        ratings = cls._get_collection()
        try:
            before = ratings.find_one_and_update(
                {"user": user_id, "movie": key}, {"$set": {"score": score, "updated_at": utcnow()}}, upsert=True
            )
        except DuplicateKeyError:  # two first ratings at once: the other inserted it, so this one replaces it
            before = ratings.find_one_and_update({"user": user_id, "movie": key}, {"$set": {"score": score, "updated_at": utcnow()}})
        previous = before["score"] if before else None
        if not Movie.change_rating(key, score - (previous or 0), 0 if previous is not None else 1):
            ratings.delete_one({"user": user_id, "movie": key})  # the movie was deleted meanwhile
            return False
        return True

    @classmethod
    def remove(cls, user_id, movie_id):
        """Take the user's score of the movie back, if any."""
        key = object_id(movie_id)
        before = cls._get_collection().find_one_and_delete({"user": user_id, "movie": key}) if key else None
        if before is not None:
            Movie.change_rating(key, -before["score"], -1)

    @classmethod
    def remove_all_of(cls, user_id):
        """Take back every score the user gave, each movie's rating corrected."""
        for row in cls._get_collection().find({"user": user_id}, {"movie": 1}):
            cls.remove(user_id, row["movie"])
