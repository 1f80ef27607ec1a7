"""The movie catalogue: public reads, owner-or-admin writes, If-Match against lost updates; posters and ratings."""

from flask import Response, current_app, request, url_for
from flask_restful import Resource
from marshmallow import ValidationError
from werkzeug.exceptions import NotFound

import metrics
from database import movies, posters
from database.movies import Movie
from database.ratings import Rating
from resources import images, limits
from resources.contract import ACCESS, VIEWER, Reply, Upload, operation
from resources.ownership import require_writable, tagged, write_owned
from resources.pagination import PAGE_HEADERS, page_reply, read_page
from resources.schemas import (
    YEARS_INVERTED,
    PageQuerySchema,
    diary_ratings_schema,
    facets_schema,
    movie_fields_schema,
    movie_input_schema,
    movie_patch_schema,
    movie_query_schema,
    movie_read_query_schema,
    movie_schema,
    movies_fields_schema,
    movies_schema,
    poster_query_schema,
    rating_input_schema,
    rating_schema,
)
from resources.selection import answered, selected, selection_reply
from resources.tokens import current_user_id, require_account
from resources.viewer import viewer_id, with_viewer

TAG = "Movies"
NO_SUCH_MOVIE = "No movie has this id."
NOT_YOURS = "Only the person who added this movie, or an admin, may change it."
THE_MOVIE_NOW = Reply("The movie as stored now.", movie_schema, ("ETag",))
NOT_CRITERIA = ("page", "per_page", "cursor", "only_fields")
WITH_VIEWER = (
    " With a Bearer access token (optional), each movie carries the caller's `viewer` state (score, watchlist, "
    "review), read for the whole answer at once; such an answer is private to the caller."
)
IMAGE_CONTENT = {media: {"schema": {"type": "string", "format": "binary"}} for media in images.FORMATS}


def write_movie(movie_id, write, if_match=True):
    """Run write(owner=..., versions=...) on the movie as its owner or an admin (404, 403, 412 otherwise)."""
    return write_owned(Movie, movie_id, write, "movie", NOT_YOURS, if_match)


def update_movie(movie_id, changes):
    """Write validated changes to a movie (PUT and PATCH alike) and answer it as stored now."""
    return tagged(movie_schema, write_movie(movie_id, lambda **where: Movie.update_where(movie_id, changes, **where)))


def read_or_404(movie_id):
    """The movie's row, or a 404."""
    movie = Movie.read(movie_id)
    if movie is None:
        raise NotFound(NO_SUCH_MOVIE)
    return movie


def update_operation(operation_id, summary, body, description):
    """PUT and PATCH differ only in their body: the whole movie, or any part of it."""
    return operation(
        operation_id,
        summary,
        description=description + " Only the person who added the movie, or an admin, may. Send the ETag "
        "last read as If-Match and the write happens only if nobody changed the movie since (else 412).",
        tag=TAG,
        responses={200: THE_MOVIE_NOW},
        errors=[403, 404, 409, 412],
        body=body,
        auth=ACCESS,
        if_match=True,
    )


class MovieListResource(Resource):
    """The catalogue as a whole."""

    @operation(
        "listMovies",
        "Search, filter, sort and page the catalogue",
        description="Search, filter, sort and page the catalogue. Every filter narrows the list. One rule spans two "
        "parameters: `year_to` must not come before `year_from` (an inverted range is a 400, `validation_failed`, "
        "naming `year_to`)." + WITH_VIEWER,
        tag=TAG,
        responses={
            200: selection_reply("One page of movies (with `fields`, narrowed).", movies_schema, movies_fields_schema, PAGE_HEADERS)
        },
        errors={400: f'Also when year_to comes before year_from ("{YEARS_INVERTED}" under errors.year_to).'},
        query=movie_query_schema,
        auth=VIEWER,
    )
    def get(self, args):
        """Search, filter, sort and page the catalogue."""
        criteria = {name: value for name, value in args.items() if name not in NOT_CRITERIA}
        rows, headers = read_page(args, lambda per_page, **where: movies.page(per_page, **where, **criteria))
        names = args.get("only_fields")
        return answered(names, selected(names, movies_schema, movies_fields_schema).dump(with_viewer(rows, names=names)), 200, headers)

    @operation(
        "createMovie",
        "Add a movie",
        description="Adds a movie owned by the caller. Its name and year, in any letter case or accents, and its "
        "IMDb and TMDB ids must be new to the catalogue (409). Only name, casts and genres are required.",
        tag=TAG,
        responses={201: Reply("Created; Location is the new movie.", movie_schema, ("ETag", "Location"))},
        errors=[409],
        body=movie_input_schema,
        auth=ACCESS,
    )
    def post(self, data):
        """Add a movie owned by the current user."""
        # The account is checked (401 if it is gone): a new movie must not outlive its owner.
        movie = Movie.create(data, require_account())
        metrics.MOVIES_CREATED.inc()
        return tagged(movie_schema, movie, 201, {"Location": url_for("movieresource", movie_id=movie["_id"])})


class GenreListResource(Resource):
    """The genres the catalogue can be filtered on."""

    @operation(
        "listGenres",
        "Every genre, with how many movies have it",
        description="Most frequent first; spellings that differ only in letter case or accents count as one. "
        "Recounted at most once a minute.",
        tag=TAG,
        responses={200: Reply("The genres.", facets_schema)},
    )
    def get(self):
        """For a genre picker."""
        return facets_schema.dump(movies.genres()), 200


class DirectorListResource(Resource):
    """The most frequent directors."""

    @operation(
        "listDirectors",
        "The 50 most frequent directors, with how many movies each directed",
        description="Most frequent first, as `listGenres` counts them.",
        tag=TAG,
        responses={200: Reply("The directors.", facets_schema)},
    )
    def get(self):
        """For a director picker."""
        return facets_schema.dump(movies.directors()), 200


class MovieResource(Resource):
    """One movie."""

    @operation(
        "getMovie",
        "Read a movie",
        description="Read a movie." + WITH_VIEWER + " Its ETag is then the caller's own, as it is for a `fields` selection.",
        tag=TAG,
        responses={200: selection_reply("The movie (with `fields`, narrowed).", movie_schema, movie_fields_schema, ("ETag",))},
        errors=[404],
        query=movie_read_query_schema,
        auth=VIEWER,
    )
    def get(self, movie_id, args):
        """Read a movie, with the caller's state when a token came, narrowed to a `fields` selection if one came."""
        names = args.get("only_fields")
        [movie] = with_viewer([read_or_404(movie_id)], names=names)
        # Another caller's state, or other fields, is another representation: another strong ETag.
        variant = (str(viewer_id()), movie.get("viewer"), names) if "viewer" in movie or names else None
        return answered(names, *tagged(selected(names, movie_schema, movie_fields_schema), movie, variant=variant))

    @update_operation(
        "replaceMovie", "Replace a movie", movie_input_schema, "Every field a client writes is replaced: one left out takes its default."
    )
    def put(self, movie_id, data):
        """Replace every field a client writes; those not sent go back to their defaults."""
        return update_movie(movie_id, {**Movie.DEFAULTS, **data})

    @update_operation("updateMovie", "Change some of a movie's fields", movie_patch_schema, "The fields sent change; the others stay.")
    def patch(self, movie_id, data):
        """Change the fields sent, keep the others."""
        return update_movie(movie_id, data)

    @operation(
        "deleteMovie",
        "Remove a movie",
        description="Removes it with its poster, ratings, reviews and watchlist entries. Only the person who "
        "added the movie, or an admin, may. With If-Match, only if nobody changed it since (else 412).",
        tag=TAG,
        responses={204: Reply("Deleted.")},
        errors=[403, 404, 412],
        auth=ACCESS,
        if_match=True,
    )
    def delete(self, movie_id):
        """Remove a movie."""
        write_movie(movie_id, lambda **where: Movie.delete_where(movie_id, **where))
        return Response(status=204)


POSTER_UPLOAD = Upload(
    tuple(images.FORMATS),
    5 * 1024 * 1024,
    f"The image itself, at most 5 MiB and {images.MAX_PIXELS // 1_000_000} megapixels, as image/jpeg, image/png or "
    "image/webp. It is decoded to check it is what it says, and stored re-encoded, without its metadata (EXIF, "
    f"GPS), scaled down to fit {images.STORED_BOX[0]} x {images.STORED_BOX[1]} px if it is larger. Or, as mobile upload APIs send it, a multipart/form-data body of exactly one "
    "file part (named `poster`; any name is taken) with the image's type as its Content-Type, and no other part; the 5 MiB are the whole body's.",
    multipart_field="poster",
)


def uploaded_poster():
    """The poster's bytes and media type: the raw body, or the one file part of a multipart/form-data body."""
    if request.mimetype != "multipart/form-data":
        return request.get_data(), request.mimetype
    parts = [part for _, part in request.files.items(multi=True)]
    if len(parts) != 1 or request.form:
        raise ValidationError({"poster": ["Send exactly one file part (the image), and no other part."]})
    return parts[0].read(), parts[0].mimetype


class MoviePosterResource(Resource):
    """A movie's poster, stored in GridFS: its full image and a thumbnail."""

    @operation(
        "getMoviePoster",
        "A movie's poster image",
        description="The full image, or with size=thumb one at most 300 px wide. poster_url carries the "
        "poster's version (v): that URL's answer may be kept for good. Answers carry an ETag; send it back "
        "as If-None-Match and an unchanged poster is a 304.",
        tag=TAG,
        responses={
            200: Reply("The image.", headers=("ETag", "Cache-Control"), content=IMAGE_CONTENT),
            304: Reply("Not modified since the copy whose ETag was sent as If-None-Match.", headers=("ETag",)),
        },
        errors=[404],
        query=poster_query_schema,
    )
    def get(self, movie_id, args):
        """The poster in the size asked for; 404 for an unknown movie or one without a poster."""
        poster = read_or_404(movie_id).get("poster")
        size = args.get("size", "full")
        data = posters.read(poster["thumb" if size == "thumb" else "original"]) if poster else None
        if data is None:
            raise NotFound("This movie has no poster.")
        response = current_app.response_class(data, mimetype=poster["content_type"])
        response.set_etag(f"{poster['etag']}-{size}")
        # Under the URL of its version (poster_url's) a poster never changes: keep it. Under any other
        # URL, keep it but ask again (If-None-Match) before showing it.
        current = args.get("v") == poster["etag"]
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if current else "public, no-cache"
        return response.make_conditional(request)

    @operation(
        "putMoviePoster",
        "Upload a movie's poster",
        description="Replaces the poster, if any. Only the person who added the movie, or an admin, may: anyone "
        "else is refused before the image is read. Limited per account and per address; while the server is "
        "busy with other images, a 503 with Retry-After.",
        tag=TAG,
        responses={200: THE_MOVIE_NOW},
        errors=[403, 404],
        body=POSTER_UPLOAD,
        auth=ACCESS,
        limits=[limits.POSTER_PER_ACCOUNT, limits.POSTER_PER_ADDRESS],
    )
    def put(self, movie_id):
        """Check and store the image, then point the movie at it; the files of a refused write are removed."""
        movie = require_writable(Movie, movie_id, "movie", NOT_YOURS)
        data, media_type = uploaded_poster()
        images.check_type(media_type)
        with images.image_turn():
            full, thumb = images.poster_versions(data, media_type)
        poster = posters.store(movie["_id"], full, thumb, media_type)
        stored = None
        try:
            stored = write_movie(movie_id, lambda **where: Movie.set_poster(movie_id, poster, where["owner"]), if_match=False)
        finally:
            if stored is None:  # refused (403), or the movie went meanwhile (404): its files go too
                posters.discard(poster)
        return tagged(movie_schema, stored)

    @operation(
        "deleteMoviePoster",
        "Remove a movie's poster",
        description="Only the person who added the movie, or an admin, may; a movie without one answers 204 too.",
        tag=TAG,
        responses={204: Reply("Removed.")},
        errors=[403, 404],
        auth=ACCESS,
    )
    def delete(self, movie_id):
        """Take the poster away and delete its files."""
        write_movie(movie_id, lambda **where: Movie.set_poster(movie_id, None, where["owner"]), if_match=False)
        return Response(status=204)


class MovieRatingResource(Resource):
    """One's own score of a movie."""

    @operation(
        "getMyRating",
        "One's own score of a movie",
        tag=TAG,
        responses={200: Reply("The score.", rating_schema)},
        errors=[404],
        auth=ACCESS,
    )
    def get(self, movie_id):
        """404 when the caller has not rated the movie (or it does not exist)."""
        score = Rating.score_of(current_user_id(), movie_id)
        if score is None:
            raise NotFound("You have not rated this movie.")
        return rating_schema.dump({"score": score}), 200

    @operation(
        "rateMovie",
        "Rate a movie, 1 to 10",
        description="One score per person and movie: a second one replaces the first. The movie's rating "
        "(average and count) follows at once.",
        tag=TAG,
        responses={200: Reply("The score as stored.", rating_schema)},
        errors=[404],
        body=rating_input_schema,
        auth=ACCESS,
    )
    def put(self, movie_id, data):
        """Set the caller's score; 404 for an unknown movie."""
        if not Rating.put(require_account(), movie_id, data["score"]):
            raise NotFound(NO_SUCH_MOVIE)
        return rating_schema.dump(data), 200

    @operation(
        "deleteMyRating",
        "Take one's score of a movie back",
        description="204 whether or not there was one.",
        tag=TAG,
        responses={204: Reply("Taken back.")},
        auth=ACCESS,
    )
    def delete(self, movie_id):
        """The movie's rating follows at once."""
        Rating.remove(current_user_id(), movie_id)
        return Response(status=204)


class MyRatingListResource(Resource):
    """One's diary of scores."""

    @operation(
        "listMyRatings",
        "One's scores, most recently given first, each with its movie",
        tag=TAG,
        responses={200: page_reply("One page of one's scores.", diary_ratings_schema)},
        query=PageQuerySchema(),
        auth=ACCESS,
    )
    def get(self, args):
        """Paginated like the catalogue; the page's movies are read in one query."""
        user_id = current_user_id()
        rows, headers = read_page(args, lambda per_page, **where: Rating.page(user_id, per_page, **where))
        return diary_ratings_schema.dump(rows), 200, headers
