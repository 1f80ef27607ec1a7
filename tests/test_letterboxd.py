"""Letterboxd in and out: an export imports, exports and imports again to the same data; a bad one changes nothing."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import DEFAULT_PASSWORD
from tests.mongomock_app import make_app

SAMPLE = Path(__file__).parent / "data" / "letterboxd"
IMPORT = "/api/me/import/letterboxd"
EXPORT = "/api/me/export/letterboxd"
# The catalogue the sample export is matched against: "Amelie" is the sample's "Amélie" in another spelling;
# the sample's Paddington 2 and Perfect Days are not in it.
CATALOGUE = [("Parasite", 2019), ("Amelie", 2001), ("The Godfather", 1972), ("Cats", 2019), ("Spirited Away", 2001), ("Heat", 1995)]
# What the sample export says of the catalogue's movies.
SAMPLE_STATE = {
    "Parasite": {"score": 10, "review": 'Class, stairs and a "plan".\nEvery shot earns its place.', "watchlist": False},
    "Amelie": {"score": 9, "review": None, "watchlist": False},
    "The Godfather": {"score": 8, "review": "Even better the second time.", "watchlist": False},
    "Cats": {"score": 1, "review": None, "watchlist": False},
    "Spirited Away": {"score": None, "review": None, "watchlist": True},
    "Heat": {"score": None, "review": None, "watchlist": False},
}
HEADERS = {
    "ratings.csv": "Date,Name,Year,Letterboxd URI,Rating",
    "reviews.csv": "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date",
    "watchlist.csv": "Date,Name,Year,Letterboxd URI",
}


def sample(name):
    """One file of the committed sample export."""
    return (SAMPLE / name).read_bytes()


def zipped(files):
    """A zip of {member name: bytes}, as Letterboxd's export is."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def sample_zip(**replaced):
    """The sample export as Letterboxd zips it (with a file it has that is never read), some files replaced."""
    files = {name: sample(name) for name in HEADERS} | {"diary.csv": b"Date,Name,Year\n", "profile.csv": b"Username\nme\n"}
    return zipped(files | replaced)


def form_post(client, headers, files):
    """POST the import as a form of {part: (bytes, file name)}, encoded in memory."""
    form = {name: FileStorage(io.BytesIO(value), filename) for name, (value, filename) in files.items()}
    boundary, body = encode_multipart(form)
    return client.post(IMPORT, data=body, headers=headers, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, headers, data=None, **parts):
    """POST the import: a zip as the part `export`, or CSV files as their parts."""
    files = {name: (value, f"{name}.csv") for name, value in parts.items()}
    if data is not None:
        files["export"] = (data, "letterboxd-me-2026-12-04-utc.zip")
    return form_post(client, headers, files)


@pytest.fixture
def catalogue(client, make_user, auth_headers):
    """The catalogue's movies by name, added through the API by their curator."""
    headers = auth_headers(make_user())
    movies = {}
    for name, year in CATALOGUE:
        response = client.post("/api/movies", json={"name": name, "year": year, "casts": ["Someone"], "genres": ["Drama"]}, headers=headers)
        assert response.status_code == 201
        movies[name] = response.json["id"]
    return movies


@pytest.fixture
def person(make_user, auth_headers):
    """A person with an account: (their id, their Bearer headers)."""
    user = make_user()
    return str(user.id), auth_headers(user)


def state(client, catalogue, user):
    """What the person has said of each catalogue movie, read through the API: score, review, watchlist."""
    user_id, headers = user
    watchlist = {movie["id"] for movie in client.get("/api/me/watchlist?per_page=100", headers=headers).json}
    found = {}
    for name, movie_id in catalogue.items():
        rating = client.get(f"/api/movies/{movie_id}/rating", headers=headers)
        reviews = client.get(f"/api/movies/{movie_id}/reviews?author={user_id}").json
        found[name] = {
            "score": rating.json["score"] if rating.status_code == 200 else None,
            "review": reviews[0]["body"] if reviews else None,
            "watchlist": movie_id in watchlist,
        }
    return found


def aggregates(client, catalogue):
    """Each movie's rating (average, count) as the catalogue shows it."""
    return {name: client.get(f"/api/movies/{movie_id}").json["rating"] for name, movie_id in catalogue.items()}


def csv_rows(data):
    """The rows of a CSV file's bytes, the header first."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_a_letterboxd_export_imports_exports_and_imports_again_to_the_same_data(client, catalogue, person, make_user, auth_headers):
    response = upload(client, person[1], sample_zip())
    assert response.status_code == 200, response.json
    assert response.json["imported"] == {"ratings": 4, "reviews": 2, "watchlist": 1}
    assert state(client, catalogue, person) == SAMPLE_STATE

    exported = client.get(EXPORT, headers=person[1])
    assert exported.status_code == 200
    assert exported.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert sorted(files) == sorted(HEADERS)
    for name, header in HEADERS.items():
        assert files[name].decode("utf-8").splitlines()[0] == header
    assert sorted((row[1], row[2], row[4]) for row in csv_rows(files["ratings.csv"])[1:]) == [
        ("Amelie", "2001", "4.5"),
        ("Cats", "2019", "0.5"),
        ("Parasite", "2019", "5"),
        ("The Godfather", "1972", "4"),
    ]

    newcomer = make_user()
    newcomer_user = (str(newcomer.id), auth_headers(newcomer))
    again = upload(client, newcomer_user[1], zipped(files))
    assert again.status_code == 200
    assert again.json == {"imported": {"ratings": 4, "reviews": 2, "watchlist": 1}, "unmatched": []}
    assert state(client, catalogue, newcomer_user) == SAMPLE_STATE

    assert upload(client, person[1], zipped(files)).json["imported"] == {"ratings": 4, "reviews": 2, "watchlist": 1}
    assert state(client, catalogue, person) == SAMPLE_STATE


def test_importing_the_same_export_twice_changes_nothing(client, catalogue, person):
    first = upload(client, person[1], sample_zip()).json
    before = aggregates(client, catalogue)
    godfather_review = client.get(f"/api/movies/{catalogue['The Godfather']}/reviews").json[0]["id"]
    etag = client.get(f"/api/reviews/{godfather_review}").headers["ETag"]
    second = upload(client, person[1], sample_zip())
    assert second.status_code == 200
    assert second.json == first
    assert aggregates(client, catalogue) == before
    assert state(client, catalogue, person) == SAMPLE_STATE
    godfather = catalogue["The Godfather"]
    assert client.get(f"/api/movies/{godfather}/reviews").headers["X-Total-Count"] == "1"
    assert client.get(f"/api/reviews/{godfather_review}").headers["ETag"] == etag  # not even rewritten


def test_the_ratings_of_the_catalogue_stay_exact(client, catalogue, person, make_user, auth_headers):
    client.put(f"/api/movies/{catalogue['Parasite']}/rating", json={"score": 6}, headers=person[1])
    other = auth_headers(make_user())
    client.put(f"/api/movies/{catalogue['Parasite']}/rating", json={"score": 7}, headers=other)
    upload(client, person[1], sample_zip())
    upload(client, other, sample_zip())
    shown = aggregates(client, catalogue)
    assert shown["Parasite"] == {"average": 10.0, "count": 2}  # both earlier scores replaced by the file's 5 stars
    assert shown["Amelie"] == {"average": 9.0, "count": 2}
    assert shown["Heat"] == {"average": None, "count": 0}


def test_an_import_replaces_ones_earlier_score_and_changes_ones_review(client, catalogue, person):
    godfather = catalogue["The Godfather"]
    client.put(f"/api/movies/{godfather}/rating", json={"score": 2}, headers=person[1])
    assert client.post(f"/api/movies/{godfather}/reviews", json={"body": "Too long."}, headers=person[1]).status_code == 201
    assert upload(client, person[1], sample_zip()).status_code == 200
    assert state(client, catalogue, person)["The Godfather"] == SAMPLE_STATE["The Godfather"]
    assert client.get(f"/api/movies/{godfather}/reviews").headers["X-Total-Count"] == "1"


def test_a_review_written_meanwhile_by_another_request_is_changed_not_doubled(client, catalogue, person, monkeypatch):
    from database.reviews import Review

    create = Review.create

    def racing_create(movie_id, author_id, body):
        create(movie_id, author_id, "Written in another tab.")  # lands between the import's read and its write
        return create(movie_id, author_id, body)

    monkeypatch.setattr(Review, "create", racing_create)
    assert upload(client, person[1], sample_zip()).json["imported"]["reviews"] == 2
    assert state(client, catalogue, person) == SAMPLE_STATE
    assert client.get(f"/api/movies/{catalogue['Parasite']}/reviews").headers["X-Total-Count"] == "1"


def test_titles_not_in_the_catalogue_are_reported_with_what_the_files_hold(client, catalogue, person):
    response = upload(client, person[1], sample_zip())
    assert response.json["unmatched"] == [
        {"name": "Paddington 2", "year": 2017, "kinds": ["ratings", "reviews"], "score": 7, "review": "Marmalade diplomacy."},
        {"name": "Perfect Days", "year": 2023, "kinds": ["watchlist"], "score": None, "review": None},
    ]


def test_a_title_added_to_the_catalogue_is_imported_the_next_time(client, catalogue, person):
    upload(client, person[1], sample_zip())
    added = client.post(
        "/api/movies", json={"name": "Paddington 2", "year": 2017, "casts": ["Ben Whishaw"], "genres": ["Comedy"]}, headers=person[1]
    )
    response = upload(client, person[1], sample_zip())
    assert [title["name"] for title in response.json["unmatched"]] == ["Perfect Days"]
    assert client.get(f"/api/movies/{added.json['id']}/rating", headers=person[1]).json == {"score": 7}


def test_the_csv_files_may_be_sent_without_the_zip(client, catalogue, person):
    response = upload(client, person[1], ratings=sample("ratings.csv"), watchlist=sample("watchlist.csv"))
    assert response.status_code == 200
    assert response.json["imported"] == {"ratings": 4, "reviews": 0, "watchlist": 1}
    assert state(client, catalogue, person)["Parasite"] == {"score": 10, "review": None, "watchlist": False}


def test_a_byte_order_mark_blank_lines_and_a_review_without_stars_are_read(client, catalogue, person):
    reviews = "\ufeff" + HEADERS["reviews.csv"] + "\n2024-01-02,Heat,1995,,,,The diner scene.,,\n\n"
    response = upload(client, person[1], reviews=reviews.encode("utf-8"))
    assert response.status_code == 200
    assert state(client, catalogue, person)["Heat"] == {"score": None, "review": "The diner scene.", "watchlist": False}
    with zipfile.ZipFile(io.BytesIO(client.get(EXPORT, headers=person[1]).data)) as archive:
        assert [row[1:] for row in csv_rows(archive.read("reviews.csv"))[1:]] == [["Heat", "1995", "", "", "", "The diner scene.", "", ""]]


def test_a_title_of_another_year_or_none_is_not_matched(client, catalogue, person):
    watchlist = HEADERS["watchlist.csv"] + "\n2024-01-02,Heat,1986,\n2024-01-03,Heat,,\n2024-01-04,Heat,1986,\n"
    response = upload(client, person[1], watchlist=watchlist.encode("utf-8"))
    assert response.json == {
        "imported": {"ratings": 0, "reviews": 0, "watchlist": 0},
        "unmatched": [
            {"name": "Heat", "year": 1986, "kinds": ["watchlist"], "score": None, "review": None},
            {"name": "Heat", "year": None, "kinds": ["watchlist"], "score": None, "review": None},
        ],
    }


BAD_RATINGS = HEADERS["ratings.csv"] + "\n2023-01-14,Parasite,2019,,5\n"
MALFORMED = {
    "a header that is not Letterboxd's": ("ratings.csv", b"Date,Title,Year,Letterboxd URI,Rating\n2023-01-14,Parasite,2019,,5\n", "line 1"),
    "a rating of 7 stars": ("ratings.csv", (BAD_RATINGS + "2023-01-15,Heat,1995,,7\n").encode(), "line 3: Rating must be 0.5 to 5"),
    "a rating between half stars": ("ratings.csv", (BAD_RATINGS + "2023-01-15,Heat,1995,,4.3\n").encode(), "line 3: Rating"),
    "bytes that are not UTF-8": ("ratings.csv", BAD_RATINGS.encode() + b"2023-01-15,Am\xe9lie,2001,,4\n", "line 3: The file is not UTF-8"),
    "a year that is no number": ("watchlist.csv", HEADERS["watchlist.csv"].encode() + b"\n2023-01-15,Heat,nineteen,\n", "line 2: Year"),
    "an empty name": ("watchlist.csv", HEADERS["watchlist.csv"].encode() + b"\n2023-01-15,,1995,\n", "line 2: Name must not be empty"),
    "a date that is no date": ("watchlist.csv", HEADERS["watchlist.csv"].encode() + b"\n2023-02-30,Heat,1995,\n", "line 2: Date"),
    "a missing value": ("watchlist.csv", HEADERS["watchlist.csv"].encode() + b"\n2023-01-15,Heat,1995\n", "line 2: 3 values"),
    "an empty review": ("reviews.csv", HEADERS["reviews.csv"].encode() + b'\n2023-01-15,Heat,1995,,4,,"  ",,\n', "line 2: Review must not"),
    "a quote that never closes": (
        "reviews.csv",
        HEADERS["reviews.csv"].encode() + b'\n2023-01-15,Heat,1995,,4,,"Great\n',
        "line 2: This is not CSV as Letterboxd writes it (unexpected end of data)",
    ),
    "an empty file": ("ratings.csv", b"", "line 1: The file is empty"),
    "a NUL character": ("ratings.csv", BAD_RATINGS.encode() + b"2023-01-15,He\x00at,1995,,4\n", "line 3: The file holds a NUL"),
    "a year out of range": ("watchlist.csv", HEADERS["watchlist.csv"].encode() + b"\n2023-01-15,Heat,1700,\n", "line 2: Year"),
    "a name over 200 characters": (
        "watchlist.csv",
        HEADERS["watchlist.csv"].encode() + b"\n2023-01-15," + b"x" * 201 + b",1995,\n",
        "line 2: Name is longer",
    ),
    "a Letterboxd URI that is no address": (
        "watchlist.csv",
        HEADERS["watchlist.csv"].encode() + b"\n2023-01-15,Heat,1995,boxd.it/x\n",
        "line 2: Letterboxd URI",
    ),
    "more than 10,000 rows": (
        "watchlist.csv",
        HEADERS["watchlist.csv"].encode() + b"\n" + b"2023-01-15,Heat,1995,\n" * 10_001,
        "line 10002: The file has more than 10,000 rows.",
    ),
    "a review over 5,000 characters": (
        "reviews.csv",
        HEADERS["reviews.csv"].encode() + b"\n2023-01-15,Heat,1995,,4,," + b"x" * 5001 + b",,\n",
        "line 2: Review is longer",
    ),
    "a watched date that is no date": (
        "reviews.csv",
        HEADERS["reviews.csv"].encode() + b"\n2023-01-15,Heat,1995,,4,,Good.,,yesterday\n",
        "line 2: Watched Date",
    ),
    "a review over the CSV field limit": (
        "reviews.csv",
        HEADERS["reviews.csv"].encode() + b'\n2023-01-15,Heat,1995,,4,,"' + b"x" * 200_000 + b'",,\n',
        "line 2: This is not CSV as Letterboxd writes it (field larger than field limit (131072))",
    ),
    "tags over 5,000 characters": (
        "reviews.csv",
        HEADERS["reviews.csv"].encode() + b"\n2023-01-15,Heat,1995,,4,,Good.," + b"t" * 5001 + b",\n",
        "line 2: A value is longer",
    ),
    "a file over 4 MiB": ("reviews.csv", HEADERS["reviews.csv"].encode() + b"\n" + b"x" * (4 * 1024 * 1024), "larger than 4 MiB"),
}


@pytest.mark.parametrize("case", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_file_changes_nothing_and_names_its_line(client, catalogue, person, case):
    filename, data, where = case
    response = upload(client, person[1], sample_zip(**{filename: data}))
    assert response.status_code == 400
    assert response.json["message"].startswith(f"{filename}: ")
    assert where in response.json["message"]
    assert response.json["message"].endswith("Nothing was imported.")
    assert where in response.json["errors"][filename][0]
    assert state(client, catalogue, person) == {name: {"score": None, "review": None, "watchlist": False} for name in catalogue}


def test_every_problem_of_every_file_is_listed(client, catalogue, person):
    ratings = (BAD_RATINGS + "2023-01-15,Heat,1995,,7\n2023-01-16,,1995,,4\n").encode()
    watchlist = HEADERS["watchlist.csv"].encode() + b"\n2023-01-15,Heat,1995\n"
    response = upload(client, person[1], ratings=ratings, watchlist=watchlist)
    assert response.status_code == 400
    assert response.json["errors"] == {
        "ratings.csv": ["line 3: Rating must be 0.5 to 5 in half stars (as 3.5), not '7'.", "line 4: Name must not be empty."],
        "watchlist.csv": ["line 2: 3 values where the header has 4."],
    }


def test_at_most_twenty_problems_of_a_file_are_listed(client, person):
    response = upload(client, person[1], ratings=(HEADERS["ratings.csv"] + "\n2023-01-15,Heat,1995,,9" * 25 + "\n").encode())
    assert response.status_code == 400
    assert len(response.json["errors"]["ratings.csv"]) == 20


def zip_bomb():
    """A ratings.csv of 64 MiB that zips to about 64 KiB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("ratings.csv", "w", force_zip64=False) as member:
        member.write(HEADERS["ratings.csv"].encode() + b"\n")
        for _ in range(64):
            member.write(b"0" * (1024 * 1024))
    return out.getvalue()


def lying_zip():
    """A zip whose ratings.csv says it is 10 bytes unpacked, and is 8 MiB."""
    data = bytearray(zipped({"ratings.csv": HEADERS["ratings.csv"].encode() + b"\n" + b"0" * (8 * 1024 * 1024)}))
    directory = data.rfind(b"PK\x01\x02")
    data[directory + 24 : directory + 28] = (10).to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    return bytes(data)


def patched_end_record(data, entries):
    """The zip with its end record's entry counts replaced."""
    data = bytearray(data)
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = entries.to_bytes(2, "little") * 2
    return bytes(data)


def encrypted_zip():
    """A zip whose ratings.csv is marked encrypted (zipfile asks for a password to read it)."""
    data = bytearray(zipped({"ratings.csv": sample("ratings.csv")}))
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature) + flags
        data[at] |= 1
    return bytes(data)


BAD_ZIPS = {
    "a zip bomb": (zip_bomb, "ratings.csv: The file is larger than 4 MiB unpacked."),
    "a zip that lies about its sizes": (lying_zip, "ratings.csv: The file cannot be unpacked"),
    "a zip of 3,000 files": (lambda: zipped({f"lists/{n}.csv": b"" for n in range(3000)}), "export: The zip holds more than 2000 files"),
    "a zip holding ratings.csv twice": (
        lambda: zipped({"ratings.csv": b"", "watchlist.csv": b""}).replace(b"watchlist.csv", b"ratings.csv\x00\x00"),
        "export: The zip holds ratings.csv more than once.",
    ),
    "a zip without Letterboxd's files": (
        lambda: zipped({"letterboxd/ratings.csv": sample("ratings.csv")}),
        "export: The zip holds none of ratings.csv",
    ),
    "bytes that are no zip": (lambda: b"Date,Name,Year\n", "export: This is not a zip file"),
    "a zip64 archive": (lambda: patched_end_record(sample_zip(), entries=0xFFFF), "export: A zip64 archive"),
    "a zip that understates its entries": (
        lambda: patched_end_record(zipped({f"lists/{n}.csv": b"" for n in range(3000)}), entries=1),
        "export: The zip holds more than 2000 files",
    ),
    "a zip whose directory is damaged": (
        lambda: sample_zip().replace(b"PK\x01\x02", b"XX\x01\x02"),
        "export: This is not a zip file that can be read",
    ),
    "an encrypted ratings.csv": (encrypted_zip, "ratings.csv: The file cannot be unpacked"),
}


@pytest.mark.parametrize("case", BAD_ZIPS.values(), ids=BAD_ZIPS.keys())
def test_a_bad_zip_changes_nothing(client, catalogue, person, case):
    make, message = case
    response = upload(client, person[1], make())
    assert response.status_code == 400
    assert response.json["message"].startswith(message)
    assert state(client, catalogue, person)["Parasite"]["score"] is None


def test_an_upload_over_12_mib_is_refused_before_it_is_read(client, person):
    response = upload(client, person[1], b"0" * (12 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json["message"] == "The request body is too large (the limit is 12 MiB)."


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"diary": b""}, "Unknown part 'diary'"),
        ({"ratings": b"", "export": b""}, "either the export's zip or its CSV files"),
        ({}, "Send the export's zip"),
    ],
    ids=["an unknown part", "a zip and files both", "nothing"],
)
def test_a_form_without_the_export_is_refused(client, person, parts, message):
    response = form_post(client, person[1], {name: (value, name) for name, value in parts.items()})
    assert response.status_code == 400
    assert message in response.json["message"]


def test_a_csv_may_be_a_plain_field_of_the_form(client, catalogue, person):
    boundary, body = encode_multipart({"ratings": sample("ratings.csv").decode("utf-8")})
    response = client.post(IMPORT, data=body, headers=person[1], content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    assert response.json["imported"]["ratings"] == 4


def test_a_part_sent_twice_is_refused(client, person):
    ratings = FileStorage(io.BytesIO(sample("ratings.csv")), "ratings.csv")
    boundary, body = encode_multipart(MultiDict([("ratings", ratings), ("ratings", sample("ratings.csv").decode("utf-8"))]))
    response = client.post(IMPORT, data=body, headers=person[1], content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert response.json["message"] == "Send the part 'ratings' once."


def test_a_csv_part_over_4_mib_is_refused(client, person):
    response = upload(client, person[1], ratings=HEADERS["ratings.csv"].encode() + b"\n" + b"0" * (4 * 1024 * 1024))
    assert response.status_code == 400
    assert response.json["message"] == "ratings.csv: The file is larger than 4 MiB. Nothing was imported."


def test_an_import_that_is_not_a_form_is_415(client, person):
    response = client.post(IMPORT, data=sample("ratings.csv"), headers=person[1], content_type="text/csv")
    assert response.status_code == 415
    assert "multipart/form-data" in response.json["message"]


def test_an_import_needs_a_token(client):
    assert client.post(IMPORT, data={"ratings": (io.BytesIO(sample("ratings.csv")), "ratings.csv")}).status_code == 401


def test_the_export_is_ones_own_and_never_kept_by_a_cache(client, catalogue, person, make_user, auth_headers):
    upload(client, person[1], sample_zip())
    stranger = auth_headers(make_user())
    client.put(f"/api/movies/{catalogue['Heat']}/rating", json={"score": 3}, headers=stranger)
    response = client.get(EXPORT, headers=stranger)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="movie-bag-letterboxd-')
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert [row[1:] for row in csv_rows(archive.read("ratings.csv"))[1:]] == [["Heat", "1995", "", "1.5"]]
        assert csv_rows(archive.read("reviews.csv")) == [HEADERS["reviews.csv"].split(",")]
        assert csv_rows(archive.read("watchlist.csv")) == [HEADERS["watchlist.csv"].split(",")]


def test_reviews_export_with_ones_score_of_the_movie(client, catalogue, person):
    upload(client, person[1], sample_zip())
    with zipfile.ZipFile(io.BytesIO(client.get(EXPORT, headers=person[1]).data)) as archive:
        reviews = csv_rows(archive.read("reviews.csv"))[1:]
    assert [(row[1], row[4], row[6]) for row in reviews] == [
        ("Parasite", "5", 'Class, stairs and a "plan".\nEvery shot earns its place.'),
        ("The Godfather", "4", "Even better the second time."),
    ]


def test_the_export_needs_a_token(client):
    assert client.get(EXPORT).status_code == 401


def test_imports_are_limited_per_account():
    app = make_app("testing", RATELIMIT_ENABLED=True, RATELIMIT_LETTERBOXD="1 per minute")
    with app.app_context():
        client = app.test_client()
        account = {"email": "limited@example.com", "password": DEFAULT_PASSWORD}
        assert client.post("/api/auth/signup", json=account).status_code == 201
        token = client.post("/api/auth/login", json=account).json["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert upload(client, headers, ratings=sample("ratings.csv")).status_code == 200
        refused = upload(client, headers, ratings=sample("ratings.csv"))
        assert refused.status_code == 429
        assert "RATELIMIT_LETTERBOXD" in refused.json["message"]
