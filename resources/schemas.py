"""Marshmallow schemas, one for what a client sends and one for what the server answers.

Request schemas (`...Input`, `...Patch`, `...Query`, `Signup`, ...) reject unknown fields (marshmallow's
default, the guard against mass assignment) and say in `metadata` what JSON Schema cannot infer.
Answer schemas mark every field the server always sends as `required`, so that clients generated from
the OpenAPI document can rely on it. An optional request field declares no `default` (generated
TypeScript would type it as always present): its description says what leaving it out means.
"""

import copy
import re
import unicodedata
from datetime import UTC, datetime
from functools import cached_property

import mongoengine
from bson import ObjectId
from flask import current_app
from marshmallow import INCLUDE, Schema, ValidationError, class_registry, fields, pre_dump, validate, validates_schema

from database import changes, text
from database.accounts import User
from database.movies import Movie
from database.paging import RESULT_WINDOW
from resources.errors import CODES

PASSWORD_MIN_CHARS = 8
# Passwords are hashed with SHA-256 before bcrypt (database/passwords.py), so their length is not
# bcrypt's 72 bytes: this bound only keeps request bodies reasonable.
PASSWORD_MAX_CHARS = 256
MAX_PER_PAGE = 100
MOVIE_SORTS = ("name", "-name", "created_at", "-created_at", "year", "-year", "rating", "-rating")
FIRST_FILM_YEAR = 1878  # Muybridge's The Horse in Motion
POSTER_SIZES = ("full", "thumb")
YEARS_INVERTED = "Must not be before year_from."


# Names nobody may take, compared as database/text.py folds them ("ADMIN", "Аdmin" with a Cyrillic А, "ad-min").
RESERVED_NAMES = {
    text.key(name)
    for name in (
        "admin",
        "ad-min",
        "administrator",
        "root",
        "system",
        "moderator",
        "mod",
        "support",
        "staff",
        "official",
        "movie-bag",
        "moviebag",
    )
}
# Every account without a name of its own shows as `user-` and 6 characters of its id: nobody may pose as one.
DEFAULT_NAME = re.compile(r"user [0-9a-f]{6}")
# Letters and symbols that show as blank space (Hangul fillers, the blank braille pattern).
BLANK_LOOKING = set("\u115f\u1160\u3164\uffa0\u2800")

# --- fields ------------------------------------------------------------------------------------

STORED_EMAIL = mongoengine.EmailField(max_length=254)
EXPLICIT_OFFSET = re.compile(r"(Z|[+-]\d\d:\d\d)$")


class Text(fields.String):
    """A string with no NUL character: no name, genre or search term has a use for one."""

    default_error_messages = {"nul": "Must not contain NUL characters."}

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if isinstance(value, str) and "\x00" in value:
            raise self.make_error("nul")
        return super().deserialize(value, attr, data, **kwargs)


class TrimmedString(Text):
    """A string with surrounding white space removed before it is validated."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        return super().deserialize(value, attr, data, **kwargs)


class NormalizedEmail(fields.Email):
    """An email in its canonical form before it is validated: emails compare case- and width-insensitively.

    It must also be one the User document stores (MongoEngine's EmailField is stricter than
    marshmallow's Email about non-ASCII): what the schema accepts, the server accepts.
    """

    default_error_messages = {"invisible": "Must not contain invisible formatting characters (zero-width spaces, bidi marks)."}

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if isinstance(value, str):
            # Invisible in a mail client and dropped by IDNA: an address that shows like another's is refused.
            if any(unicodedata.category(ch) == "Cf" for ch in value):
                raise self.make_error("invisible")
            value = User.normalize_email(value)
            try:
                STORED_EMAIL.validate(value)
            except mongoengine.ValidationError:
                raise self.make_error("invalid") from None
        return super().deserialize(value, attr, data, **kwargs)


class UTCDateTime(fields.DateTime):
    """ISO 8601 with an explicit UTC offset for the naive UTC datetimes MongoDB returns."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        text = super().serialize(attr, obj, accessor, **kwargs)
        if isinstance(text, str) and not EXPLICIT_OFFSET.search(text):
            text += "+00:00"  # what isoformat() writes for the same time made aware in UTC
        return text


class ObjectIdString(fields.String):
    """An id of a stored document, given as its 24 hex digits."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        value = super().deserialize(value, attr, data, **kwargs)
        if isinstance(value, str) and not ObjectId.is_valid(value):
            raise ValidationError("Not a valid id.")
        return value


def password(min_chars, description):
    """A password field: min_chars to PASSWORD_MAX_CHARS characters."""
    return fields.String(
        required=True,
        load_only=True,
        validate=[
            validate.Length(min=min_chars, error="Password must be at least {min} characters long."),
            validate.Length(max=PASSWORD_MAX_CHARS, error="Password must be at most {max} characters long."),
        ],
        metadata={"description": description},
    )


def new_password():
    """A password being chosen: long enough to be worth having."""
    return password(PASSWORD_MIN_CHARS, f"{PASSWORD_MIN_CHARS} to {PASSWORD_MAX_CHARS} characters, any script.")


def names(max_items, what):
    """A non-empty list of non-empty trimmed strings."""
    return fields.List(
        TrimmedString(validate=validate.Length(min=1, max=200)),
        required=True,
        validate=validate.Length(min=1, max=max_items),
        metadata={"description": f"1 to {max_items} {what}, each 1 to 200 characters (trimmed)."},
    )


def email(description):
    """An email address, compared case-insensitively."""
    return NormalizedEmail(required=True, validate=validate.Length(max=254), metadata={"description": description})


def validate_display_name(name):
    """A name others can read and that speaks for nobody else: no control or invisible formatting
    characters (a bidi override shows "\u202enimda" as "admin"), something visible, not a reserved name."""
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise ValidationError("Must not contain control characters.")
    if any(unicodedata.category(ch) == "Cf" for ch in name):
        raise ValidationError("Must not contain invisible formatting characters (bidi overrides, zero-width spaces).")
    if not any(unicodedata.category(ch)[0] in "LNPS" and ch not in BLANK_LOOKING for ch in name):
        raise ValidationError("Must contain a visible character.")
    key = text.key(name)
    if key in RESERVED_NAMES or DEFAULT_NAME.fullmatch(key):
        raise ValidationError("This name is reserved; choose another.")


def display_name():
    """A public name: 1 to 50 characters, trimmed; null for the default."""
    return TrimmedString(
        allow_none=True,
        validate=[validate.Length(min=1, max=50), validate_display_name],
        metadata={
            "description": "Shown beside one's reviews: 1 to 50 characters (trimmed), with something visible, no control or "
            "invisible formatting characters, and not a reserved name (admin, moderator, ... or another account's default "
            "name) in any spelling. Left out: `user-` and the last 6 characters of the account's id."
        },
    )


def validate_year(year):
    """A year the cinema has had, or will have within ten years."""
    last = datetime.now(UTC).year + 10
    if not FIRST_FILM_YEAR <= year <= last:
        raise ValidationError(f"Must be between {FIRST_FILM_YEAR} and {last}.")


def filter_values(what):
    """A repeatable list filter: every value given must match, in any letter case or accents."""
    return fields.List(
        Text(validate=validate.Length(min=1, max=200)),
        validate=validate.Length(min=1, max=10),
        metadata={
            "description": f"Movies with this {what}, in any letter case and with or without accents; repeat the parameter for movies with every one given (at most 10)."
        },
    )


def imdb_id_field(description, **kwargs):
    """An IMDb title id: tt and 7 to 10 digits."""
    return fields.String(validate=validate.Regexp(r"^tt[0-9]{7,10}$"), metadata={"description": description}, **kwargs)


def tmdb_id_field(description, strict=True, **kwargs):
    """A TMDB movie id: a positive integer (strict in a JSON body, from text in a query string)."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": description}, **kwargs)


def year_field(description, allow_none=False, strict=False):
    """A release year, FIRST_FILM_YEAR to ten years from now (strict in a JSON body: a number, not "1995")."""
    return fields.Integer(
        strict=strict,
        allow_none=allow_none,
        validate=validate_year,
        metadata={"description": description, "minimum": FIRST_FILM_YEAR, "maximum": datetime.now(UTC).year + 10},
    )


# --- what clients send --------------------------------------------------------------------------


class SignupSchema(Schema):
    """A new account's email and password, and its public name if it wants one."""

    email = email("Unique in any letter case; stored lower-cased.")
    password = new_password()
    display_name = display_name()


class LoginSchema(Schema):
    """Email and password, as sent to login: any email string, so a wrong email is a 401, not a hint."""

    email = TrimmedString(required=True, validate=validate.Length(min=1, max=254))
    password = password(1, f"At most {PASSWORD_MAX_CHARS} characters.")


class RefreshInputSchema(Schema):
    """A refresh token sent in the body, as OAuth clients and mobile SDKs send it, instead of as the Bearer token."""

    refresh_token = Text(required=True, validate=validate.Length(min=1, max=4096), metadata={"description": "The refresh token."})


class ChangePasswordSchema(Schema):
    """The current password, as proof, and the new one."""

    current_password = password(1, "The password the account has now.")
    new_password = new_password()


class ForgotPasswordSchema(Schema):
    """Where to send a password reset link."""

    email = email("The account's email, in any letter case.")


class ResetPasswordSchema(Schema):
    """An emailed reset token and the new password."""

    reset_token = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The token from the reset email."},
    )
    password = new_password()


class UserCreateSchema(SignupSchema):
    """An account an admin creates."""

    is_admin = fields.Boolean(metadata={"description": "Whether the account is an admin; false when left out."})


class UserPatchSchema(Schema):
    """What an admin may change on an account."""

    is_admin = fields.Boolean(required=True)


class MePatchSchema(Schema):
    """What one may change on one's own account here."""

    display_name = display_name()


class RatingInputSchema(Schema):
    """One's score of a movie."""

    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10), metadata={"description": "1 to 10."})


class ReviewInputSchema(Schema):
    """A review as its author writes it; PATCH takes the same."""

    body = TrimmedString(
        required=True,
        validate=validate.Length(min=1, max=5000),
        metadata={"description": "1 to 5,000 characters (trimmed)."},
    )


class MovieInputSchema(Schema):
    """A movie as a client writes it (create and replace); PATCH takes any part of it."""

    name = TrimmedString(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "1 to 200 characters (trimmed); a name and year are unique in the catalogue in any letter case or accents."
        },
    )
    casts = names(100, "cast members")
    genres = names(20, "genres")
    year = year_field(
        f"The release year, {FIRST_FILM_YEAR} to ten years from now, or null (unknown, as when left out).", allow_none=True, strict=True
    )
    runtime_minutes = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "1 to 1000, or null (unknown, as when left out)."},
    )
    directors = fields.List(
        TrimmedString(validate=validate.Length(min=1, max=200)),
        validate=validate.Length(max=20),
        metadata={"description": "0 to 20 names, each 1 to 200 characters (trimmed); none when left out."},
    )
    overview = Text(
        validate=validate.Length(max=2000),
        metadata={"description": "At most 2,000 characters; empty when left out. PUT resets every field it is not sent."},
    )
    imdb_id = imdb_id_field(
        "Its IMDb id (`tt` and 7 to 10 digits), unique in the catalogue, or null (none, as when left out).", allow_none=True
    )
    tmdb_id = tmdb_id_field("Its TMDB movie id, unique in the catalogue, or null (none, as when left out).", allow_none=True)


class FieldNames(fields.String):
    """`fields=name,year`: some fields of an answer schema, comma-separated, loaded as a tuple of names (each
    once, in the order given); an unknown name is refused by name. The schema is named as fields.Nested names
    one, so that it may be defined further down; resources/openapi.py documents the names as the pattern."""

    default_error_messages = {"unknown": "Unknown field: {unknown}. The fields are {known}."}

    def __init__(self, answer, **kwargs):
        super().__init__(**kwargs)
        self.answer = answer

    @cached_property
    def names(self):
        """The answer schema's field names, in its order."""
        return tuple(class_registry.get_class(self.answer)().fields)

    @property
    def pattern(self):
        """The names, comma-separated, with spaces around them allowed: exactly what deserialize takes."""
        name = f"({'|'.join(self.names)})"
        return f"^ *{name} *(, *{name} *)*$"

    def deserialize(self, value, attr=None, data=None, **kwargs):
        names = super().deserialize(value, attr, data, **kwargs)
        if not isinstance(names, str):  # not sent
            return names
        wanted = tuple(dict.fromkeys(name.strip(" ") for name in names.split(",")))
        unknown = [name for name in wanted if name not in self.names]
        if unknown:
            raise self.make_error("unknown", unknown=", ".join(repr(name) for name in unknown), known=", ".join(self.names))
        return wanted


def field_selection(answer, what):
    """The `fields` parameter of a read answering the schema named answer."""
    return FieldNames(
        answer,
        data_key="fields",
        validate=validate.Length(min=1, max=400),
        metadata={
            "description": f"Only these fields of {what}, comma-separated (`name,year,poster_url`); `id` always comes, "
            f"`viewer` only with a token. The answer is then `application/vnd.movie-bag.fields+json` (each movie a "
            f"`{answer.removesuffix('Schema')}Fields`: only `id` is sure to be there), with an ETag of its own. An "
            "unknown name is a 400 naming it. Every field (`application/json`) when left out."
        },
    )


class MovieReadQuerySchema(Schema):
    """The query string of one movie."""

    only_fields = field_selection("MovieSchema", "the movie")


class EmptyQuerySchema(Schema):
    """The query string of an operation that takes no parameters: any parameter is a 400."""


class PageQuerySchema(Schema):
    """Pagination parameters shared by every list: a page number near the start, a cursor anywhere."""

    page = fields.Integer(
        validate=validate.Range(min=1, max=RESULT_WINDOW),
        metadata={
            "description": f"The page, from 1 (the first when left out). Numbered pages reach the first {RESULT_WINDOW} "
            f"items: a page whose last item would lie deeper (page x per_page > {RESULT_WINDOW}) is a 400 naming "
            "`cursor`; follow the Link header's `next` instead. Not with `cursor`."
        },
    )
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items per page, at most {MAX_PER_PAGE}."},
    )
    cursor = Text(
        validate=validate.Length(min=1, max=2000),
        metadata={
            "description": "Where the page starts: the opaque value the Link header's `next` carries. A page read by "
            "cursor costs the same however deep it is. A cursor of another list, filter or order, or one this "
            "server did not make, is a 400. Not with `page`."
        },
    )

    @validates_schema
    def page_or_cursor(self, data, **kwargs):
        """A page number or a cursor, not both; numbered pages only within the result window."""
        if "page" in data and "cursor" in data:
            raise ValidationError("Give a page number or a cursor, not both.", "cursor")
        if data.get("page", 1) * data["per_page"] > RESULT_WINDOW:
            raise ValidationError(
                f"Numbered pages reach the first {RESULT_WINDOW} items: follow the Link header's next URL (its cursor) to go further.",
                "page",
            )


class WatchlistQuerySchema(PageQuerySchema):
    """The query string of one's watchlist."""

    only_fields = field_selection("WatchlistMovieSchema", "each movie (`added_at` too)")


class UserQuerySchema(PageQuerySchema):
    """The query string of the user list."""

    q = Text(validate=validate.Length(min=1, max=254), metadata={"description": "A substring of the email, in any letter case."})


class MovieQuerySchema(PageQuerySchema):
    """The query string of the movie list."""

    q = Text(
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "Words to find in the name, the cast and the directors, in any letter case and with or without "
            "accents; each word matches the start of a word (`godf` finds The Godfather, `pacino` Al Pacino's movies), and "
            "two words may be one (`god father`). Results come by relevance: the whole name first, then names with every "
            "word, then movies whose people match; within each, by rating. With `sort`, in that order instead."
        },
    )
    genre = filter_values("genre")
    cast = filter_values("cast member")
    director = filter_values("director")
    imdb_id = imdb_id_field("The movie with this IMDb id.")
    tmdb_id = tmdb_id_field("The movie with this TMDB id.", strict=False)
    added_by = ObjectIdString(metadata={"description": "Movies added by the user with this id."})
    year = year_field("Movies of this year.")
    year_from = year_field("Movies of this year or later.")
    year_to = year_field("Movies of this year or earlier; not before year_from (else a 400).")
    min_rating = fields.Float(
        validate=validate.Range(min=1, max=10),
        metadata={"description": "Movies whose average rating (as shown, to one decimal) is at least this; unrated ones never are."},
    )
    sort = fields.String(
        validate=validate.OneOf(MOVIE_SORTS),
        metadata={
            "description": "The order, newest first (`-created_at`) when left out; a leading `-` is descending; by "
            "rating, unrated movies come last either way; by name, in any letter case. Ties go by id. With `q`, "
            "results come by relevance unless a sort is given."
        },
    )
    only_fields = field_selection("MovieSchema", "each movie")

    @validates_schema
    def years_in_order(self, data, **kwargs):
        """year_from must not come after year_to."""
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            raise ValidationError(YEARS_INVERTED, "year_to")


class PosterQuerySchema(Schema):
    """The query string of a poster."""

    size = fields.String(
        validate=validate.OneOf(POSTER_SIZES),
        metadata={"description": "`thumb`: at most 300 pixels wide; the full image when left out."},
    )
    v = Text(
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "The poster's version, as poster_url carries it: the answer to a URL with the current version may be kept for good."
        },
    )


class FacetSchema(Schema):
    """A value a list can be filtered on, and how many movies have it."""

    name = fields.String(required=True)
    count = fields.Integer(required=True)


class ReviewQuerySchema(PageQuerySchema):
    """The query string of a movie's reviews."""

    author = ObjectIdString(metadata={"description": "Only the review by the user with this id (one at most)."})


# --- what the server answers ---------------------------------------------------------------------


class ErrorSchema(Schema):
    """The one envelope every error answers with."""

    code = fields.String(
        required=True,
        validate=validate.OneOf(list(CODES)),
        metadata={
            "description": "What went wrong, for programs: stable across versions and layers (the document's description lists them)."
        },
    )
    message = fields.String(required=True, metadata={"description": "One sentence for a person."})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status, repeated."})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Validation messages by field (nested for list items); only on 400 and 409."},
    )


class InternalErrorSchema(Schema):
    """The envelope of a 500: a bug on our side, logged under the request id it names."""

    code = fields.String(required=True, validate=validate.OneOf(["internal_error"]), metadata={"description": "`internal_error`."})
    message = fields.String(required=True, metadata={"description": "One sentence for a person, with the request id."})
    status = fields.Integer(required=True, metadata={"description": "500."})
    request_id = fields.String(required=True, metadata={"description": "Quote it in a bug report (also in X-Request-ID)."})


class NoticeSchema(Schema):
    """One sentence and the status, answering a request that was accepted."""

    message = fields.String(required=True)
    status = fields.Integer(required=True)


class HealthSchema(Schema):
    """What /api/health answers while the database does."""

    status = fields.String(required=True, metadata={"enum": ["ok"]})


class ReadinessSchema(Schema):
    """What /api/ready answers once the service may take traffic."""

    status = fields.String(required=True, metadata={"enum": ["ready"]})


class OpenApiDocumentSchema(Schema):
    """This document itself, as far as a client needs to know before parsing it."""

    class Meta:
        unknown = INCLUDE

    openapi = fields.String(required=True)
    info = fields.Dict(required=True)
    paths = fields.Dict(required=True)


class TokenSchema(Schema):
    """The answer to a successful login or refresh."""

    access_token = fields.String(required=True, metadata={"description": "Send as `Authorization: Bearer <access_token>`."})
    refresh_token = fields.String(required=True, metadata={"description": "Send as the Bearer token of POST /api/auth/refresh, once."})
    token_type = fields.String(required=True, metadata={"enum": ["Bearer"]})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds until the access token expires."})


class AccessTokenSchema(Schema):
    """The answer to a browser login or refresh: the refresh token is in its HttpOnly cookie instead."""

    access_token = fields.String(
        required=True, metadata={"description": "Keep it in memory; send it as `Authorization: Bearer <access_token>`."}
    )
    token_type = fields.String(required=True, metadata={"enum": ["Bearer"]})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds until the access token expires."})


class AccountCreatedSchema(Schema):
    """The answer to a signup: the new account's id (Location has its URL)."""

    id = fields.String(required=True, attribute="_id")


class UserSchema(Schema):
    """An account as its owner and admins see it: never the password or its hash."""

    @pre_dump
    def from_row(self, user, **kwargs):
        """The id and public name of the account's stored row."""
        return {**user, "id": user["_id"], "public_name": User.public_name(user)}

    id = fields.String(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True, attribute="public_name", metadata={"description": "The name others see."})
    is_admin = fields.Boolean(required=True)
    created_at = UTCDateTime(required=True)


class RatingSummarySchema(Schema):
    """A movie's rating: the average of its scores to one decimal (null when unrated), and their count."""

    average = fields.Float(required=True, allow_none=True)
    count = fields.Integer(required=True)


def poster_url_of(row):
    """A movie row's poster URL, or None."""
    poster = row.get("poster")
    # The version in the URL changes with the poster: a client (a browser) never shows an old one.
    return f"{current_app.config['PUBLIC_URL']}/api/movies/{row['_id']}/poster?v={poster['etag']}" if poster else None


class MovieBriefSchema(Schema):
    """What a diary row shows of its movie."""

    @pre_dump
    def derived(self, row, **kwargs):
        """The poster URL from what the row stores."""
        return {"year": None, **row, "poster_url": poster_url_of(row)}

    id = fields.String(required=True, attribute="_id")
    name = fields.String(required=True)
    year = fields.Integer(required=True, allow_none=True)
    poster_url = fields.String(required=True, allow_none=True, metadata={"description": "As a movie's poster_url."})


class ViewerSchema(Schema):
    """The caller's own state of a movie: only in answers to a request with a token."""

    score = fields.Integer(required=True, allow_none=True, metadata={"description": "The caller's score, 1 to 10, or null."})
    on_watchlist = fields.Boolean(required=True, metadata={"description": "Whether it is on the caller's watchlist."})
    review_id = fields.String(required=True, allow_none=True, metadata={"description": "The id of the caller's review of it, or null."})


class MovieSchema(Schema):
    """A movie as stored: dumped from its row."""

    id = fields.String(required=True, attribute="_id")
    name = fields.String(required=True)
    casts = fields.List(fields.String(), required=True)
    genres = fields.List(fields.String(), required=True)
    year = fields.Integer(required=True, allow_none=True)
    runtime_minutes = fields.Integer(required=True, allow_none=True)
    directors = fields.List(fields.String(), required=True)
    overview = fields.String(required=True)
    poster_url = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The poster's URL, with its version (add &size=thumb for one at most 300 px wide), or null."},
    )
    imdb_id = fields.String(required=True, allow_none=True, metadata={"description": "Its IMDb id, or null."})
    tmdb_id = fields.Integer(required=True, allow_none=True, metadata={"description": "Its TMDB movie id, or null."})
    rating = fields.Nested(RatingSummarySchema, required=True)
    added_by = fields.String(required=True, metadata={"description": "The id of the user who added it."})
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)
    viewer = fields.Nested(
        ViewerSchema,
        metadata={
            "description": "The caller's score, watchlist and review of this movie: present only when the request "
            "carried a token (a Bearer access token), absent for anonymous ones."
        },
    )

    @pre_dump
    def derived(self, row, **kwargs):
        """The rating and poster URL from what the row stores; defaults for rows from before these fields."""
        count = row.get("rating_count", 0)
        return {
            **Movie.DEFAULTS,
            **row,
            "rating": {"average": Movie.average(row["rating_sum"], count), "count": count},
            "poster_url": poster_url_of(row),
        }


class WatchlistMovieSchema(MovieSchema):
    """A movie on one's watchlist, with when it was put there."""

    added_at = UTCDateTime(required=True, metadata={"description": "When it was put on the watchlist."})


def narrowed(schema_class, doc):
    """The answer to a `fields=` selection of schema_class's: the same fields, each optional but `id`.

    A narrowed movie is not a Movie (it lacks fields Movie requires), so it has a schema, and a media type, of its
    own (resources/selection.py); a client reads each answer by its Content-Type.
    """
    optional = {}
    for name, field in schema_class().fields.items():
        if name != "id":
            optional[name] = copy.copy(field)
            optional[name].required = False
    name = schema_class.__name__.removesuffix("Schema") + "FieldsSchema"
    return type(name, (schema_class,), {"__doc__": doc, **optional})


MovieFieldsSchema = narrowed(MovieSchema, "A movie narrowed to the fields a `fields=` selection names: `id` always, the others if named.")
WatchlistMovieFieldsSchema = narrowed(
    WatchlistMovieSchema, "A movie of one's watchlist narrowed to the fields a `fields=` selection names."
)


class RatingSchema(Schema):
    """One's score of a movie."""

    score = fields.Integer(required=True)


class DiaryRatingSchema(Schema):
    """One of one's scores, with its movie."""

    score = fields.Integer(required=True)
    rated_at = UTCDateTime(required=True, attribute="updated_at", metadata={"description": "When the score was last given."})
    movie = fields.Nested(MovieBriefSchema, required=True)


class AuthorSchema(Schema):
    """Who wrote a review, as anyone may see it: never the email."""

    id = fields.String(required=True)
    display_name = fields.String(required=True)


class ReviewSchema(Schema):
    """A review as stored: dumped from its row."""

    id = fields.String(required=True, attribute="_id")
    movie_id = fields.String(required=True, attribute="movie")
    author = fields.Nested(AuthorSchema, required=True)
    author_score = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The author's own score of the movie, 1 to 10, or null."}
    )
    body = fields.String(required=True)
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)


def position_field(error, description):
    """A change log position in a query string (a sync token, an event's id): its pattern documented."""
    return fields.String(validate=validate.Regexp(changes.POSITION.pattern, error=error), metadata={"description": description})


class SyncQuerySchema(Schema):
    """The query string of a sync page."""

    since = position_field(
        "Not a sync token: pass back the `next` of a sync page (or an event's id).",
        "The `next` of the last sync page (or the id of the last event a stream gave). Left out: no changes, and the "
        "token to start from (take it before reading the catalogue).",
    )
    per_page = fields.Integer(
        load_default=100, validate=validate.Range(min=1, max=500), metadata={"description": "Changes per page, at most 500."}
    )


class EventsQuerySchema(Schema):
    """The query string of the event stream."""

    last_event_id = position_field(
        "Not an event id: pass back the `id` of the last event received.",
        "The id of the last event received, for a client that cannot send the `Last-Event-ID` header (the header wins "
        "when both are sent): the stream starts with every event since.",
    )


class SyncRatingSchema(Schema):
    """One's score of a movie, as a sync page gives it."""

    score = fields.Integer(required=True)
    rated_at = UTCDateTime(required=True, attribute="updated_at", metadata={"description": "When the score was last given."})


class SyncWatchlistSchema(Schema):
    """A movie on one's watchlist, as a sync page gives it."""

    added_at = UTCDateTime(required=True, metadata={"description": "When it was put on the watchlist."})


class SyncChangeSchema(Schema):
    """One thing that changed, as it is now: `upsert` carries it whole (store it), `delete` is a tombstone (remove it)."""

    type = fields.String(
        required=True,
        validate=validate.OneOf(["movie", "rating", "review", "watchlist"]),
        metadata={
            "description": "What changed: a movie of the catalogue (its rating included), or one's own score, review or watchlist entry."
        },
    )
    op = fields.String(required=True, validate=validate.OneOf(["upsert", "delete"]))
    id = fields.String(
        required=True,
        metadata={
            "description": "The changed thing's id: the movie's for a movie, a score and a watchlist entry (one per person and movie); the review's for a review."
        },
    )
    movie_id = fields.String(required=True, metadata={"description": "The movie it is of."})
    movie = fields.Nested(MovieSchema, metadata={"description": "The movie now (type movie, op upsert)."})
    rating = fields.Nested(SyncRatingSchema, metadata={"description": "One's score now (type rating, op upsert)."})
    review = fields.Nested(ReviewSchema, metadata={"description": "One's review now (type review, op upsert)."})
    watchlist = fields.Nested(SyncWatchlistSchema, metadata={"description": "One's watchlist entry (type watchlist, op upsert)."})


class SyncPageSchema(Schema):
    """Changes in the order the database made them, each thing once (as it is now)."""

    changes = fields.List(fields.Nested(SyncChangeSchema), required=True)
    next = fields.String(required=True, metadata={"description": "The token to ask from next time (`since`)."})
    more = fields.Boolean(required=True, metadata={"description": "Whether more changes wait: ask again at once with `since=next`."})


class ImportedCountsSchema(Schema):
    """How many movies of each file an import wrote."""

    ratings = fields.Integer(required=True, metadata={"description": "Movies rated (a score replaces one's earlier one)."})
    reviews = fields.Integer(
        required=True, metadata={"description": "Movies reviewed (a review of a movie reviewed before changes that one)."}
    )
    watchlist = fields.Integer(required=True, metadata={"description": "Movies on the watchlist (one already on it counts too)."})


class UnmatchedTitleSchema(Schema):
    """A title of the files that no movie of the catalogue has, with what the files hold of it."""

    name = fields.String(required=True)
    year = fields.Integer(required=True, allow_none=True)
    kinds = fields.List(
        fields.String(validate=validate.OneOf(["ratings", "reviews", "watchlist"])),
        required=True,
        metadata={"description": "The files that name it."},
    )
    score = fields.Integer(required=True, allow_none=True, metadata={"description": "Its score in ratings.csv, 1 to 10, or null."})
    review = fields.String(required=True, allow_none=True, metadata={"description": "Its latest review in reviews.csv, or null."})


class LetterboxdReportSchema(Schema):
    """What an import of a Letterboxd export did: the counts written, and the titles not in the catalogue."""

    imported = fields.Nested(ImportedCountsSchema, required=True)
    unmatched = fields.List(
        fields.Nested(UnmatchedTitleSchema),
        required=True,
        metadata={"description": "In the order the files name them; add each to the catalogue, then import again (or rate it)."},
    )


signup_schema = SignupSchema()
login_schema = LoginSchema()
refresh_input_schema = RefreshInputSchema()
change_password_schema = ChangePasswordSchema()
forgot_password_schema = ForgotPasswordSchema()
reset_password_schema = ResetPasswordSchema()
user_create_schema = UserCreateSchema()
user_patch_schema = UserPatchSchema()
me_patch_schema = MePatchSchema()
rating_input_schema = RatingInputSchema()
review_input_schema = ReviewInputSchema()
review_patch_schema = ReviewInputSchema(partial=True)
poster_query_schema = PosterQuerySchema()
movie_input_schema = MovieInputSchema()
movie_patch_schema = MovieInputSchema(partial=True)
empty_query_schema = EmptyQuerySchema()
user_query_schema = UserQuerySchema()
movie_query_schema = MovieQuerySchema()
movie_read_query_schema = MovieReadQuerySchema()
watchlist_query_schema = WatchlistQuerySchema()

error_schema = ErrorSchema()
internal_error_schema = InternalErrorSchema()
notice_schema = NoticeSchema()
health_schema = HealthSchema()
readiness_schema = ReadinessSchema()
openapi_document_schema = OpenApiDocumentSchema()
token_schema = TokenSchema()
access_token_schema = AccessTokenSchema()
account_created_schema = AccountCreatedSchema()
user_schema = UserSchema()
users_schema = UserSchema(many=True)
movie_schema = MovieSchema()
movies_schema = MovieSchema(many=True)
movie_fields_schema = MovieFieldsSchema()
movies_fields_schema = MovieFieldsSchema(many=True)
facets_schema = FacetSchema(many=True)
rating_schema = RatingSchema()
diary_ratings_schema = DiaryRatingSchema(many=True)
watchlist_movies_schema = WatchlistMovieSchema(many=True)
watchlist_movies_fields_schema = WatchlistMovieFieldsSchema(many=True)
review_schema = ReviewSchema()
reviews_schema = ReviewSchema(many=True)
letterboxd_report_schema = LetterboxdReportSchema()
sync_query_schema = SyncQuerySchema()
events_query_schema = EventsQuerySchema()
sync_page_schema = SyncPageSchema()
