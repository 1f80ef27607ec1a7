"""The catalogue at scale: the search people expect, identity by name and year, cursor pages."""

import re
import urllib.parse

import pytest

from database import paging

GODFATHER = {
    "name": "The Godfather",
    "year": 1972,
    "casts": ["Marlon Brando", "Al Pacino"],
    "genres": ["Crime", "Drama"],
    "directors": ["Francis Ford Coppola"],
}
HEAT = {
    "name": "Heat",
    "year": 1995,
    "casts": ["Al Pacino", "Robert De Niro"],
    "genres": ["Crime", "Thriller"],
    "directors": ["Michael Mann"],
}
AMELIE = {"name": "Amélie", "year": 2001, "casts": ["Audrey Tautou"], "genres": ["Comedy", "Romance"], "directors": ["Jean-Pierre Jeunet"]}
HEAT_WAVE = {"name": "Heat Wave", "year": 1990, "casts": ["Cicely Tyson"], "genres": ["Drama"]}
HEATHERS = {"name": "Lethal Girls", "year": 1989, "casts": ["Heather Graham"], "genres": ["Comedy"]}


@pytest.fixture
def headers(make_user, auth_headers):
    """An account's Bearer headers."""
    return auth_headers(make_user())


@pytest.fixture
def add(client, headers):
    """Add a movie through the API; returns its answer."""

    def add(**movie):
        response = client.post("/api/movies", json=movie, headers=headers)
        assert response.status_code == 201, response.json
        return response.json

    return add


@pytest.fixture
def catalogue(add):
    """Five movies whose names, people and genres the searches below tell apart."""
    for movie in (GODFATHER, HEAT, AMELIE, HEAT_WAVE, HEATHERS):
        add(**movie)


def names(response):
    """The names a list answered, in order."""
    assert response.status_code == 200, response.json
    return [movie["name"] for movie in response.json]


def links(response):
    """{rel: url} of a list answer's Link header."""
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])}


def follow(client, url, headers=None):
    """GET a Link URL (absolute, from PUBLIC_URL) on the test client."""
    parts = urllib.parse.urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}", headers=headers)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("amelie", ["Amélie"]),
        ("AMÉLIE", ["Amélie"]),
        ("godf", ["The Godfather"]),
        ("god father", ["The Godfather"]),
        ("the godfather", ["The Godfather"]),
        ("coppola", ["The Godfather"]),
        ("jeunet", ["Amélie"]),
        ("tautou amel", ["Amélie"]),
        ("zzz", []),
        ("!!!", []),
    ],
)
def test_q_finds_what_people_type(client, catalogue, q, expected):
    assert names(client.get("/api/movies", query_string={"q": q})) == expected


def test_q_finds_a_persons_movies(client, catalogue):
    assert set(names(client.get("/api/movies?q=pacino"))) == {"The Godfather", "Heat"}
    assert set(names(client.get("/api/movies?q=al%20pacino"))) == {"The Godfather", "Heat"}


def test_q_orders_by_relevance_whole_name_then_name_words_then_people(client, catalogue):
    assert names(client.get("/api/movies?q=heat")) == ["Heat", "Heat Wave", "Lethal Girls"]


def test_q_relevance_pages_through_every_tier_by_cursor(client, catalogue):
    first = client.get("/api/movies?q=heat&per_page=1")
    seen = names(first)
    while "next" in links(first):
        first = follow(client, links(first)["next"])
        seen += names(first)
    assert seen == ["Heat", "Heat Wave", "Lethal Girls"]


def test_q_with_a_sort_comes_in_that_order_instead_of_by_relevance(client, catalogue):
    assert names(client.get("/api/movies?q=heat&sort=name")) == ["Heat", "Heat Wave", "Lethal Girls"]
    assert names(client.get("/api/movies?q=heat&sort=-year")) == ["Heat", "Heat Wave", "Lethal Girls"]
    assert names(client.get("/api/movies?q=heat&sort=year")) == ["Lethal Girls", "Heat Wave", "Heat"]
    assert client.get("/api/movies?q=!!!&sort=year").json == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("genre=crime", {"The Godfather", "Heat"}),
        ("genre=CRIME&genre=drama", {"The Godfather"}),
        ("genre=Drama&genre=Crime", {"The Godfather"}),
        ("cast=al%20pacino", {"The Godfather", "Heat"}),
        ("cast=AL%20PACINO&cast=robert%20de%20niro", {"Heat"}),
        ("director=michael%20mann", {"Heat"}),
        ("director=jean-pierre%20jeunet", {"Amélie"}),
        ("q=pacino&genre=thriller", {"Heat"}),
    ],
)
def test_filters_are_case_insensitive_and_repeated_ones_all_apply(client, catalogue, query, expected):
    assert set(names(client.get(f"/api/movies?{query}"))) == expected


def test_a_repeated_single_valued_parameter_is_a_400(client):
    response = client.get("/api/movies?per_page=100&per_page=1")
    assert (response.status_code, response.json["errors"]) == (400, {"per_page": ["Give this parameter once."]})


def test_genres_lists_every_genre_with_its_count_most_frequent_first(client, catalogue, add):
    add(name="Another", casts=["X"], genres=["drama"])  # another spelling of Drama counts with it
    genres = client.get("/api/genres").json
    assert genres[:2] == [{"name": "Drama", "count": 3}, {"name": "Comedy", "count": 2}]
    assert {genre["name"] for genre in genres} == {"Drama", "Comedy", "Crime", "Romance", "Thriller"}


def test_directors_lists_the_most_frequent(client, catalogue, add):
    add(name="Collateral", year=2004, casts=["Tom Cruise"], genres=["Crime"], directors=["Michael Mann"])
    assert client.get("/api/directors").json[0] == {"name": "Michael Mann", "count": 2}


def test_a_remake_of_the_same_name_is_welcome(client, add):
    add(name="The Lion King", year=1994, casts=["Jeremy Irons"], genres=["Animation"])
    remake = add(name="The Lion King", year=2019, casts=["Donald Glover"], genres=["Animation"])
    assert remake["year"] == 2019
    assert names(client.get("/api/movies?q=the%20lion%20king")) == ["The Lion King", "The Lion King"]


@pytest.mark.parametrize(
    "name",
    ["heat", "HEAT", " Heat ", "Hëat", "Heat\u200b", "Ｈｅａｔ", "H\u0435at", "\u041dEAT", "\u0397\u0395\u0391\u03a4"],
    ids=["lower", "upper", "spaces", "accent", "zero-width", "full-width", "cyrillic-e", "cyrillic-H", "greek"],
)
def test_the_same_name_and_year_in_another_spelling_is_a_409(client, headers, add, name):
    add(**HEAT)
    response = client.post("/api/movies", json={**HEAT, "name": name}, headers=headers)
    assert response.status_code == 409
    assert response.json["message"] == "A movie of this name and year is already in the catalogue."


def test_a_title_in_its_own_script_keeps_its_letters_beside_a_latin_one(client, add):
    """Only a word that could pass for Latin is read as Latin: Солярис is not Solaris, and each is found as itself."""
    add(name="Солярис", year=1972, casts=["Наталья Бондарчук"], genres=["Drama"])
    add(name="Solaris", year=1972, casts=["Donatas Banionis"], genres=["Drama"])
    assert names(client.get("/api/movies?q=%D1%81%D0%BE%D0%BB%D1%8F%D1%80%D0%B8%D1%81")) == ["Солярис"]
    assert names(client.get("/api/movies?q=solaris")) == ["Solaris"]


def test_a_patch_onto_a_taken_name_and_year_is_a_409(client, headers, add):
    add(**HEAT)
    other = add(name="Heat", year=1986, casts=["Burt Reynolds"], genres=["Action"])
    response = client.patch(f"/api/movies/{other['id']}", json={"year": 1995}, headers=headers)
    assert response.status_code == 409


def test_external_ids_are_unique_and_filterable(client, headers, add):
    godfather = add(**GODFATHER, imdb_id="tt0068646", tmdb_id=238)
    add(**HEAT)  # no external ids: any number of movies may have none
    add(**AMELIE)
    for taken in ({"imdb_id": "tt0068646"}, {"tmdb_id": 238}):
        response = client.post("/api/movies", json={**HEAT_WAVE, **taken}, headers=headers)
        assert response.status_code == 409, taken
    assert names(client.get("/api/movies?imdb_id=tt0068646")) == ["The Godfather"]
    assert names(client.get("/api/movies?tmdb_id=238")) == ["The Godfather"]
    cleared = client.patch(f"/api/movies/{godfather['id']}", json={"imdb_id": None}, headers=headers)
    assert (cleared.status_code, cleared.json["imdb_id"], cleared.json["tmdb_id"]) == (200, None, 238)
    assert client.get("/api/movies?imdb_id=tt0068646").json == []


@pytest.mark.parametrize("imdb_id", ["0068646", "tt123", "tt12345678901", "TT0068646"])
def test_a_malformed_imdb_id_is_a_400(client, headers, imdb_id):
    response = client.post("/api/movies", json={**HEAT, "imdb_id": imdb_id}, headers=headers)
    assert (response.status_code, list(response.json["errors"])) == (400, ["imdb_id"])


@pytest.fixture
def shelf(make_movie):
    """Twenty-five movies of varied names, years and ratings (some unrated, some without a year)."""
    for n in range(25):
        movie = make_movie(name=f"Film {n:02d}")
        movie.update(
            set__year=None if n % 5 == 0 else 1950 + n % 7, set__rated=n % 3 > 0, set__rating_average=((n % 3 > 0) and float(n % 4)) or None
        )
    return 25


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "name", "-name", "year", "-year", "rating", "-rating"])
def test_walking_by_cursor_gives_every_movie_once_in_the_sorts_order(client, shelf, sort):
    whole = names(client.get(f"/api/movies?sort={sort}&per_page=100"))
    page = client.get(f"/api/movies?sort={sort}&per_page=4")
    walked = names(page)
    while "next" in links(page):
        page = follow(client, links(page)["next"])
        walked += names(page)
    assert walked == whole and len(whole) == shelf


def test_a_cursor_page_links_first_and_next_only(client, shelf):
    second = follow(client, links(client.get("/api/movies?per_page=10"))["next"])
    assert set(links(second)) == {"first", "next"}
    assert second.headers["X-Total-Count"] == "25"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda cursor: cursor[:-3],
        lambda cursor: cursor[:10],
        lambda cursor: cursor.replace(".", ".x", 1),
        lambda cursor: "not-a-cursor",
    ],
)
def test_a_forged_or_truncated_cursor_is_a_400_naming_cursor(client, shelf, tamper):
    cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(links(client.get("/api/movies?per_page=5"))["next"]).query)["cursor"][0]
    response = client.get("/api/movies", query_string={"cursor": tamper(cursor), "per_page": 5})
    assert (response.status_code, list(response.json["errors"])) == (400, ["cursor"])


@pytest.mark.parametrize("other", ["sort=name&per_page=5", "genre=Drama&per_page=5", "per_page=5&q=film"])
def test_a_cursor_of_another_order_or_filter_is_a_400(client, shelf, other):
    next_url = links(client.get("/api/movies?per_page=5"))["next"]
    cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(next_url).query)["cursor"][0]
    response = client.get(f"/api/movies?{other}&cursor={urllib.parse.quote(cursor)}")
    assert (response.status_code, list(response.json["errors"])) == (400, ["cursor"])


def test_a_cursor_of_a_movie_list_does_not_page_the_users(client, shelf, make_user, auth_headers):
    cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(links(client.get("/api/movies?per_page=5"))["next"]).query)["cursor"][0]
    admin = auth_headers(make_user(is_admin=True))
    response = client.get("/api/users", query_string={"cursor": cursor, "per_page": 5}, headers=admin)
    assert response.status_code == 400


def test_page_and_cursor_together_are_a_400(client, shelf):
    cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(links(client.get("/api/movies?per_page=5"))["next"]).query)["cursor"][0]
    response = client.get("/api/movies", query_string={"cursor": cursor, "page": 2, "per_page": 5})
    assert response.status_code == 400


@pytest.mark.parametrize(("page", "per_page", "status"), [(50, 20, 200), (51, 20, 400), (10, 100, 200), (11, 100, 400), (1000, 1, 200)])
def test_numbered_pages_reach_the_first_thousand_movies_then_name_the_cursor(client, page, per_page, status):
    response = client.get(f"/api/movies?page={page}&per_page={per_page}")
    assert response.status_code == status
    if status == 400:
        assert "cursor" in response.json["errors"]["page"][0]


def test_counting_stops_at_its_limit_and_says_so(client, shelf, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 10)
    response = client.get("/api/movies?per_page=5")
    assert "X-Total-Count" not in response.headers
    assert response.headers["X-Total-Count-Exceeds"] == "10"
    assert set(links(response)) == {"first", "next"}
    assert client.get("/api/movies?year=1951").headers["X-Total-Count"] == "3"


def test_reviews_watchlist_and_users_page_by_cursor_too(client, make_movie, make_user, auth_headers):
    admin = make_user(is_admin=True)
    headers = auth_headers(admin)
    movies = [make_movie() for _ in range(5)]
    for movie in movies:
        assert client.put(f"/api/me/watchlist/{movie.id}", headers=headers).status_code == 204
    for _ in range(4):
        reviewer = make_user()
        client.post(f"/api/movies/{movies[0].id}/reviews", json={"body": "Fine."}, headers=auth_headers(reviewer))
    for url, total in ((f"/api/movies/{movies[0].id}/reviews", 4), ("/api/me/watchlist", 5), ("/api/users", 10)):
        page = client.get(f"{url}?per_page=2", headers=headers)
        seen = [row["id"] for row in page.json]
        while "next" in links(page):
            page = follow(client, links(page)["next"], headers)
            seen += [row["id"] for row in page.json]
        assert len(seen) == len(set(seen)) == total, url
