"""Documents: constraints, indexes, delete rules and password handling."""

from datetime import datetime, timedelta

import pytest
from mongoengine import ValidationError

from database.accounts import User
from database.movies import Movie


def test_closing_and_purging_a_user_deletes_their_movies_only(make_user, make_movie):
    alice, bob = make_user(), make_user()
    make_movie(added_by=alice)
    make_movie(added_by=alice)
    kept = make_movie(added_by=bob)
    User.close(alice.id)
    assert User.find_by_id(alice.id) is None and User.find_by_email(alice.email) is None
    assert User.purge(alice.id, batch=1)
    assert list(Movie.objects.scalar("id")) == [kept.id]
    assert User.objects(id=alice.id).count() == 0


def test_user_document_holds_no_list_of_movies(make_user, make_movie):
    user = make_user()
    make_movie(added_by=user)
    stored = User.objects.as_pymongo().get(id=user.id)
    assert set(stored) == {"_id", "email", "password_hash", "is_admin", "created_at"}


def test_indexes_are_declared():
    movie_keys = {tuple(index["fields"]) for index in Movie._meta["index_specs"]}
    assert {(("added_by", 1), ("created_at", -1), ("_id", -1)), (("created_at", -1), ("_id", -1))} <= movie_keys
    unique = {tuple(field for field, _ in i["fields"]) for i in Movie._meta["index_specs"] if i.get("unique")}
    assert unique == {("name_key", "year"), ("imdb_id",), ("tmdb_id",)}
    email_index = next(i for i in User._meta["index_specs"] if i["fields"] == [("email", 1)])
    assert email_index["unique"] is True


def test_email_is_stored_canonical_whatever_the_path(app):
    user = User(email="  Someone@Example.COM", password_hash="x").save()
    assert User.objects.get(id=user.id).email == "someone@example.com"
    assert User.find_by_email("SOMEONE@example.com")["_id"] == user.id


def test_password_is_hashed_and_checked(make_user):
    user = make_user(password="s3cret-password")
    assert user.check_password("s3cret-password")
    assert not user.check_password("s3cret-passwore")
    assert "s3cret" not in user.password_hash


def test_user_repr_never_shows_the_hash(make_user):
    user = make_user()
    assert user.password_hash not in repr(user)
    assert user.email in repr(user)


def test_authenticate(make_user):
    user = make_user(email="who@example.com", password="right-password")
    assert User.authenticate("WHO@example.com", "right-password")["_id"] == user.id
    assert User.authenticate("who@example.com", "wrong-password") is None
    assert User.authenticate("nobody@example.com", "right-password") is None


def test_movie_name_length_is_enforced_by_the_document(make_user):
    with pytest.raises(ValidationError):
        Movie(name="x" * 201, casts=["a"], genres=["b"], added_by=make_user()).save()


def test_update_where_bumps_version_and_updated_at(make_movie):
    movie = make_movie()
    updated = Movie.update_where(movie.id, {"name": "Renamed"})
    stored = Movie.objects.get(id=movie.id)
    assert (stored.name, stored.version) == (updated["name"], updated["version"]) == ("Renamed", 2)
    assert stored.updated_at >= movie.updated_at


def test_update_where_returns_the_movie_as_stored(make_movie):
    movie = make_movie(casts=["Before"])
    Movie.objects(id=movie.id).update_one(set__casts=["Changed meanwhile"])
    updated = Movie.update_where(movie.id, {"name": "Renamed"})
    assert (updated["name"], updated["casts"], updated["version"]) == ("Renamed", ["Changed meanwhile"], 2)
    assert updated["added_by"] == movie.added_by.id  # the owner's id: no query for the owner


def test_write_filter_matches_only_the_owner_when_given(make_movie, make_user):
    owner, stranger = make_user(), make_user()
    movie = make_movie(added_by=owner)
    assert Movie.objects(__raw__=Movie.write_filter(movie.id, owner.id)).count() == 1
    assert Movie.objects(__raw__=Movie.write_filter(movie.id, stranger.id)).count() == 0
    assert Movie.objects(__raw__=Movie.write_filter(movie.id)).count() == 1


def test_write_filter_matches_only_the_given_versions(make_movie):
    movie = make_movie()
    owner = movie.added_by.id
    assert Movie.update_where(movie.id, {"name": "Renamed"}, owner, [7]) is None
    assert Movie.delete_where(movie.id, owner, []) is False
    assert Movie.objects.get(id=movie.id).name != "Renamed"
    assert Movie.delete_where(movie.id, owner, [1]) is True
    assert Movie.objects(id=movie.id).count() == 0


def test_update_to_a_taken_name_names_the_field(make_movie):
    from database.common import UniqueValueTaken

    make_movie(name="Taken")
    movie = make_movie()
    with pytest.raises(UniqueValueTaken) as raised:
        Movie.update_where(movie.id, {"name": "Taken"})
    assert raised.value.field == "name"
    assert Movie.objects.get(id=movie.id).version == 1


def test_new_movie_was_updated_when_created(make_movie):
    """Even when the two default timestamps straddle a millisecond, a new movie's are equal."""
    created = datetime(2026, 1, 1, 12, 0, 0, 1000)
    movie = Movie(
        name="Clock",
        casts=["a"],
        genres=["b"],
        added_by=make_movie().added_by.id,
        created_at=created,
        updated_at=created + timedelta(milliseconds=1),
    )
    movie.save()
    stored = Movie.objects.get(id=movie.id)
    assert stored.updated_at == stored.created_at == created


def test_a_long_password_in_any_script_is_hashed_whole(make_user):
    """bcrypt alone reads 72 bytes: two passwords alike in their first 72 bytes would be one."""
    shared = "字" * 30  # 90 bytes in UTF-8
    user = make_user(password=shared + "a")
    assert user.check_password(shared + "a")
    assert not user.check_password(shared + "b")
    assert user.password_hash.startswith("bcrypt-sha256$")


def test_a_plain_bcrypt_hash_from_before_still_verifies_and_is_replaced_at_login(app, make_user):
    from extensions import bcrypt

    user = make_user(email="old@example.com")
    old_hash = bcrypt.generate_password_hash("an-old-password", 4).decode()
    User.objects(id=user.id).update_one(set__password_hash=old_hash)
    assert User.authenticate("old@example.com", "wrong-password") is None
    assert User.objects.get(id=user.id).password_hash == old_hash  # only a correct password upgrades
    assert User.authenticate("old@example.com", "an-old-password")["_id"] == user.id
    upgraded = User.objects.get(id=user.id).password_hash
    assert upgraded.startswith("bcrypt-sha256$") and upgraded != old_hash
    assert User.authenticate("old@example.com", "an-old-password")["_id"] == user.id


def test_an_old_hash_never_matches_a_password_longer_than_bcrypt_read(app, make_user):
    from extensions import bcrypt

    user = make_user(email="old@example.com")
    User.objects(id=user.id).update_one(set__password_hash=bcrypt.generate_password_hash("x" * 72, 4).decode())
    assert User.authenticate("old@example.com", "x" * 73) is None
    assert User.authenticate("old@example.com", "x" * 72) is not None


def test_a_hash_of_another_cost_is_replaced_at_login(app, make_user):
    user = make_user(email="cost@example.com")
    app.config["BCRYPT_LOG_ROUNDS"] = 5
    User.authenticate("cost@example.com", "correct-horse-battery")
    assert "$2b$05$" in User.objects.get(id=user.id).password_hash
