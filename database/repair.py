"""Checking and repairing the data: what a crash, a failover or a race between steps could leave.

With transactions (a replica set) no multi-document change is ever half done; without them (a standalone
server), and for a closed account whose purge a crash or a deploy stopped, something can be left over.
`check()` finds each kind, `repair()` removes or recounts it. Both are idempotent and safe while the
API serves: `make check-data` / `make repair-data` (flask check-data / repair-data), and production's
scheduled job (docs/production.md).

Each check reads in batches and in index order, never the whole collection at once.
"""

from datetime import timedelta
from itertools import islice

from mongoengine.connection import get_db

from database import posters
from database.accounts import PasswordReset, Session, User
from database.common import durable, primary, utcnow
from database.movies import Movie
from database.ratings import Rating
from database.reviews import Review
from database.watchlists import WatchlistEntry

BATCH = 1000
# A poster file no movie points at may be an upload stored a moment before its movie is pointed at it.
UNLINKED_POSTER_GRACE = timedelta(hours=1)

# (name, collection's document, the field naming the parent, the parent's document)
CHILDREN = [
    ("ratings whose movie is gone", Rating, "movie", Movie),
    ("ratings whose account is gone", Rating, "user", User),
    ("reviews whose movie is gone", Review, "movie", Movie),
    ("reviews whose author's account is gone", Review, "author", User),
    ("watchlist entries whose movie is gone", WatchlistEntry, "movie", Movie),
    ("watchlist entries whose account is gone", WatchlistEntry, "user", User),
    ("movies whose account is gone", Movie, "added_by", User),
    ("sessions whose account is gone", Session, "user", User),
    ("password resets whose account is gone", PasswordReset, "user", User),
]
COUNTS = ("rating_sum", "rating_count", "rating_average", "rated", "review_count", "watchlist_count")


def batches(iterable, size=BATCH):
    """The iterable in lists of at most size."""
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def missing_parents(child, field, parent):
    """The ids child rows name in field that no parent row has, found a batch of ids at a time."""
    named = primary(child).aggregate([{"$group": {"_id": f"${field}"}}, {"$sort": {"_id": 1}}], allowDiskUse=True)
    for ids in batches(row["_id"] for row in named):
        present = {row["_id"] for row in primary(parent).find({"_id": {"$in": ids}}, {"_id": 1})}
        yield from (key for key in ids if key not in present)


def orphans(child, field, parent):
    """The query for child rows whose parent is gone."""
    return {field: {"$in": list(missing_parents(child, field, parent))}}


def poster_files():
    """The GridFS file collection of posters, and its chunks."""
    database = get_db()
    return durable(database[f"{posters.BUCKET}.files"]), durable(database[f"{posters.BUCKET}.chunks"])


def orphan_poster_files():
    """Ids of poster files whose movie is gone, or that their movie does not point at (past the grace)."""
    files, _ = poster_files()
    old = utcnow() - UNLINKED_POSTER_GRACE
    rows = files.find({}, {"metadata.movie_id": 1, "uploadDate": 1}).sort("_id", 1)
    for chunk in batches(rows):
        movies = Movie.rows_by_id({row["metadata"]["movie_id"] for row in chunk})
        for row in chunk:
            movie = movies.get(row["metadata"]["movie_id"])
            linked = movie is not None and row["_id"] in (movie.get("poster") or {}).values()
            if movie is None or (not linked and row["uploadDate"] < old):
                yield row["_id"]


def orphan_poster_chunks():
    """The file ids of poster chunks whose file document is gone."""
    files, chunks = poster_files()
    named = chunks.aggregate([{"$group": {"_id": "$files_id"}}, {"$sort": {"_id": 1}}], allowDiskUse=True)
    for ids in batches(row["_id"] for row in named):
        present = {row["_id"] for row in files.find({"_id": {"$in": ids}}, {"_id": 1})}
        yield from (key for key in ids if key not in present)


def kept_counts():
    """(movie id, the counts it keeps, the counts its rows say) for every movie, in _id order.

    One grouped pass over each child collection, merged with one pass over the movies by _id: memory
    stays flat whatever the catalogue's size.
    """
    grouped = {
        "ratings": primary(Rating).aggregate(
            [{"$group": {"_id": "$movie", "total": {"$sum": "$score"}, "count": {"$sum": 1}}}, {"$sort": {"_id": 1}}], allowDiskUse=True
        ),
        "reviews": primary(Review).aggregate(
            [{"$group": {"_id": "$movie", "count": {"$sum": 1}}}, {"$sort": {"_id": 1}}], allowDiskUse=True
        ),
        "watchlist": primary(WatchlistEntry).aggregate(
            [{"$group": {"_id": "$movie", "count": {"$sum": 1}}}, {"$sort": {"_id": 1}}], allowDiskUse=True
        ),
    }
    heads = {name: next(rows, None) for name, rows in grouped.items()}

    def take(name, movie_id):
        """The group of this movie from one stream (skipping groups of movies that are gone), or None."""
        while heads[name] is not None and heads[name]["_id"] < movie_id:
            heads[name] = next(grouped[name], None)
        if heads[name] is not None and heads[name]["_id"] == movie_id:
            return heads[name]
        return None

    for movie in primary(Movie).find({}, dict.fromkeys(COUNTS, 1)).sort("_id", 1):
        ratings, reviews, watchlist = (take(name, movie["_id"]) for name in grouped)
        truth = {
            **Movie.rating_fields(ratings["total"] if ratings else 0, ratings["count"] if ratings else 0),
            "review_count": reviews["count"] if reviews else 0,
            "watchlist_count": watchlist["count"] if watchlist else 0,
        }
        yield movie["_id"], {field: movie.get(field) for field in COUNTS}, truth


def wrong_counts():
    """Ids of movies whose kept counts differ from what their rows say."""
    return (movie_id for movie_id, kept, truth in kept_counts() if kept != truth)


def check():
    """{what was found: how many} for every kind of leftover (zeros included)."""
    found = {"accounts closed but not yet removed": len(User.closed_ids())}
    for name, child, field, parent in CHILDREN:
        found[name] = primary(child).count_documents(orphans(child, field, parent))
    found["poster files of no movie"] = sum(1 for _ in orphan_poster_files())
    found["poster chunks of no file"] = sum(1 for _ in orphan_poster_chunks())
    found["movies whose rating, review or watchlist counts are wrong"] = sum(1 for _ in wrong_counts())
    return found


def repair():
    """Remove every leftover and recount every wrong count (idempotent): {what: how many were fixed}."""
    fixed = {"accounts closed but not yet removed": 0}
    for user_id in User.closed_ids():
        User.purge(user_id)
        fixed["accounts closed but not yet removed"] += 1
    for name, child, field, parent in CHILDREN:
        if child is Movie:  # a movie goes with its children
            ids = [row["_id"] for row in primary(Movie).find(orphans(child, field, parent), {"_id": 1})]
            fixed[name] = sum(Movie.delete_where(movie_id) for movie_id in ids)
        else:
            fixed[name] = primary(child).delete_many(orphans(child, field, parent)).deleted_count
    files, chunks = poster_files()
    fixed["poster files of no movie"] = 0
    for ids in batches(orphan_poster_files()):
        fixed["poster files of no movie"] += files.delete_many({"_id": {"$in": ids}}).deleted_count
        chunks.delete_many({"files_id": {"$in": ids}})
    fixed["poster chunks of no file"] = 0
    for ids in batches(orphan_poster_chunks()):
        chunks.delete_many({"files_id": {"$in": ids}})
        fixed["poster chunks of no file"] += len(ids)
    wrong = list(wrong_counts())
    for movie_id in wrong:
        Movie.recount(movie_id)
    fixed["movies whose rating, review or watchlist counts are wrong"] = len(wrong)
    return fixed
