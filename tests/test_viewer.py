"""The caller's own state beside the movies (`viewer`)."""

from urllib.parse import urlsplit

import pytest

from tests.test_catalogue import queries, queries_for  # noqa: F401 (a fixture)


def test_an_anonymous_movie_has_no_viewer(client, film):
    assert "viewer" not in client.get(f"/api/movies/{film}").json


def test_an_anonymous_list_has_no_viewer(client, film):
    assert all("viewer" not in row for row in client.get("/api/movies").json)


def test_a_movie_nobody_touched_has_an_empty_viewer(client, film, viewer):
    answer = client.get(f"/api/movies/{film}", headers=viewer)
    assert answer.json["viewer"] == {"score": None, "on_watchlist": False, "review_id": None}
    assert answer.headers["Cache-Control"] == "private, no-cache"


def test_a_rated_watchlisted_reviewed_movie_shows_all_three(client, film, viewer):
    client.put(f"/api/movies/{film}/rating", json={"score": 8}, headers=viewer)
    client.put(f"/api/me/watchlist/{film}", headers=viewer)
    review = client.post(f"/api/movies/{film}/reviews", json={"body": "Good."}, headers=viewer).json
    expected = {"score": 8, "on_watchlist": True, "review_id": review["id"]}
    assert client.get(f"/api/movies/{film}", headers=viewer).json["viewer"] == expected
    assert client.get("/api/movies", headers=viewer).json[0]["viewer"] == expected
    assert client.get("/api/me/watchlist", headers=viewer).json[0]["viewer"] == expected


def test_the_viewer_is_the_callers_own(client, film, viewer, make_user, auth_headers):
    client.put(f"/api/movies/{film}/rating", json={"score": 3}, headers=viewer)
    other = auth_headers(make_user())
    assert client.get(f"/api/movies/{film}", headers=other).json["viewer"]["score"] is None


def test_callers_get_different_etags_and_an_anonymous_one_its_own(client, film, viewer, make_user, auth_headers):
    tags = {client.get(f"/api/movies/{film}", headers=headers).headers["ETag"] for headers in (viewer, auth_headers(make_user()), {})}
    assert len(tags) == 3


def test_a_new_score_changes_the_etag_so_no_stale_304(client, film, viewer):
    tag = client.get(f"/api/movies/{film}", headers=viewer).headers["ETag"]
    client.put(f"/api/movies/{film}/rating", json={"score": 5}, headers=viewer)
    again = client.get(f"/api/movies/{film}", headers={**viewer, "If-None-Match": tag})
    assert again.status_code == 200 and again.json["viewer"]["score"] == 5


def test_the_etag_read_with_a_viewer_still_serves_as_if_match(client, make_user, auth_headers, make_movie):
    owner = make_user()
    film = str(make_movie(added_by=owner).id)
    headers = auth_headers(owner)
    tag = client.get(f"/api/movies/{film}", headers=headers).headers["ETag"]
    changed = client.patch(f"/api/movies/{film}", json={"overview": "New."}, headers={**headers, "If-Match": tag})
    assert changed.status_code == 200
    stale = client.patch(f"/api/movies/{film}", json={"overview": "Newer."}, headers={**headers, "If-Match": tag})
    assert stale.status_code == 412


def test_a_bad_token_on_a_public_read_is_a_401(client, film):
    answer = client.get(f"/api/movies/{film}", headers={"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 401 and answer.json["code"] == "token_invalid"


def test_a_bad_token_on_the_catalogue_is_a_401(client):
    answer = client.get("/api/movies", headers={"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 401 and answer.json["code"] == "token_invalid"


@pytest.mark.parametrize("path", ["/api/movies", "/api/me/watchlist"])
def test_the_viewer_costs_the_same_queries_whatever_the_page_size(client, make_movie, viewer, queries, path):  # noqa: F811
    for _ in range(8):
        film = str(make_movie().id)
        client.put(f"/api/me/watchlist/{film}", headers=viewer)
        client.put(f"/api/movies/{film}/rating", json={"score": 7}, headers=viewer)
    small, large = (queries_for(client, queries, f"{path}?per_page={n}", viewer) for n in (1, 8))
    assert small == large
    assert sum(1 for collection, _ in large if collection in ("ratings", "reviews")) == 2


# --- a review's author score, a watchlist entry's date ------------------------------------------------------


def test_a_review_carries_its_authors_score(client, film, viewer, make_user, auth_headers):
    client.put(f"/api/movies/{film}/rating", json={"score": 9}, headers=viewer)
    created = client.post(f"/api/movies/{film}/reviews", json={"body": "Great."}, headers=viewer)
    assert created.json["author_score"] == 9
    assert client.get(f"/api/reviews/{created.json['id']}").json["author_score"] == 9
    client.post(f"/api/movies/{film}/reviews", json={"body": "Unrated."}, headers=auth_headers(make_user()))
    listed = client.get(f"/api/movies/{film}/reviews").json
    assert sorted((row["body"], row["author_score"]) for row in listed) == [("Great.", 9), ("Unrated.", None)]


def test_a_review_read_again_after_its_author_rescores_is_not_a_304(client, film, viewer):
    client.put(f"/api/movies/{film}/rating", json={"score": 9}, headers=viewer)
    created = client.post(f"/api/movies/{film}/reviews", json={"body": "Great."}, headers=viewer).json
    tag = client.get(f"/api/reviews/{created['id']}").headers["ETag"]
    client.put(f"/api/movies/{film}/rating", json={"score": 4}, headers=viewer)
    again = client.get(f"/api/reviews/{created['id']}", headers={"If-None-Match": tag})
    assert again.status_code == 200 and again.json["author_score"] == 4
    changed = client.patch(f"/api/reviews/{created['id']}", json={"body": "Less great."}, headers={**viewer, "If-Match": tag})
    assert changed.status_code == 200


def test_a_movies_reviews_cost_the_same_queries_whatever_the_page_size(client, film, make_user, auth_headers, queries):  # noqa: F811
    for n in range(6):
        headers = auth_headers(make_user())
        client.put(f"/api/movies/{film}/rating", json={"score": n + 1}, headers=headers)
        client.post(f"/api/movies/{film}/reviews", json={"body": f"Review {n}."}, headers=headers)
    small, large = (queries_for(client, queries, f"/api/movies/{film}/reviews?per_page={n}") for n in (1, 6))
    assert small == large and sum(1 for collection, _ in large if collection == "ratings") == 1


def test_watchlist_rows_carry_when_they_were_added_newest_first(client, make_movie, viewer):
    films = [str(make_movie().id) for _ in range(2)]
    for film in films:
        client.put(f"/api/me/watchlist/{film}", headers=viewer)
    rows = client.get("/api/me/watchlist", headers=viewer).json
    assert [row["id"] for row in rows] == films[::-1]
    assert rows[0]["added_at"] >= rows[1]["added_at"] and rows[0]["added_at"].endswith("+00:00")


# --- one's diary: /api/me/ratings and /api/me/reviews ------------------------------------------------------


def test_my_ratings_are_newest_first_with_their_movies(client, make_movie, viewer, make_user, auth_headers):
    films = [make_movie(name=f"Diary {n}") for n in range(3)]
    for n, film in enumerate(films):
        client.put(f"/api/movies/{film.id}/rating", json={"score": n + 2}, headers=viewer)
    client.put(f"/api/movies/{films[0].id}/rating", json={"score": 10}, headers=viewer)  # re-rated: newest now
    client.put(f"/api/movies/{films[1].id}/rating", json={"score": 1}, headers=auth_headers(make_user()))
    rows = client.get("/api/me/ratings", headers=viewer).json
    assert [(row["movie"]["name"], row["score"]) for row in rows] == [("Diary 0", 10), ("Diary 2", 4), ("Diary 1", 3)]
    assert set(rows[0]["movie"]) == {"id", "name", "year", "poster_url"} and rows[0]["movie"]["id"] == str(films[0].id)
    assert rows[0]["rated_at"] >= rows[1]["rated_at"]


def test_my_ratings_page_by_cursor_and_cost_the_same_queries_whatever_the_page_size(client, make_movie, viewer, queries):  # noqa: F811
    for _ in range(5):
        client.put(f"/api/movies/{make_movie().id}/rating", json={"score": 5}, headers=viewer)
    first = client.get("/api/me/ratings?per_page=2", headers=viewer)
    assert first.headers["X-Total-Count"] == "5" and 'rel="next"' in first.headers["Link"]
    seen, url = [], "/api/me/ratings?per_page=2"
    while url:
        page = client.get(url, headers=viewer)
        seen += [row["movie"]["id"] for row in page.json]
        nxt = [part.split(";")[0].strip("<> ") for part in page.headers["Link"].split(",") if 'rel="next"' in part]
        url = urlsplit(nxt[0])._replace(scheme="", netloc="").geturl() if nxt else None
    assert len(seen) == len(set(seen)) == 5
    small, large = (queries_for(client, queries, f"/api/me/ratings?per_page={n}", viewer) for n in (1, 5))
    assert small == large


def test_my_reviews_are_newest_first_with_their_scores(client, make_movie, viewer, make_user, auth_headers):
    films = [str(make_movie().id) for _ in range(2)]
    client.put(f"/api/movies/{films[1]}/rating", json={"score": 7}, headers=viewer)
    for n, film in enumerate(films):
        client.post(f"/api/movies/{film}/reviews", json={"body": f"Mine {n}."}, headers=viewer)
    client.post(f"/api/movies/{films[0]}/reviews", json={"body": "Theirs."}, headers=auth_headers(make_user()))
    rows = client.get("/api/me/reviews", headers=viewer).json
    assert [(row["body"], row["movie_id"], row["author_score"]) for row in rows] == [("Mine 1.", films[1], 7), ("Mine 0.", films[0], None)]


@pytest.mark.parametrize("path", ["/api/me/ratings", "/api/me/reviews"])
def test_a_diary_needs_a_token(client, path):
    answer = client.get(path)
    assert answer.status_code == 401 and answer.json["code"] == "authentication_required"
