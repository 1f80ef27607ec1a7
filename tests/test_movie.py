"""The movie catalogue: browse, search, create, change and delete."""

import re

import pytest

from database.movies import Movie

BODY = {"name": "Inception", "casts": ["Leonardo DiCaprio"], "genres": ["Sci-Fi"]}


@pytest.fixture
def owner(make_user):
    """The user who adds the movie under test."""
    return make_user(email="owner@example.com")


@pytest.fixture
def movie(make_movie, owner):
    """A movie added by owner."""
    return make_movie(added_by=owner, name="Heat", casts=["Al Pacino"], genres=["Crime"])


def current_etag(client, movie):
    """The ETag a client reads for the movie now."""
    return client.get(f"/api/movies/{movie.id}").headers["ETag"]


def links(response):
    """The Link header as {rel: url}."""
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])}


# --- reading -----------------------------------------------------------------------------------


def test_list_is_public_and_serializes_movies(client, movie, owner):
    response = client.get("/api/movies")
    assert response.status_code == 200
    assert response.json == [
        {
            "id": str(movie.id),
            "name": "Heat",
            "casts": ["Al Pacino"],
            "genres": ["Crime"],
            "year": None,
            "runtime_minutes": None,
            "directors": [],
            "overview": "",
            "poster_url": None,
            "imdb_id": None,
            "tmdb_id": None,
            "rating": {"average": None, "count": 0},
            "added_by": str(owner.id),
            "created_at": movie.created_at.isoformat() + "+00:00",
            "updated_at": movie.updated_at.isoformat() + "+00:00",
        }
    ]


def test_empty_catalogue_is_an_empty_list(client):
    response = client.get("/api/movies")
    assert response.json == []
    assert response.headers["X-Total-Count"] == "0"
    assert set(links(response)) == {"first", "last"}


def test_pagination_headers_on_a_middle_page(client, make_movie):
    for _ in range(5):
        make_movie()
    response = client.get("/api/movies?page=2&per_page=2")
    assert len(response.json) == 2
    assert response.headers["X-Total-Count"] == "5"
    pages = links(response)
    assert set(pages) == {"first", "prev", "next", "last"}
    assert "page=1" in pages["first"] and "page=1" in pages["prev"]
    assert "cursor=" in pages["next"] and "page=3" in pages["last"]
    assert all("per_page=2" in url and url.startswith("http://") for url in pages.values())


def test_pagination_links_keep_the_filters(client, make_movie):
    for _ in range(3):
        make_movie(genres=["Drama"])
    pages = links(client.get("/api/movies?genre=Drama&per_page=1"))
    assert "genre=Drama" in pages["next"]


def test_last_page_has_no_next_and_pages_do_not_overlap(client, make_movie):
    for _ in range(3):
        make_movie()
    first = client.get("/api/movies?per_page=2")
    last = client.get("/api/movies?per_page=2&page=2")
    assert "next" not in links(last) and "prev" in links(last)
    ids = [m["id"] for m in first.json + last.json]
    assert len(set(ids)) == 3


def test_a_list_request_serializes_its_page_never_the_collection(client, make_movie, monkeypatch):
    import resources.movie

    for _ in range(30):
        make_movie(genres=["Drama"])
    built, schema = [], resources.movie.movies_schema

    class CountingSchema:
        def dump(self, rows):
            built.extend(rows)
            return schema.dump(rows)

    monkeypatch.setattr(resources.movie, "movies_schema", CountingSchema())
    response = client.get("/api/movies?genre=Drama&per_page=4&page=3")
    assert (len(response.json), response.headers["X-Total-Count"]) == (4, "30")
    assert [doc["name"] for doc in built] == [movie["name"] for movie in response.json]


def test_page_past_the_end_is_empty_with_prev_to_last(client, make_movie):
    make_movie()
    response = client.get("/api/movies?page=9")
    assert response.json == []
    assert "page=1" in links(response)["prev"]


def test_default_sort_is_newest_first(client, make_movie):
    names = [make_movie(name=n).name for n in ("A", "B", "C")]
    assert [m["name"] for m in client.get("/api/movies").json] == names[::-1]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("name", ["Alien", "Brazil", "Cars"]), ("-name", ["Cars", "Brazil", "Alien"]), ("created_at", ["Brazil", "Cars", "Alien"])],
)
def test_sort_orders(client, make_movie, sort, expected):
    for name in ("Brazil", "Cars", "Alien"):
        make_movie(name=name)
    assert [m["name"] for m in client.get(f"/api/movies?sort={sort}").json] == expected


def test_q_is_a_case_insensitive_substring_of_name(client, make_movie):
    make_movie(name="The Dark Knight")
    make_movie(name="Knightriders")
    make_movie(name="Heat")
    names = {m["name"] for m in client.get("/api/movies?q=KNIGHT").json}
    assert names == {"The Dark Knight", "Knightriders"}


def test_q_treats_regex_characters_literally(client, make_movie):
    make_movie(name="Heat")
    assert client.get("/api/movies?q=.*").json == []


def test_filter_by_genre_cast_and_owner(client, make_movie, make_user):
    alice = make_user()
    make_movie(name="One", genres=["Drama"], casts=["X"], added_by=alice)
    make_movie(name="Two", genres=["Comedy"], casts=["Y"], added_by=alice)
    make_movie(name="Three", genres=["Drama"], casts=["Y"])
    assert {m["name"] for m in client.get("/api/movies?genre=Drama").json} == {"One", "Three"}
    assert {m["name"] for m in client.get("/api/movies?cast=Y").json} == {"Two", "Three"}
    assert {m["name"] for m in client.get(f"/api/movies?added_by={alice.id}").json} == {"One", "Two"}
    assert {m["name"] for m in client.get(f"/api/movies?added_by={alice.id}&genre=Drama").json} == {"One"}


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=abc",
        "page=99999999999",
        "per_page=0",
        "per_page=101",
        "sort=password",
        "added_by=not-an-id",
        "genre[$ne]=x",
        "q=",
        "unknown=1",
    ],
)
def test_bad_list_parameters_are_400(client, query):
    response = client.get(f"/api/movies?{query}")
    assert response.status_code == 400
    assert response.json["errors"]


def test_get_one_movie_with_etag(client, movie):
    response = client.get(f"/api/movies/{movie.id}")
    assert response.status_code == 200
    assert response.json["name"] == "Heat"
    assert response.headers["ETag"] == f'"{movie.id}-1"'


@pytest.mark.parametrize("movie_id", ["000000000000000000000000", "junk", "1"])
def test_unknown_or_malformed_id_is_404(client, movie_id):
    response = client.get(f"/api/movies/{movie_id}")
    assert response.status_code == 404
    assert response.json == {"code": "not_found", "message": "No movie has this id.", "status": 404}


# --- creating ----------------------------------------------------------------------------------


def test_create_returns_201_with_location_and_owner(client, owner, auth_headers):
    response = client.post("/api/movies", json=BODY, headers=auth_headers(owner))
    assert response.status_code == 201
    movie = Movie.objects.get(id=response.json["id"])
    assert response.headers["Location"] == f"/api/movies/{movie.id}"
    assert response.headers["ETag"] == f'"{movie.id}-1"'
    assert response.json["added_by"] == str(owner.id)
    assert response.json["created_at"] == response.json["updated_at"]
    assert movie.name == "Inception"


def test_create_trims_name_and_names(client, owner, auth_headers):
    body = {"name": "  Heat  ", "casts": [" Al Pacino "], "genres": ["Crime "]}
    response = client.post("/api/movies", json=body, headers=auth_headers(owner))
    assert (response.json["name"], response.json["casts"], response.json["genres"]) == ("Heat", ["Al Pacino"], ["Crime"])


def test_create_needs_a_token(client):
    response = client.post("/api/movies", json=BODY)
    assert response.status_code == 401
    assert Movie.objects.count() == 0


def test_create_duplicate_name_is_409(client, movie, owner, auth_headers):
    response = client.post("/api/movies", json={**BODY, "name": "Heat"}, headers=auth_headers(owner))
    assert response.status_code == 409
    assert response.json["errors"] == {"name": ["Already taken."]}
    assert Movie.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": None}, "name"),
        ({"name": 42}, "name"),
        ({"casts": []}, "casts"),
        ({"casts": [""]}, "casts"),
        ({"casts": "Al Pacino"}, "casts"),
        ({"casts": [{"$ne": 1}]}, "casts"),
        ({"genres": []}, "genres"),
        ({"genres": [None]}, "genres"),
        ({"id": "0" * 24}, "id"),
        ({"added_by": "0" * 24}, "added_by"),
        ({"created_at": "2020-01-01T00:00:00Z"}, "created_at"),
        ({"updated_at": "2020-01-01T00:00:00Z"}, "updated_at"),
        ({"$where": "1"}, "$where"),
        ({"name.first": "x"}, "name.first"),
    ],
)
def test_create_rejects_invalid_or_forbidden_fields(client, owner, auth_headers, change, field):
    response = client.post("/api/movies", json={**BODY, **change}, headers=auth_headers(owner))
    assert response.status_code == 400
    assert field in response.json["errors"]
    assert Movie.objects.count() == 0


@pytest.mark.parametrize("missing", ["name", "casts", "genres"])
def test_create_requires_every_field(client, owner, auth_headers, missing):
    body = {k: v for k, v in BODY.items() if k != missing}
    response = client.post("/api/movies", json=body, headers=auth_headers(owner))
    assert response.status_code == 400
    assert response.json["errors"] == {missing: ["Missing data for required field."]}


# --- changing ----------------------------------------------------------------------------------


def test_owner_can_replace_with_put(client, movie, owner, auth_headers):
    response = client.put(f"/api/movies/{movie.id}", json=BODY, headers=auth_headers(owner))
    assert response.status_code == 200
    assert (response.json["name"], response.json["casts"], response.json["genres"]) == ("Inception", ["Leonardo DiCaprio"], ["Sci-Fi"])
    assert response.json["updated_at"] >= response.json["created_at"]
    assert response.headers["ETag"] == f'"{movie.id}-2"'
    assert Movie.objects.get(id=movie.id).name == "Inception"


def test_put_needs_every_field(client, movie, owner, auth_headers):
    response = client.put(f"/api/movies/{movie.id}", json={"name": "Heat 2"}, headers=auth_headers(owner))
    assert response.status_code == 400
    assert set(response.json["errors"]) == {"casts", "genres"}


def test_owner_can_patch_a_subset(client, movie, owner, auth_headers):
    response = client.patch(f"/api/movies/{movie.id}", json={"genres": ["Crime", "Thriller"]}, headers=auth_headers(owner))
    assert response.status_code == 200
    assert response.json["name"] == "Heat"
    assert response.json["genres"] == ["Crime", "Thriller"]


def test_patch_cannot_set_owner_or_timestamps(client, movie, owner, make_user, auth_headers):
    thief = make_user()
    response = client.patch(f"/api/movies/{movie.id}", json={"added_by": str(thief.id)}, headers=auth_headers(owner))
    assert response.status_code == 400
    assert Movie.objects.get(id=movie.id).added_by.id == owner.id


def test_patch_to_a_taken_name_is_409(client, movie, make_movie, owner, auth_headers):
    make_movie(name="Ronin")
    response = client.patch(f"/api/movies/{movie.id}", json={"name": "Ronin"}, headers=auth_headers(owner))
    assert response.status_code == 409
    assert Movie.objects.get(id=movie.id).name == "Heat"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_write_by_stranger_is_forbidden(client, movie, make_user, auth_headers, method):
    response = getattr(client, method)(f"/api/movies/{movie.id}", json=BODY, headers=auth_headers(make_user()))
    assert response.status_code == 403
    assert response.json["status"] == 403
    assert Movie.objects.get(id=movie.id).name == "Heat"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_write_by_admin_is_allowed(client, movie, make_user, auth_headers, method):
    admin = make_user(is_admin=True)
    response = getattr(client, method)(f"/api/movies/{movie.id}", json=BODY, headers=auth_headers(admin))
    assert response.status_code in (200, 204)
    assert Movie.objects(name="Heat").count() == 0


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_write_without_token_is_401(client, movie, method):
    response = getattr(client, method)(f"/api/movies/{movie.id}", json=BODY)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("movie_id", ["000000000000000000000000", "junk"])
def test_write_to_unknown_movie_is_404(client, owner, auth_headers, method, movie_id):
    response = getattr(client, method)(f"/api/movies/{movie_id}", json=BODY, headers=auth_headers(owner))
    assert response.status_code == 404


# --- lost updates ------------------------------------------------------------------------------


def test_patch_with_current_etag_succeeds(client, movie, owner, auth_headers):
    etag = client.get(f"/api/movies/{movie.id}").headers["ETag"]
    response = client.patch(f"/api/movies/{movie.id}", json={"name": "Heat (1995)"}, headers={**auth_headers(owner), "If-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_write_with_stale_etag_is_412_and_changes_nothing(client, movie, owner, auth_headers, method):
    headers = auth_headers(owner)
    stale = client.get(f"/api/movies/{movie.id}").headers["ETag"]
    client.patch(f"/api/movies/{movie.id}", json={"name": "Heat (1995)"}, headers=headers)
    response = getattr(client, method)(f"/api/movies/{movie.id}", json=BODY, headers={**headers, "If-Match": stale})
    assert response.status_code == 412
    assert response.json["status"] == 412
    assert Movie.objects.get(id=movie.id).name == "Heat (1995)"


def test_if_match_star_proceeds(client, movie, owner, auth_headers):
    response = client.patch(f"/api/movies/{movie.id}", json={"name": "Heat 2"}, headers={**auth_headers(owner), "If-Match": "*"})
    assert response.status_code == 200


def test_write_that_races_a_concurrent_change_is_412(client, movie, owner, auth_headers, monkeypatch):
    """The version check is part of the write itself, so a change just before it is caught."""
    headers = {**auth_headers(owner), "If-Match": current_etag(client, movie)}
    original = Movie.update_where

    def concurrent_change_first(movie_id, changes, **where):
        Movie.objects(id=movie.id).update_one(inc__version=1)
        return original(movie_id, changes, **where)

    monkeypatch.setattr(Movie, "update_where", concurrent_change_first)
    response = client.patch(f"/api/movies/{movie.id}", json={"name": "Lost"}, headers=headers)
    assert response.status_code == 412
    assert Movie.objects.get(id=movie.id).name == "Heat"


def test_if_match_of_another_movie_is_412(client, movie, make_movie, owner, auth_headers):
    other = make_movie(added_by=owner)
    headers = {**auth_headers(owner), "If-Match": current_etag(client, other)}
    assert client.patch(f"/api/movies/{movie.id}", json={"name": "Nope"}, headers=headers).status_code == 412
    assert client.delete(f"/api/movies/{movie.id}", headers=headers).status_code == 412


def count_matches_of_each_write(monkeypatch):
    """Record how many movies each update's filter matches, then let the update run."""
    original, matched = Movie.update_where, []

    def counting(movie_id, changes, owner=None, versions=None):
        matched.append(Movie.objects(__raw__=Movie.write_filter(movie_id, owner, versions)).count())
        return original(movie_id, changes, owner, versions)

    monkeypatch.setattr(Movie, "update_where", counting)
    return matched


def test_ownership_is_part_of_the_write(client, movie, make_user, auth_headers, monkeypatch):
    """Even if the movie's owner check were skipped, a stranger's write matches nothing."""
    matched = count_matches_of_each_write(monkeypatch)
    response = client.patch(f"/api/movies/{movie.id}", json={"name": "Mine now"}, headers=auth_headers(make_user()))
    assert (response.status_code, matched) == (403, [0])


def test_admin_write_on_anothers_movie_is_tried_as_owner_then_as_admin(client, movie, make_user, auth_headers, monkeypatch):
    matched = count_matches_of_each_write(monkeypatch)
    response = client.patch(f"/api/movies/{movie.id}", json={"name": "Moderated"}, headers=auth_headers(make_user(is_admin=True)))
    assert (response.status_code, response.json["name"], matched) == (200, "Moderated", [0, 1])


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_admin_write_with_a_stale_etag_is_412_on_the_admin_try_too(client, movie, owner, make_user, auth_headers, method):
    stale = current_etag(client, movie)
    client.patch(f"/api/movies/{movie.id}", json={"name": "Heat (1995)"}, headers=auth_headers(owner))
    headers = {**auth_headers(make_user(is_admin=True)), "If-Match": stale}
    response = getattr(client, method)(f"/api/movies/{movie.id}", json={"name": "Moderated"}, headers=headers)
    assert response.status_code == 412
    assert Movie.objects.get(id=movie.id).name == "Heat (1995)"


# --- deleting ----------------------------------------------------------------------------------


def test_owner_can_delete(client, movie, owner, auth_headers):
    response = client.delete(f"/api/movies/{movie.id}", headers=auth_headers(owner))
    assert response.status_code == 204
    assert response.data == b""
    assert client.get(f"/api/movies/{movie.id}").status_code == 404


def test_delete_with_current_etag(client, movie, owner, auth_headers):
    headers = {**auth_headers(owner), "If-Match": current_etag(client, movie)}
    assert client.delete(f"/api/movies/{movie.id}", headers=headers).status_code == 204
    assert Movie.objects.count() == 0


@pytest.mark.parametrize("if_match", ['"", ""', '"{id}-²"', '"{id}-99999999999999999999999"', 'W/"{id}-1"', '"{id}-"'])
def test_unusable_if_match_is_412_never_500(client, movie, owner, auth_headers, if_match):
    headers = {**auth_headers(owner), "If-Match": if_match.format(id=movie.id)}
    assert client.patch(f"/api/movies/{movie.id}", json={"name": "X"}, headers=headers).status_code == 412
    assert client.delete(f"/api/movies/{movie.id}", headers=headers).status_code == 412
    assert Movie.objects.get(id=movie.id).name == "Heat"
