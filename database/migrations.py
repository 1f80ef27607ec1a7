"""The database's shape: its indexes and the defaults of fields added since, built before anything is served.

MongoEngine would build a collection's indexes lazily, on its first use, and mark it ready before the
build finishes; a unique index that fails to build then (say, on racing duplicate first writes) is
missing for good, and uniqueness with it. So no document creates indexes by itself
(`auto_create_index: False`): `migrate()` builds them, once, before the first request. It is
idempotent, and `make migrate` (flask --app app migrate) runs it against any database. Development
(`make run`'s local database included) migrates at start-up; production refuses to serve a database that needs it.
"""

from mongoengine.connection import get_db
from pymongo.errors import DuplicateKeyError, OperationFailure

from database import changes, posters
from database.accounts import PasswordReset, Session, User
from database.common import utcnow
from database.movies import Movie
from database.ratings import Rating
from database.reviews import Review
from database.watchlists import WatchlistEntry

# 1: accounts, movies, sessions and resets; 2: the catalogue's fields, ratings, reviews and watchlists;
# 3: movies unique by name and year in any spelling, their search terms, external ids and list indexes;
# 4: movies keep their review and watchlist counts, accounts close before they go, poster files are
# indexed by their movie; Latin-looking Cyrillic and Greek letters fold as Latin (database/text.py), so
# movies' derived keys are derived again; emails are canonical with their domain in IDNA's ASCII form;
# 5: the change log (database/changes.py) and its indexes; scores, reviews and watchlist entries keep
# their change streams' pre-images (so a deletion's sync tombstone knows whose it was).
SCHEMA_VERSION = 5
DERIVED_FROM = {"name": 1, "casts": 1, "genres": 1, "directors": 1}
DOCUMENTS = (User, Movie, Session, PasswordReset, Rating, Review, WatchlistEntry)
META = "movie_bag_meta"


class NeedsMigration(RuntimeError):
    """The database is older than this code: run `make migrate`."""


class DuplicateValues(RuntimeError):
    """A unique index cannot be built: the collection holds duplicates, named in the message."""


def schema_version():
    """The version the database was last migrated to (0 for a database never migrated)."""
    row = get_db()[META].find_one({"_id": "schema"})
    return row["version"] if row else 0


def expected_indexes(document):
    """The key patterns the document declares, as lists of (field, direction)."""
    return [[tuple(pair) for pair in spec["fields"]] for spec in document._meta["index_specs"]]


# Indexes of collections no document declares: {collection: [(keys, options)]}. GridFS's own indexes are its.
OTHER_INDEXES = {f"{posters.BUCKET}.files": [([("metadata.movie_id", 1)], {})], changes.COLLECTION: changes.INDEXES}


def missing_indexes():
    """'collection: keys' for every declared index the database does not have."""
    missing = []
    for name, specs in OTHER_INDEXES.items():
        present = [list(index["key"].items()) for index in get_db()[name].list_indexes()]
        missing += [f"{name}: {', '.join(f'{field} {direction}' for field, direction in keys)}" for keys, _ in specs if keys not in present]
    for document in DOCUMENTS:
        collection = document._get_collection()
        present = [list(index["key"].items()) for index in collection.list_indexes()]
        for keys in expected_indexes(document):
            if keys not in present:
                missing.append(f"{collection.name}: {', '.join(f'{field} {direction}' for field, direction in keys)}")
    return missing


def pending():
    """Why the database needs `make migrate`, as sentences (none when it does not)."""
    reasons = []
    version = schema_version()
    if version < SCHEMA_VERSION:
        reasons.append(f"its schema is at version {version}, this code needs {SCHEMA_VERSION}")
    reasons += [f"the index {index} is missing" for index in missing_indexes()]
    return reasons


def duplicates(document, spec, limit=5):
    """Sample values that more than one document of the collection holds under a unique index's keys."""
    fields = [field for field, _ in spec["fields"]]
    group = {"_id": {field.replace(".", "_"): f"${field}" for field in fields}, "count": {"$sum": 1}}
    pipeline = [{"$group": group}, {"$match": {"count": {"$gt": 1}}}, {"$limit": limit}]
    return [row["_id"] for row in document._get_collection().aggregate(pipeline)]


def build_indexes():
    """Build every declared index; DuplicateValues naming the values when a unique one cannot be."""
    for name, specs in OTHER_INDEXES.items():
        for keys, options in specs:
            get_db()[name].create_index(keys, **options)
    for document in DOCUMENTS:
        try:
            document.ensure_indexes()
        except (DuplicateKeyError, OperationFailure) as error:
            found = [
                f"{document._get_collection_name()} {[field for field, _ in spec['fields']]}: {duplicates(document, spec)}"
                for spec in document._meta["index_specs"]
                if spec.get("unique") and duplicates(document, spec)
            ]
            if not found:
                raise
            raise DuplicateValues(
                "A unique index cannot be built: these values are held more than once (remove or rename "
                "the duplicates, then run `make migrate` again): " + "; ".join(found)
            ) from error


def fill_defaults():
    """Give movies stored before a field existed that field's default, and every movie the fields it
    derives (search terms, folded keys) when it lacks them: how many movies were changed."""
    movies = Movie._get_collection()
    changed = 0
    for field, default in Movie.STORED_DEFAULTS.items():
        if field not in Movie.sparse_fields:
            changed += movies.update_many({field: {"$exists": False}}, {"$set": {field: default}}).modified_count
    # A movie stored before version 3 has no name_key: each gets its derived fields, once.
    for row in movies.find({"name_key": {"$exists": False}}, DERIVED_FROM):
        changed += movies.update_one({"_id": row["_id"], "name_key": {"$exists": False}}, {"$set": Movie.derive(row)}).modified_count
    if schema_version() < 4:
        changed += derive_again() + canonical_emails()
    return changed


def derive_again():
    """Derive every movie's keys and terms anew (the folding changed in version 4): how many changed.

    Two movies whose names now fold alike (with the same year) cannot both keep them: DuplicateValues
    names them, and the operator renames one before running `make migrate` again.
    """
    movies, changed, clashes = Movie._get_collection(), 0, []
    for row in movies.find({}, {**DERIVED_FROM, **dict.fromkeys(Movie.derive({"name": "", "casts": [], "genres": []}), 1)}):
        derived = Movie.derive(row)
        if any(row.get(field) != value for field, value in derived.items()):
            try:
                changed += movies.update_one({"_id": row["_id"]}, {"$set": derived}).modified_count
            except DuplicateKeyError:
                clashes.append(f"{row['name']!r} ({row['_id']})")
    if clashes:
        raise DuplicateValues(
            "These movies now have the name and year of another (rename them, then run `make migrate` again): " + ", ".join(clashes)
        )
    return changed


def canonical_emails():
    """Store every account's email in its canonical form (IDNA domains since version 4): how many changed.

    Two accounts whose emails are now one address cannot both keep it: DuplicateValues names the
    accounts by id (never by email, which logs would keep), to be merged or removed by hand.
    """
    users, changed, clashes = User._get_collection(), 0, []
    for row in users.find({}, {"email": 1}):
        canonical = User.normalize_email(row["email"])
        if canonical != row["email"]:
            try:
                changed += users.update_one({"_id": row["_id"]}, {"$set": {"email": canonical}}).modified_count
            except DuplicateKeyError:
                clashes.append(str(row["_id"]))
    if clashes:
        raise DuplicateValues(
            "These accounts' emails are now another account's address (merge or remove them, then run `make migrate` again): "
            + ", ".join(clashes)
        )
    return changed


def unused_indexes():
    """(collection, index name) of every index the database has that no document declares."""
    unused = []
    for document in DOCUMENTS:
        collection = document._get_collection()
        declared = expected_indexes(document)
        for index in collection.list_indexes():
            if index["name"] != "_id_" and list(index["key"].items()) not in declared:
                unused.append((collection, index["name"]))
    return unused


def drop_unused_indexes():
    """Drop the indexes nothing uses any more (the old unique name index, single-field list indexes)."""
    dropped = unused_indexes()
    for collection, name in dropped:
        collection.drop_index(name)
    return [f"{collection.name}.{name}" for collection, name in dropped]


def migrate():
    """Bring the database up to this code (idempotent): defaults first, then the indexes, then the version."""
    from database.repair import wrong_counts

    changed = fill_defaults()
    if schema_version() < 4:  # the review and watchlist counts movies keep now, counted once
        for movie_id in list(wrong_counts()):
            changed += Movie.recount(movie_id)
    drop_unused_indexes()
    build_indexes()
    changes.prepare()
    get_db()[META].update_one({"_id": "schema"}, {"$set": {"version": SCHEMA_VERSION, "migrated_at": utcnow()}}, upsert=True)
    return changed


def require_migrated():
    """Raise NeedsMigration, saying why, unless the database is at this code's schema with every index."""
    reasons = pending()
    if reasons:
        raise NeedsMigration("The database needs `make migrate` (flask --app app migrate): " + "; ".join(reasons) + ".")
