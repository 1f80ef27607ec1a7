"""The catalogue: movies, their identity, search terms, lists and facets.

Every function returns stored rows (dicts with `_id`), never documents: see database/__init__.py.
"""

import time

from bson import ObjectId
from flask import current_app
from mongoengine import BooleanField, DateTimeField, DictField, FloatField, IntField, ListField, ReferenceField, StringField
from pymongo import ASCENDING, DESCENDING, UpdateOne

from database import paging, posters, text
from database.accounts import NEWEST, User
from database.common import Abort, OwnedDocument, atomically, object_id, primary, remove_some, utcnow
from database.paging import Segment

BY_RATING = [("rated", DESCENDING), ("rating_average", DESCENDING), ("_id", DESCENDING)]
# Every order a list may take, each served by an index of the same keys (Movie.meta): no sort in memory.
ORDERS = {
    "-created_at": NEWEST,
    "created_at": [("created_at", ASCENDING), ("_id", ASCENDING)],
    "name": [("name_key", ASCENDING), ("_id", ASCENDING)],
    "-name": [("name_key", DESCENDING), ("_id", DESCENDING)],
    "year": [("year", ASCENDING), ("_id", ASCENDING)],
    "-year": [("year", DESCENDING), ("_id", DESCENDING)],
    # Rated movies first in both orders: `rated` descending, then the average either way.
    "rating": [("rated", DESCENDING), ("rating_average", ASCENDING), ("_id", ASCENDING)],
    "-rating": BY_RATING,
}
NULLABLE = ("year", "rating_average")
# Filters by a value of a list field: every value given must be among the movie's (folded) ones.
LIST_FILTERS = {"genre": "genre_keys", "cast": "cast_keys", "director": "director_keys"}
# Filters that name at most one movie: the answer needs no order.
UNIQUE_FILTERS = ("imdb_id", "tmdb_id")
FACET_SECONDS = 60
MAX_RECOUNTS = 10


class Movie(OwnedDocument):
    """A catalogue entry owned by the user who added it, unique by its name and year in any spelling.

    Its rating is kept on the movie as a sum and a count with the average and `rated` beside them for
    sorting, and its reviews and watchlist entries as counts: each changes in the same transaction as the
    row it counts (see Rating), or, without transactions, is recounted from those rows. Its search terms
    and folded keys are derived from its name, cast, directors and genres by `derived`, on every write.
    """

    name = StringField(required=True, min_length=1, max_length=200)
    casts = ListField(StringField(min_length=1), required=True)
    genres = ListField(StringField(min_length=1), required=True)
    year = IntField(null=True)
    runtime_minutes = IntField(null=True, min_value=1, max_value=1000)
    directors = ListField(StringField(min_length=1), default=list)
    overview = StringField(default="", max_length=2000)
    imdb_id = StringField(regex=r"^tt[0-9]{7,10}$")
    tmdb_id = IntField(min_value=1)
    # {"original": file id, "thumb": file id, "content_type": ..., "etag": ...} in GridFS, or None.
    poster = DictField(null=True, default=None)
    rating_sum = IntField(default=0)
    rating_count = IntField(default=0)
    rating_average = FloatField(null=True, default=None)
    rated = BooleanField(default=False)
    # Every review and watchlist write changes these in its transaction: a movie deleted meanwhile is a
    # write conflict, so no review or entry can outlive its movie (see database/reviews.py).
    review_count = IntField(default=0)
    watchlist_count = IntField(default=0)
    added_by = ReferenceField(User, required=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    # Bumped by every write; the ETag is built from it so If-Match can be checked atomically.
    version = IntField(default=1, min_value=1)
    # Derived (see `derived`): folded keys for identity and filters, search terms for `q`.
    name_key = StringField(required=True)
    name_terms = ListField(StringField())
    search_terms = ListField(StringField())
    genre_keys = ListField(StringField())
    cast_keys = ListField(StringField())
    director_keys = ListField(StringField())

    meta = {
        "collection": "movies",
        # Built by database/migrations.py before the app serves, never lazily on a write.
        "auto_create_index": False,
        # Each list's index, by MongoDB's equality-sort-range rule: the equality fields, then the order.
        "indexes": [
            {"fields": [("name_key", 1), ("year", 1)], "unique": True},
            {"fields": ["imdb_id"], "unique": True, "sparse": True},
            {"fields": ["tmdb_id"], "unique": True, "sparse": True},
            NEWEST,
            ORDERS["name"],
            ORDERS["year"],
            ORDERS["rating"],
            BY_RATING,
            *([(field, 1), *NEWEST] for field in ("genre_keys", "cast_keys", "director_keys", "added_by", "year")),
            [("name_terms", 1), *BY_RATING],
            [("search_terms", 1), *BY_RATING],
        ],
    }
    unique_field = "name"
    unique_message = "A movie of this name and year is already in the catalogue."
    owner_field = "added_by"
    sparse_fields = UNIQUE_FILTERS
    # Every field a client writes, with the value it has when not given (PUT resets a field not sent to it).
    DEFAULTS = {"year": None, "runtime_minutes": None, "directors": [], "overview": "", "imdb_id": None, "tmdb_id": None}
    # What a movie stored before a field existed takes for it (database/migrations.py).
    STORED_DEFAULTS = {
        **DEFAULTS,
        "poster": None,
        "rating_sum": 0,
        "rating_count": 0,
        "rating_average": None,
        "rated": False,
        "review_count": 0,
        "watchlist_count": 0,
    }

    @staticmethod
    def average(total, count):
        """A rating's average as shown: to one decimal, None when unrated (min_rating and the sort agree with it)."""
        return round(total / count, 1) if count else None

    @classmethod
    def derive(cls, row):
        """The fields a movie derives from its name, cast, directors and genres (stored, indexed)."""
        name_terms = text.terms([row["name"]], joined=True)
        people_terms = text.terms([*row["casts"], *row.get("directors", [])])
        return {
            "name_key": text.key(row["name"]),
            "name_terms": name_terms,
            "search_terms": sorted({*name_terms, *people_terms}),
            "genre_keys": sorted({text.key(genre) for genre in row["genres"]}),
            "cast_keys": sorted({text.key(person) for person in row["casts"]}),
            "director_keys": sorted({text.key(person) for person in row.get("directors", [])}),
        }

    def clean(self):
        """Derive the search terms and keys; a new movie was last updated when it was created, to the millisecond."""
        for field, value in self.derive(
            {"name": self.name or "", "casts": self.casts, "genres": self.genres, "directors": self.directors}
        ).items():
            setattr(self, field, value)
        if self.pk is None:
            self.updated_at = self.created_at

    @classmethod
    def create(cls, fields, owner_id):
        """Store a new movie of validated fields, owned by owner_id; returns its row.

        The document validates the movie and makes the row once; pymongo inserts that very row, and
        the unique indexes refuse a taken name and year, IMDb id or TMDB id.
        """
        fields = {name: value for name, value in fields.items() if not (name in cls.sparse_fields and value is None)}
        User.require_open(owner_id)
        movie = cls(**fields, added_by=owner_id)
        movie.validate()
        row = movie.to_mongo().to_dict()
        with cls.naming_duplicates(row):
            primary(cls).insert_one(row)
        return row

    @classmethod
    def taken(cls, row):
        """Which of the movie's unique values another movie has: an external id, else its name and year."""
        for field, label in (("imdb_id", "IMDb id"), ("tmdb_id", "TMDB id")):
            value = row and row.get(field)
            if value is not None and primary(cls).find_one({field: value, "_id": {"$ne": row.get("_id")}}, {"_id": 1}):
                return field, f"Another movie of the catalogue has this {label}."
        return cls.unique_field, cls.unique_message

    @classmethod
    def rows_by_id(cls, ids):
        """{id: row} of the movies with these ids: one query."""
        return {row["_id"]: row for row in cls._get_collection().find({"_id": {"$in": list(ids)}})}

    @classmethod
    def delete_where(cls, movie_id, owner=None, versions=None):
        """Delete the movie if it matches owner and versions, with its ratings, reviews, watchlist entries
        and poster files; False (and nothing changed) if it did not match.

        One transaction where the database has them. Without, the movie's conditional delete goes first,
        so a refused delete (412) has changed nothing, and its children after: a crash between leaves
        orphans that `flask repair-data` removes, never a movie missing some of its children.
        """
        key = object_id(movie_id)
        if key is None:
            return False

        def work(session):
            if not primary(cls).delete_one(cls.write_filter(key, owner, versions), session=session).deleted_count:
                return False
            cls.delete_children([key], session)
            return True

        return atomically(work)

    @classmethod
    def delete_children(cls, movie_ids, session=None):
        """Delete every rating, review, watchlist entry and poster file of these (deleted) movies."""
        from database.ratings import Rating
        from database.reviews import Review
        from database.watchlists import WatchlistEntry

        for child in (Rating, Review, WatchlistEntry):
            primary(child).delete_many({"movie": {"$in": movie_ids}}, session=session)
        posters.delete_files(movie_ids, session=session)

    @classmethod
    def remove_some_of(cls, user_id, batch):
        """Delete up to batch of the user's movies (each with its children) (an account's purge): how many there were to delete."""
        return remove_some(cls, {"added_by": user_id}, lambda row: cls.delete_where(row["_id"]), batch)

    @classmethod
    def set_poster(cls, movie_id, poster, owner=None):
        """Point the movie at its new poster's files, if it matches owner; the row as stored now, or None.

        The poster it had is replaced, and the files of that one poster (the row as it was before this
        very write) are deleted: never another upload's, stored and about to be linked by a request
        racing this one. The movie's version changes, so an ETag read before no longer matches.
        """
        if object_id(movie_id) is None:
            return None
        before = primary(cls).find_one_and_update(
            cls.write_filter(movie_id, owner), {"$set": {"poster": poster, "updated_at": utcnow()}, "$inc": {"version": 1}}
        )
        if before is None:
            return None
        if before.get("poster"):
            posters.discard(before["poster"])
        return cls.read(movie_id)

    @classmethod
    def change_rating(cls, movie_id, delta_sum, delta_count, session):
        """Inside a transaction: add to the movie's rating sum and count, its average set to match, in one write.

        The movie is read in the transaction's snapshot and written once: another transaction writing
        it meanwhile is a write conflict, and with_transaction runs this one again on the new values.
        Raises Abort(False) when the movie is gone.
        """
        movies = primary(cls)
        row = movies.find_one({"_id": movie_id}, {"rating_sum": 1, "rating_count": 1}, session=session)
        if row is None:
            raise Abort(False)
        fields = cls.rating_fields(row["rating_sum"] + delta_sum, row["rating_count"] + delta_count)
        movies.update_one({"_id": movie_id}, {"$set": fields}, session=session)

    @classmethod
    def count_child(cls, movie_id, field, delta, session, missing_ok=False):
        """Inside a transaction: change a count the movie keeps of its reviews or watchlist entries by delta.

        This write is also the transaction's hold on the movie: a movie deleted by another transaction
        meanwhile is a write conflict, so a child is never written beside a deletion that missed it.
        Raises Abort(None) when the movie is gone (unless missing_ok).
        """
        if not primary(cls).update_one({"_id": movie_id}, {"$inc": {field: delta}}, session=session).matched_count and not missing_ok:
            raise Abort(None)

    @classmethod
    def take_back_scores(cls, scores, session):
        """Inside a transaction: take {movie id: score} out of those movies' ratings: two round trips, one
        write a movie (see change_rating)."""
        movies = primary(cls)
        rows = movies.find({"_id": {"$in": list(scores)}}, {"rating_sum": 1, "rating_count": 1}, session=session)
        changes = [
            UpdateOne({"_id": row["_id"]}, {"$set": cls.rating_fields(row["rating_sum"] - scores[row["_id"]], row["rating_count"] - 1)})
            for row in rows
        ]
        if changes:
            movies.bulk_write(changes, session=session)

    @classmethod
    def rating_fields(cls, total, count):
        """The fields a movie keeps of its ratings' sum and count."""
        return {"rating_sum": total, "rating_count": count, "rating_average": cls.average(total, count), "rated": count > 0}

    @classmethod
    def counts_of(cls, movie_id):
        """What the movie's kept counts should be, counted from the rows they count: {field: value}."""
        from database.ratings import Rating
        from database.reviews import Review
        from database.watchlists import WatchlistEntry

        group = {"_id": None, "total": {"$sum": "$score"}, "count": {"$sum": 1}}
        found = next(primary(Rating).aggregate([{"$match": {"movie": movie_id}}, {"$group": group}]), None)
        return {
            **cls.rating_fields(found["total"] if found else 0, found["count"] if found else 0),
            "review_count": primary(Review).count_documents({"movie": movie_id}),
            "watchlist_count": primary(WatchlistEntry).count_documents({"movie": movie_id}),
        }

    @classmethod
    def recount(cls, movie_id):
        """Without transactions: set the movie's kept counts to what its rows say; False if it is gone.

        Recounted, never incremented, so that a retry after a crash repairs them. Of racing writers each
        counts again after its write and writes again until the count it wrote is still the truth, so
        the last one to finish leaves the exact counts.
        """
        movies = primary(cls)
        for _ in range(MAX_RECOUNTS):
            counts = cls.counts_of(movie_id)
            if not movies.update_one({"_id": movie_id}, {"$set": counts}).matched_count:
                return False
            if cls.counts_of(movie_id) == counts:
                return True
        return True  # still changing under many writers: the last of them leaves it exact


def list_filter(genre=(), cast=(), director=(), added_by=None, year=None, year_from=None, year_to=None, min_rating=None, **unique):
    """The query of the catalogue's filters: folded list values, the owner, years, rating, external ids."""
    query = {}
    for name, field in LIST_FILTERS.items():
        values = sorted({text.key(value) for value in {"genre": genre, "cast": cast, "director": director}[name]})
        if values:
            query[field] = values[0] if len(values) == 1 else {"$all": values}
    if added_by is not None:
        query["added_by"] = ObjectId(added_by)
    if year is not None:
        query["year"] = year
    elif year_from is not None or year_to is not None:
        query["year"] = {key: value for key, value in (("$gte", year_from), ("$lte", year_to)) if value is not None}
    if min_rating is not None:
        query["rating_average"] = {"$gte": min_rating}
    query.update({name: value for name, value in unique.items() if value is not None})
    return query


def every(*queries):
    """The query matching all of these."""
    kept = [query for query in queries if query]
    return kept[0] if len(kept) == 1 else {"$and": kept}


def any_variant(field, variants):
    """Rows whose field holds every term of one of the query's variants."""
    clauses = [{field: {"$all": variant}} for variant in variants]
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


def search_segments(q, filters):
    """A search's three segments, most relevant first: the whole name, every word in the name, the rest
    (words in the cast or directors), each in rating order."""
    variants = text.query_variants(q)
    if not variants:
        return [], None
    name_key = text.key(q)
    in_name = any_variant("name_terms", variants)
    anywhere = any_variant("search_terms", variants)
    other_name = {"name_key": {"$ne": name_key}}
    segments = [
        Segment({**filters, "name_key": name_key}, [("year", DESCENDING)], NULLABLE),
        Segment(every(filters, in_name, other_name), BY_RATING, NULLABLE),
        Segment(every(filters, anywhere, other_name, {"$nor": [in_name]}), BY_RATING, NULLABLE),
    ]
    return segments, every(filters, anywhere)


def plan(q=None, sort=None, **filters):
    """The segments of a catalogue list and the query that counts it: a search by relevance unless a sort is given."""
    query = list_filter(**filters)
    if q is not None and sort is None:
        return search_segments(q, query)
    if q is not None:
        variants = text.query_variants(q)
        if not variants:
            return [], None
        query = every(query, any_variant("search_terms", variants))
    order = [] if any(filters.get(name) is not None for name in UNIQUE_FILTERS) else ORDERS[sort or "-created_at"]
    return [Segment(query, order, NULLABLE)], query


def page(per_page, position=None, page_number=None, **criteria):
    """One page of the catalogue (paging.Page) for q, sort and the filters."""
    segments, count_query = plan(**criteria)
    collection = Movie._get_collection()
    if not segments:
        return paging.Page([], None, 0)
    return paging.page(collection, segments, per_page, count_query, position, page_number)


def facet(field, limit):
    """The most frequent values of a list field with their counts: [{name, count}], kept FACET_SECONDS
    by the app (app.extensions["movie_facets"]).

    Spellings that fold alike are one value, named by its most frequent spelling.
    """
    facets = current_app.extensions.setdefault("movie_facets", {})
    cached = facets.get(field)
    if cached and cached[0] > time.monotonic():
        return cached[1][:limit]
    pipeline = [{"$unwind": f"${field}"}, {"$group": {"_id": f"${field}", "count": {"$sum": 1}}}]
    merged = {}
    for row in Movie._get_collection().aggregate(pipeline):
        spelling_counts = merged.setdefault(text.key(row["_id"]), {})
        spelling_counts[row["_id"]] = row["count"]
    values = [
        {"name": max(spellings, key=lambda spelling: (spellings[spelling], spelling)), "count": sum(spellings.values())}
        for key, spellings in merged.items()
        if key
    ]
    values.sort(key=lambda value: (-value["count"], text.key(value["name"])))
    facets[field] = (time.monotonic() + FACET_SECONDS, values)
    return values[:limit]


def genres():
    """Every genre with how many movies have it, most frequent first."""
    return facet("genres", None)


def directors(limit=50):
    """The most frequent directors with how many movies each directed."""
    return facet("directors", limit)
