"""One person's Letterboxd export, in and out: rows matched to the catalogue by name and year, the import
written through each aggregate's own functions, and the rows an export is written from.

The import's rows arrive checked (resources/letterboxd_files.py): dicts with `name`, `year` and, by file,
`score` (1 to 10), `review` (its text) and `date`. Matching folds names as the catalogue's unique index
does (text.key, with the year): one query per MATCH_BATCH names, never one per row. The writes go
through Rating.put, Review.create and update_where, and WatchlistEntry.add, so every movie's rating,
review and watchlist counts stay exact, and a second import of the same file changes nothing more.
"""

from database import text
from database.common import UniqueValueTaken, primary
from database.movies import Movie
from database.ratings import Rating
from database.reviews import Review
from database.watchlists import WatchlistEntry

KINDS = ("ratings", "reviews", "watchlist")
MATCH_BATCH = 500
EXPORT_BATCH = 1000


def batches(items, size):
    """The items in lists of at most size."""
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


def matches(titles):
    """{(name_key, year): movie id} of the catalogue's movies among these (name, year) titles."""
    keys = sorted({text.key(name) for name, _ in titles})
    wanted = {(text.key(name), year) for name, year in titles}
    found = {}
    for batch in batches(keys, MATCH_BATCH):
        for row in primary(Movie).find({"name_key": {"$in": batch}}, {"name_key": 1, "year": 1}):
            title = (row["name_key"], row.get("year"))
            if title in wanted:
                found[title] = row["_id"]
    return found


def latest_by_movie(rows, movie_ids, newest=lambda row: 0):
    """{movie id: row} of the matched rows, one per movie: the newest (then the last in the file)."""
    chosen = {}
    for row in rows:
        movie_id = movie_ids.get((text.key(row["name"]), row["year"]))
        if movie_id is not None and (movie_id not in chosen or newest(row) >= newest(chosen[movie_id])):
            chosen[movie_id] = row
    return chosen


def unmatched(rows_by_kind, movie_ids):
    """The titles no movie of the catalogue has, in the order the files name them, each with what the
    files hold of it: [{name, year, kinds, score, review}] (the score of ratings.csv, the latest review)."""
    titles = {}
    for kind in KINDS:
        rows = rows_by_kind.get(kind, ())
        for row in sorted(rows, key=lambda row: row["date"]) if kind == "reviews" else rows:
            title = (text.key(row["name"]), row["year"])
            if title in movie_ids:
                continue
            entry = titles.setdefault(title, {"name": row["name"], "year": row["year"], "kinds": [], "score": None, "review": None})
            if kind not in entry["kinds"]:
                entry["kinds"].append(kind)
            if kind == "ratings":
                entry["score"] = row["score"]
            elif kind == "reviews":
                entry["review"] = row["review"]
    return list(titles.values())


def put_review(user_id, movie_id, body, existing):
    """The user's review of the movie says body: written, or changed if they have one; True when it stands."""
    current = existing.get(movie_id)
    if current is None:
        try:
            return Review.create(movie_id, user_id, body) is not None
        except UniqueValueTaken:  # written meanwhile by another request: change that one
            current = primary(Review).find_one({"author": user_id, "movie": movie_id}, {"body": 1})
    if current is None:  # deleted meanwhile, with its movie or its author
        return False
    if current["body"] == body:
        return True
    return Review.update_where(current["_id"], {"body": body}, owner=user_id) is not None


def import_rows(user_id, rows_by_kind):
    """Write the user's matched ratings, reviews and watchlist: {imported: {kind: count}, unmatched: [...]}.

    A movie named twice in a file counts once, with its latest score or review. Scores replace the
    user's earlier ones, a review of a movie the user has reviewed changes that review, and a movie on
    the watchlist stays there: importing the same files again changes nothing.
    """
    titles = {(row["name"], row["year"]) for rows in rows_by_kind.values() for row in rows}
    movie_ids = matches(titles)
    ratings = latest_by_movie(rows_by_kind.get("ratings", ()), movie_ids)
    reviews = latest_by_movie(rows_by_kind.get("reviews", ()), movie_ids, newest=lambda row: row["date"])
    watchlist = latest_by_movie(rows_by_kind.get("watchlist", ()), movie_ids)
    imported = dict.fromkeys(KINDS, 0)
    # What the user has already said of these movies, one query a kind: what would not change is not
    # written again, so importing the same export twice costs three reads, not a write per row.
    scores = {row["movie"]: row["score"] for row in primary(Rating).find(mine(user_id, ratings), {"movie": 1, "score": 1})}
    for movie_id, row in ratings.items():
        imported["ratings"] += scores.get(movie_id) == row["score"] or bool(Rating.put(user_id, movie_id, row["score"]))
    existing = {row["movie"]: row for row in primary(Review).find(mine(user_id, reviews, "author"), {"movie": 1, "body": 1})}
    for movie_id, row in reviews.items():
        imported["reviews"] += put_review(user_id, movie_id, row["review"], existing)
    listed = {row["movie"] for row in primary(WatchlistEntry).find(mine(user_id, watchlist), {"movie": 1})}
    for movie_id in watchlist:
        imported["watchlist"] += movie_id in listed or bool(WatchlistEntry.add(user_id, movie_id))
    return {"imported": imported, "unmatched": unmatched(rows_by_kind, movie_ids)}


def mine(user_id, movie_ids, owner="user"):
    """The filter of the user's rows about these movies."""
    return {owner: user_id, "movie": {"$in": list(movie_ids)}}


def titles_of(movie_ids):
    """{movie id: (name, year)}: one query per EXPORT_BATCH movies."""
    found = {}
    for batch in batches(set(movie_ids), EXPORT_BATCH):
        for row in primary(Movie).find({"_id": {"$in": batch}}, {"name": 1, "year": 1}):
            found[row["_id"]] = (row["name"], row.get("year"))
    return found


def export_rows(user_id):
    """The user's ratings, reviews and watchlist as the export writes them: {kind: [{date, name, year, ...}]},
    oldest first: ratings with `score`, reviews with `review` and the user's `score` of the movie (or None)."""
    ratings = list(primary(Rating).find({"user": user_id}, {"movie": 1, "score": 1, "updated_at": 1}))
    reviews = list(primary(Review).find({"author": user_id}, {"movie": 1, "body": 1, "created_at": 1}))
    watchlist = list(primary(WatchlistEntry).find({"user": user_id}, {"movie": 1, "added_at": 1}))
    titles = titles_of(row["movie"] for rows in (ratings, reviews, watchlist) for row in rows)
    scores = {row["movie"]: row["score"] for row in ratings}

    def rows(found, date_field, **fields):
        kept = [
            {"date": row[date_field], "name": titles[row["movie"]][0], "year": titles[row["movie"]][1]}
            | {name: pick(row) for name, pick in fields.items()}
            for row in found
            if row["movie"] in titles  # a movie deleted meanwhile goes with its rows
        ]
        return sorted(kept, key=lambda row: (row["date"], text.key(row["name"])))

    return {
        "ratings": rows(ratings, "updated_at", score=lambda row: row["score"]),
        "reviews": rows(reviews, "created_at", review=lambda row: row["body"], score=lambda row: scores.get(row["movie"])),
        "watchlist": rows(watchlist, "added_at"),
    }
