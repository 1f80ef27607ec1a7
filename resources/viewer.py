"""The caller's own state beside the movies an answer shows: their score, their watchlist, their review.

Read for a whole page at once: one query per collection (ratings, watchlist, reviews), never one a row.
An anonymous request's rows stay as they are (no `viewer`).
"""

from bson import ObjectId
from flask_jwt_extended import get_jwt_identity

from database.ratings import Rating
from database.reviews import Review
from database.watchlists import WatchlistEntry


def viewer_id():
    """The id of the user an optional token speaks for, or None without one."""
    identity = get_jwt_identity()
    return ObjectId(identity) if identity else None


def with_viewer(rows, on_watchlist=False, names=None):
    """The movie rows, each with the caller's `viewer` state when a token came (and a `fields` selection, if
    names are given, asks for it).

    on_watchlist: the rows are known to be on the caller's watchlist (the watchlist's own page), so that
    query is saved.
    """
    user_id = viewer_id()
    if user_id is None or not rows or (names is not None and "viewer" not in names):
        return rows
    ids = [row["_id"] for row in rows]
    scores = Rating.scores_among(user_id, ids)
    held = set(ids) if on_watchlist else WatchlistEntry.held_among(user_id, ids)
    reviews = Review.ids_among(user_id, ids)
    return [
        {**row, "viewer": {"score": scores.get(row["_id"]), "on_watchlist": row["_id"] in held, "review_id": reviews.get(row["_id"])}}
        for row in rows
    ]
