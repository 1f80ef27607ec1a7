"""The movie catalogue: public reads, owner-or-admin writes, If-Match against lost updates."""

import re
from types import SimpleNamespace

from bson import ObjectId
from flask import Response, request, url_for
from flask_jwt_extended import jwt_required
from flask_restful import Resource
from pymongo import ASCENDING, DESCENDING
from werkzeug.exceptions import Forbidden, NotFound, PreconditionFailed
from werkzeug.http import quote_etag

from database.models import Movie
from resources.auth import current_user, current_user_id
from resources.pagination import paginate
from resources.schemas import (
    movie_patch_schema,
    movie_query_schema,
    movie_schema,
    movies_schema,
)

VERSION = re.compile(r"[0-9]{1,15}")
# How each filter of the list's query string matches a stored movie (q: a case-insensitive substring).
FILTERS = {
    "q": lambda text: ("name", re.compile(re.escape(text), re.IGNORECASE)),
    "genre": lambda genre: ("genres", genre),
    "cast": lambda cast: ("casts", cast),
    "added_by": lambda user_id: ("added_by", ObjectId(user_id)),
}


def get_movie_or_404(movie_id):
    """The movie with this id; a malformed id is as unknown as a missing one."""
    movie = Movie.objects(id=movie_id).first() if ObjectId.is_valid(movie_id) else None
    if movie is None:
        raise NotFound("No movie has this id.")
    return movie


def movie_row(doc):
    """A stored movie as a plain row with the attributes the schema and the ETag read.

    Building a MongoEngine document costs more than serializing it, so reads use raw rows.
    """
    row = SimpleNamespace(**doc, id=doc["_id"], added_by_id=doc["added_by"])
    row.etag = Movie.etag.fget(row)
    return row


def read_movie_or_404(movie_id):
    """The movie with this id as a row, for reading only: one find_one, no document built."""
    doc = Movie._get_collection().find_one({"_id": ObjectId(movie_id)}) if ObjectId.is_valid(movie_id) else None
    if doc is None:
        raise NotFound("No movie has this id.")
    return movie_row(doc)


def if_match_versions(movie_id):
    """The versions an If-Match header lets this write happen at; None when it allows any."""
    if not request.if_match or request.if_match.star_tag:
        return None
    prefix = f"{movie_id}-"
    tags = (tag.removeprefix(prefix) for tag in request.if_match.as_set() if tag and tag.startswith(prefix))
    # Any other tag (empty, another movie's, digits MongoDB cannot hold) matches no version.
    return [int(version) for version in tags if VERSION.fullmatch(version)]


def refuse_write(movie_id, versions):
    """Say why a conditional write matched nothing: 404, then 403, then 412."""
    movie = get_movie_or_404(movie_id)
    if not movie.is_editable_by(current_user):
        raise Forbidden("Only the person who added this movie, or an admin, may change it.")
    raise PreconditionFailed() if versions is not None else NotFound("No movie has this id.")


def write_movie(movie_id, write):
    """Run write(filter) on this movie at the If-Match version, as its owner or else as an admin.

    The owner's write is tried first, conditioned on added_by, so it needs only the token's user id;
    the user is read only when that matches nothing, to see whether an admin may write anyway.
    Returns what write returned; raises 404, 403 or 412 when no write happened.
    """
    versions = if_match_versions(movie_id)
    if not ObjectId.is_valid(movie_id):
        raise NotFound("No movie has this id.")
    result = write(Movie.write_filter(movie_id, current_user_id(), versions))
    if not result and current_user.is_admin:
        result = write(Movie.write_filter(movie_id, None, versions))
    if not result:
        refuse_write(movie_id, versions)
    return result


def movie_response(movie, status=200, headers=None):
    """A single movie with its ETag."""
    return movie_schema.dump(movie), status, {"ETag": quote_etag(movie.etag), **(headers or {})}


class MovieListResource(Resource):
    """The catalogue as a whole."""

    def get(self):
        """Search, filter, sort and page the catalogue."""
        args = movie_query_schema.load(request.args.to_dict())
        query = dict(FILTERS[key](args[key]) for key in FILTERS if key in args)
        field, direction = args["sort"].lstrip("-"), DESCENDING if args["sort"].startswith("-") else ASCENDING
        # Straight through pymongo, rows and no documents: a page costs what its query costs.
        movies = Movie._get_collection()
        cursor = movies.find(query).sort([(field, direction), ("_id", direction)])
        page, headers = paginate(cursor, args["page"], args["per_page"], movies.count_documents(query))
        return movies_schema.dump([movie_row(doc) for doc in page]), 200, headers

    @jwt_required()
    def post(self):
        """Add a movie owned by the current user."""
        data = movie_schema.load(request.get_json())
        # The user is read (401 if the account is gone): a new movie must not outlive its owner.
        movie = Movie(**data, added_by=current_user.id).save()
        return movie_response(movie, 201, {"Location": url_for("movieresource", movie_id=movie.id)})


class MovieResource(Resource):
    """One movie."""

    def get(self, movie_id):
        """Read a movie."""
        return movie_response(read_movie_or_404(movie_id))

    @jwt_required()
    def put(self, movie_id):
        """Replace name, casts and genres."""
        return self._update(movie_id, movie_schema)

    @jwt_required()
    def patch(self, movie_id):
        """Change any of name, casts and genres."""
        return self._update(movie_id, movie_patch_schema)

    @jwt_required()
    def delete(self, movie_id):
        """Remove a movie."""
        write_movie(movie_id, Movie.delete_where)
        return Response(status=204)

    def _update(self, movie_id, schema):
        """Validate, then write only if we may and nobody changed the movie since our If-Match."""
        data = schema.load(request.get_json())
        return movie_response(movie_row(write_movie(movie_id, lambda query: Movie.update_where(query, data))))
