"""The catalogue at scale on a real wire protocol: every list served by an index, cursor walks under writes.

Collected only by the wire tier (tests/run_wire_tier.py). The index check records, through pymongo's
command monitoring, every query the API sends for each documented list, and finds for each an index
that serves it by MongoDB's equality-sort-range rule: the query's equality fields, then exactly its sort
keys (or all of them reversed). On a real MongoDB (MONGODB_TEST_URI) it also asks `explain` and finds
no SORT stage. SecantusDB's planner (0.7.0b3) reports an in-memory sort for an equality filter with a
compound sort even when such an index exists, so `explain` is asked of MongoDB only: the design is held
to MongoDB's rules, not to that planner.
"""

import os
import random
import threading
import time
import urllib.parse
from datetime import datetime, timedelta

import mongoengine
import pytest
import requests
from bson import ObjectId
from mongoengine.connection import get_db
from pymongo import MongoClient, monitoring

from database.movies import Movie
from tests.live_server import WIRE_SECRET, drop_databases, live_server, wire_database_uri

pytestmark = pytest.mark.live
ON_MONGODB = os.environ.get("MOVIE_BAG_WIRE_SERVER") == "mongodb"
LISTED = ("movies", "reviews", "watchlist", "users", "ratings")


class Finds(monitoring.CommandListener):
    """Every find command sent to a list's collection: (collection, filter, sort)."""

    def __init__(self):
        self.seen = []

    def started(self, event):
        """Record a find on a listed collection."""
        command = event.command
        if event.command_name == "find" and command["find"] in LISTED:
            self.seen.append((event.database_name, command["find"], command.get("filter", {}), list(command.get("sort", {}).items())))

    def succeeded(self, event):
        """Nothing to record."""

    def failed(self, event):
        """Nothing to record."""


def equality_fields(query):
    """The fields a query pins to one value or a few ($all pins its first, $in its list), through $and and every branch of an $or."""
    fields = set()
    for key, value in query.items():
        if key == "$and":
            for part in value:
                fields |= equality_fields(part)
        elif key == "$or":
            branches = [equality_fields(branch) for branch in value]
            fields |= set.intersection(*branches) if branches else set()
        elif not key.startswith("$") and (not isinstance(value, dict) or set(value) <= {"$all", "$eq", "$in"}):
            fields.add(key)
    return fields


def serving_index(query, sort, indexes):
    """The key pattern of an index that serves the query in its sort order with no in-memory sort, or None."""
    equal = equality_fields(query)
    for keys in indexes:
        if not sort:
            if keys[0][0] in equal:
                return keys
            continue
        head, tail = keys[: len(keys) - len(sort)], keys[len(keys) - len(sort) :]
        reversed_sort = [(field, -direction) for field, direction in sort]
        if tail in (sort, reversed_sort) and all(field in equal for field, _ in head):
            return keys
    return None


def has_sort_stage(plan):
    """True when an explain plan sorts in memory anywhere."""
    if isinstance(plan, dict):
        return plan.get("stage") == "SORT" or any(has_sort_stage(value) for value in plan.values())
    if isinstance(plan, list):
        return any(has_sort_stage(item) for item in plan)
    return False


@pytest.fixture
def wire_app():
    """The production app in this process on a migrated database of its own, with its finds recorded."""
    from app import create_app
    from database.migrations import migrate

    finds = Finds()
    monitoring.register(finds)  # clients made from here on report to it
    database = f"movie-bag-wire-indexes-{time.time_ns()}"
    environment = {"JWT_SECRET_KEY": WIRE_SECRET, "MONGODB_URI": wire_database_uri(database), "RATELIMIT_STORAGE_URI": "memory://"}
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        app = create_app("production", prepare_database=False, BCRYPT_LOG_ROUNDS=4)
        with app.app_context():
            migrate()
            yield app, finds
        mongoengine.disconnect()
    finally:
        for name, value in saved.items():
            os.environ.pop(name) if value is None else os.environ.__setitem__(name, value)
        drop_databases(database)


def test_every_documented_list_is_served_by_an_index(wire_app):
    app, finds = wire_app
    client = app.test_client()
    password = "a-wire-index-password"
    assert client.post("/api/auth/signup", json={"email": "lists@example.com", "password": password}).status_code == 201
    token = client.post("/api/auth/login", json={"email": "lists@example.com", "password": password}).json["access_token"]
    me = {"Authorization": f"Bearer {token}"}
    ids = []
    for n in range(6):
        body = {
            "name": f"Index Film {n}",
            "year": 1990 + n % 3,
            "casts": [f"Actor {n % 2}"],
            "genres": ["Drama", "Crime"][n % 2 :],
            "directors": ["Ann Dee"],
        }
        created = client.post("/api/movies", json={**body, **({"imdb_id": "tt0068646", "tmdb_id": 238} if n == 0 else {})}, headers=me)
        assert created.status_code == 201, created.json
        ids.append(created.json["id"])
        client.put(f"/api/movies/{created.json['id']}/rating", json={"score": 3 + n}, headers=me)
        client.put(f"/api/me/watchlist/{created.json['id']}", headers=me)
    client.post(f"/api/movies/{ids[0]}/reviews", json={"body": "Seen it."}, headers=me)
    me_id = client.get("/api/auth/me", headers=me).json["id"]
    lists = [
        f"/api/movies?sort={sort}&per_page=2"
        for sort in ("-created_at", "created_at", "name", "-name", "year", "-year", "rating", "-rating")
    ]
    lists += [
        f"/api/movies?{query}&per_page=2"
        for query in (
            "genre=drama",
            "genre=Drama&genre=Crime",
            "cast=actor%201",
            "director=ann%20dee",
            f"added_by={me_id}",
            "year=1991",
            "year_from=1991",
            "year_to=1991",
            "min_rating=4",
            "q=index%20film",
            "q=actor",
            "q=film&genre=drama",
        )
    ]
    lists += [
        "/api/movies?imdb_id=tt0068646",
        "/api/movies?tmdb_id=238",
        f"/api/movies/{ids[0]}/reviews?per_page=1",
        "/api/me/watchlist?per_page=2",
        "/api/me/ratings?per_page=2",
        "/api/me/reviews?per_page=1",
    ]
    finds.seen.clear()  # from here on, only what the lists send
    for url in lists:
        page = client.get(url, headers=me)
        assert page.status_code == 200, (url, page.json)
        next_url = next((part.split(";")[0].strip("<> ") for part in page.headers["Link"].split(",") if 'rel="next"' in part), None)
        if next_url:  # a cursor page of the same list
            parts = urllib.parse.urlsplit(next_url)
            assert client.get(f"{parts.path}?{parts.query}", headers=me).status_code == 200
    assert len(finds.seen) >= len(lists)

    database = get_db()
    indexes = {name: [list(index["key"].items()) for index in database[name].list_indexes()] for name in LISTED}
    unserved = [(name, query, sort) for _, name, query, sort in finds.seen if serving_index(query, sort, indexes[name]) is None]
    assert unserved == [], "\n".join(map(str, unserved))
    if ON_MONGODB:
        for _, name, query, sort in finds.seen:
            plan = database.command("explain", {"find": name, "filter": query, "sort": dict(sort), "limit": 21}, verbosity="queryPlanner")
            assert not has_sort_stage(plan["queryPlanner"]["winningPlan"]), (name, query, sort)


def test_the_index_check_itself_tells_served_from_unserved():
    indexes = [[("genre_keys", 1), ("created_at", -1), ("_id", -1)], [("created_at", -1), ("_id", -1)]]
    newest = [("created_at", -1), ("_id", -1)]
    assert serving_index({"genre_keys": "drama"}, newest, indexes) == indexes[0]
    assert serving_index({"year": {"$gte": 1990}}, newest, indexes) == indexes[1]
    assert serving_index({}, [("created_at", 1), ("_id", 1)], indexes) == indexes[1]
    assert serving_index({"genre_keys": "drama"}, [("name_key", 1), ("_id", 1)], indexes) is None
    assert serving_index({"cast_keys": "x", "genre_keys": "y"}, [("year", 1), ("_id", 1)], indexes) is None


def test_a_cursor_walk_of_5000_movies_under_writes_sees_each_once_and_skips_none():
    """One client walks the catalogue by name, 100 a page, while two others add and delete movies."""
    owner = ObjectId()
    start = datetime(2020, 1, 1)
    words = ["Red", "Blue", "Night", "River", "Storm", "Glass", "Winter", "Echo", "Iron", "Silent"]
    rows, deletable = [], set()
    for n in range(5000):
        fields = {"name": f"{random.choice(words)} {random.choice(words)} {n}", "casts": ["A"], "genres": ["Drama"], "directors": []}
        row = {**Movie.STORED_DEFAULTS, **fields, **Movie.derive(fields), "_id": ObjectId(), "added_by": owner, "version": 1}
        row.update(created_at=start + timedelta(seconds=n), updated_at=start + timedelta(seconds=n))
        row.pop("imdb_id"), row.pop("tmdb_id")
        rows.append(row)
        if n % 10 == 0:
            deletable.add(str(row["_id"]))
    name = f"movie-bag-wire-walk-{time.time_ns()}"
    # A sorted page costs SecantusDB time in proportion to the catalogue (docs/performance.md): give its queries the
    # time a busy 2-core machine may need, as a deployment on a slow database would.
    env = {"RATELIMIT_SIGNUP": "100 per minute", "MONGODB_URI": wire_database_uri(name), "MONGODB_TIMEOUT_MS": "30000"}
    with (
        live_server(env=env) as base,
        MongoClient(wire_database_uri(name)) as database,
    ):
        database[name].users.insert_one(
            {"_id": owner, "email": "walker@example.com", "password_hash": "x", "is_admin": True, "created_at": start}
        )
        database[name].movies.insert_many(rows)
        assert (
            requests.post(
                f"{base}/api/auth/signup", json={"email": "writer@example.com", "password": "a-writer-password"}, timeout=30
            ).status_code
            == 201
        )
        token = requests.post(
            f"{base}/api/auth/login", json={"email": "writer@example.com", "password": "a-writer-password"}, timeout=30
        ).json()
        writer = {"Authorization": f"Bearer {token['access_token']}"}
        walking = threading.Event()
        walking.set()

        added = []

        def add_movies():
            # A steady trickle, as people add movies, not a flood: the walk is what is under test. Each
            # answer is kept (a 503 is the app saying it is busy, with Retry-After) and checked below.
            while walking.is_set() and len(added) < 200:
                body = {"name": f"{random.choice(words)} Added {len(added)}", "casts": ["B"], "genres": ["Drama"]}
                added.append(requests.post(f"{base}/api/movies", json=body, headers=writer, timeout=120).status_code)
                time.sleep(0.1)

        def delete_movies():
            for movie_id in list(deletable)[:200]:
                if not walking.is_set():
                    return
                database[name].movies.delete_one({"_id": ObjectId(movie_id)})

        writers = [threading.Thread(target=add_movies), threading.Thread(target=delete_movies)]
        for thread in writers:
            thread.start()
        seen, url, deadline = [], f"{base}/api/movies?sort=name&per_page=100", time.monotonic() + 600
        try:
            while url and time.monotonic() < deadline:
                page = requests.get(url, timeout=120)
                for _ in range(5):  # as a client should: a 503 says when to ask again
                    if page.status_code != 503:
                        break
                    time.sleep(int(page.headers.get("Retry-After", "5")))
                    page = requests.get(url, timeout=120)
                assert page.status_code == 200, page.text
                seen += [movie["id"] for movie in page.json()]
                url = page.links.get("next", {}).get("url")
        finally:
            walking.clear()
            for thread in writers:
                thread.join()
    assert url is None, "the walk did not finish in time"
    assert added and set(added) <= {201, 503}, f"the writer got {sorted(set(added))}"
    assert len(seen) == len(set(seen)), "a movie was seen twice"
    throughout = {str(row["_id"]) for row in rows} - deletable
    assert throughout - set(seen) == set(), "a movie that existed throughout was skipped"
