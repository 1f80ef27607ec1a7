"""The catalogue people use: years, directors, posters, names, ratings, reviews, watchlists, and their cascades."""

import io
import itertools
import re
import struct
import threading
import time
import zlib
from datetime import UTC, datetime

import mongomock
import pytest
import requests
from bson import ObjectId
from mongoengine.connection import get_db
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from database import posters
from database.accounts import User
from database.movies import Movie
from database.ratings import Rating
from database.reviews import Review
from database.watchlists import WatchlistEntry
from resources import images
from tests.live_server import live_server

THIS_YEAR = datetime.now(UTC).year
BODY = {"name": "Heat", "casts": ["Al Pacino"], "genres": ["Crime"]}
JSON = {"Content-Type": "application/json"}
FULL = {**BODY, "year": 1995, "runtime_minutes": 170, "directors": ["Michael Mann"], "overview": "A thief and a cop."}


@pytest.fixture
def owner(make_user):
    """The user who adds the movies under test."""
    return make_user(email="owner@example.com")


@pytest.fixture
def headers(owner, auth_headers):
    """The owner's Bearer headers."""
    return auth_headers(owner)


@pytest.fixture
def movie(client, headers):
    """A movie the owner added through the API, with every field."""
    response = client.post("/api/movies", json=FULL, headers=headers)
    assert response.status_code == 201
    return response.json


def add(client, headers, **fields):
    """Add a movie through the API; its answer."""
    response = client.post("/api/movies", json={**BODY, "name": f"Movie {next(NAMES)}", **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


NAMES = itertools.count(1)


# --- movies: the new fields ------------------------------------------------------------------------


def test_a_movie_answers_every_new_field_with_its_default(client, headers):
    created = client.post("/api/movies", json=BODY, headers=headers).json
    assert {k: created[k] for k in ("year", "runtime_minutes", "directors", "overview", "poster_url", "rating")} == {
        "year": None,
        "runtime_minutes": None,
        "directors": [],
        "overview": "",
        "poster_url": None,
        "rating": {"average": None, "count": 0},
    }


def test_a_movie_keeps_the_fields_it_was_given(client, movie):
    read = client.get(f"/api/movies/{movie['id']}").json
    assert (read["year"], read["runtime_minutes"], read["directors"], read["overview"]) == (
        1995,
        170,
        ["Michael Mann"],
        "A thief and a cop.",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year": 1877}, "year"),
        ({"year": THIS_YEAR + 11}, "year"),
        ({"year": "1995"}, "year"),
        ({"year": 1995.5}, "year"),
        ({"runtime_minutes": 0}, "runtime_minutes"),
        ({"runtime_minutes": 1001}, "runtime_minutes"),
        ({"directors": [""]}, "directors"),
        ({"directors": ["  "]}, "directors"),
        ({"directors": "Michael Mann"}, "directors"),
        ({"directors": ["x"] * 21}, "directors"),
        ({"overview": "x" * 2001}, "overview"),
        ({"overview": None}, "overview"),
        ({"poster_url": "http://evil.example/p.png"}, "poster_url"),
        ({"rating": {"average": 10, "count": 1000}}, "rating"),
    ],
)
def test_bad_new_fields_are_a_400_naming_them(client, headers, changes, field):
    response = client.post("/api/movies", json={**BODY, **changes}, headers=headers)
    assert response.status_code == 400
    assert field in response.json["errors"]
    assert Movie.objects.count() == 0


@pytest.mark.parametrize(
    "changes", [{"year": 1878}, {"year": THIS_YEAR + 10}, {"year": None}, {"runtime_minutes": 1000}, {"overview": "x" * 2000}]
)
def test_new_fields_at_their_bounds_are_accepted(client, headers, changes):
    assert client.post("/api/movies", json={**BODY, **changes}, headers=headers).status_code == 201


def test_put_resets_the_fields_it_is_not_sent(client, headers, movie):
    replaced = client.put(f"/api/movies/{movie['id']}", json=BODY, headers=headers).json
    assert (replaced["year"], replaced["directors"], replaced["overview"]) == (None, [], "")


def test_patch_keeps_the_fields_it_is_not_sent(client, headers, movie):
    patched = client.patch(f"/api/movies/{movie['id']}", json={"runtime_minutes": 171}, headers=headers).json
    assert (patched["year"], patched["runtime_minutes"], patched["directors"]) == (1995, 171, ["Michael Mann"])


# --- filters and sorts -------------------------------------------------------------------------------


@pytest.fixture
def shelf(client, headers, make_user, auth_headers):
    """Five movies: years 1972, 1995, 1995, 2010 and unknown; rated 9, 7, unrated, 3 and 5 by two people."""
    movies = [
        add(client, headers, year=1972, directors=["Francis Ford Coppola"]),
        add(client, headers, year=1995, directors=["Michael Mann"]),
        add(client, headers, year=1995, directors=["Martin Scorsese"]),
        add(client, headers, year=2010, directors=["Christopher Nolan"]),
        add(client, headers),
    ]
    second = auth_headers(make_user())
    for movie, scores in zip(movies, [(9, 9), (6, 8), (), (3, 3), (5,)], strict=False):
        for who, score in zip((headers, second), scores, strict=False):
            assert client.put(f"/api/movies/{movie['id']}/rating", json={"score": score}, headers=who).status_code == 200
    return movies


def names(response):
    """The names of a list answer, in order."""
    assert response.status_code == 200, response.json
    return [movie["name"] for movie in response.json]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=1995", [1, 2]),
        ("year_from=1990", [1, 2, 3]),
        ("year_to=1995", [0, 1, 2]),
        ("year_from=1990&year_to=2000", [1, 2]),
        ("director=Michael%20Mann", [1]),
        ("director=michael%20mann", [1]),
        ("director=MICHAEL%20MANN&director=Michael%20Mann", [1]),
        ("min_rating=5", [0, 1, 4]),
        ("min_rating=7", [0, 1]),
    ],
)
def test_list_filters_by_year_director_and_rating(client, shelf, query, expected):
    got = names(client.get(f"/api/movies?{query}&sort=created_at"))
    assert got == [shelf[i]["name"] for i in expected]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("year", [4, 0, 1, 2, 3]), ("-year", [3, 2, 1, 0, 4]), ("-rating", [0, 1, 4, 3, 2]), ("rating", [3, 4, 1, 0, 2])],
)
def test_list_sorts_by_year_and_by_rating_with_unrated_last(client, shelf, sort, expected):
    assert names(client.get(f"/api/movies?sort={sort}")) == [shelf[i]["name"] for i in expected]


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=1800",
        "year_from=3000",
        "year_to=-5",
        "year_from=2000&year_to=1990",
        "min_rating=0",
        "min_rating=11",
        "min_rating=x",
        "director=",
        "sort=rating_average",
        "sort=+rating",
    ],
)
def test_bad_filter_values_are_a_400(client, query):
    response = client.get(f"/api/movies?{query}")
    assert response.status_code == 400 and response.json["errors"]


def test_the_shown_average_is_rounded_to_one_decimal(client, shelf):
    read = client.get(f"/api/movies/{shelf[1]['id']}").json
    assert read["rating"] == {"average": 7.0, "count": 2}


# --- posters -------------------------------------------------------------------------------------------


def image_bytes(kind="JPEG", size=(600, 900), mode="RGB", gps=False):
    """An image file of this kind, optionally with an EXIF GPS position and a camera model."""
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 0)
    out = io.BytesIO()
    options = {}
    if gps:
        exif = Image.Exif()
        exif[0x0110] = "SECRET-CAMERA"  # Model
        exif.get_ifd(0x8825)[2] = (48.0, 51.0, 24.0)  # GPSLatitude
        options["exif"] = exif.tobytes()
    image.save(out, kind, **options)
    return out.getvalue()


MEDIA = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def put_poster(client, movie, headers, data, content_type):
    """PUT a poster."""
    return client.put(f"/api/movies/{movie['id']}/poster", data=data, headers={**headers, "Content-Type": content_type})


@pytest.mark.parametrize("kind", list(MEDIA))
def test_a_poster_in_each_type_is_stored_and_served(client, headers, movie, kind):
    response = put_poster(client, movie, headers, image_bytes(kind), MEDIA[kind])
    assert response.status_code == 200
    assert re.fullmatch(f"http://testserver/api/movies/{movie['id']}/poster\\?v=[0-9a-f]{{32}}", response.json["poster_url"])
    served = client.get(f"/api/movies/{movie['id']}/poster")
    assert served.status_code == 200 and served.mimetype == MEDIA[kind]
    assert Image.open(io.BytesIO(served.data)).size == (600, 900)
    assert served.headers["Cache-Control"] == "public, no-cache" and served.headers["ETag"]


def test_the_poster_url_carries_its_version_so_a_new_poster_is_a_new_url(client, headers, movie):
    first = put_poster(client, movie, headers, image_bytes("JPEG"), "image/jpeg").json["poster_url"]
    versioned = client.get(first.removeprefix("http://testserver"))
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    second = put_poster(client, movie, headers, image_bytes("PNG"), "image/png").json["poster_url"]
    assert second != first
    stale = client.get(first.removeprefix("http://testserver"))
    assert (stale.mimetype, stale.headers["Cache-Control"]) == ("image/png", "public, no-cache")


def test_a_thumbnail_is_at_most_300_px_wide_and_made_once(client, headers, movie):
    put_poster(client, movie, headers, image_bytes(size=(1200, 1800)), "image/jpeg")
    files_before = get_db()["posters.files"].count_documents({})
    thumb = client.get(f"/api/movies/{movie['id']}/poster?size=thumb")
    assert Image.open(io.BytesIO(thumb.data)).size == (300, 450)
    client.get(f"/api/movies/{movie['id']}/poster?size=thumb")
    assert get_db()["posters.files"].count_documents({}) == files_before == 2


def test_a_small_poster_is_its_own_thumbnail(client, headers, movie):
    assert put_poster(client, movie, headers, image_bytes("PNG", size=(200, 300)), "image/png").status_code == 200
    assert Image.open(io.BytesIO(client.get(f"/api/movies/{movie['id']}/poster?size=thumb").data)).size == (200, 300)


def test_a_matching_if_none_match_is_a_304_for_each_size(client, headers, movie):
    put_poster(client, movie, headers, image_bytes(), "image/jpeg")
    for size in ("", "?size=thumb"):
        etag = client.get(f"/api/movies/{movie['id']}/poster{size}").headers["ETag"]
        again = client.get(f"/api/movies/{movie['id']}/poster{size}", headers={"If-None-Match": etag})
        assert (again.status_code, again.data) == (304, b"")


def test_the_stored_poster_keeps_no_metadata(client, headers, movie):
    original = image_bytes(gps=True)
    assert b"SECRET-CAMERA" in original and Image.open(io.BytesIO(original)).getexif()
    put_poster(client, movie, headers, original, "image/jpeg")
    for size in ("", "?size=thumb"):
        stored = client.get(f"/api/movies/{movie['id']}/poster{size}").data
        assert b"SECRET-CAMERA" not in stored and not Image.open(io.BytesIO(stored)).getexif()


def test_a_wide_16_bit_greyscale_png_is_a_poster_not_a_500(client, headers, movie):
    deep = Image.new("I;16", (1300, 1950), 40_000)
    out = io.BytesIO()
    deep.save(out, "PNG")
    response = put_poster(client, movie, headers, out.getvalue(), "image/png")
    assert response.status_code == 200, response.json
    thumb = Image.open(io.BytesIO(client.get(f"/api/movies/{movie['id']}/poster?size=thumb").data))
    assert thumb.size == (300, 450) and thumb.getpixel((10, 10)) == 40_000 // 256  # as bright as it was


def test_a_png_poster_keeps_no_colour_profile_of_its_uploader(client, headers, movie):
    out = io.BytesIO()
    Image.new("RGB", (600, 900), (10, 20, 30)).save(out, "PNG", icc_profile=b"UPLOADER-ICC-PROFILE" * 10)
    assert b"iCCP" in out.getvalue()
    put_poster(client, movie, headers, out.getvalue(), "image/png")
    for size in ("", "?size=thumb"):
        assert b"iCCP" not in client.get(f"/api/movies/{movie['id']}/poster{size}").data


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (image_bytes("PNG"), "image/gif", 415),
        (image_bytes("PNG"), "application/json", 415),
        (b"GIF89a" + b"\0" * 100, "image/gif", 415),
        (image_bytes("PNG"), "image/jpeg", 400),
        (b"\xff\xd8\xff" + b"not really a jpeg" * 10, "image/jpeg", 400),
        (image_bytes("JPEG")[:500], "image/jpeg", 400),
        (b"", "image/png", 400),
        (b"x" * (5 * 1024 * 1024 + 1), "image/jpeg", 413),
    ],
    ids=["gif", "json", "gif-bytes", "png-as-jpeg", "garbage", "truncated", "empty", "over-5-MiB"],
)
def test_a_bad_poster_is_refused_and_nothing_is_stored(client, headers, movie, data, content_type, status):
    response = put_poster(client, movie, headers, data, content_type)
    assert (response.status_code, response.json["status"]) == (status, status)
    assert client.get(f"/api/movies/{movie['id']}").json["poster_url"] is None
    assert get_db()["posters.files"].count_documents({}) == 0


def test_a_poster_over_five_mib_is_refused_with_its_limit(client, headers, movie):
    response = put_poster(client, movie, headers, b"x" * (6 * 1024 * 1024), "image/png")
    assert (response.status_code, response.json["message"]) == (413, "The request body is too large (the limit is 5 MiB).")


def test_a_decompression_bomb_is_refused(client, headers, movie):
    bomb = image_bytes("PNG", size=(8000, 5001), mode="L")  # 40,008,000 pixels, a few KiB of PNG
    assert len(bomb) < 1024 * 1024
    response = put_poster(client, movie, headers, bomb, "image/png")
    assert response.status_code == 400 and "megapixels" in response.json["message"]


def png_of_size(width, height):
    """A valid black-and-white PNG of these dimensions, written chunk by chunk: a few KiB for millions of pixels."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\0" + b"\0" * ((width + 7) // 8)) * height  # filter byte, then 1 bit a pixel
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def test_a_small_png_of_too_many_pixels_is_refused_from_its_header_without_decoding_it(client, headers, movie):
    bomb = png_of_size(6300, 6300)  # 39.7 megapixels, as the probe sent
    assert len(bomb) < 200 * 1024 and Image.open(io.BytesIO(bomb)).size == (6300, 6300)
    started = time.monotonic()
    response = put_poster(client, movie, headers, bomb, "image/png")
    assert (response.status_code, response.json["message"]) == (400, "The image has more than 24 megapixels.")
    assert time.monotonic() - started < 1  # told by the header: decoding and encoding it takes seconds
    assert client.get(f"/api/movies/{movie['id']}").json["poster_url"] is None


@pytest.mark.parametrize(("kind", "size", "stored"), [("JPEG", (2400, 3600), (2000, 3000)), ("PNG", (4000, 2000), (2000, 1000))])
def test_a_poster_larger_than_2000_by_3000_is_stored_scaled_to_fit(client, headers, movie, kind, size, stored):
    assert put_poster(client, movie, headers, image_bytes(kind, size=size), MEDIA[kind]).status_code == 200
    assert Image.open(io.BytesIO(client.get(f"/api/movies/{movie['id']}/poster").data)).size == stored
    thumb = Image.open(io.BytesIO(client.get(f"/api/movies/{movie['id']}/poster?size=thumb").data))
    assert thumb.size == (300, stored[1] * 300 // stored[0])


@pytest.mark.parametrize(
    ("data", "content_type"), [(b"not an image", "image/png"), (png_of_size(6300, 6300), "image/png"), (b"{}", "text/plain")]
)
def test_a_strangers_upload_is_refused_before_its_body_is_looked_at(client, movie, make_user, auth_headers, data, content_type):
    response = put_poster(client, movie, auth_headers(make_user()), data, content_type)
    assert (response.status_code, response.json["message"]) == (403, "Only the person who added this movie, or an admin, may change it.")


def test_an_upload_while_every_image_turn_stays_taken_is_a_503_with_retry_after(app, client, headers, movie, tmp_path):
    app.config.update(IMAGE_WORK_CONCURRENCY=1, IMAGE_WORK_WAIT_SECONDS=0.05, IMAGE_WORK_LOCK_DIR=str(tmp_path))
    held, release = threading.Event(), threading.Event()

    def hold_turn():
        with app.app_context(), images.image_turn():
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_turn)
    holder.start()
    try:
        assert held.wait(10)
        busy = put_poster(client, movie, headers, image_bytes(), "image/jpeg")
    finally:
        release.set()
        holder.join(10)
    assert (busy.status_code, busy.headers["Retry-After"]) == (503, "1")
    assert busy.json == {"code": "busy", "message": "The server is busy with other images; try again in a moment.", "status": 503}
    assert client.get(f"/api/movies/{movie['id']}").json["poster_url"] is None
    assert put_poster(client, movie, headers, image_bytes(), "image/jpeg").status_code == 200  # the turn is free again


def test_a_new_poster_replaces_the_old_one_and_its_files(client, headers, movie):
    put_poster(client, movie, headers, image_bytes("JPEG"), "image/jpeg")
    put_poster(client, movie, headers, image_bytes("PNG"), "image/png")
    assert client.get(f"/api/movies/{movie['id']}/poster").mimetype == "image/png"
    assert (
        get_db()["posters.files"].count_documents({}) == 2
        and get_db()["posters.chunks"].count_documents({"files_id": {"$nin": list(get_db()["posters.files"].distinct("_id"))}}) == 0
    )


def test_a_poster_stored_while_another_links_is_not_deleted_by_it(client, movie):
    """Two uploads: the second is stored before the first links; the first must not delete the second's files."""
    movie_id = ObjectId(movie["id"])
    first = posters.store(movie_id, image_bytes("PNG"), image_bytes("PNG", size=(200, 300)), "image/png")
    second = posters.store(movie_id, image_bytes("JPEG"), image_bytes("JPEG", size=(200, 300)), "image/jpeg")
    Movie.set_poster(movie_id, first)
    Movie.set_poster(movie_id, second)
    poster_url = client.get(f"/api/movies/{movie['id']}").json["poster_url"].removeprefix("http://testserver")
    assert client.get(poster_url).status_code == 200
    assert client.get(f"/api/movies/{movie['id']}/poster?size=thumb").status_code == 200
    # What the second replaced, the first's files, is gone.
    assert posters.read(first["original"]) is None and posters.read(first["thumb"]) is None


@pytest.mark.live
def test_parallel_poster_uploads_to_one_movie_leave_it_pointing_at_files_that_exist():
    """Rounds of 16 uploads at once to one movie (the probe saw a dead poster_url in 2-6 of 15-25 rounds)."""
    # Every upload waits for its image turn (none is a 503): they race to store and link, as the probe's did.
    env = {"RATELIMIT_ENABLED": "0", "IMAGE_WORK_CONCURRENCY": "2", "IMAGE_WORK_MAX_WAITING": "16", "IMAGE_WORK_WAIT_SECONDS": "60"}
    with live_server(env=env) as base:
        body = {"email": "uploader@example.com", "password": "an-uploader-password"}
        requests.post(f"{base}/api/auth/signup", json=body, timeout=30)
        token = requests.post(f"{base}/api/auth/login", json=body, timeout=30).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "image/png"}
        movie = requests.post(f"{base}/api/movies", json={**BODY, "name": "Posters"}, headers=headers | JSON, timeout=30).json()
        bodies = [image_bytes("PNG", size=(200 + n, 300)) for n in range(16)]
        broken = []
        for round_number in range(8):
            start, answers = threading.Barrier(16), []

            def upload(n, start=start, answers=answers):
                start.wait()
                answers.append(
                    requests.put(f"{base}/api/movies/{movie['id']}/poster", data=bodies[n], headers=headers, timeout=60).status_code
                )

            threads = [threading.Thread(target=upload, args=(n,)) for n in range(16)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            assert answers == [200] * 16
            poster_url = requests.get(f"{base}/api/movies/{movie['id']}", timeout=30).json()["poster_url"]
            thumb_url = f"{base}/api/movies/{movie['id']}/poster?size=thumb"
            statuses = (requests.get(poster_url, timeout=30).status_code, requests.get(thumb_url, timeout=30).status_code)
            if statuses != (200, 200):
                broken.append((round_number, statuses))
    assert broken == []


def test_only_the_owner_or_an_admin_changes_a_poster(client, movie, make_user, auth_headers):
    stranger = auth_headers(make_user())
    assert put_poster(client, movie, stranger, image_bytes(), "image/jpeg").status_code == 403
    assert client.delete(f"/api/movies/{movie['id']}/poster", headers=stranger).status_code == 403
    assert get_db()["posters.files"].count_documents({}) == 0
    admin = auth_headers(make_user(is_admin=True))
    assert put_poster(client, movie, admin, image_bytes(), "image/jpeg").status_code == 200
    assert client.delete(f"/api/movies/{movie['id']}/poster", headers=admin).status_code == 204


def test_deleting_a_poster_removes_it_and_its_files(client, headers, movie):
    put_poster(client, movie, headers, image_bytes(), "image/jpeg")
    assert client.delete(f"/api/movies/{movie['id']}/poster", headers=headers).status_code == 204
    assert client.get(f"/api/movies/{movie['id']}/poster").status_code == 404
    assert client.get(f"/api/movies/{movie['id']}").json["poster_url"] is None
    assert get_db()["posters.files"].count_documents({}) == get_db()["posters.chunks"].count_documents({}) == 0


@pytest.mark.parametrize("path", ["000000000000000000000000/poster", "junk/poster"])
def test_the_poster_of_an_unknown_movie_is_a_404(client, headers, path):
    assert client.get(f"/api/movies/{path}").status_code == 404
    assert client.put(f"/api/movies/{path}", data=image_bytes(), headers={**headers, "Content-Type": "image/jpeg"}).status_code == 404
    assert client.delete(f"/api/movies/{path}", headers=headers).status_code == 404


def test_a_movie_without_a_poster_has_none_to_serve(client, movie):
    response = client.get(f"/api/movies/{movie['id']}/poster")
    assert (response.status_code, response.json["message"]) == (404, "This movie has no poster.")


# --- people's names --------------------------------------------------------------------------------------


def test_a_display_name_defaults_to_user_and_six_characters_of_the_id(client, owner, headers):
    me = client.get("/api/auth/me", headers=headers).json
    assert me["display_name"] == f"user-{str(owner.id)[-6:]}"


def test_accounts_made_at_once_get_different_default_names(client):
    for n in range(3):
        client.post("/api/auth/signup", json={"email": f"twin{n}@example.com", "password": "a-long-password"})
    names = {User.public_name(User.find_by_email(f"twin{n}@example.com")) for n in range(3)}
    assert len(names) == 3


def test_a_display_name_given_at_signup_is_trimmed_and_kept(client):
    client.post("/api/auth/signup", json={"email": "named@example.com", "password": "a-long-password", "display_name": "  Cinephile  "})
    assert User.find_by_email("named@example.com")["display_name"] == "Cinephile"


@pytest.mark.parametrize("name", ["", "   ", "x" * 51, 42])
def test_a_bad_display_name_is_a_400(client, headers, name):
    response = client.patch("/api/auth/me", json={"display_name": name}, headers=headers)
    assert response.status_code == 400 and "display_name" in response.json["errors"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("\u202eadmin", "Must not contain invisible formatting characters (bidi overrides, zero-width spaces)."),
        ("Ann\u200bie", "Must not contain invisible formatting characters (bidi overrides, zero-width spaces)."),
        ("\u3164\u3164", "Must contain a visible character."),
        ("\u2800", "Must contain a visible character."),
        ("Bell\x07", "Must not contain control characters."),
        ("a\nb", "Must not contain control characters."),
        ("admin", "This name is reserved; choose another."),
        ("ADMIN", "This name is reserved; choose another."),
        ("\u0410dmin", "This name is reserved; choose another."),
        ("Moderator", "This name is reserved; choose another."),
        ("user-1a2b3c", "This name is reserved; choose another."),
    ],
    ids=[
        "bidi-override",
        "zero-width",
        "hangul-fillers",
        "braille-blank",
        "bell",
        "newline",
        "admin",
        "ADMIN",
        "cyrillic-admin",
        "moderator",
        "a-default-name",
    ],
)
def test_a_name_that_hides_or_poses_is_a_400_that_says_why(client, headers, name, message):
    response = client.patch("/api/auth/me", json={"display_name": name}, headers=headers)
    assert (response.status_code, response.json["errors"]) == (400, {"display_name": [message]})
    signup = client.post("/api/auth/signup", json={"email": "poser@example.com", "password": "a-long-password", "display_name": name})
    assert (signup.status_code, signup.json["errors"]) == (400, {"display_name": [message]})


@pytest.mark.parametrize("name", ["Zoë", "李小龙", "Ana María", "Admin Fan", "Наталья"])
def test_names_in_any_script_are_welcome(client, headers, name):
    assert client.patch("/api/auth/me", json={"display_name": name}, headers=headers).json["display_name"] == name


def test_one_renames_oneself_and_back_to_the_default(client, owner, headers):
    assert client.patch("/api/auth/me", json={"display_name": "Film Buff"}, headers=headers).json["display_name"] == "Film Buff"
    assert client.patch("/api/auth/me", json={"display_name": None}, headers=headers).json["display_name"] == f"user-{str(owner.id)[-6:]}"


def test_a_review_shows_its_authors_name_never_the_email(client, headers, movie):
    client.patch("/api/auth/me", json={"display_name": "Film Buff"}, headers=headers)
    client.post(f"/api/movies/{movie['id']}/reviews", json={"body": "Great."}, headers=headers)
    listed = client.get(f"/api/movies/{movie['id']}/reviews")
    assert listed.json[0]["author"]["display_name"] == "Film Buff"
    assert "owner@example.com" not in listed.get_data(as_text=True)
    assert "owner@example.com" not in client.get("/api/movies").get_data(as_text=True)


# --- ratings ------------------------------------------------------------------------------------------------


def test_rating_a_movie_and_replacing_the_score(client, headers, movie):
    url = f"/api/movies/{movie['id']}/rating"
    assert client.get(url, headers=headers).status_code == 404
    assert client.put(url, json={"score": 7}, headers=headers).json == {"score": 7}
    assert client.put(url, json={"score": 9}, headers=headers).json == {"score": 9}
    assert client.get(url, headers=headers).json == {"score": 9}
    assert client.get(f"/api/movies/{movie['id']}").json["rating"] == {"average": 9.0, "count": 1}
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    assert client.get(f"/api/movies/{movie['id']}").json["rating"] == {"average": None, "count": 0}
    assert client.delete(url, headers=headers).status_code == 204


@pytest.mark.parametrize("score", [0, 11, 5.5, "7", None, True])
def test_a_bad_score_is_a_400(client, headers, movie, score):
    response = client.put(f"/api/movies/{movie['id']}/rating", json={"score": score}, headers=headers)
    assert response.status_code == 400 and "score" in response.json["errors"]


def test_rating_an_unknown_movie_is_a_404(client, headers):
    for movie_id in ("000000000000000000000000", "junk"):
        assert client.put(f"/api/movies/{movie_id}/rating", json={"score": 5}, headers=headers).status_code == 404
    assert Rating.objects.count() == 0


def test_ratings_need_a_token(client, movie):
    assert client.put(f"/api/movies/{movie['id']}/rating", json={"score": 5}).status_code == 401


def test_the_average_follows_several_people(client, movie, make_user, auth_headers):
    for score in (10, 7, 8):
        client.put(f"/api/movies/{movie['id']}/rating", json={"score": score}, headers=auth_headers(make_user()))
    assert client.get(f"/api/movies/{movie['id']}").json["rating"] == {"average": 8.3, "count": 3}


# --- reviews ------------------------------------------------------------------------------------------------


def review(client, movie, headers, body="Tense and long."):
    """Write a review through the API; its answer."""
    return client.post(f"/api/movies/{movie['id']}/reviews", json={"body": body}, headers=headers)


def test_a_review_is_created_with_location_and_etag(client, headers, movie, owner):
    created = review(client, movie, headers)
    assert created.status_code == 201
    assert created.headers["Location"] == f"/api/reviews/{created.json['id']}"
    assert created.headers["ETag"] == f'"{created.json["id"]}-1"'
    assert created.json["author"] == {"id": str(owner.id), "display_name": f"user-{str(owner.id)[-6:]}"}
    assert created.json["movie_id"] == movie["id"] and created.json["body"] == "Tense and long."
    assert client.get(created.headers["Location"]).json == created.json


def test_a_second_review_of_a_movie_by_the_same_person_is_a_409(client, headers, movie):
    review(client, movie, headers)
    second = review(client, movie, headers, "Changed my mind.")
    assert second.status_code == 409 and second.json["errors"] == {"review": ["Already taken."]}
    assert Review.objects.count() == 1


@pytest.mark.parametrize("body", [{"body": ""}, {"body": "   "}, {"body": "x" * 5001}, {}, {"body": 5}, {"body": "ok", "author": "x"}])
def test_a_bad_review_is_a_400(client, headers, movie, body):
    response = client.post(f"/api/movies/{movie['id']}/reviews", json=body, headers=headers)
    assert response.status_code == 400


def test_reviews_are_listed_newest_first_and_paginated(client, movie, make_user, auth_headers):
    for n in range(5):
        review(client, movie, auth_headers(make_user()), f"Review {n}")
    first = client.get(f"/api/movies/{movie['id']}/reviews?per_page=2")
    assert [r["body"] for r in first.json] == ["Review 4", "Review 3"]
    assert first.headers["X-Total-Count"] == "5" and 'rel="next"' in first.headers["Link"]
    last = client.get(f"/api/movies/{movie['id']}/reviews?per_page=2&page=3")
    assert [r["body"] for r in last.json] == ["Review 0"]


def test_the_reviews_of_an_unknown_movie_are_a_404(client, headers):
    assert client.get("/api/movies/000000000000000000000000/reviews").status_code == 404
    assert client.post("/api/movies/000000000000000000000000/reviews", json={"body": "x"}, headers=headers).status_code == 404


def test_only_the_author_or_an_admin_changes_a_review(client, headers, movie, make_user, auth_headers):
    created = review(client, movie, headers).json
    url = f"/api/reviews/{created['id']}"
    stranger = auth_headers(make_user())
    assert client.patch(url, json={"body": "Mine now"}, headers=stranger).status_code == 403
    assert client.delete(url, headers=stranger).status_code == 403
    assert client.patch(url, json={"body": "Even better."}, headers=headers).json["body"] == "Even better."
    admin = auth_headers(make_user(is_admin=True))
    assert client.patch(url, json={"body": "Moderated."}, headers=admin).status_code == 200
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url).status_code == 404


def test_the_reviews_of_one_author_are_found_directly(client, headers, movie, owner, make_user, auth_headers):
    for _ in range(3):
        review(client, movie, auth_headers(make_user()))
    mine = review(client, movie, headers, "Mine.").json
    found = client.get(f"/api/movies/{movie['id']}/reviews?author={owner.id}")
    assert [r["id"] for r in found.json] == [mine["id"]] and found.headers["X-Total-Count"] == "1"
    assert client.get(f"/api/movies/{movie['id']}/reviews?author=junk").status_code == 400


def test_a_review_write_with_a_stale_etag_is_a_412(client, headers, movie):
    created = review(client, movie, headers)
    url, stale = f"/api/reviews/{created.json['id']}", created.headers["ETag"]
    assert client.patch(url, json={"body": "Second thoughts."}, headers={**headers, "If-Match": stale}).status_code == 200
    assert client.patch(url, json={"body": "Third."}, headers={**headers, "If-Match": stale}).status_code == 412
    assert client.delete(url, headers={**headers, "If-Match": stale}).status_code == 412
    assert client.get(url).json["body"] == "Second thoughts."


@pytest.mark.parametrize("review_id", ["000000000000000000000000", "junk"])
def test_an_unknown_review_is_a_404(client, headers, review_id):
    assert client.get(f"/api/reviews/{review_id}").status_code == 404
    assert client.patch(f"/api/reviews/{review_id}", json={"body": "x"}, headers=headers).status_code == 404
    assert client.delete(f"/api/reviews/{review_id}", headers=headers).status_code == 404


# --- watchlist ----------------------------------------------------------------------------------------------


def test_a_watchlist_lists_its_movies_most_recent_first(client, headers):
    movies = [add(client, headers) for _ in range(3)]
    for movie in (movies[1], movies[0], movies[2]):
        assert client.put(f"/api/me/watchlist/{movie['id']}", headers=headers).status_code == 204
    listed = client.get("/api/me/watchlist", headers=headers)
    assert [m["id"] for m in listed.json] == [movies[2]["id"], movies[0]["id"], movies[1]["id"]]
    assert listed.headers["X-Total-Count"] == "3"
    assert [m["id"] for m in client.get("/api/me/watchlist?per_page=1&page=2", headers=headers).json] == [movies[0]["id"]]


def test_whether_a_movie_is_on_the_watchlist_is_one_request(client, headers, movie):
    url = f"/api/me/watchlist/{movie['id']}"
    assert client.get(url, headers=headers).status_code == 404
    client.put(url, headers=headers)
    assert client.get(url, headers=headers).status_code == 204
    assert client.get("/api/me/watchlist/junk", headers=headers).status_code == 404


def test_adding_again_is_no_change_and_removing_is_idempotent(client, headers, movie):
    url = f"/api/me/watchlist/{movie['id']}"
    assert [client.put(url, headers=headers).status_code for _ in range(2)] == [204, 204]
    assert client.get("/api/me/watchlist", headers=headers).headers["X-Total-Count"] == "1"
    assert [client.delete(url, headers=headers).status_code for _ in range(2)] == [204, 204]
    assert client.get("/api/me/watchlist", headers=headers).json == []


def test_a_watchlist_is_private_and_unknown_movies_are_a_404(client, headers, movie, make_user, auth_headers):
    client.put(f"/api/me/watchlist/{movie['id']}", headers=headers)
    assert client.get("/api/me/watchlist", headers=auth_headers(make_user())).json == []
    assert client.get("/api/me/watchlist").status_code == 401
    assert client.put("/api/me/watchlist/000000000000000000000000", headers=headers).status_code == 404


# --- cascades and integrity --------------------------------------------------------------------------------


def leftovers():
    """What no movie or user stands behind any more: ratings, reviews, watchlist entries, poster files and chunks."""
    movies, users = set(Movie.objects.scalar("id")), set(User.objects.scalar("id"))
    db = get_db()
    files = list(db["posters.files"].find({}, {"metadata.movie_id": 1}))
    file_ids = {f["_id"] for f in files}
    return {
        "ratings": [r for r in db["ratings"].find() if r["movie"] not in movies or r["user"] not in users],
        "reviews": [r for r in db["reviews"].find() if r["movie"] not in movies or r["author"] not in users],
        "watchlist": [w for w in db["watchlist"].find() if w["movie"] not in movies or w["user"] not in users],
        "files": [f for f in files if f["metadata"]["movie_id"] not in movies],
        "chunks": [c["_id"] for c in db["posters.chunks"].find({}, {"files_id": 1}) if c["files_id"] not in file_ids],
    }


NOTHING_LEFT = {"ratings": [], "reviews": [], "watchlist": [], "files": [], "chunks": []}


@pytest.fixture
def busy_movie(client, headers, movie, make_user, auth_headers):
    """The movie with a poster, and a rating, a review and a watchlist entry by its owner and by a fan."""
    fan = make_user()
    put_poster(client, movie, headers, image_bytes(), "image/jpeg")
    for who in (headers, auth_headers(fan)):
        client.put(f"/api/movies/{movie['id']}/rating", json={"score": 8}, headers=who)
        review(client, movie, who)
        client.put(f"/api/me/watchlist/{movie['id']}", headers=who)
    return movie, fan


def test_deleting_a_movie_leaves_no_rating_review_watchlist_entry_or_file(client, headers, busy_movie):
    movie, _ = busy_movie
    assert client.delete(f"/api/movies/{movie['id']}", headers=headers).status_code == 204
    assert leftovers() == NOTHING_LEFT
    assert (Rating.objects.count(), Review.objects.count(), WatchlistEntry.objects.count()) == (0, 0, 0)
    assert get_db()["posters.chunks"].count_documents({}) == 0


def test_deleting_a_user_corrects_the_ratings_they_gave_and_leaves_nothing_behind(client, headers, busy_movie, auth_headers):
    movie, fan = busy_movie
    client.put(f"/api/movies/{movie['id']}/rating", json={"score": 2}, headers=auth_headers(fan))
    assert client.get(f"/api/movies/{movie['id']}").json["rating"] == {"average": 5.0, "count": 2}
    assert client.delete(f"/api/users/{fan.id}", headers=auth_headers(fan)).status_code == 204
    assert client.get(f"/api/movies/{movie['id']}").json["rating"] == {"average": 8.0, "count": 1}
    assert leftovers() == NOTHING_LEFT
    assert client.get(f"/api/movies/{movie['id']}/reviews").headers["X-Total-Count"] == "1"


def test_deleting_the_owner_deletes_their_movies_posters_included(client, owner, headers, busy_movie):
    assert client.delete(f"/api/users/{owner.id}", headers=headers).status_code == 204
    assert Movie.objects.count() == 0
    assert leftovers() == NOTHING_LEFT
    assert get_db()["posters.files"].count_documents({}) == get_db()["posters.chunks"].count_documents({}) == 0


def test_the_unique_pairs_are_backed_by_indexes():
    for document in (Rating, Review, WatchlistEntry):
        owner_field = "author" if document is Review else "user"
        spec = next(i for i in document._meta["index_specs"] if i["fields"] == [(owner_field, 1), ("movie", 1)])
        assert spec["unique"] is True, document


# --- a page costs the same number of queries whatever its size -----------------------------------------------

QUERY_METHODS = ("find", "find_one", "count_documents", "aggregate", "distinct")


@pytest.fixture
def queries(monkeypatch):
    """Count the queries mongomock answers."""
    counted = []
    for name in QUERY_METHODS:
        original = getattr(mongomock.Collection, name)

        def counting(self, *args, _original=original, _name=name, **kwargs):
            counted.append((self.name, _name))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(mongomock.Collection, name, counting)
    return counted


def queries_for(client, queries, url, headers=None):
    """The queries one GET made."""
    queries.clear()
    assert client.get(url, headers=headers or {}).status_code == 200
    return list(queries)


@pytest.mark.parametrize("path", ["/api/movies", "/api/movies?sort=-rating", "/api/movies/{movie}/reviews", "/api/me/watchlist"])
def test_a_list_page_costs_the_same_queries_whatever_its_size(client, headers, make_user, auth_headers, queries, path):
    movies = [add(client, headers) for _ in range(12)]
    for movie in movies:
        client.put(f"/api/me/watchlist/{movie['id']}", headers=headers)
    for _ in range(12):
        review(client, movies[0], auth_headers(make_user()))
    url = path.format(movie=movies[0]["id"])
    small, large = (queries_for(client, queries, f"{url}{'&' if '?' in url else '?'}per_page={n}", headers) for n in (1, 12))
    # The session check, the page, the count, for reviews the movie and the authors, for movies the caller's
    # scores, watchlist and reviews of the page (one query each): never one a row.
    assert small == large and len(large) <= 7, large


# --- ratings stay exact under concurrency ------------------------------------------------------------------


@pytest.mark.live
def test_thirty_two_people_rating_one_movie_at_once_leave_an_exact_rating():
    with live_server(env={"RATELIMIT_ENABLED": "0"}) as base:

        def signup(n):
            body = {"email": f"rater{n}@example.com", "password": "a-rater-password"}
            requests.post(f"{base}/api/auth/signup", json=body, timeout=30)
            return requests.post(f"{base}/api/auth/login", json=body, timeout=30).json()["access_token"]

        tokens = [signup(n) for n in range(32)]
        movie = requests.post(
            f"{base}/api/movies", json={**BODY, "name": "Rated"}, headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=30
        ).json()
        ledger, start = {}, threading.Barrier(32)

        def rate(n):
            start.wait()
            headers = {"Authorization": f"Bearer {tokens[n]}"}
            for round_number in range(6):
                score = (n * 7 + round_number) % 10 + 1
                if round_number == 4 and n % 3 == 0:
                    assert requests.delete(f"{base}/api/movies/{movie['id']}/rating", headers=headers, timeout=30).status_code == 204
                    ledger.pop(n, None)
                    continue
                assert (
                    requests.put(f"{base}/api/movies/{movie['id']}/rating", json={"score": score}, headers=headers, timeout=30).status_code
                    == 200
                )
                ledger[n] = score

        threads = [threading.Thread(target=rate, args=(n,)) for n in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rating = requests.get(f"{base}/api/movies/{movie['id']}", timeout=30).json()["rating"]
        scores = [
            requests.get(f"{base}/api/movies/{movie['id']}/rating", headers={"Authorization": f"Bearer {t}"}, timeout=30) for t in tokens
        ]
        stored = [s.json()["score"] for s in scores if s.status_code == 200]
    assert sorted(stored) == sorted(ledger.values())
    assert rating == {"average": round(sum(stored) / len(stored), 1), "count": len(stored)}


def test_object_ids_in_rows_are_never_sent_as_objects(client, headers, movie):
    review(client, movie, headers)
    text = client.get(f"/api/movies/{movie['id']}/reviews").get_data(as_text=True)
    assert not re.search(r"ObjectId\(", text) and ObjectId.is_valid(client.get(f"/api/movies/{movie['id']}/reviews").json[0]["id"])


# --- posters sent as multipart/form-data ------------------------------------------------------------


def put_multipart(client, movie, headers, parts):
    """PUT a poster as a multipart/form-data body of these parts ({name: value or (bytes, filename, type)})."""
    values = MultiDict(
        (name, FileStorage(io.BytesIO(value[0]), value[1], content_type=value[2]) if isinstance(value, tuple) else value)
        for name, value in parts.items()
    )
    boundary, body = encode_multipart(values)  # whole, in memory: the test client's own spools big bodies to a file it never closes
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.put(f"/api/movies/{movie['id']}/poster", data=body, headers={**headers, "Content-Type": content_type})


@pytest.mark.parametrize("name", ["poster", "file"])
def test_a_poster_in_one_multipart_file_part_is_stored_and_served(client, headers, movie, name):
    response = put_multipart(client, movie, headers, {name: (image_bytes("PNG"), "poster.png", "image/png")})
    assert response.status_code == 200 and response.json["poster_url"]
    served = client.get(f"/api/movies/{movie['id']}/poster")
    assert served.mimetype == "image/png" and Image.open(io.BytesIO(served.data)).size == (600, 900)


@pytest.mark.parametrize(
    ("parts", "status", "code"),
    [
        (
            {"poster": (image_bytes("PNG"), "a.png", "image/png"), "other": (image_bytes("PNG"), "b.png", "image/png")},
            400,
            "validation_failed",
        ),
        ({"poster": (image_bytes("PNG"), "a.png", "image/png"), "caption": "my poster"}, 400, "validation_failed"),
        ({"caption": "no file at all"}, 400, "validation_failed"),
        ({"poster": (b"GIF89a" + b"\0" * 100, "a.gif", "image/gif")}, 415, "unsupported_media_type"),
        ({"poster": (image_bytes("PNG"), "a.jpg", "image/jpeg")}, 400, "bad_request"),
    ],
    ids=["two-files", "a-field-beside", "no-file", "gif", "png-as-jpeg"],
)
def test_a_bad_multipart_poster_is_refused_and_nothing_is_stored(client, headers, movie, parts, status, code):
    response = put_multipart(client, movie, headers, parts)
    assert (response.status_code, response.json["code"]) == (status, code)
    assert client.get(f"/api/movies/{movie['id']}").json["poster_url"] is None
    assert get_db()["posters.files"].count_documents({}) == 0


def test_a_multipart_poster_over_five_mib_is_a_413(client, headers, movie):
    response = put_multipart(client, movie, headers, {"poster": (b"x" * (5 * 1024 * 1024 + 1), "a.png", "image/png")})
    assert (response.status_code, response.json["code"]) == (413, "payload_too_large")


def test_the_document_offers_the_multipart_poster(client):
    content = client.get("/api/openapi.json").json["paths"]["/api/movies/{movie_id}/poster"]["put"]["requestBody"]["content"]
    multipart = content["multipart/form-data"]
    assert multipart["schema"]["required"] == ["poster"]
    assert multipart["encoding"]["poster"]["contentType"] == "image/webp, image/png, image/jpeg"
    assert {"image/jpeg", "image/png", "image/webp"} <= set(content)
