"""The User and Movie documents, their indexes, delete rules and single-document behaviour."""

from datetime import datetime, timezone

from flask import current_app
from flask_bcrypt import Bcrypt
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


class UniqueValueTaken(NotUniqueError):
    """A write refused by a unique index, naming the field whose value is taken."""

    def __init__(self, field):
        super().__init__(f"That {field} is already taken.")
        self.field = field


class UniqueFieldDocument(Document):
    """A document with one unique field, whose duplicate-key errors name that field.

    MongoDB's own message names the index but mongomock's does not, so the document says it.
    """

    meta = {"abstract": True}
    unique_field = None

    def save(self, *args, **kwargs):
        """Save, turning a duplicate key into UniqueValueTaken."""
        try:
            return super().save(*args, **kwargs)
        except NotUniqueError as exc:
            raise UniqueValueTaken(self.unique_field) from exc

    def modify(self, query=None, **update):
        """Atomically update this document (only if it still matches query), turning a duplicate key into
        UniqueValueTaken; False when nothing matched.

        Unlike Document.modify, the stored values are copied back as the database returned them:
        Document.modify reads them through the fields, which fetches every referenced document
        (one more query per update: the owner of a movie on each PATCH).
        """
        try:
            updated = self._qs(**{**(query or {}), "pk": self.pk}).modify(new=True, **update)
        except NotUniqueError as exc:
            raise UniqueValueTaken(self.unique_field) from exc
        if updated is None:
            return False
        self._data.update(updated._data)
        self._clear_changed_fields()
        return True


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

    def is_editable_by(self, user):
        """Only the person who added a movie, or an admin, may change it."""
        return user.is_admin or self.added_by_id == user.id

    def apply_changes(self, changes, expected_version=None):
        """Write changes atomically, only if still at expected_version when one is given.

        Returns False when the movie changed or vanished in the meantime.
        """
        for field, value in changes.items():
            setattr(self, field, value)
        self.updated_at = utcnow()
        self.validate()
        query = {} if expected_version is None else {"version": expected_version}
        updates = {f"set__{field}": getattr(self, field) for field in [*changes, "updated_at"]}
        return self.modify(query=query, inc__version=1, **updates)

    def delete_if_version(self, expected_version=None):
        """Delete this movie, only if still at expected_version when one is given."""
        query = {"id": self.id}
        if expected_version is not None:
            query["version"] = expected_version
        return Movie.objects(**query).delete() == 1
