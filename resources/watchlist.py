"""One's watchlist: the movies one means to see, private to its owner."""

from flask import Response
from flask_restful import Resource
from werkzeug.exceptions import NotFound

from database.watchlists import WatchlistEntry
from resources.contract import ACCESS, Reply, operation
from resources.pagination import PAGE_HEADERS, read_page
from resources.schemas import watchlist_movies_fields_schema, watchlist_movies_schema, watchlist_query_schema
from resources.selection import answered, selected, selection_reply
from resources.tokens import current_user_id, require_account
from resources.viewer import with_viewer

TAG = "Watchlist"


class WatchlistResource(Resource):
    """The caller's watchlist."""

    @operation(
        "listWatchlist",
        "One's watchlist: its movies, most recently added first",
        description="One's watchlist: its movies, most recently added first, each with the caller's `viewer` state.",
        tag=TAG,
        responses={
            200: selection_reply(
                "One page of the watchlist's movies, each with its added_at (with `fields`, narrowed).",
                watchlist_movies_schema,
                watchlist_movies_fields_schema,
                PAGE_HEADERS,
            )
        },
        query=watchlist_query_schema,
        auth=ACCESS,
    )
    def get(self, args):
        """Paginated like the catalogue; narrowed like it too."""
        user_id = current_user_id()
        movies, headers = read_page(args, lambda per_page, **where: WatchlistEntry.page(user_id, per_page, **where))
        names = args.get("only_fields")
        schema = selected(names, watchlist_movies_schema, watchlist_movies_fields_schema)
        return answered(names, schema.dump(with_viewer(movies, on_watchlist=True, names=names)), 200, headers)


class WatchlistMovieResource(Resource):
    """One movie on the caller's watchlist."""

    @operation(
        "isOnWatchlist",
        "Whether a movie is on one's watchlist",
        description="204 when it is, 404 when it is not (or the movie does not exist).",
        tag=TAG,
        responses={204: Reply("On the watchlist.")},
        errors=[404],
        auth=ACCESS,
    )
    def get(self, movie_id):
        """204 or 404."""
        if not WatchlistEntry.holds(current_user_id(), movie_id):
            raise NotFound("This movie is not on your watchlist.")
        return Response(status=204)

    @operation(
        "addToWatchlist",
        "Put a movie on one's watchlist",
        description="Again is no change (204 as well).",
        tag=TAG,
        responses={204: Reply("On the watchlist.")},
        errors=[404],
        auth=ACCESS,
    )
    def put(self, movie_id):
        """404 for an unknown movie."""
        if not WatchlistEntry.add(require_account(), movie_id):
            raise NotFound("No movie has this id.")
        return Response(status=204)

    @operation(
        "removeFromWatchlist",
        "Take a movie off one's watchlist",
        description="204 whether or not it was on it.",
        tag=TAG,
        responses={204: Reply("Not on the watchlist.")},
        auth=ACCESS,
    )
    def delete(self, movie_id):
        """Idempotent."""
        WatchlistEntry.remove(current_user_id(), movie_id)
        return Response(status=204)
