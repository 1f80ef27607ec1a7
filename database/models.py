"""The documents, their indexes and delete rules, and the query functions the resources call.

Movies are read and written straight through pymongo, and every movie function returns the same
kind of value: the stored row, a dict with `_id` (building a MongoEngine document costs more than
serializing it, and a list page would build one per movie). Accounts, sessions and resets are
MongoEngine documents.
"""

import contextlib
import hashlib
import re
import secrets
import unicodedata
from contextlib import contextmanager
from datetime import UTC, datetime

from bson import ObjectId
from flask import current_app
from mongoengine import (
    CASCADE,
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    EmailField,
    FloatField,
    IntField,
    ListField,
    NotUniqueError,
    ReferenceField,
    StringField,
)
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from database import posters
from database.passwords import hash_password, needs_rehash, verify_password

# One hash per bcrypt cost, checked against when the email is unknown so both failures take as long.
_dummy_hashes = {}


def utcnow():
    """Now in UTC, naive and cut to milliseconds as MongoDB stores it."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def object_id(value):
    """The ObjectId a path id names, or None for anything that is not 24 hex digits."""
    return ObjectId(value) if ObjectId.is_valid(value) else None


def contains(text):
    """A filter matching strings that contain text in any letter case.

    The $regex operator form, with $options, rather than a BSON regular expression: MongoDB treats
    the two alike, and the wire-protocol stand-in the tests use (SecantusDB) matches only this one
    against an indexed field.
    """
    return {"$regex": re.escape(text), "$options": "i"}


def exists(document_class, key):
    """True while a document of this class has this _id: one read by _id, no document built."""
    return key is not None and document_class._get_collection().find_one({"_id": key}, {"_id": 1}) is not None


class UniqueValueTaken(NotUniqueError):
    """A write refused by a unique index, naming the field whose value is taken."""

    def __init__(self, field, message=None):
        super().__init__(message or f"That {field} is already taken.")
        self.field = field


class UniqueFieldDocument(Document):
    """A document with one unique field (or pair), whose duplicate-key errors name that field.

    MongoDB's own message names the index but mongomock's does not, so the document says it.
    Writes through MongoEngine raise NotUniqueError, raw pymongo writes DuplicateKeyError.
    """

    meta = {"abstract": True}
    unique_field = None
    unique_message = None

    @classmethod
    @contextmanager
    def naming_duplicates(cls):
        """Turn a duplicate-key error raised inside into UniqueValueTaken for the unique field."""
        try:
            yield
        except (NotUniqueError, DuplicateKeyError) as exc:
            raise UniqueValueTaken(cls.unique_field, cls.unique_message) from exc

    def save(self, *args, **kwargs):
        """Save, turning a duplicate key into UniqueValueTaken."""
        with self.naming_duplicates():
            return super().save(*args, **kwargs)


class OwnedDocument(UniqueFieldDocument):
    """A document one user owns, read as a row and changed by conditional writes.

    Every write is one findAndModify (or delete) whose filter carries the owner and the If-Match
    versions when given, so no other worker can slip a change in between a check and the write.
    """

    meta = {"abstract": True}
    owner_field = None

    @classmethod
    def read(cls, doc_id):
        """The stored row with this id, or None (a malformed id included)."""
        key = object_id(doc_id)
        return cls._get_collection().find_one({"_id": key}) if key else None

    @classmethod
    def write_filter(cls, doc_id, owner=None, versions=None):
        """The filter of a conditional write: this document, owned by owner and at one of versions when given."""
        query = {"_id": ObjectId(doc_id)}
        if owner is not None:
            query[cls.owner_field] = owner
        if versions is not None:
            query["version"] = {"$in": versions}
        return query

    @classmethod
    def update_where(cls, doc_id, changes, owner=None, versions=None):
        """Apply validated changes if the document matches owner and versions, in one atomic write.

        Returns the row as stored now, or None if nothing matched.
        """
        if object_id(doc_id) is None:
            return None
        update = {"$set": {**changes, "updated_at": utcnow()}, "$inc": {"version": 1}}
        with cls.naming_duplicates():
            return cls._get_collection().find_one_and_update(
                cls.write_filter(doc_id, owner, versions), update, return_document=ReturnDocument.AFTER
            )

    @classmethod
    def delete_where(cls, doc_id, owner=None, versions=None):
        """Delete the document if it matches owner and versions (delete rules apply); False if none matched."""
        if object_id(doc_id) is None:
            return False
        return bool(cls.objects(__raw__=cls.write_filter(doc_id, owner, versions)).delete())


class User(UniqueFieldDocument):
    """A person who can log in; email is stored lower-cased so lookups are case-insensitive."""

    email = EmailField(required=True, unique=True, max_length=254)
    password_hash = StringField(required=True)
    is_admin = BooleanField(default=False)
    # Shown beside the user's reviews; None shows as the default below. The email is never shown.
    display_name = StringField(min_length=1, max_length=50)
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "users", "auto_create_index": False, "indexes": ["created_at"]}
    unique_field = "email"

    @staticmethod
    def normalize_email(email):
        """The canonical form every stored and looked-up email takes: NFKC (a fullwidth letter is its
        ASCII letter), trimmed, lower case."""
        return unicodedata.normalize("NFKC", email).strip().lower()

    @classmethod
    def create(cls, email, password, is_admin=False, display_name=None):
        """A new account; UniqueValueTaken when the email is taken in any letter case."""
        user = cls(email=email, is_admin=is_admin, display_name=display_name)
        user.set_password(password)
        return user.save()

    @staticmethod
    def default_display_name(user_id):
        """The public name of an account that chose none: `user-` and the last 6 characters of its id.

        The last ones, a counter: the first ones are the creation time, alike for accounts made minutes apart.
        """
        return f"user-{str(user_id)[-6:]}"

    @property
    def public_name(self):
        """The name others see."""
        return self.display_name or self.default_display_name(self.id)

    @classmethod
    def public_names(cls, user_ids):
        """{id: public name} of these accounts: one query. An account gone meanwhile keeps its default name."""
        rows = cls._get_collection().find({"_id": {"$in": list(user_ids)}}, {"display_name": 1})
        names = {row["_id"]: row.get("display_name") for row in rows}
        return {user_id: names.get(user_id) or cls.default_display_name(user_id) for user_id in user_ids}

    def rename(self, display_name):
        """Change the public name (None: back to the default)."""
        if display_name is None:
            User.objects(id=self.id).update_one(unset__display_name=True)
        else:
            User.objects(id=self.id).update_one(set__display_name=display_name)
        self.display_name = display_name

    def delete_account(self):
        """Delete the account with everything of it: its scores (each movie's rating corrected), reviews,
        watchlist, sessions, resets, and its movies with their posters, ratings and reviews."""
        Rating.remove_all_of(self.id)
        for movie_id in Movie.objects(added_by=self.id).scalar("id"):
            posters.delete_files(movie_id)
        self.delete()

    @classmethod
    def find_by_id(cls, user_id):
        """The user with this id (a string or an ObjectId), or None."""
        key = user_id if isinstance(user_id, ObjectId) else object_id(user_id)
        return cls.objects(id=key).first() if key else None

    @classmethod
    def exists(cls, user_id):
        """True while an account has this id; reads no more than its _id."""
        return exists(cls, user_id)

    @classmethod
    def find_by_email(cls, email):
        """Return the user with this email in any letter case, or None."""
        return cls.objects(email=cls.normalize_email(email)).first()

    @classmethod
    def page(cls, q, page, per_page):
        """One page of accounts, newest first (q: a substring of the email), and how many match."""
        users = cls.objects(__raw__={"email": contains(q)} if q else {}).order_by("-created_at", "-id")
        return list(users.skip((page - 1) * per_page).limit(per_page)), users.count()

    def clean(self):
        """Keep the stored email canonical whatever path created the user."""
        self.email = self.normalize_email(self.email)

    @classmethod
    def authenticate(cls, email, password):
        """The user with these credentials, or None; an unknown email costs one bcrypt check too.

        A hash of an older scheme or cost is replaced by a current one once the password is known.
        """
        rounds = current_app.config["BCRYPT_LOG_ROUNDS"]
        user = cls.find_by_email(email)
        if user is None:
            if rounds not in _dummy_hashes:
                _dummy_hashes[rounds] = hash_password("not-a-real-password", rounds)
            verify_password(_dummy_hashes[rounds], password)
            return None
        if not user.check_password(password):
            return None
        if needs_rehash(user.password_hash, rounds):
            user.set_password(password)
            User.objects(id=user.id).update_one(set__password_hash=user.password_hash)
        return user

    def set_password(self, password):
        """Store a hash of the password (never the password itself)."""
        self.password_hash = hash_password(password, current_app.config["BCRYPT_LOG_ROUNDS"])

    def check_password(self, password):
        """True when the password matches the stored hash."""
        return verify_password(self.password_hash, password)

    def grant_admin(self):
        """Give this account admin rights."""
        User.objects(id=self.id).update_one(set__is_admin=True)
        self.is_admin = True

    def drop_admin(self):
        """Take admin rights away unless no admin would be left; False when it would."""
        if not self.is_admin:
            return True
        User.objects(id=self.id).update_one(set__is_admin=False)
        # Checked after the write, and undone, so two admins demoting each other at once
        # both fail rather than both succeed.
        if not User.objects(is_admin=True).first():
            User.objects(id=self.id).update_one(set__is_admin=True)
            return False
        self.is_admin = False
        return True

    def __repr__(self):
        # The default repr would print the hash into logs and tracebacks.
        return f"<User {self.id} {self.email}>"


class Movie(OwnedDocument):
    """A catalogue entry owned by the user who added it.

    Its rating is kept on the movie as a sum and a count, changed by atomic increments only, with the
    average and `rated` beside them for sorting (see Rating).
    """

    name = StringField(required=True, unique=True, min_length=1, max_length=200)
    casts = ListField(StringField(min_length=1), required=True)
    genres = ListField(StringField(min_length=1), required=True)
    year = IntField(null=True)
    runtime_minutes = IntField(null=True, min_value=1, max_value=1000)
    directors = ListField(StringField(min_length=1), default=list)
    overview = StringField(default="", max_length=2000)
    # {"original": file id, "thumb": file id, "content_type": ..., "etag": ...} in GridFS, or None.
    poster = DictField(null=True, default=None)
    rating_sum = IntField(default=0)
    rating_count = IntField(default=0)
    rating_average = FloatField(null=True, default=None)
    rated = BooleanField(default=False)
    added_by = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    # Bumped by every write; the ETag is built from it so If-Match can be checked atomically.
    version = IntField(default=1, min_value=1)

    meta = {
        "collection": "movies",
        # Built by database/migrations.py before the app serves, never lazily on a write.
        "auto_create_index": False,
        "indexes": [
            "added_by",
            "-created_at",
            "genres",
            "casts",
            "directors",
            "year",
            # Rated movies first in both orders: `rated` descending, then the average either way.
            [("rated", -1), ("rating_average", -1), ("_id", -1)],
            [("rated", -1), ("rating_average", 1), ("_id", 1)],
        ],
    }
    unique_field = "name"
    owner_field = "added_by"
    # What PUT resets a field it was not sent to (it replaces every field a client writes).
    DEFAULTS = {"year": None, "runtime_minutes": None, "directors": [], "overview": ""}
    SORTS = {
        "rating": [("rated", DESCENDING), ("rating_average", ASCENDING), ("_id", ASCENDING)],
        "-rating": [("rated", DESCENDING), ("rating_average", DESCENDING), ("_id", DESCENDING)],
    }

    def clean(self):
        """A new movie was last updated when it was created, to the millisecond."""
        if self.pk is None:
            self.updated_at = self.created_at

    @staticmethod
    def list_filter(q=None, genre=None, cast=None, director=None, added_by=None, year=None, year_from=None, year_to=None, min_rating=None):
        """The query of a catalogue search: q is a case-insensitive substring of the name."""
        query = {}
        if q is not None:
            query["name"] = contains(q)
        for field, value in (("genres", genre), ("casts", cast), ("directors", director)):
            if value is not None:
                query[field] = value
        if added_by is not None:
            query["added_by"] = ObjectId(added_by)
        if year is not None:
            query["year"] = year
        elif year_from is not None or year_to is not None:
            query["year"] = {key: value for key, value in (("$gte", year_from), ("$lte", year_to)) if value is not None}
        if min_rating is not None:
            query["rating_average"] = {"$gte": min_rating}
        return query

    @classmethod
    def order(cls, sort):
        """The sort of a list: a field, `-` first for descending, ties by id; rated movies first by rating."""
        if sort in cls.SORTS:
            return cls.SORTS[sort]
        field, direction = sort.lstrip("-"), DESCENDING if sort.startswith("-") else ASCENDING
        return [(field, direction), ("_id", direction)]

    @classmethod
    def page(cls, sort, page, per_page, **filters):
        """One page of the movies matching filters, in sort order, and their count: two queries."""
        query = cls.list_filter(**filters)
        movies = cls._get_collection()
        cursor = movies.find(query).sort(cls.order(sort))
        return list(cursor.skip((page - 1) * per_page).limit(per_page)), movies.count_documents(query)

    @classmethod
    def rows_by_id(cls, ids):
        """{id: row} of the movies with these ids: one query."""
        return {row["_id"]: row for row in cls._get_collection().find({"_id": {"$in": list(ids)}})}

    @classmethod
    def create(cls, fields, owner_id):
        """Store a new movie of validated fields, owned by owner_id; returns its row.

        The document validates the movie and makes the row once; pymongo inserts that very row
        (Document.save would convert it again), and the unique index refuses a taken name.
        """
        movie = cls(**fields, added_by=owner_id)
        movie.validate()
        row = movie.to_mongo().to_dict()
        with cls.naming_duplicates():
            cls._get_collection().insert_one(row)
        return row

    @classmethod
    def delete_where(cls, movie_id, owner=None, versions=None):
        """Delete the movie with its ratings, reviews, watchlist entries (delete rules) and poster files."""
        deleted = super().delete_where(movie_id, owner, versions)
        if deleted:
            posters.delete_files(ObjectId(movie_id))
        return deleted

    @classmethod
    def set_poster(cls, movie_id, poster, owner=None):
        """Point the movie at its new poster's files, if it matches owner; the row as stored now, or None.

        Whatever poster it had is replaced, and its files are deleted; the movie's version changes, so
        an ETag read before no longer matches.
        """
        if object_id(movie_id) is None:
            return None
        before = cls._get_collection().find_one_and_update(
            cls.write_filter(movie_id, owner), {"$set": {"poster": poster, "updated_at": utcnow()}, "$inc": {"version": 1}}
        )
        if before is None:
            return None
        posters.delete_files(before["_id"], keep=poster and [poster["original"], poster["thumb"]])
        return cls.read(movie_id)

    @classmethod
    def change_rating(cls, movie_id, delta_sum, delta_count):
        """Add to the movie's rating sum and count atomically, then bring its average in line.

        The increments never lose an update. The average is set only if sum and count are still the
        ones it was computed from, so of racing writers the last one's average is the one that stays,
        and it is the exact one. Returns False if the movie is gone.
        """
        movies = cls._get_collection()
        after = movies.find_one_and_update(
            {"_id": movie_id},
            {"$inc": {"rating_sum": delta_sum, "rating_count": delta_count}},
            return_document=ReturnDocument.AFTER,
        )
        if after is None:
            return False
        total, count = after["rating_sum"], after["rating_count"]
        movies.update_one(
            {"_id": movie_id, "rating_sum": total, "rating_count": count},
            # Rounded as it is shown, so that min_rating and the sort agree with what people see.
            {"$set": {"rating_average": round(total / count, 1) if count else None, "rated": count > 0}},
        )
        return True


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
        "indexes": [{"fields": ["author", "movie"], "unique": True}, [("movie", 1), ("created_at", -1), ("_id", -1)]],
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
    def page(cls, movie_id, page, per_page, author=None):
        """One page of a movie's reviews (by author only, when given), newest first, each with its author's
        public name, and their count. Three queries whatever the page's size: the count, the page, its authors.
        """
        key = object_id(movie_id)
        reviews = cls._get_collection()
        query = {"movie": key, **({"author": ObjectId(author)} if author else {})}
        cursor = reviews.find(query).sort([("created_at", DESCENDING), ("_id", DESCENDING)])
        rows = list(cursor.skip((page - 1) * per_page).limit(per_page))
        return with_authors(rows), reviews.count_documents(query)


def with_authors(rows):
    """The review rows, each given its author's id and public name: one query for all of them."""
    names = User.public_names({row["author"] for row in rows})
    return [{**row, "author": {"id": row["author"], "display_name": names[row["author"]]}} for row in rows]


class WatchlistEntry(Document):
    """A movie on someone's watchlist."""

    user = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    movie = ReferenceField(Movie, required=True, reverse_delete_rule=CASCADE)
    added_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "watchlist",
        # Built by database/migrations.py before the app serves, never lazily on a write.
        "auto_create_index": False,
        "indexes": [{"fields": ["user", "movie"], "unique": True}, [("user", 1), ("added_at", -1), ("_id", -1)], "movie"],
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
    def page(cls, user_id, page, per_page):
        """One page of the user's watchlist as movie rows, most recently added first, and its length: three queries."""
        entries = cls._get_collection()
        cursor = entries.find({"user": user_id}, {"movie": 1}).sort([("added_at", DESCENDING), ("_id", DESCENDING)])
        ids = [row["movie"] for row in cursor.skip((page - 1) * per_page).limit(per_page)]
        movies = Movie.rows_by_id(ids)
        return [movies[i] for i in ids if i in movies], entries.count_documents({"user": user_id})


class Session(Document):
    """One login: its access and refresh tokens live only while this document does.

    Logging out, refresh-token reuse, a password change or reset delete sessions; MongoDB's TTL
    index removes the expired ones. Every worker and machine reads the same collection, so a
    revocation holds everywhere at once.
    """

    # The session id is the primary key: the check on every request is a lookup by _id.
    sid = StringField(primary_key=True)
    user = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    # The only refresh token of this session that may still be used (rotation), and the one it
    # replaced, which may be presented again for a few seconds (two refreshes at once).
    refresh_jti = StringField(required=True)
    previous_jti = StringField()
    rotated_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(required=True)

    meta = {
        "collection": "sessions",
        # Built by database/migrations.py before the app serves, never lazily on a write.
        "auto_create_index": False,
        "indexes": ["user", {"fields": ["expires_at"], "expireAfterSeconds": 0}],
    }

    @classmethod
    def is_active(cls, sid, user_id):
        """True while the session exists and belongs to this user: one read by _id, no document built."""
        key = object_id(user_id)
        return key is not None and cls._get_collection().find_one({"_id": sid, "user": key}, {"_id": 1}) is not None

    @classmethod
    def find(cls, sid):
        """The session with this id, or None."""
        return cls.objects(sid=sid).first()

    @classmethod
    def end(cls, sid):
        """End this session: both its tokens stop working."""
        cls.objects(sid=sid).delete()

    @staticmethod
    def new_jti():
        """A fresh unguessable token id (96 random bits, 16 characters)."""
        return secrets.token_urlsafe(12)

    @staticmethod
    def new_sid():
        """A fresh unguessable session id (128 random bits, 22 characters)."""
        return secrets.token_urlsafe(16)

    @classmethod
    def start(cls, user, lifetime):
        """Open a session for the user that lasts at most lifetime; None if the user is gone by then.

        A login reads the user, then spends a bcrypt check: an account deleted meanwhile (its sessions
        first) must not be left with a new session, so the user is looked for again after the insert.
        """
        now = utcnow()
        session = cls(
            sid=cls.new_sid(),
            user=user,
            refresh_jti=cls.new_jti(),
            created_at=now,
            expires_at=now + lifetime,
        ).save()
        if not User.exists(user.id):
            session.delete()
            return None
        return session

    @classmethod
    def revoke_all(cls, user, keep_sid=None):
        """End every session of the user, except keep_sid when given."""
        sessions = cls.objects(user=user)
        if keep_sid:
            sessions = sessions.filter(sid__ne=keep_sid)
        sessions.delete()

    @classmethod
    def rotate(cls, sid, used_jti, grace):
        """Trade the refresh token used_jti for a new one; the session as it is now, or None for a reuse.

        The swap is one conditional write, so of two refreshes with one token exactly one rotates. The
        other, within `grace` of that rotation, gets the session as rotated (the pair it answers is as
        good as its twin's); any later presentation of a replaced token is a reuse, and the caller ends
        the session.
        """
        now = utcnow()
        rotated = cls.objects(sid=sid, refresh_jti=used_jti).modify(
            new=True, set__refresh_jti=cls.new_jti(), set__previous_jti=used_jti, set__rotated_at=now
        )
        if rotated is not None:
            return rotated
        session = cls.find(sid)
        if session and session.previous_jti == used_jti and session.rotated_at and now - session.rotated_at <= grace:
            return session
        return None


class PasswordReset(Document):
    """A single-use password reset; only a hash of the emailed token is stored."""

    token_hash = StringField(required=True, unique=True)
    user = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(required=True)
    used_at = DateTimeField()

    meta = {
        "collection": "password_resets",
        # Built by database/migrations.py before the app serves, never lazily on a write.
        "auto_create_index": False,
        "indexes": ["user", {"fields": ["expires_at"], "expireAfterSeconds": 0}],
    }

    @staticmethod
    def hash_token(token):
        """Only this hash is stored: a database leak gives no usable reset links."""
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, lifetime):
        """A new reset for the user; returns the token to email (never stored)."""
        token, now = secrets.token_urlsafe(32), utcnow()
        cls(token_hash=cls.hash_token(token), user=user, created_at=now, expires_at=now + lifetime).save()
        return token

    @classmethod
    def find(cls, token):
        """The reset this token belongs to, or None."""
        return cls.objects(token_hash=cls.hash_token(token)).first()

    @property
    def expired(self):
        """True once the reset's hour is over (the TTL index may remove it a little later)."""
        return self.expires_at <= utcnow()

    def claim(self):
        """Mark the reset used; False when another request used it first."""
        return bool(PasswordReset.objects(id=self.id, used_at=None).update_one(set__used_at=utcnow()))

    @classmethod
    def revoke_all(cls, user):
        """Every outstanding reset of the user stops working (after a reset or a password change)."""
        cls.objects(user=user, used_at=None).update(set__used_at=utcnow())
