# ruff: noqa: F811 - the catalogue tests' fixtures, imported by name, are parameters here
"""Multi-document changes without transactions (mongomock, like a standalone MongoDB): every step ordered to
converge, a crash between two steps left to `flask repair-data`, and that command's findings and fixes.

The same functions in one transaction each, on a replica set, are the wire tier's (tests/test_wire_integrity.py).
"""

import threading
from datetime import timedelta

import pytest
from bson import ObjectId
from mongoengine.connection import get_db

from database import repair
from database.accounts import AccountClosed, PasswordReset, Session, User
from database.common import utcnow
from database.movies import Movie
from database.ratings import Rating
from database.reviews import Review
from database.watchlists import WatchlistEntry
from tests.conftest import DEFAULT_PASSWORD
from tests.test_catalogue import NOTHING_LEFT, busy_movie, headers, image_bytes, leftovers, movie, owner, put_poster  # noqa: F401 - fixtures


def rating_of(client, movie):
    """The movie's rating as everyone sees it."""
    return client.get(f"/api/movies/{movie['id']}").json["rating"]


def nothing_found():
    """check() found nothing of any kind."""
    found = repair.check()
    return not any(found.values()), found


def test_a_delete_refused_for_a_stale_if_match_changes_nothing(client, headers, busy_movie):
    movie, _ = busy_movie
    before = client.get(f"/api/movies/{movie['id']}")
    refused = client.delete(f"/api/movies/{movie['id']}", headers={**headers, "If-Match": '"stale"'})
    assert refused.status_code == 412
    after = client.get(f"/api/movies/{movie['id']}")
    assert after.json == before.json and after.json["rating"] == {"average": 8.0, "count": 2}
    assert client.get(f"/api/movies/{movie['id']}/reviews").headers["X-Total-Count"] == "2"
    assert client.get(f"/api/me/watchlist/{movie['id']}", headers=headers).status_code == 204
    assert client.get(after.json["poster_url"]).status_code == 200
    assert nothing_found()[0]


def test_a_score_left_without_its_movie_count_is_repaired_by_giving_it_again(client, headers, movie, owner):
    # A crash after the score was written and before the movie counted it.
    get_db().ratings.insert_one({"user": owner.id, "movie": ObjectId(movie["id"]), "score": 7, "updated_at": utcnow()})
    assert rating_of(client, movie) == {"average": None, "count": 0}
    assert client.put(f"/api/movies/{movie['id']}/rating", json={"score": 7}, headers=headers).status_code == 200
    assert rating_of(client, movie) == {"average": 7.0, "count": 1}
    assert client.delete(f"/api/movies/{movie['id']}/rating", headers=headers).status_code == 204
    assert rating_of(client, movie) == {"average": None, "count": 0}


def test_a_score_taken_back_after_a_crash_never_counts_below_zero(client, headers, movie, owner):
    assert client.put(f"/api/movies/{movie['id']}/rating", json={"score": 9}, headers=headers).status_code == 200
    get_db().ratings.delete_many({})  # a crash after the score went, before the movie was recounted
    assert client.delete(f"/api/movies/{movie['id']}/rating", headers=headers).status_code == 204
    assert rating_of(client, movie) == {"average": None, "count": 0}


@pytest.mark.parametrize("write", ["review", "watchlist", "rating"])
def test_a_child_written_while_its_movie_is_deleted_does_not_stay(client, headers, movie, monkeypatch, write):
    """The movie goes between the write's check that it exists and its own write: the child goes with it."""
    import database.ratings
    import database.reviews
    import database.watchlists

    module = {"review": database.reviews, "watchlist": database.watchlists, "rating": database.ratings}[write]
    checked = module.exists

    def exists_then_deleted(document, key, session=None):
        found = checked(document, key, session)
        get_db().movies.delete_one({"_id": key})
        return found

    monkeypatch.setattr(module, "exists", exists_then_deleted)
    path, method, body = {
        "review": (f"/api/movies/{movie['id']}/reviews", "post", {"body": "Late."}),
        "watchlist": (f"/api/me/watchlist/{movie['id']}", "put", None),
        "rating": (f"/api/movies/{movie['id']}/rating", "put", {"score": 5}),
    }[write]
    answer = getattr(client, method)(path, json=body, headers=headers)
    assert answer.status_code == 404
    assert (Review.objects.count(), WatchlistEntry.objects.count(), Rating.objects.count()) == (0, 0, 0)


def purges():
    """The background purges of closed accounts running in this process."""
    return [thread for thread in threading.enumerate() if thread.name == "account-purge"]


def test_an_account_too_big_to_remove_in_one_request_is_closed_at_once_and_removed_after(
    app,
    client,
    headers,
    busy_movie,
    auth_headers,
    login,
):
    movie, fan = busy_movie
    fan_headers = auth_headers(fan)
    app.config["ACCOUNT_PURGE_SECONDS"] = 0
    answer = client.delete(f"/api/users/{fan.id}", headers=fan_headers)
    assert answer.status_code == 202
    # Closed at once: the token stops working and the password no longer logs in.
    assert client.get("/api/auth/me", headers=fan_headers).status_code == 401
    assert client.post("/api/auth/login", json={"email": fan.email, "password": DEFAULT_PASSWORD}).status_code == 401
    for thread in purges():
        thread.join(timeout=30)
    assert User.objects(id=fan.id).count() == 0
    assert rating_of(client, movie) == {"average": 8.0, "count": 1}
    assert leftovers() == NOTHING_LEFT
    assert nothing_found()[0]


def test_a_purge_stopped_midway_is_finished_by_repair_data(client, headers, busy_movie, auth_headers):
    movie, fan = busy_movie
    for n in range(3):  # a few more of the fan's own movies, each rated by the owner
        made = client.post("/api/movies", json={"name": f"Fan {n}", "casts": ["A"], "genres": ["Drama"]}, headers=auth_headers(fan)).json
        client.put(f"/api/movies/{made['id']}/rating", json={"score": 4}, headers=headers)
    User.close(fan.id)
    assert not User.purge(fan.id, batch=1, until=0)  # stopped after its first batch, as a crash would
    assert repair.check()["accounts closed but not yet removed"] == 1
    fixed = repair.repair()
    assert fixed["accounts closed but not yet removed"] == 1
    assert nothing_found()[0] and User.objects(id=fan.id).count() == 0
    assert Movie.objects.count() == 1 and rating_of(client, movie) == {"average": 8.0, "count": 1}


def make_every_leftover(movie, owner):
    """One of each kind a crash between two steps can leave, written straight into the database."""
    db, gone, movie_id = get_db(), ObjectId(), ObjectId(movie["id"])
    db.ratings.insert_one({"user": owner.id, "movie": gone, "score": 3})
    db.ratings.insert_one({"user": gone, "movie": movie_id, "score": 3})
    db.reviews.insert_one({"author": owner.id, "movie": gone, "body": "x", "version": 1})
    db.reviews.insert_one({"author": gone, "movie": movie_id, "body": "x", "version": 1})
    db.watchlist.insert_one({"user": owner.id, "movie": gone})
    db.watchlist.insert_one({"user": gone, "movie": movie_id})
    row = {**Movie.STORED_DEFAULTS, "name": "Orphaned", "casts": ["A"], "genres": ["B"], "added_by": gone, "version": 1}
    row.update(Movie.derive(row), created_at=utcnow(), updated_at=utcnow())
    row.pop("imdb_id"), row.pop("tmdb_id")
    db.movies.insert_one(row)
    db.sessions.insert_one({"_id": "s-gone", "user": gone, "jti": "j", "expires_at": utcnow() + timedelta(days=1)})
    db.password_resets.insert_one({"token_hash": "h", "user": gone, "created_at": utcnow(), "used_at": None})
    old = utcnow() - timedelta(hours=2)
    db["posters.files"].insert_one({"_id": ObjectId(), "metadata": {"movie_id": gone}, "uploadDate": old, "length": 1})
    db["posters.files"].insert_one({"_id": ObjectId(), "metadata": {"movie_id": movie_id}, "uploadDate": old, "length": 1})
    db["posters.chunks"].insert_one({"files_id": ObjectId(), "n": 0, "data": b"x"})
    db.movies.update_one({"_id": movie_id}, {"$set": {"rating_count": 5, "review_count": 9}})


def test_check_data_finds_every_kind_of_leftover_and_repair_data_removes_them_all(client, headers, movie, owner):
    put_poster(client, movie, headers, image_bytes(), "image/jpeg")
    client.put(f"/api/movies/{movie['id']}/rating", json={"score": 6}, headers=headers)
    assert nothing_found()[0]
    make_every_leftover(movie, owner)
    found = repair.check()
    assert all(count >= 1 for what, count in found.items() if what != "accounts closed but not yet removed"), found
    assert found["poster files of no movie"] == 2 and found["ratings whose movie is gone"] == 1
    fixed = repair.repair()
    assert fixed == found  # each one found fixed, nothing else
    assert nothing_found() == (True, dict.fromkeys(found, 0))
    assert repair.repair() == dict.fromkeys(found, 0)  # idempotent
    # What was not left over is untouched: the movie, its poster, its one real score.
    assert rating_of(client, movie) == {"average": 6.0, "count": 1}
    assert client.get(client.get(f"/api/movies/{movie['id']}").json["poster_url"]).status_code == 200
    assert Movie.objects(name="Orphaned").count() == 0
    assert Session.objects(user=ObjectId()).count() == 0 and PasswordReset.objects.count() == 0


def test_an_upload_not_yet_linked_to_its_movie_is_left_alone(client, headers, movie):
    get_db()["posters.files"].insert_one({"_id": ObjectId(), "metadata": {"movie_id": ObjectId(movie["id"])}, "uploadDate": utcnow()})
    assert nothing_found()[0]


def test_the_commands_report_and_repair(app, client, headers, movie, owner):
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["check-data"])
    assert clean.exit_code == 0 and "Nothing to repair." in clean.output
    make_every_leftover(movie, owner)
    found = runner.invoke(args=["check-data"])
    assert found.exit_code == 1
    assert "1  ratings whose movie is gone" in found.output and "`make repair-data`" in found.output
    repaired = runner.invoke(args=["repair-data"])
    assert repaired.exit_code == 0, repaired.output
    assert "1  ratings whose movie is gone: fixed" in repaired.output and "Nothing left to repair." in repaired.output
    assert runner.invoke(args=["check-data"]).exit_code == 0


def test_a_write_that_lands_after_its_account_was_closed_finds_it_gone(client, headers, movie, owner):
    """A request that passed its token check before the account was closed: its write is refused, not kept."""
    User.close(owner.id)
    movie_id = movie["id"]
    for write in (
        lambda: Rating.put(owner.id, movie_id, 7),
        lambda: Review.create(movie_id, owner.id, "Too late."),
        lambda: WatchlistEntry.add(owner.id, movie_id),
        lambda: Movie.create({"name": "Too late", "casts": ["A"], "genres": ["B"]}, owner.id),
    ):
        with pytest.raises(AccountClosed):
            write()
    assert (Rating.objects.count(), Review.objects.count(), WatchlistEntry.objects.count(), Movie.objects.count()) == (0, 0, 0, 1)
