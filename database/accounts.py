"""Accounts, their sessions and password resets.

Every function returns stored rows or documents as database/__init__.py says.
"""

import hashlib
import secrets
import time
import unicodedata

from bson import ObjectId
from flask import current_app
from mongoengine import BooleanField, DateTimeField, Document, EmailField, ReferenceField, StringField
from pymongo import DESCENDING

from database import paging
from database.common import UniqueFieldDocument, contains, object_id, primary, utcnow
from database.paging import Segment
from database.passwords import hash_password, needs_rehash, verify_password

NEWEST = [("created_at", DESCENDING), ("_id", DESCENDING)]
# Accounts not closed: a closed one is found by no id, email or list while its purge runs.
OPEN = {"closed_at": {"$exists": False}}
# Rows a purge removes between two looks at the clock (each a transaction of its own).
PURGE_BATCH = 100


class AccountClosed(RuntimeError):
    """A write on behalf of an account that is closed or gone (a request that began before it was closed)."""


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
    # Set when the account is closed (User.close); the account row goes once its purge is done.
    closed_at = DateTimeField()

    meta = {
        "collection": "users",
        "auto_create_index": False,
        "indexes": [NEWEST, {"fields": ["closed_at"], "sparse": True}],
    }
    unique_field = "email"

    @staticmethod
    def normalize_email(email):
        """The canonical form every stored and looked-up email takes: NFKC (a fullwidth letter is its
        ASCII letter), trimmed, lower case, the domain in IDNA's ASCII form (`bücher.example` is
        `xn--bcher-kva.example`, one mailbox: one account).

        Python's own IDNA codec (IDNA 2003 with nameprep) does it: the idna package is no dependency of
        the app. A domain it cannot encode stays as it was, for the validator to refuse.
        """
        email = unicodedata.normalize("NFKC", email).strip().lower()
        local, at, domain = email.rpartition("@")
        if not (at and domain) or domain.isascii():
            return email
        try:
            return local + at + domain.encode("idna").decode("ascii")
        except UnicodeError:
            return email

    @classmethod
    def create(cls, email, password, is_admin=False, display_name=None):
        """A new account's row; UniqueValueTaken when the email is taken in any letter case."""
        user = cls(email=email, is_admin=is_admin, display_name=display_name)
        user.set_password(password)
        user.validate()  # cleans first: the stored email is canonical
        row = user.to_mongo().to_dict()
        with cls.naming_duplicates(row):
            primary(cls).insert_one(row)
        return row

    @staticmethod
    def default_display_name(user_id):
        """The public name of an account that chose none: `user-` and the last 6 characters of its id.

        The last ones, a counter: the first ones are the creation time, alike for accounts made minutes apart.
        """
        return f"user-{str(user_id)[-6:]}"

    @classmethod
    def public_name(cls, row):
        """The name others see of this account's row."""
        return row.get("display_name") or cls.default_display_name(row["_id"])

    @classmethod
    def public_names(cls, user_ids):
        """{id: public name} of these accounts: one query. An account gone meanwhile keeps its default name."""
        rows = primary(cls).find({"_id": {"$in": list(user_ids)}}, {"display_name": 1})
        names = {row["_id"]: row.get("display_name") for row in rows}
        return {user_id: names.get(user_id) or cls.default_display_name(user_id) for user_id in user_ids}

    @classmethod
    def rename(cls, user_id, display_name):
        """Change the public name (None: back to the default); the row as stored now."""
        change = {"$unset": {"display_name": ""}} if display_name is None else {"$set": {"display_name": display_name}}
        primary(cls).update_one({"_id": user_id}, change)
        return cls.find_by_id(user_id)

    @classmethod
    def close(cls, user_id):
        """Close the account at once: from now its login is refused, its sessions and reset links are gone,
        and it is no longer found by id or email. What it made is removed by purge, in batches."""
        primary(cls).update_one({"_id": user_id, "closed_at": {"$exists": False}}, {"$set": {"closed_at": utcnow()}})
        Session.revoke_all(user_id)
        PasswordReset.forget_all(user_id)

    @classmethod
    def require_open(cls, user_id, session=None):
        """Raise AccountClosed unless an open account has this id (read in the session's transaction).

        Every write made for an account asks first, inside its transaction: a write that lands after
        the account was closed finds it gone, rather than leaving a score or a review behind it.
        """
        if primary(cls).find_one({"_id": user_id, **OPEN}, {"_id": 1}, session=session) is None:
            raise AccountClosed(str(user_id))

    @classmethod
    def closed_ids(cls):
        """The ids of accounts closed but not yet purged (a crash or a restart stopped their purge)."""
        return [row["_id"] for row in primary(cls).find({"closed_at": {"$exists": True}}, {"_id": 1})]

    @classmethod
    def purge(cls, user_id, batch=PURGE_BATCH, until=None):
        """Remove a closed account's scores (each movie's rating corrected), reviews, watchlist and movies
        (with their posters, ratings and reviews), batch rows at a time, then the account itself.

        True when nothing of it is left; False when time.monotonic() passed until first. Every step
        removes only what is still there, so a purge stopped anywhere (a crash, a deploy) is finished by
        running it again: `flask repair-data` does, for every closed account.
        """
        from database.movies import Movie  # the catalogue's modules import this one
        from database.ratings import Rating
        from database.reviews import Review
        from database.watchlists import WatchlistEntry

        steps = (Rating.remove_some_of, Review.remove_some_of, WatchlistEntry.remove_some_of, Movie.remove_some_of)
        for step in steps:
            while step(user_id, batch):
                if until is not None and time.monotonic() > until:
                    return False
        Session.revoke_all(user_id)
        PasswordReset.forget_all(user_id)
        primary(cls).delete_one({"_id": user_id, "closed_at": {"$exists": True}})
        # One more sweep: a write that checked the account just before it went may have landed meanwhile.
        for step in steps:
            while step(user_id, batch):
                pass
        return True

    @classmethod
    def find_by_id(cls, user_id):
        """The row of the user with this id (a string or an ObjectId), or None."""
        key = user_id if isinstance(user_id, ObjectId) else object_id(user_id)
        return primary(cls).find_one({"_id": key, **OPEN}) if key else None

    @classmethod
    def exists(cls, user_id):
        """True while an open account has this id; reads no more than its _id."""
        return user_id is not None and primary(cls).find_one({"_id": user_id, **OPEN}, {"_id": 1}) is not None

    @classmethod
    def find_by_email(cls, email):
        """The row of the user with this email in any letter case, or None."""
        return primary(cls).find_one({"email": cls.normalize_email(email), **OPEN})

    @classmethod
    def page(cls, per_page, position=None, page_number=None, q=None):
        """One page of account rows, newest first (q: a substring of the email): paging.Page."""
        query = {**OPEN, **({"email": contains(q)} if q else {})}
        segments = [Segment(query, NEWEST)]
        return paging.page(primary(cls), segments, per_page, query, position, page_number, {"password_hash": 0})

    def clean(self):
        """Keep the stored email canonical whatever path created the user."""
        self.email = self.normalize_email(self.email)

    @classmethod
    def authenticate(cls, email, password):
        """The row of the user with these credentials, or None; an unknown email costs one bcrypt check too.

        A hash of an older scheme or cost is replaced by a current one once the password is known.
        """
        rounds = current_app.config["BCRYPT_LOG_ROUNDS"]
        user = cls.find_by_email(email)
        if user is None:
            if rounds not in _dummy_hashes:
                _dummy_hashes[rounds] = hash_password("not-a-real-password", rounds)
            verify_password(_dummy_hashes[rounds], password)
            return None
        if not cls.password_matches(user, password):
            return None
        if needs_rehash(user["password_hash"], rounds):
            cls.change_password(user["_id"], password)
        return user

    @staticmethod
    def password_matches(row, password):
        """True when the password matches the row's stored hash."""
        return verify_password(row["password_hash"], password)

    @classmethod
    def change_password(cls, user_id, password):
        """Store a hash of the new password (never the password itself)."""
        password_hash = hash_password(password, current_app.config["BCRYPT_LOG_ROUNDS"])
        primary(cls).update_one({"_id": user_id}, {"$set": {"password_hash": password_hash}})

    def set_password(self, password):
        """Give a document being built a hash of the password (never the password itself)."""
        self.password_hash = hash_password(password, current_app.config["BCRYPT_LOG_ROUNDS"])

    def check_password(self, password):
        """True when the password matches the document's stored hash."""
        return verify_password(self.password_hash, password)

    @classmethod
    def grant_admin(cls, user_id):
        """Give this account admin rights."""
        primary(cls).update_one({"_id": user_id}, {"$set": {"is_admin": True}})

    @classmethod
    def drop_admin(cls, user_id):
        """Take admin rights away unless no admin would be left; False when it would."""
        users = primary(cls)
        if not users.update_one({"_id": user_id, "is_admin": True}, {"$set": {"is_admin": False}}).modified_count:
            return True  # not an admin (any more)
        # Checked after the write, and undone, so two admins demoting each other at once
        # both fail rather than both succeed.
        if users.find_one({"is_admin": True}, {"_id": 1}) is None:
            users.update_one({"_id": user_id}, {"$set": {"is_admin": True}})
            return False
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
    user = ReferenceField(User, required=True)
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
        return key is not None and primary(cls).find_one({"_id": sid, "user": key}, {"_id": 1}) is not None

    @classmethod
    def find(cls, sid):
        """The row of the session with this id, or None."""
        return primary(cls).find_one({"_id": sid})

    @classmethod
    def end(cls, sid):
        """End this session: both its tokens stop working."""
        primary(cls).delete_one({"_id": sid})

    @staticmethod
    def new_jti():
        """A fresh unguessable token id (96 random bits, 16 characters)."""
        return secrets.token_urlsafe(12)

    @staticmethod
    def new_sid():
        """A fresh unguessable session id (128 random bits, 22 characters)."""
        return secrets.token_urlsafe(16)

    @classmethod
    def start(cls, user_id, lifetime):
        """Open a session for the user that lasts at most lifetime: its row, or None if the user is gone by then.

        A login reads the user, then spends a bcrypt check: an account deleted meanwhile (its sessions
        first) must not be left with a new session, so the user is looked for again after the insert.
        """
        now = utcnow()
        session = {"_id": cls.new_sid(), "user": user_id, "refresh_jti": cls.new_jti(), "created_at": now, "expires_at": now + lifetime}
        sessions = primary(cls)
        sessions.insert_one(session)
        if not User.exists(user_id):
            sessions.delete_one({"_id": session["_id"]})
            return None
        return session

    @classmethod
    def revoke_all(cls, user_id, keep_sid=None):
        """End every session of the user, except keep_sid when given."""
        query = {"user": user_id, **({"_id": {"$ne": keep_sid}} if keep_sid else {})}
        primary(cls).delete_many(query)

    @classmethod
    def rotate(cls, sid, used_jti, grace):
        """Trade the refresh token used_jti for a new one; the session's row as it is now, or None for a reuse.

        The swap is one conditional write, so of two refreshes with one token exactly one rotates. The
        other, within `grace` of that rotation, gets the session as rotated (the pair it answers is as
        good as its twin's); any later presentation of a replaced token is a reuse, and the caller ends
        the session.
        """
        now, fresh = utcnow(), cls.new_jti()
        sessions = primary(cls)
        change = {"$set": {"refresh_jti": fresh, "previous_jti": used_jti, "rotated_at": now}}
        if sessions.update_one({"_id": sid, "refresh_jti": used_jti}, change).modified_count:
            return cls.find(sid)
        session = cls.find(sid)
        if session and session.get("previous_jti") == used_jti and session.get("rotated_at") and now - session["rotated_at"] <= grace:
            return session
        return None


class PasswordReset(Document):
    """A single-use password reset; only a hash of the emailed token is stored."""

    token_hash = StringField(required=True, unique=True)
    user = ReferenceField(User, required=True)
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
    def issue(cls, user_id, lifetime):
        """A new reset for the user; returns the token to email (never stored)."""
        token, now = secrets.token_urlsafe(32), utcnow()
        row = {"token_hash": cls.hash_token(token), "user": user_id, "created_at": now, "expires_at": now + lifetime}
        primary(cls).insert_one(row)
        return token

    @classmethod
    def find(cls, token):
        """The row of the reset this token belongs to, or None."""
        return primary(cls).find_one({"token_hash": cls.hash_token(token)})

    @staticmethod
    def expired(row):
        """True once the reset's hour is over (the TTL index may remove it a little later)."""
        return row["expires_at"] <= utcnow()

    @classmethod
    def claim(cls, reset_id):
        """Mark the reset used; False when another request used it first."""
        return bool(primary(cls).update_one({"_id": reset_id, "used_at": None}, {"$set": {"used_at": utcnow()}}).modified_count)

    @classmethod
    def forget_all(cls, user_id):
        """Delete every reset of the user (the account is closed)."""
        primary(cls).delete_many({"user": user_id})

    @classmethod
    def revoke_all(cls, user_id):
        """Every outstanding reset of the user stops working (after a reset or a password change)."""
        primary(cls).update_many({"user": user_id, "used_at": None}, {"$set": {"used_at": utcnow()}})
