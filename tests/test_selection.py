"""Sparse fields (`fields=`): a movie, a catalogue page or a watchlist page narrowed to the fields a client names,
answered as application/vnd.movie-bag.fields+json (every answer is also checked against the document's MovieFields
by the test client, tests/contract.py)."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from resources.selection import FIELDS_JSON
from tests.test_caching import decoded
from tests.test_catalogue import queries, queries_for  # noqa: F401 (a fixture)


def links(response):
    """{rel: URL} of a Link header."""
    return {part.split('rel="')[1].rstrip('"'): part.split(";")[0].strip(" <>") for part in response.headers["Link"].split(",")}


def test_a_narrowed_movie_has_the_named_fields_and_its_id(client, film):
    answer = client.get(f"/api/movies/{film}?fields=name,year,poster_url")
    assert answer.status_code == 200 and answer.mimetype == FIELDS_JSON
    assert answer.json == {"id": film, "name": client.get(f"/api/movies/{film}").json["name"], "year": None, "poster_url": None}


def test_a_whole_movie_is_still_json(client, film):
    answer = client.get(f"/api/movies/{film}")
    assert answer.mimetype == "application/json" and "casts" in answer.json


def test_every_row_of_a_narrowed_list_has_the_named_fields_and_its_id(client, make_movie):
    for _ in range(3):
        make_movie()
    answer = client.get("/api/movies?fields=name, poster_url")
    assert answer.mimetype == FIELDS_JSON
    assert [set(row) for row in answer.json] == [{"id", "name", "poster_url"}] * 3


@pytest.mark.parametrize("selection", ["id", "name,id", "name,name"])
def test_id_always_comes_once(client, film, selection):
    assert client.get(f"/api/movies/{film}?fields={selection}").json.keys() <= {"id", "name"}
    assert client.get(f"/api/movies/{film}?fields={selection}").json["id"] == film


def test_the_viewer_comes_when_named_with_a_token(client, film, viewer):
    client.put(f"/api/movies/{film}/rating", json={"score": 7}, headers=viewer)
    answer = client.get(f"/api/movies/{film}?fields=viewer", headers=viewer)
    assert answer.json == {"id": film, "viewer": {"score": 7, "on_watchlist": False, "review_id": None}}
    assert client.get("/api/movies?fields=name,viewer", headers=viewer).json[0]["viewer"]["score"] == 7


def test_the_viewer_stays_out_unless_named(client, film, viewer):
    assert set(client.get(f"/api/movies/{film}?fields=name", headers=viewer).json) == {"id", "name"}


def test_the_viewer_named_without_a_token_is_absent(client, film):
    assert client.get(f"/api/movies/{film}?fields=name,viewer").json.keys() == {"id", "name"}


def test_a_watchlist_page_narrows_too_with_its_added_at(client, film, viewer):
    client.put(f"/api/me/watchlist/{film}", headers=viewer)
    answer = client.get("/api/me/watchlist?fields=name,added_at,viewer", headers=viewer)
    assert answer.mimetype == FIELDS_JSON
    [row] = answer.json
    assert set(row) == {"id", "name", "added_at", "viewer"} and row["viewer"]["on_watchlist"] is True


@pytest.mark.parametrize("path", ["/api/movies?fields=name,budget", "/api/movies/{film}?fields=budget", "/api/me/watchlist?fields=budget"])
def test_an_unknown_field_is_a_400_naming_it(client, film, viewer, path):
    answer = client.get(path.format(film=film), headers=viewer)
    assert answer.status_code == 400 and answer.json["code"] == "validation_failed"
    assert "'budget'" in answer.json["errors"]["fields"][0]


def test_added_at_is_a_field_of_the_watchlist_only(client, film):
    answer = client.get(f"/api/movies/{film}?fields=added_at")
    assert answer.status_code == 400 and "'added_at'" in answer.json["errors"]["fields"][0]


@pytest.mark.parametrize("selection", ["", ",", "name,", " "])
def test_an_empty_selection_or_name_is_a_400(client, film, selection):
    answer = client.get(f"/api/movies/{film}", query_string={"fields": selection})
    assert answer.status_code == 400 and answer.json["code"] == "validation_failed" and "fields" in answer.json["errors"]


def test_fields_given_twice_is_a_400(client, film):
    answer = client.get(f"/api/movies/{film}?fields=name&fields=year")
    assert answer.status_code == 400 and "fields" in answer.json["errors"]


def test_a_narrowed_movie_has_its_own_etag_and_a_304_to_it(client, film):
    whole = client.get(f"/api/movies/{film}").headers["ETag"]
    narrowed = client.get(f"/api/movies/{film}?fields=name")
    assert narrowed.headers["ETag"] not in (whole, client.get(f"/api/movies/{film}?fields=year").headers["ETag"])
    again = client.get(f"/api/movies/{film}?fields=name", headers={"If-None-Match": narrowed.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == narrowed.headers["ETag"]
    assert client.get(f"/api/movies/{film}", headers={"If-None-Match": narrowed.headers["ETag"]}).status_code == 200


def test_a_narrowed_movies_etag_serves_as_if_match(client, make_user, auth_headers, make_movie):
    owner = make_user()
    film = str(make_movie(added_by=owner).id)
    headers = auth_headers(owner)
    tag = client.get(f"/api/movies/{film}?fields=name", headers=headers).headers["ETag"]
    assert client.patch(f"/api/movies/{film}", json={"overview": "New."}, headers={**headers, "If-Match": tag}).status_code == 200
    assert client.patch(f"/api/movies/{film}", json={"overview": "Newer."}, headers={**headers, "If-Match": tag}).status_code == 412


def test_a_narrowed_page_has_its_own_etag_and_a_304_to_it(client, film):
    whole = client.get("/api/movies").headers["ETag"]
    narrowed = client.get("/api/movies?fields=name")
    assert narrowed.headers["ETag"] != whole
    assert client.get("/api/movies?fields=name", headers={"If-None-Match": narrowed.headers["ETag"]}).status_code == 304


def test_fields_leave_the_pages_headers_as_they_are_and_next_carries_them(client, make_movie):
    for _ in range(5):
        make_movie()
    whole, narrowed = client.get("/api/movies?per_page=2"), client.get("/api/movies?per_page=2&fields=name")
    assert narrowed.headers["X-Total-Count"] == whole.headers["X-Total-Count"] == "5"
    assert [row["id"] for row in narrowed.json] == [row["id"] for row in whole.json]
    whole_links, narrowed_links = links(whole), links(narrowed)
    assert whole_links.keys() == narrowed_links.keys() == {"first", "next", "last"}
    for rel, url in narrowed_links.items():
        query = parse_qs(urlsplit(url).query)
        assert query.pop("fields") == ["name"], rel
        assert query == parse_qs(urlsplit(whole_links[rel]).query), rel


def test_following_next_keeps_the_selection_through_the_whole_list(client, make_movie):
    made = {str(make_movie().id) for _ in range(5)}
    seen, url = [], "/api/movies?per_page=2&fields=name"
    while url:
        page = client.get(url)
        assert page.mimetype == FIELDS_JSON and all(set(row) == {"id", "name"} for row in page.json)
        seen += [row["id"] for row in page.json]
        url = links(page).get("next")
        url = urlsplit(url)._replace(scheme="", netloc="").geturl() if url else None
    assert sorted(seen) == sorted(made)


def test_a_cursor_serves_the_same_list_whatever_its_selection(client, make_movie):
    for _ in range(3):
        make_movie()
    cursor = parse_qs(urlsplit(links(client.get("/api/movies?per_page=2&fields=name"))["next"]).query)["cursor"][0]
    rest = client.get("/api/movies", query_string={"per_page": 2, "cursor": cursor})
    assert rest.status_code == 200 and rest.mimetype == "application/json" and len(rest.json) == 1


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_narrowed_page_comes_compressed(client, make_movie, coding):
    for _ in range(20):
        make_movie()
    plain = client.get("/api/movies?fields=name,genres")
    packed = client.get("/api/movies?fields=name,genres", headers={"Accept-Encoding": coding})
    assert packed.headers["Content-Encoding"] == coding and packed.mimetype == FIELDS_JSON
    assert json.loads(decoded(packed)) == plain.json


def test_without_the_viewer_named_a_list_asks_nothing_of_ratings_reviews_or_the_watchlist(client, make_movie, viewer, queries):  # noqa: F811
    make_movie()
    with_viewer = set(queries_for(client, queries, "/api/movies?fields=name,viewer", viewer))
    without = set(queries_for(client, queries, "/api/movies?fields=name", viewer))
    assert {collection for collection, _ in with_viewer} >= {"ratings", "reviews", "watchlist"}
    assert not {collection for collection, _ in without} & {"ratings", "reviews", "watchlist"}


@pytest.mark.parametrize(
    "selection", ["name", " name , year ", "name,name", "id", "", ",", "name,", "budget", "name;year", "name\tyear", "Name"]
)
def test_the_server_takes_a_selection_exactly_when_the_documents_pattern_does(client, film, selection):
    listing = client.get("/api/openapi.json").json["paths"]["/api/movies/{movie_id}"]["get"]
    pattern = next(p for p in listing["parameters"] if p["name"] == "fields")["schema"]["pattern"]
    answer = client.get(f"/api/movies/{film}", query_string={"fields": selection})
    assert answer.status_code == (200 if re.search(pattern, selection) else 400)
