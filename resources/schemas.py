"""Marshmallow schemas: the single description of what the API accepts and returns."""

from datetime import timezone

from bson import ObjectId
from marshmallow import Schema, ValidationError, fields, validate

PASSWORD_MIN_CHARS = 8
# bcrypt only reads 72 bytes and bcrypt 5 raises past them, so the limit is in bytes, not characters.
PASSWORD_MAX_BYTES = 72
MAX_PAGE = 10_000_000
MAX_PER_PAGE = 100
MOVIE_SORTS = ("name", "-name", "created_at", "-created_at")


class Text(fields.String):
    """A string with no NUL character: no name, genre or search term has a use for one."""

    default_error_messages = {"nul": "Must not contain NUL characters."}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in value:
            raise self.make_error("nul")
        return value


class TrimmedString(Text):
    """A string with surrounding white space removed before it is validated."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class NormalizedEmail(fields.Email):
    """An email trimmed and lower-cased before it is validated: emails compare case-insensitively."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip().lower()


class UTCDateTime(fields.DateTime):
    """ISO 8601 with an explicit UTC offset for the naive UTC datetimes MongoDB returns."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class ObjectIdString(fields.String):
    """An id of a stored document, given as its 24 hex digits."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not ObjectId.is_valid(value):
            raise ValidationError("Not a valid id.")
        return value


def validate_password_bytes(password):
    """A password no longer than bcrypt can hash completely."""
    if len(password.encode("utf-8")) > PASSWORD_MAX_BYTES:
        raise ValidationError(f"Password must be at most {PASSWORD_MAX_BYTES} bytes long in UTF-8.")


def validate_password(password):
    """A password long enough to be worth having and short enough for bcrypt."""
    if len(password) < PASSWORD_MIN_CHARS:
        raise ValidationError(f"Password must be at least {PASSWORD_MIN_CHARS} characters long.")
    validate_password_bytes(password)


class LoginSchema(Schema):
    """Email and password, as sent to login: any email string, so a wrong email is a 401, not a hint."""

    email = TrimmedString(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(
        required=True,
        load_only=True,
        validate=[validate.Length(min=1), validate_password_bytes],
    )


class PasswordChangeSchema(Schema):
    """The current password, as proof, and the new one."""

    current_password = fields.String(required=True, load_only=True, validate=[validate.Length(min=1), validate_password_bytes])
    new_password = fields.String(required=True, load_only=True, validate=validate_password)


class ForgotSchema(Schema):
    """Where to send a password reset link."""

    email = NormalizedEmail(required=True, validate=validate.Length(max=254))


class ResetSchema(Schema):
    """An emailed reset token and the new password."""

    reset_token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=validate_password)


class UserSchema(Schema):
    """A user as the API shows it: never the password hash."""

    id = fields.String(dump_only=True)
    email = NormalizedEmail(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate_password)
    is_admin = fields.Boolean(load_default=False)
    created_at = UTCDateTime(dump_only=True)


class UserPatchSchema(Schema):
    """What an admin may change on an account."""

    is_admin = fields.Boolean(required=True)


class PageQuerySchema(Schema):
    """Pagination parameters shared by every list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class UserQuerySchema(PageQuerySchema):
    """The query string of the user list."""

    q = Text(validate=validate.Length(min=1, max=254))


class TokenSchema(Schema):
    """The answer to a successful login or refresh."""

    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


def _names(max_items):
    """A non-empty list of non-empty trimmed strings."""
    return fields.List(
        TrimmedString(validate=validate.Length(min=1, max=200)),
        required=True,
        validate=validate.Length(min=1, max=max_items),
    )


class MovieSchema(Schema):
    """A movie; clients may only write name, casts and genres."""

    id = fields.String(dump_only=True)
    name = TrimmedString(required=True, validate=validate.Length(min=1, max=200))
    casts = _names(100)
    genres = _names(20)
    added_by = fields.Function(lambda movie: str(movie.added_by_id), dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class MovieQuerySchema(PageQuerySchema):
    """The query string of the movie list."""

    q = Text(validate=validate.Length(min=1, max=200))
    genre = Text(validate=validate.Length(min=1, max=200))
    cast = Text(validate=validate.Length(min=1, max=200))
    added_by = ObjectIdString()
    sort = fields.String(load_default="-created_at", validate=validate.OneOf(MOVIE_SORTS))


login_schema = LoginSchema()
user_schema = UserSchema()
# Signup: the same rules for email and password, and nothing else may be sent.
credentials_schema = UserSchema(only=("email", "password"))
users_schema = UserSchema(many=True)
user_patch_schema = UserPatchSchema()
user_query_schema = UserQuerySchema()
password_change_schema = PasswordChangeSchema()
forgot_schema = ForgotSchema()
reset_schema = ResetSchema()
token_schema = TokenSchema()
movie_schema = MovieSchema()
movies_schema = MovieSchema(many=True)
movie_patch_schema = MovieSchema(partial=True)
movie_query_schema = MovieQuerySchema()
