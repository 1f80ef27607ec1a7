"""Torture: hostile input. Every one is a JSON 4xx in the one envelope, never a 500; Unicode survives intact."""

import contextlib
import http.client
import json
import urllib.parse

import pytest

from database.movies import Movie
from tests.live_server import live_server

MOVIE = {"name": "Heat", "casts": ["Al Pacino"], "genres": ["Crime"]}
DEEP_ARRAY = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
TEN_MB = b'{"name": "' + b"x" * (10 * 1024 * 1024) + b'", "casts": ["A"], "genres": ["B"]}'


def body(**changes):
    """A valid movie body with some fields replaced."""
    return json.dumps({**MOVIE, **changes}).encode()


# (name, raw body) for POST /api/movies and PATCH /api/movies/<id>: each must be a 4xx.
HOSTILE_BODIES = [
    ("truncated JSON", b'{"name": "Heat", "ca'),
    ("invalid JSON", b"{name: 'Heat'}"),
    ("trailing garbage", body() + b"}}"),
    ("invalid UTF-8", b'{"name": "\xff\xfe\xfd", "casts": ["A"], "genres": ["B"]}'),
    ("overlong UTF-8 NUL", b'{"name": "\xc0\x80", "casts": ["A"], "genres": ["B"]}'),
    ("lone surrogate escape", b'{"name": "\\ud800", "casts": ["A"], "genres": ["B"]}'),
    ("lone surrogate in a list", b'{"name": "S", "casts": ["\\udfff"], "genres": ["B"]}'),
    ("lone surrogate in UTF-16", '{"name": "\\udbff", "casts": ["A"], "genres": ["B"]}'.encode("utf-16")),
    ("NaN", b'{"name": NaN, "casts": ["A"], "genres": ["B"]}'),
    ("huge number", b'{"name": ' + b"9" * 5000 + b', "casts": ["A"], "genres": ["B"]}'),
    ("array nested 10,000 deep", DEEP_ARRAY),
    ("object nested 10,000 deep", DEEP_OBJECT),
    ("10 MB body", TEN_MB),
    ("100k-character name", body(name="x" * 100_000)),
    ("100k-character cast", body(casts=["x" * 100_000])),
    ("100k casts", body(casts=["x"] * 100_000)),
    ("NUL in the name", body(name="Heat\x00; rm -rf /")),
    ("NUL in a genre", body(genres=["Crime\x00"])),
    ("empty body", b""),
    ("null", b"null"),
    ("a string", b'"Heat"'),
    ("a list", b"[1, 2, 3]"),
    ("a number", b"42"),
    ("name is a number", body(name=42)),
    ("name is a list", body(name=["Heat"])),
    ("name is an object", body(name={"$ne": None})),
    ("name is null", body(name=None)),
    ("name is true", body(name=True)),
    ("casts is a string", body(casts="Al Pacino")),
    ("casts holds numbers", body(casts=[1, 2])),
    ("casts holds null", body(casts=[None])),
    ("casts holds objects", body(casts=[{"$gt": ""}])),
    ("genres is an object", body(genres={"0": "Crime"})),
    ("empty name after trimming", body(name="   ")),
    ("$set operator", body(**{"$set": {"added_by": "x"}})),
    ("$where operator", body(**{"$where": "sleep(1000)"})),
    ("dotted key", body(**{"added_by.id": "x"})),
    ("dollar-prefixed dotted key", body(**{"$inc.version": 1})),
    ("mass assignment of added_by", body(added_by="000000000000000000000001")),
    ("mass assignment of id", body(id="000000000000000000000001")),
    ("mass assignment of version", body(version=99)),
    ("unknown field", body(rating=5)),
]

HOSTILE_QUERIES = [
    "genre[$ne]=x",
    "genre%5B%24ne%5D=x",
    "q[$regex]=.*",
    "added_by[$gt]=",
    "$where=1",
    "genres.0=Crime",
    "page=-1",
    "page=0",
    "page=99999999999999999999999",
    "page=1e3",
    "page=NaN",
    "page=Infinity",
    "page=0x10",
    "page=",
    "per_page=100000",
    "per_page=-20",
    "per_page=0",
    "sort=$natural",
    "sort=password_hash",
    "added_by=not-an-id",
    "added_by=%00",
    "q=%00",
    "genre=Crime%00",
    "cast=" + "y" * 201,
]

GARBAGE_IDS = ["not-an-id", "%00", "%ff%fe", "' or 1=1 --", '{"$ne": null}', "x" * 8_000, "-1", "0" * 23, "g" * 24]
# Past the longest request line any server in front lets through (8190 bytes): a 414, in the envelope.
OVERLONG_TARGETS = ["/api/movies?q=" + "x" * 100_000, "/api/movies/" + "x" * 10_000]


def assert_envelope(response, statuses=range(400, 500)):
    """A JSON error in the envelope, with a 4xx status."""
    assert response.status_code in statuses, (response.status_code, response.get_data()[:200])
    assert response.is_json
    assert response.json["status"] == response.status_code
    assert isinstance(response.json["message"], str)


@pytest.fixture
def owner_headers(make_user, auth_headers):
    """A logged-in user's headers, with JSON declared."""
    return {**auth_headers(make_user()), "Content-Type": "application/json"}


@pytest.mark.parametrize(("raw",), [(raw,) for _, raw in HOSTILE_BODIES], ids=[name for name, _ in HOSTILE_BODIES])
def test_hostile_create_body_is_a_json_4xx(client, owner_headers, raw):
    response = client.post("/api/movies", data=raw, headers=owner_headers)
    assert_envelope(response)
    assert Movie.objects.count() == 0


@pytest.mark.parametrize(("raw",), [(raw,) for _, raw in HOSTILE_BODIES], ids=[name for name, _ in HOSTILE_BODIES])
def test_hostile_patch_body_is_a_json_4xx_and_changes_nothing(client, make_user, make_movie, auth_headers, raw):
    owner = make_user()
    movie = make_movie(added_by=owner, name="Original")
    headers = {**auth_headers(owner), "Content-Type": "application/json"}
    response = client.patch(f"/api/movies/{movie.id}", data=raw, headers=headers)
    assert_envelope(response)
    assert Movie.objects.get(id=movie.id).to_mongo() == movie.to_mongo()


@pytest.mark.parametrize("endpoint", ["/api/auth/signup", "/api/auth/login"])
@pytest.mark.parametrize(
    "raw",
    [
        b'{"email": {"$ne": null}, "password": {"$ne": null}}',
        b'{"email": "a@example.com", "password": "\\ud800\\ud800\\ud800xx"}',
        b'{"email": "a@example.com\\u0000", "password": "long-enough-password"}',
        b'{"email": ["a@example.com"], "password": "long-enough-password"}',
        b'{"email": "a@example.com", "password": 12345678}',
        json.dumps({"email": "a@example.com", "password": "p" * 100_000}).encode(),
        json.dumps({"email": "e" * 100_000 + "@example.com", "password": "long-enough-password"}).encode(),
        DEEP_OBJECT,
        b'{"email": "a@example.com", "password": "long-enough-password", "is_admin": true}',
    ],
    ids=["operators", "surrogates", "nul", "list", "number", "long password", "long email", "deep", "is_admin"],
)
def test_hostile_account_body_is_a_json_4xx(client, endpoint, raw):
    response = client.post(endpoint, data=raw, headers={"Content-Type": "application/json"})
    assert_envelope(response)


# Bodies hostile to any endpoint, whatever its schema.
ANY_ENDPOINT = {
    "truncated JSON",
    "invalid UTF-8",
    "lone surrogate escape",
    "NaN",
    "array nested 10,000 deep",
    "object nested 10,000 deep",
    "10 MB body",
    "empty body",
    "null",
    "a list",
    "$set operator",
    "$where operator",
}
ACCOUNT_ENDPOINTS = [
    ("PUT", "/api/auth/password", "user"),
    ("POST", "/api/auth/forgot", None),
    ("POST", "/api/auth/reset", None),
    ("POST", "/api/users", "admin"),
    ("PATCH", "/api/users/{user_id}", "admin"),
]


@pytest.mark.parametrize(
    ("raw",),
    [(raw,) for name, raw in HOSTILE_BODIES if name in ANY_ENDPOINT],
    ids=sorted(ANY_ENDPOINT, key=[n for n, _ in HOSTILE_BODIES].index),
)
@pytest.mark.parametrize(("method", "path", "who"), ACCOUNT_ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ACCOUNT_ENDPOINTS])
def test_hostile_body_on_account_endpoints_is_a_json_4xx(client, make_user, auth_headers, method, path, who, raw):
    user = make_user(is_admin=who == "admin")
    headers = {"Content-Type": "application/json", **(auth_headers(user) if who else {})}
    response = client.open(path.format(user_id=user.id), method=method, data=raw, headers=headers)
    assert_envelope(response)


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=[q[:40] for q in HOSTILE_QUERIES])
def test_hostile_query_string_is_a_400_naming_the_field(client, make_movie, query):
    make_movie()
    response = client.get(f"/api/movies?{query}")
    assert_envelope(response, statuses=[400])
    assert response.json["errors"]


@pytest.mark.parametrize("target", OVERLONG_TARGETS, ids=["100k query", "10k id"])
def test_overlong_request_line_is_a_json_414(client, target):
    assert_envelope(client.get(target), statuses=[414])


@pytest.mark.parametrize("movie_id", GARBAGE_IDS)
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_garbage_path_id_is_a_404(client, owner_headers, make_movie, method, movie_id):
    make_movie()
    response = client.open(f"/api/movies/{movie_id}", method=method, json=MOVIE, headers=owner_headers)
    assert_envelope(response, statuses=[404])


UNICODE_NAMES = [
    "Amélie",  # precomposed é
    "Ame\u0301lie",  # e + combining acute: must not be normalized into the precomposed form
    "🎬🍿 Popcorn Night",
    "👩‍👩‍👧‍👦 Family",  # zero-width joiners
    "🏳️‍🌈 Flags 🇫🇷",
    "الفيلم العربي",  # right-to-left
    "\u202eevil\u202c mixed ltr",  # directional overrides survive as given
    "שָׁלוֹם",  # Hebrew with points (combining marks)
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",  # stacked combining marks
    "日本語のタイトル",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters",  # astral plane
]


@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_unicode_names_round_trip_byte_for_byte(client, owner_headers, name):
    movie = {"name": name, "casts": [name], "genres": [name]}
    created = client.post("/api/movies", json=movie, headers=owner_headers)
    assert created.status_code == 201
    fetched = client.get(f"/api/movies/{created.json['id']}")
    for response in (created, fetched):
        assert {key: response.json[key] for key in movie} == movie
        assert f'"name": "{name}"'.encode() in response.get_data()  # raw UTF-8, no escapes, no normalization
    listed = client.get("/api/movies", query_string={"q": name})
    assert [m["name"] for m in listed.json] == [name]


# --- the same over a real socket: gunicorn, no test client in between -----------------------------


@pytest.fixture(scope="module")
def live():
    """One gunicorn server for the socket-level checks."""
    with live_server() as base:
        yield urllib.parse.urlsplit(base)


def raw_request(live, method, path, raw=b"", headers=None):
    """Send bytes exactly as given; returns (status, headers, body bytes)."""
    connection = http.client.HTTPConnection(live.hostname, live.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for key, value in {"Content-Type": "application/json", "Content-Length": str(len(raw)), **(headers or {})}.items():
            connection.putheader(key, value)
        connection.endheaders()
        # The server may answer and close before a huge body is sent: its answer is still read.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.send(raw)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


LIVE_CASES = [
    ("POST", "/api/auth/login", b'{"email": "\xff\xfe", "password": "x"}'),
    ("POST", "/api/auth/signup", DEEP_ARRAY),
    ("POST", "/api/auth/signup", TEN_MB),
    ("POST", "/api/auth/login", b'{"email": "a@example.com", "password": "\\udc00\\udc00\\udc00"}'),
    ("POST", "/api/auth/login", b'{"email": "a@example.com", "pass'),
    ("GET", "/api/movies?genre[$ne]=x", b""),
    ("GET", "/api/movies?q=%00", b""),
    ("GET", "/api/movies/%00%ff", b""),
    ("GET", "/api/movies?page=-5&per_page=99999999999", b""),
]


@pytest.mark.live
@pytest.mark.parametrize(("method", "path", "raw"), LIVE_CASES, ids=[f"{m} {p[:30]} {len(r)}B" for m, p, r in LIVE_CASES])
def test_hostile_request_over_gunicorn_is_a_json_4xx(live, method, path, raw):
    status, headers, answer = raw_request(live, method, path, raw)
    assert 400 <= status < 500
    assert headers["Content-Type"] == "application/json"
    assert json.loads(answer)["status"] == status


@pytest.mark.live
def test_unicode_name_round_trips_byte_for_byte_over_gunicorn(live):
    email, password = "unicode@example.com", "unicode-password"
    for endpoint in ("signup", "login"):
        status, _, answer = raw_request(live, "POST", f"/api/auth/{endpoint}", json.dumps({"email": email, "password": password}).encode())
    token = json.loads(answer)["access_token"]
    name = "Ame\u0301lie 🎬 الفيلم"
    sent = json.dumps({"name": name, "casts": ["👩‍👩‍👧"], "genres": ["שָׁלוֹם"]}, ensure_ascii=False).encode()
    status, _, answer = raw_request(live, "POST", "/api/movies", sent, {"Authorization": f"Bearer {token}"})
    assert status == 201
    status, _, fetched = raw_request(live, "GET", f"/api/movies/{json.loads(answer)['id']}")
    assert name.encode() in fetched and "👩‍👩‍👧".encode() in fetched and "שָׁלוֹם".encode() in fetched
    assert json.loads(fetched)["name"] == name


@pytest.mark.live
@pytest.mark.parametrize(("length", "statuses"), [(10_000, {414}), (100_000, {414, 431})])
def test_overlong_request_line_is_the_envelope_over_the_wire(live, length, statuses):
    """A 10,000-character query is a 414; one past what the server reads of a request's head is
    refused by the server itself (waitress: a 431 for the whole head; gunicorn: a 414), in the same envelope."""
    answered, headers, body = raw_request(live, "GET", "/api/movies?q=" + "x" * length)
    assert answered in statuses and json.loads(body)["status"] == answered
    assert headers["Content-Type"].startswith("application/json")
