"""Torture: property-based tests of the request schemas against the API itself.

Whatever a schema accepts, the API stores and returns unchanged (as the schema loaded it);
whatever a schema rejects, the API answers 400 naming the same fields.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, fields

from database.accounts import User
from database.movies import Movie
from database.paging import COUNT_LIMIT
from resources.schemas import movie_input_schema, movie_patch_schema, movie_query_schema, signup_schema

# Each example resets the collections it touches itself, so function-scoped fixtures are safe here.
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def mostly(plausible, wrong):
    """Seven draws in ten from plausible values, so that acceptance is common; the rest every kind of wrong."""
    return st.integers(0, 9).flatmap(lambda roll: plausible if roll < 7 else wrong)


texts = st.text(max_size=30) | st.text(min_size=195, max_size=220) | st.sampled_from(["", " ", " padded ", "\x00", "é", "🎬"])
junk = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)
names = mostly(st.text(min_size=1, max_size=40), texts | junk)
name_lists = mostly(
    st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=5),
    st.lists(texts, max_size=6) | st.lists(st.text(min_size=1), min_size=99, max_size=102) | st.lists(junk, max_size=3) | junk,
)
extra_keys = st.dictionaries(st.sampled_from(["id", "added_by", "created_at", "version", "$set", "a.b", "rating"]), junk, max_size=1)


@st.composite
def movie_bodies(draw, required=True):
    """Bodies for create (every field present by default) and patch (any subset)."""
    body = {}
    for field, strategy in (("name", names), ("casts", name_lists), ("genres", name_lists)):
        # Now and then a required field is missing; an optional one is sent half the time.
        if (not required or draw(st.integers(0, 9)) > 0) and (required or draw(st.booleans())):
            body[field] = draw(strategy)
    body.update(draw(extra_keys) if draw(st.integers(0, 9)) == 0 else {})
    return body


def expectation(schema, data):
    """(loaded data, None) when the schema accepts, (None, the fields it names) when it rejects."""
    try:
        return schema.load(data), None
    except ValidationError as error:
        return None, set(error.messages)


def assert_rejected_alike(response, rejected):
    """The API refused with a 400 naming exactly the fields the schema named."""
    assert response.status_code == 400
    assert set(response.json["errors"]) == rejected


@pytest.fixture
def headers(make_user, auth_headers):
    """A logged-in user's headers."""
    return auth_headers(make_user())


@PROPERTY_SETTINGS
@given(body=movie_bodies())
def test_create_stores_what_the_schema_accepts_and_names_what_it_rejects(client, headers, body):
    Movie.objects.delete()
    loaded, rejected = expectation(movie_input_schema, body)
    response = client.post("/api/movies", json=body, headers=headers)
    if rejected:
        assert_rejected_alike(response, rejected)
        assert Movie.objects.count() == 0
    else:
        assert response.status_code == 201, response.json
        fetched = client.get(f"/api/movies/{response.json['id']}").json
        for answer in (response.json, fetched):
            assert {key: answer[key] for key in loaded} == loaded


@PROPERTY_SETTINGS
@given(body=movie_bodies(required=False))
def test_patch_stores_what_the_schema_accepts_and_names_what_it_rejects(client, headers, make_movie, body):
    Movie.objects.delete()
    me = client.get("/api/auth/me", headers=headers).json["id"]
    movie = client.post("/api/movies", json={"name": "Before", "casts": ["A"], "genres": ["B"]}, headers=headers).json
    before = {key: movie[key] for key in ("name", "casts", "genres")}
    loaded, rejected = expectation(movie_patch_schema, body)
    response = client.patch(f"/api/movies/{movie['id']}", json=body, headers=headers)
    fetched = client.get(f"/api/movies/{movie['id']}").json
    if rejected:
        assert_rejected_alike(response, rejected)
        assert {key: fetched[key] for key in before} == before
    else:
        assert response.status_code == 200, response.json
        assert {key: fetched[key] for key in before} == {**before, **loaded}
        assert fetched["added_by"] == me


query_values = st.text(max_size=12) | st.integers(-5, 200).map(str) | st.sampled_from(["1", "20", "100", "name", "-created_at"])
query_keys = st.sampled_from(["page", "per_page", "q", "genre", "cast", "sort", "added_by", "genre[$ne]", "junk"])


@PROPERTY_SETTINGS
@given(query=st.dictionaries(query_keys, query_values, max_size=4))
def test_list_answers_what_the_query_schema_accepts_and_names_what_it_rejects(client, query):
    # A list parameter (genre, cast) arrives as the list of its values, as the API reads the query string.
    as_read = {key: [value] if isinstance(movie_query_schema.fields.get(key), fields.List) else value for key, value in query.items()}
    loaded, rejected = expectation(movie_query_schema, as_read)
    response = client.get("/api/movies", query_string=query)
    if rejected:
        assert_rejected_alike(response, rejected)
    else:
        assert response.status_code == 200
        assert int(response.headers.get("X-Total-Count", COUNT_LIMIT + 1)) >= len(response.json)
        assert len(response.json) <= loaded["per_page"]


emails = mostly(st.emails(), st.text(max_size=20) | junk)
passwords = mostly(st.text(min_size=8, max_size=30), st.text(max_size=80) | junk)


@PROPERTY_SETTINGS
@given(body=st.fixed_dictionaries({"email": emails, "password": passwords}))
def test_signup_keeps_what_the_schema_accepts_and_names_what_it_rejects(client, body):
    User.objects.delete()
    loaded, rejected = expectation(signup_schema, body)
    response = client.post("/api/auth/signup", json=body)
    if rejected:
        assert_rejected_alike(response, rejected)
    else:
        assert response.status_code == 201, response.json
        assert User.objects.get(id=response.json["id"]).email == loaded["email"]
        login = client.post("/api/auth/login", json={"email": loaded["email"], "password": loaded["password"]})
        assert login.status_code == 200
