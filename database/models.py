"""The User and Movie documents, their indexes, delete rules and single-document behaviour."""

import hashlib
import secrets
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

from bson import ObjectId
from flask import current_app
from flask_bcrypt import Bcrypt
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError
from mongoengine import (
    CASCADE,
    BooleanField,
    DateTimeField,
    Document,
    EmailField,
    IntField,
    ListField,
    NotUniqueError,
    ReferenceField,
    StringField,
)


bcrypt = Bcrypt()

# One bcrypt hash per cost, checked against when the email is unknown so both failures take as long.
_dummy_hashes = {}


def utcnow():
    """Now in UTC, naive and cut to milliseconds as MongoDB stores it."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def exists(document_class, key):
    """True while a document of this class has this _id: one read by _id, no document built."""
    return document_class._get_collection().find_one({"_id": key}, {"_id": 1}) is not None


class UniqueValueTaken(NotUniqueError):
    """A write refused by a unique index, naming the field whose value is taken."""

    def __init__(self, field):
        super().__init__(f"That {field} is already taken.")
        self.field = field


class UniqueFieldDocument(Document):
    """A document with one unique field, whose duplicate-key errors name that field.

    MongoDB's own message names the index but mongomock's does not, so the document says it.
    Writes through MongoEngine raise NotUniqueError, raw pymongo writes DuplicateKeyError.
    """

    meta = {"abstract": True}
    unique_field = None

    @classmethod
    @contextmanager
    def naming_duplicates(cls):
        """Turn a duplicate-key error raised inside into UniqueValueTaken for the unique field."""
        try:
            yield
        except (NotUniqueError, DuplicateKeyError) as exc:
            raise UniqueValueTaken(cls.unique_field) from exc

    def save(self, *args, **kwargs):
        """Save, turning a duplicate key into UniqueValueTaken."""
        with self.naming_duplicates():
            return super().save(*args, **kwargs)


class User(UniqueFieldDocument):
    """A person who can log in; email is stored lower-cased so lookups are case-insensitive."""

    email = EmailField(required=True, unique=True, max_length=254)
    password_hash = StringField(required=True)
    is_admin = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "users", "indexes": ["created_at"]}
    unique_field = "email"

    @staticmethod
    def normalize_email(email):
        """The canonical form every stored and looked-up email takes."""
        return email.strip().lower()

    @classmethod
    def find_by_id(cls, user_id):
        """The user with this id, or None: one read by _id, built straight from the stored row."""
        row = cls._get_collection().find_one({"_id": ObjectId(user_id)}) if ObjectId.is_valid(user_id) else None
        return cls._from_son(row) if row else None

    @classmethod
    def find_by_email(cls, email):
        """Return the user with this email in any letter case, or None."""
        return cls.objects(email=cls.normalize_email(email)).first()

    def clean(self):
        """Keep the stored email canonical whatever path created the user."""
        self.email = self.normalize_email(self.email)

    @classmethod
    def authenticate(cls, email, password):
        """The user with these credentials, or None; an unknown email costs one bcrypt check too."""
        user = cls.find_by_email(email)
        if user is None:
            rounds = current_app.config["BCRYPT_LOG_ROUNDS"]
            if rounds not in _dummy_hashes:
                _dummy_hashes[rounds] = bcrypt.generate_password_hash("not-a-real-password", rounds)
            bcrypt.check_password_hash(_dummy_hashes[rounds], password)
            return None
        return user if user.check_password(password) else None

    def set_password(self, password):
        """Store a bcrypt hash of the password (never the password itself)."""
        rounds = current_app.config["BCRYPT_LOG_ROUNDS"]
        self.password_hash = bcrypt.generate_password_hash(password, rounds).decode()

    def check_password(self, password):
        """True when the password matches the stored hash."""
        return bcrypt.check_password_hash(self.password_hash, password)

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


class Movie(UniqueFieldDocument):
    """A catalogue entry owned by the user who added it."""

    name = StringField(required=True, unique=True, min_length=1, max_length=200)
    casts = ListField(StringField(min_length=1), required=True)
    genres = ListField(StringField(min_length=1), required=True)
    added_by = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    # Bumped by every write; the ETag is built from it so If-Match can be checked atomically.
    version = IntField(default=1, min_value=1)

    meta = {
        "collection": "movies",
        "indexes": ["added_by", "-created_at", "genres", "casts"],
    }
    unique_field = "name"

    @property
    def added_by_id(self):
        """The owner's id without fetching the owner's document."""
        ref = self._data.get("added_by")
        return getattr(ref, "id", ref)

    @property
    def etag(self):
        """The entity tag of the current version of this movie."""
        return f"{self.id}-{self.version}"

    def clean(self):
        """A new movie was last updated when it was created, to the millisecond."""
        if self.pk is None:
            self.updated_at = self.created_at

    def is_editable_by(self, user):
        """Only the person who added a movie, or an admin, may change it."""
        return user.is_admin or self.added_by_id == user.id

    @staticmethod
    def write_filter(movie_id, owner=None, versions=None):
        """The filter of a conditional write: this movie, added by owner and at one of versions when given."""
        query = {"_id": ObjectId(movie_id)}
        if owner is not None:
            query["added_by"] = owner
        if versions is not None:
            query["version"] = {"$in": versions}
        return query

    @classmethod
    def update_where(cls, query, changes):
        """Apply changes to the one movie the filter matches, in one atomic write.

        The conditions (owner, version) and the write are a single findAndModify, so no other
        worker can slip a change in between. changes are validated values of the schema's fields.
        Returns the movie as stored (a raw row), or None if none matched.
        """
        update = {"$set": {**changes, "updated_at": utcnow()}, "$inc": {"version": 1}}
        with cls.naming_duplicates():
            return cls._get_collection().find_one_and_update(query, update, return_document=ReturnDocument.AFTER)

    @classmethod
    def delete_where(cls, query):
        """Delete the one movie the filter matches (delete rules apply); False if none matched."""
        return bool(cls.objects(__raw__=query).delete())


class Session(Document):
    """One login: its access and refresh tokens live only while this document does.

    Logging out, refresh-token reuse, a password change or reset delete sessions; MongoDB's TTL
    index removes the expired ones. Every worker and machine reads the same collection, so a
    revocation holds everywhere at once.
    """

    # The session id is the primary key: the check on every request is a lookup by _id.
    sid = StringField(primary_key=True)
    user = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    # The only refresh token of this session that may still be used (rotation).
    refresh_jti = StringField(required=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(required=True)

    meta = {
        "collection": "sessions",
        "indexes": ["user", {"fields": ["expires_at"], "expireAfterSeconds": 0}],
    }

    @classmethod
    def is_active(cls, sid):
        """True while the session exists."""
        return exists(cls, sid)

    @staticmethod
    def new_jti():
        """A fresh unguessable token id."""
        return uuid.uuid4().hex

    @classmethod
    def start(cls, user, lifetime):
        """Open a session for the user that lasts at most lifetime; None if the user is gone by then.

        A login reads the user, then spends a bcrypt check: an account deleted meanwhile (its sessions
        first) must not be left with a new session, so the user is looked for again after the insert.
        """
        now = utcnow()
        session = cls(
            sid=uuid.uuid4().hex,
            user=user,
            refresh_jti=cls.new_jti(),
            created_at=now,
            expires_at=now + lifetime,
        ).save()
        if not exists(User, user.id):
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

    def rotate(self, used_jti, new_jti):
        """Swap the refresh token atomically; False when used_jti was already used (reuse)."""
        return bool(Session.objects(pk=self.pk, refresh_jti=used_jti).update_one(set__refresh_jti=new_jti))


class PasswordReset(Document):
    """A single-use password reset; only a hash of the emailed token is stored."""

    token_hash = StringField(required=True, unique=True)
    user = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(required=True)
    used_at = DateTimeField()

    meta = {
        "collection": "password_resets",
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
