"""Accounts, their sessions and password resets.

Every function returns stored rows or documents as database/__init__.py says.
"""

import hashlib
import secrets
import unicodedata

from bson import ObjectId
from flask import current_app
from mongoengine import CASCADE, BooleanField, DateTimeField, Document, EmailField, ReferenceField, StringField
from pymongo import DESCENDING

from database import paging
from database.common import UniqueFieldDocument, contains, exists, object_id, utcnow
from database.paging import Segment
from database.passwords import hash_password, needs_rehash, verify_password

NEWEST = [("created_at", DESCENDING), ("_id", DESCENDING)]

# One hash per bcrypt cost, checked against when the email is unknown so both failures take as long.
_dummy_hashes = {}


class User(UniqueFieldDocument):
    """A person who can log in; email is stored lower-cased so lookups are case-insensitive."""

    email = EmailField(required=True, unique=True, max_length=254)
    password_hash = StringField(required=True)
    is_admin = BooleanField(default=False)
    # Shown beside the user's reviews; None shows as the default below. The email is never shown.
    display_name = StringField(min_length=1, max_length=50)
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "users", "auto_create_index": False, "indexes": [NEWEST]}
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
        from database import posters  # the catalogue's modules import this one
        from database.movies import Movie
        from database.ratings import Rating

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
    def page(cls, per_page, position=None, page_number=None, q=None):
        """One page of account rows, newest first (q: a substring of the email): paging.Page."""
        query = {"email": contains(q)} if q else {}
        segments = [Segment(query, NEWEST)]
        return paging.page(cls._get_collection(), segments, per_page, query, position, page_number, {"password_hash": 0})

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
