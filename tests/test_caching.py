"""Answers a phone can keep and skip: compressed when asked, tagged, 304 when unchanged, Cache-Control on each."""

import gzip
import io
import json

import brotli
import pytest
from flask import Response
from PIL import Image

DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress}


@pytest.fixture
def owner(make_user):
    """The person who adds the movies below."""
    return make_user()


@pytest.fixture
def headers(owner, auth_headers):
    """The owner's Bearer header."""
    return auth_headers(owner)


@pytest.fixture
def catalogue(make_movie, owner):
    """Twenty movies: a full first page, well past the compression threshold."""
    return [
        make_movie(added_by=owner, name=f"A rather long movie name number {n}", casts=["Ana de Armas", "Ryan Gosling"]) for n in range(20)
    ]


def decoded(response):
    """The body without its content coding."""
    return DECODERS[response.headers["Content-Encoding"]](response.data)


# --- compression ---------------------------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_list_page_comes_compressed_and_decodes_to_the_same_json(client, catalogue, coding):
    plain = client.get("/api/movies")
    packed = client.get("/api/movies", headers={"Accept-Encoding": coding})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == coding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 3
    assert json.loads(decoded(packed)) == plain.json


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_the_openapi_document_comes_compressed_and_decodes_to_the_same_json(client, coding):
    plain = client.get("/api/openapi.json")
    packed = client.get("/api/openapi.json", headers={"Accept-Encoding": coding})
    assert packed.headers["Content-Encoding"] == coding
    assert len(packed.data) < len(plain.data) / 5
    assert json.loads(decoded(packed)) == plain.json


def test_brotli_is_chosen_when_the_client_takes_both(client, catalogue):
    assert client.get("/api/movies", headers={"Accept-Encoding": "gzip, deflate, br"}).headers["Content-Encoding"] == "br"


def test_a_small_answer_is_sent_as_it_is(client):
    response = client.get("/api/health", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and len(response.data) < 500
    assert "Content-Encoding" not in response.headers
    assert response.json["status"] == "ok"


def test_a_poster_is_never_compressed(client, catalogue, headers):
    out = io.BytesIO()
    Image.new("RGB", (600, 900), (200, 30, 30)).save(out, "PNG")
    movie_id = catalogue[0].id
    stored = client.put(f"/api/movies/{movie_id}/poster", data=out.getvalue(), headers={**headers, "Content-Type": "image/png"})
    assert stored.status_code == 200
    poster = client.get(f"/api/movies/{movie_id}/poster", headers={"Accept-Encoding": "gzip, br"})
    assert poster.status_code == 200 and poster.mimetype == "image/png" and len(poster.data) > 500
    assert "Content-Encoding" not in poster.headers
    assert Image.open(io.BytesIO(poster.data)).size == (600, 900)


def test_an_event_stream_is_never_compressed(app):
    @app.get("/events-for-a-test")
    def events():
        return Response("data: a movie changed\n\n" * 100, mimetype="text/event-stream")

    response = app.test_client().get("/events-for-a-test", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in response.headers
    assert response.data.startswith(b"data: a movie changed")


def test_an_empty_answer_carries_no_content_coding(client, catalogue, headers):
    response = client.delete(f"/api/movies/{catalogue[0].id}/rating", headers={**headers, "Accept-Encoding": "br"})
    assert response.status_code == 204 and response.data == b""
    assert "Content-Encoding" not in response.headers


# --- the web client's files ----------------------------------------------------------------------


@pytest.fixture
def web_client(app, tmp_path):
    """A client of an app serving a built web client: index.html and one hashed, large script."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><script type="module" src="/assets/index-abc123.js"></script>')
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('movie-bag');\n" * 400)
    app.config["WEB_DIST"] = str(tmp_path)
    return app.test_client()


def test_a_hashed_asset_is_kept_for_a_year(web_client):
    with web_client.get("/assets/index-abc123.js") as response:
        assert response.status_code == 200
        assert set(response.headers["Cache-Control"].split(", ")) == {"public", "max-age=31536000", "immutable"}


@pytest.mark.parametrize("path", ["/", "/movies/123"])
def test_index_html_is_always_revalidated(web_client, path):
    with web_client.get(path) as response:
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
        assert response.headers["ETag"]


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_web_asset_comes_compressed(web_client, coding):
    with web_client.get("/assets/index-abc123.js", headers={"Accept-Encoding": coding}) as response:
        assert response.headers["Content-Encoding"] == coding
        assert DECODERS[coding](response.data) == b"console.log('movie-bag');\n" * 400


def test_a_compressed_web_asset_is_a_304_to_its_own_etag(web_client):
    with web_client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "br"}) as first:
        etag = first.headers["ETag"]
    assert etag.endswith(':br"')
    with web_client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "br", "If-None-Match": etag}) as again:
        assert again.status_code == 304 and again.data == b""


# --- conditional requests ------------------------------------------------------------------------


def revalidated(client, url, headers=None):
    """Read url, then read it again with its ETag: the first answer and the second."""
    first = client.get(url, headers=headers or {})
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(url, headers={**(headers or {}), "If-None-Match": first.headers["ETag"]})
    return first, again


def assert_not_modified(first, again):
    """A 304 with no body and the same ETag."""
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_movie_is_a_304_to_its_etag(client, catalogue):
    assert_not_modified(*revalidated(client, f"/api/movies/{catalogue[0].id}"))


@pytest.fixture
def big_movie(make_movie, owner):
    """A movie whose answer is long enough to be compressed."""
    return make_movie(added_by=owner, casts=[f"Cast member number {n}" for n in range(40)])


def test_a_compressed_movie_is_a_304_to_its_compressed_etag(client, big_movie):
    first, again = revalidated(client, f"/api/movies/{big_movie.id}", {"Accept-Encoding": "gzip"})
    assert first.headers["ETag"].endswith(':gzip"')
    assert_not_modified(first, again)


def test_a_changed_movie_is_a_200_to_its_old_etag(client, catalogue, headers):
    url = f"/api/movies/{catalogue[0].id}"
    etag = client.get(url).headers["ETag"]
    assert client.patch(url, json={"name": "Another name"}, headers=headers).status_code == 200
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json["name"] == "Another name"
    assert changed.headers["ETag"] != etag


def test_if_match_takes_a_compressed_answers_etag(client, big_movie, headers):
    url = f"/api/movies/{big_movie.id}"
    etag = client.get(url, headers={"Accept-Encoding": "br"}).headers["ETag"]
    assert etag.endswith(':br"')
    assert client.patch(url, json={"name": "Renamed"}, headers={**headers, "If-Match": etag}).status_code == 200
    assert client.patch(url, json={"name": "Renamed again"}, headers={**headers, "If-Match": etag}).status_code == 412


def test_a_review_is_a_304_to_its_etag(client, catalogue, headers):
    created = client.post(f"/api/movies/{catalogue[0].id}/reviews", json={"body": "Worth it."}, headers=headers)
    assert created.status_code == 201
    assert_not_modified(*revalidated(client, f"/api/reviews/{created.json['id']}"))


def test_me_is_a_304_to_its_etag(client, headers):
    assert_not_modified(*revalidated(client, "/api/auth/me", headers))


def test_me_has_a_new_etag_once_renamed(client, headers):
    etag = client.get("/api/auth/me", headers=headers).headers["ETag"]
    assert client.patch("/api/auth/me", json={"display_name": "Ana"}, headers=headers).status_code == 200
    assert client.get("/api/auth/me", headers={**headers, "If-None-Match": etag}).status_code == 200


def test_a_list_page_is_a_304_to_its_etag(client, catalogue):
    assert_not_modified(*revalidated(client, "/api/movies?per_page=5"))


def test_a_reviews_page_is_a_304_to_its_etag(client, catalogue, headers):
    client.post(f"/api/movies/{catalogue[0].id}/reviews", json={"body": "Worth it."}, headers=headers)
    assert_not_modified(*revalidated(client, f"/api/movies/{catalogue[0].id}/reviews"))


def test_a_list_pages_etag_changes_when_one_of_its_rows_does(client, catalogue, headers):
    etag = client.get("/api/movies?per_page=5").headers["ETag"]
    shown = client.get("/api/movies?per_page=5").json[2]["id"]
    assert client.patch(f"/api/movies/{shown}", json={"genres": ["Comedy"]}, headers=headers).status_code == 200
    assert client.get("/api/movies?per_page=5", headers={"If-None-Match": etag}).status_code == 200


def test_a_list_pages_etag_changes_when_the_total_does(client, catalogue, headers):
    # The oldest movie is on the last page, not the first: only the total of the first page changes.
    url = "/api/movies?per_page=5&sort=-created_at"
    first = client.get(url)
    oldest = client.get("/api/movies?per_page=5&sort=created_at").json[0]["id"]
    assert oldest not in {movie["id"] for movie in first.json}
    assert client.delete(f"/api/movies/{oldest}", headers=headers).status_code == 204
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.json == first.json
    assert after.headers["X-Total-Count"] == "19" and after.headers["ETag"] != first.headers["ETag"]


# --- Cache-Control -------------------------------------------------------------------------------


def test_token_answers_are_never_stored(client, owner):
    response = client.post("/api/auth/login", json={"email": owner.email, "password": "correct-horse-battery"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_ones_own_data_is_private(client, headers):
    assert client.get("/api/auth/me", headers=headers).headers["Cache-Control"] == "private, no-cache"
    assert client.get("/api/me/watchlist", headers=headers).headers["Cache-Control"] == "private, no-cache"


def test_the_public_catalogue_is_revalidated_by_anyone(client, catalogue):
    for url in ("/api/movies", f"/api/movies/{catalogue[0].id}", "/api/genres", "/api/openapi.json"):
        assert client.get(url).headers["Cache-Control"] == "no-cache", url


def test_an_error_answer_says_how_to_cache_it_too(client):
    assert client.get("/api/movies/0123456789abcdef01234567").headers["Cache-Control"] == "no-cache"
