"""The database's shape: indexes built before serving, defaults filled, production refusing an old database."""

import pytest
from mongoengine.connection import get_db

from database.common import UniqueValueTaken
from database.migrations import SCHEMA_VERSION, DuplicateValues, NeedsMigration, migrate, pending, schema_version
from database.movies import Movie
from tests.mongomock_app import make_app

SECRET = "a-migrations-test-secret-that-is-long-enough-01"


def test_a_started_app_has_every_index_and_the_current_schema(app):
    assert pending() == []
    indexes = {tuple(index["key"].items()) for index in Movie._get_collection().list_indexes()}
    assert (("name_key", 1), ("year", 1)) in indexes and (("rated", -1), ("rating_average", -1), ("_id", -1)) in indexes


def test_no_document_builds_its_indexes_by_itself():
    from database.migrations import DOCUMENTS

    assert all(document._meta["auto_create_index"] is False for document in DOCUMENTS)


def test_migrate_fills_the_defaults_of_old_movies_once(app, make_user):
    owner = make_user()
    get_db().movies.insert_one({"name": "Old", "casts": ["A"], "genres": ["B"], "added_by": owner.id, "version": 1})
    assert migrate() == 12  # eleven defaults and the derived fields
    assert migrate() == 0
    old = get_db().movies.find_one({"name": "Old"})
    assert (old["directors"], old["overview"], old["rated"], old["rating_sum"], old["year"]) == ([], "", False, 0, None)
    assert (old["name_key"], sorted(old["search_terms"]), old["genre_keys"]) == ("old", ["a", "o", "ol", "old"], ["b"])


def test_pending_says_what_is_missing(app):
    get_db().movie_bag_meta.delete_many({})
    Movie._get_collection().drop_index("name_key_1_year_1")
    reasons = pending()
    assert f"its schema is at version 0, this code needs {SCHEMA_VERSION}" in reasons
    assert "the index movies: name_key 1, year 1 is missing" in reasons


def test_a_unique_index_over_duplicates_names_them(app):
    Movie._get_collection().drop_index("name_key_1_year_1")
    get_db().movies.insert_many([{"name": "Twice", "casts": [], "genres": []}, {"name": "TWICE", "casts": [], "genres": []}])
    with pytest.raises(DuplicateValues, match="movies \\['name_key', 'year'\\]: \\[\\{'name_key': 'twice', 'year': None\\}\\]"):
        migrate()


def test_migrate_moves_an_old_catalogue_to_name_and_year_identity_in_place(app, make_user):
    """A version 2 catalogue: a unique index on the name alone, movies without derived fields."""
    movies = Movie._get_collection()
    movies.drop_index("name_key_1_year_1")
    movies.create_index("name", unique=True)
    get_db().movie_bag_meta.update_one({"_id": "schema"}, {"$set": {"version": 2}})
    owner = make_user().id
    movies.insert_one(
        {"name": "The Lion King", "year": 1994, "casts": ["Jeremy Irons"], "genres": ["Animation"], "added_by": owner, "version": 1}
    )
    migrate()
    assert "name_1" not in movies.index_information()
    assert schema_version() == SCHEMA_VERSION and pending() == []
    remake = {"name": "The Lion King", "year": 2019, "casts": ["Donald Glover"], "genres": ["Animation"]}
    assert Movie.create(remake, owner)["name_key"] == "the lion king"


def test_migrate_from_version_3_derives_lookalike_names_again_and_makes_emails_canonical(app, make_user):
    """Stored by version 3: a name with a Cyrillic е folded as itself, an email with a Unicode domain."""
    owner = make_user().id
    get_db().users.insert_one({"email": "x@bücher.example", "password_hash": "bcrypt-sha256$unused", "is_admin": False})
    get_db().movies.insert_one(
        {
            "name": "H\u0435at",
            "year": 1995,
            "casts": ["Al Pacino"],
            "genres": ["Crime"],
            "added_by": owner,
            "version": 1,
            "name_key": "h\u0435at",
        }
    )
    get_db().movie_bag_meta.update_one({"_id": "schema"}, {"$set": {"version": 3}})
    migrate()
    assert schema_version() == SCHEMA_VERSION == 5 and pending() == []
    moved = get_db().movies.find_one({"name": "H\u0435at"})
    assert (moved["name_key"], moved["name_terms"][:2]) == ("heat", ["h", "he"])
    assert get_db().users.find_one({"email": "x@xn--bcher-kva.example"}) is not None
    with pytest.raises(UniqueValueTaken):
        Movie.create({"name": "Heat", "year": 1995, "casts": ["Al Pacino"], "genres": ["Crime"]}, owner)


def test_migrate_names_movies_whose_names_now_fold_alike_and_stops(app, make_user):
    owner = make_user().id
    rows = [{"name": name, "year": 1995, "casts": [], "genres": [], "added_by": owner, "version": 1} for name in ("Heat", "H\u0435at")]
    get_db().movies.insert_many([{**rows[0], "name_key": "heat"}, {**rows[1], "name_key": "h\u0435at"}])
    get_db().movie_bag_meta.update_one({"_id": "schema"}, {"$set": {"version": 3}})
    with pytest.raises(DuplicateValues, match=r"These movies now have the name and year of another .*'H\u0435at'"):
        migrate()
    assert schema_version() == 3


@pytest.fixture
def production_env(monkeypatch):
    """A production configuration (run on mongomock below)."""
    monkeypatch.setenv("JWT_SECRET_KEY", SECRET)
    monkeypatch.setenv("MONGODB_URI", "mongodb://db.invalid:27017/movie-bag")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")


def test_production_refuses_to_start_on_a_database_that_needs_migrate(production_env):
    with pytest.raises(NeedsMigration, match="needs `make migrate`"):
        make_app("production")


def test_production_answers_503_until_migrated_when_the_check_came_late(production_env):
    app = make_app("production", prepare_database=False)
    client = app.test_client()
    not_ready = client.get("/api/ready")
    assert (not_ready.status_code, not_ready.headers["Retry-After"]) == (503, "30")
    assert "make migrate" in not_ready.json["message"]
    assert client.get("/api/movies").status_code == 503
    with app.app_context():
        migrate()
    assert client.get("/api/ready").json == {"status": "ready"}
    assert client.get("/api/movies").status_code == 200


def test_the_migrate_command_reports_what_it_did(app):
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0 and f"schema version {SCHEMA_VERSION}" in result.output
