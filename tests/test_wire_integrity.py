"""Wire tier: multi-document writes on a replica set (SecantusDB, or MONGODB_TEST_URI) survive a crash at any
point, and say what they need of the database: majority writes, the primary for every check.

Fault injection: the app (the production app in a process forked for each try, its requests made through
Flask's test client) runs an operation and is killed with SIGKILL at a random point, 20 times an operation.
After every kill a fresh app checks the data (flask check-data); what it finds, flask repair-data must
leave at nothing; no write the app had answered with a 2xx may be lost; a 412 never changes anything.
"""

import io
import multiprocessing
import os
import random
import signal
import threading
import time
import traceback
import urllib.parse

import mongoengine
import pytest
import requests
from bson import ObjectId
from pymongo import monitoring

from tests.live_server import WIRE_SECRET, live_server, wire_database_uri

pytestmark = pytest.mark.live

FORK = multiprocessing.get_context("fork")
KILLS = 20
PASSWORD = "a-wire-integrity-password"
BODY = {"casts": ["A"], "genres": ["Drama"]}
# How long each operation's 20 tries may take in all (a hung database would otherwise hang the tier).
OPERATION_SECONDS = 240
HEAVY_AT_ONCE = 4


def app_environment(database):
    """The environment the production app runs with on a database of its own."""
    return {
        "JWT_SECRET_KEY": WIRE_SECRET,
        "MONGODB_URI": wire_database_uri(database),
        "RATELIMIT_STORAGE_URI": "memory://",
        "MONGODB_TIMEOUT_MS": "30000",
    }


def production_app(**settings):
    """The production app, in this process, on the database the environment names."""
    from app import create_app

    return create_app("production", prepare_database=False, BCRYPT_LOG_ROUNDS=4, RATELIMIT_ENABLED=False, **settings)


def in_fresh_process(work, *args):
    """work(app, client, *args) in a forked process with an app of its own; its return value (or its error)."""
    receiving, sending = FORK.Pipe(duplex=False)

    def run():
        try:
            app = production_app()
            with app.app_context():
                sending.send(("ok", work(app, app.test_client(), *args)))
        except BaseException:  # the parent reports it
            sending.send(("error", traceback.format_exc()))

    process = FORK.Process(target=run)
    process.start()
    if not receiving.poll(OPERATION_SECONDS):
        process.kill()
        raise AssertionError(f"{work.__name__} did not finish in {OPERATION_SECONDS} s")
    status, value = receiving.recv()
    process.join()
    assert status == "ok", value
    return value


def killed_midway(work, max_delay, *args):
    """Run work(app, client, report, *args) in a forked app, killed with SIGKILL a random time after it says
    it is ready; the facts it reported before it died (each answered write, in order)."""
    receiving, sending = FORK.Pipe(duplex=False)

    def run():
        app = production_app(ACCOUNT_PURGE_SECONDS=300)
        with app.app_context():
            work(app, app.test_client(), sending.send, *args)
        sending.send(("done",))
        time.sleep(60)  # killed before this ends

    process = FORK.Process(target=run)
    process.start()
    facts = []
    assert receiving.poll(60), "the app did not get ready"
    facts.append(receiving.recv())
    time.sleep(random.uniform(0, max_delay))
    process.kill()
    process.join()
    while receiving.poll(0.2):
        facts.append(receiving.recv())
    return facts[1:]


def end_abandoned_transactions():
    """End the transaction the killed process left open, as the server itself would.

    MongoDB aborts a transaction its client abandoned after transactionLifetimeLimitSeconds (60 s by
    default); until then the documents it wrote stay held, and writes to them wait (the app gives up
    after database/common.py's TRANSACTION_SECONDS with a 503). SecantusDB has no such limit (it held
    one for more than 200 s here), so the test ends every session (nothing else uses this server now)
    rather than wait a minute twenty times.
    """
    from mongoengine.connection import get_connection

    get_connection().admin.command({"killAllSessions": []})


def login(client, email):
    """Bearer headers of an account (signed up first if it is new)."""
    client.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
    answer = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, (email, answer.json)
    token = answer.json["access_token"]
    return {"Authorization": f"Bearer {token}"}


def after_the_kill(state, *args):
    """In a fresh app, as after a restart: end what the killed one left open, run check-data, and
    repair-data if it found something (it must leave nothing); then state(app, client, *args).

    True when check-data found nothing, and what state returned.
    """

    def aftermath(app, client):
        end_abandoned_transactions()
        runner = app.test_cli_runner()
        found = runner.invoke(args=["check-data"])
        if found.exit_code:
            runner.invoke(args=["repair-data"])
            after = runner.invoke(args=["check-data"])
            assert after.exit_code == 0, f"repair-data left something:\n{after.output}\n(found before:\n{found.output})"
        return found.exit_code == 0, state(app, client, *args)

    return in_fresh_process(aftermath)


@pytest.fixture(scope="module")
def database():
    """A migrated database of this module's own, its name in the environment the forked apps read."""
    from database.migrations import migrate

    name = f"movie-bag-wire-integrity-{time.time_ns()}"
    saved = {key: os.environ.get(key) for key in app_environment(name)}
    os.environ.update(app_environment(name))
    try:
        in_fresh_process(lambda app, client: migrate())
        yield name
    finally:
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)


def make_movies(app, client, prefix, count):
    """count movies added by a fresh account: their ids."""
    headers = login(client, f"{prefix.replace(' ', '-')}-owner@example.com")
    return [client.post("/api/movies", json={**BODY, "name": f"{prefix} {n}"}, headers=headers).json["id"] for n in range(count)]


def scores_of(app, client, email, movie_ids):
    """{movie id: the account's stored score or None}, and every movie's rating as shown."""
    headers = login(client, email)
    scores = {}
    for movie_id in movie_ids:
        answer = client.get(f"/api/movies/{movie_id}/rating", headers=headers)
        scores[movie_id] = answer.json["score"] if answer.status_code == 200 else None
    return scores


# --- rate, change, take back ---------------------------------------------------------------------------------


def rate_all(app, client, report, email, movie_ids, action):
    """One account rates (action "rate"), re-rates ("change") or takes back ("take back") every movie in turn."""
    headers = login(client, email)
    if action != "rate":
        for movie_id in movie_ids:
            client.put(f"/api/movies/{movie_id}/rating", json={"score": 2}, headers=headers)
    report(("ready",))
    for movie_id in movie_ids:
        report(("sending", movie_id))
        if action == "take back":
            answer = client.delete(f"/api/movies/{movie_id}/rating", headers=headers)
            score = None
        else:
            score = random.randint(3, 10)
            answer = client.put(f"/api/movies/{movie_id}/rating", json={"score": score}, headers=headers)
        if answer.status_code in (200, 204):
            report(("answered", movie_id, score))


@pytest.mark.parametrize("action", ["rate", "change", "take back"])
def test_a_rating_killed_at_any_point_is_whole_or_repaired_and_never_lost(database, action):
    movie_ids = in_fresh_process(make_movies, f"Rated {action}", 8)
    deadline = time.monotonic() + OPERATION_SECONDS
    for attempt in range(KILLS):
        email = f"{action.replace(' ', '-')}-{attempt}@example.com"
        facts = killed_midway(rate_all, 0.3, email, movie_ids, action)
        _, stored = after_the_kill(scores_of, email, movie_ids)
        answered = {fact[1]: fact[2] for fact in facts if fact[0] == "answered"}
        in_flight = [fact[1] for fact in facts if fact[0] == "sending" and fact[1] not in answered]
        for movie_id, score in answered.items():
            assert stored[movie_id] == score, f"try {attempt}: an answered {action} was lost"
        for movie_id in movie_ids:
            if movie_id not in answered and movie_id not in in_flight:  # never sent: as before
                assert stored[movie_id] == (None if action == "rate" else 2)
        assert time.monotonic() < deadline, f"{action}: {attempt + 1} tries took longer than {OPERATION_SECONDS} s"
    ratings = in_fresh_process(lambda app, client: [client.get(f"/api/movies/{m}").json["rating"] for m in movie_ids])
    assert all(rating["count"] >= 0 for rating in ratings)


# --- deleting a movie ----------------------------------------------------------------------------------------


def busy_movie(app, client, name):
    """A movie with a poster, and a score, a review and a watchlist entry by two people: its id."""
    from PIL import Image

    owner = login(client, f"{name}-owner@example.com".replace(" ", "-"))
    movie_id = client.post("/api/movies", json={**BODY, "name": name}, headers=owner).json["id"]
    image = io.BytesIO()
    Image.new("RGB", (60, 90), "teal").save(image, "PNG")
    assert (
        client.put(f"/api/movies/{movie_id}/poster", data=image.getvalue(), headers={**owner, "Content-Type": "image/png"}).status_code
        == 200
    )
    for who in (owner, login(client, f"{name}-fan@example.com".replace(" ", "-"))):
        client.put(f"/api/movies/{movie_id}/rating", json={"score": 6}, headers=who)
        client.post(f"/api/movies/{movie_id}/reviews", json={"body": "Seen."}, headers=who)
        client.put(f"/api/me/watchlist/{movie_id}", headers=who)
    return movie_id


def movie_state(app, client, movie_id):
    """What anyone can see of a movie and its children, or None when it is gone."""
    from mongoengine.connection import get_db

    answer = client.get(f"/api/movies/{movie_id}")
    if answer.status_code == 404:
        key = ObjectId(movie_id)
        db = get_db()
        assert sum(db[name].count_documents({"movie": key}) for name in ("ratings", "reviews", "watchlist")) == 0
        assert db["posters.files"].count_documents({"metadata.movie_id": key}) == 0
        return None
    reviews = client.get(f"/api/movies/{movie_id}/reviews").headers["X-Total-Count"]
    poster = answer.json["poster_url"] and client.get(answer.json["poster_url"]).status_code
    return answer.json["rating"], reviews, poster, answer.headers["ETag"]


@pytest.mark.parametrize("if_match", ["stale", "fresh"])
def test_a_movie_deletion_killed_at_any_point_is_whole_or_repaired_and_a_412_changes_nothing(database, if_match):
    deadline = time.monotonic() + OPERATION_SECONDS
    for attempt in range(KILLS):
        # The owner's email is made from the movie's name, so the worker logs in as its owner.
        movie_id = in_fresh_process(lambda app, client, n=attempt: busy_movie(app, client, f"Deleted {if_match} {n}"))
        before = in_fresh_process(movie_state, movie_id)
        owner_email = f"Deleted {if_match} {attempt}-owner@example.com".replace(" ", "-")
        facts = killed_midway(delete_by, 0.15, movie_id, if_match, owner_email)
        clean, after = after_the_kill(movie_state, movie_id)
        statuses = [fact[1] for fact in facts if fact[0] == "answered"]
        if if_match == "stale":
            assert set(statuses) <= {412} and clean, f"try {attempt}: {statuses}, check-data found something"
            assert after == before, f"try {attempt}: a refused delete changed the movie"
        elif 204 in statuses:
            assert after is None, f"try {attempt}: an answered delete was lost"
        else:
            assert after in (None, before)
        assert time.monotonic() < deadline


def delete_by(app, client, report, movie_id, if_match, owner_email):
    """The movie's owner deletes it: with a stale If-Match again and again, or once with its own ETag."""
    owner = login(client, owner_email)
    report(("ready",))
    while True:
        etag = client.get(f"/api/movies/{movie_id}").headers.get("ETag") if if_match == "fresh" else '"stale"'
        answer = client.delete(f"/api/movies/{movie_id}", headers={**owner, "If-Match": etag or '"gone"'})
        report(("answered", answer.status_code))
        if if_match == "fresh":
            return


# --- a review posted while its movie is deleted --------------------------------------------------------------


def review_while_deleting(app, client, report, movie_id, owner_email, fans):
    """Fans post reviews while the owner deletes the movie, on two threads of one app."""
    owner = login(client, owner_email)
    headers = [login(client, email) for email in fans]
    report(("ready",))

    def post_reviews():
        for who in headers:
            answer = app.test_client().post(f"/api/movies/{movie_id}/reviews", json={"body": "Racing."}, headers=who)
            if answer.status_code == 201:
                report(("review", answer.json["id"]))

    poster = threading.Thread(target=post_reviews)
    poster.start()
    time.sleep(random.uniform(0, 0.05))
    if app.test_client().delete(f"/api/movies/{movie_id}", headers=owner).status_code == 204:
        report(("deleted",))
    poster.join()


def reviews_that_exist(app, client, review_ids):
    """Those of the review ids that are stored."""
    from database.reviews import Review

    return [review_id for review_id in review_ids if Review.read(review_id) is not None]


def test_reviews_posted_while_their_movie_is_deleted_never_outlive_it(database):
    deadline = time.monotonic() + OPERATION_SECONDS
    fans = [f"racing-fan-{n}@example.com" for n in range(4)]
    for attempt in range(KILLS):
        owner_email = f"racing-owner-{attempt}@example.com"
        movie_id = in_fresh_process(
            lambda app, client, n=attempt, email=owner_email: client.post(
                "/api/movies", json={**BODY, "name": f"Racing {n}"}, headers=login(client, email)
            ).json["id"]
        )
        facts = killed_midway(review_while_deleting, 0.3, movie_id, owner_email, fans)
        answered = [fact[1] for fact in facts if fact[0] == "review"]
        # A gone movie has no child left (movie_state asserts it); the answered reviews of one still there stay.
        _, (state, stored) = after_the_kill(
            lambda app, client, m=movie_id, r=answered: (movie_state(app, client, m), reviews_that_exist(app, client, r))
        )
        if state is not None:
            assert stored == answered, f"try {attempt}: an answered review was lost"
        if ("deleted",) in facts:
            assert state is None, f"try {attempt}: an answered delete was lost"
        assert time.monotonic() < deadline


# --- deleting an account with 500 ratings --------------------------------------------------------------------


def heavy_accounts(app, client, emails, movie_ids, steady):
    """Accounts with a score of 5 on every movie, written in bulk, each movie's rating counted: the steady
    rater's (when steady), whose 5 is always there, or heavy ones beside it. The accounts' ids."""
    from mongoengine.connection import get_db

    user_ids = [client.get("/api/auth/me", headers=login(client, email)).json["id"] for email in emails]
    db, keys = get_db(), [ObjectId(movie_id) for movie_id in movie_ids]
    db.ratings.insert_many([{"user": ObjectId(user_id), "movie": key, "score": 5} for user_id in user_ids for key in keys])
    count = len(user_ids) + (0 if steady else 1)
    db.movies.update_many(
        {"_id": {"$in": keys}}, {"$set": {"rating_sum": 5 * count, "rating_count": count, "rating_average": 5.0, "rated": True}}
    )
    return user_ids


def delete_account(app, client, report, email, user_id):
    """The account deletes itself; the answer is reported."""
    headers = login(client, email)
    report(("ready",))
    report(("answered", client.delete(f"/api/users/{user_id}", headers=headers).status_code))


def account_state(app, client, email, movie_ids):
    """Whether the account still logs in, and the set of every movie's rating."""
    logs_in = client.post("/api/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
    from database.movies import Movie

    rows = Movie.rows_by_id([ObjectId(movie_id) for movie_id in movie_ids])
    return logs_in, {(row["rating_count"], row["rating_sum"], row["rating_average"]) for row in rows.values()}


def test_an_account_with_500_ratings_deleted_and_killed_at_any_point_is_removed_whole(database):
    movie_ids = in_fresh_process(lambda app, client: insert_movies(500))
    in_fresh_process(heavy_accounts, ["steady@example.com"], movie_ids, True)
    deadline = time.monotonic() + 2 * OPERATION_SECONDS
    for attempt in range(KILLS):
        if attempt % HEAVY_AT_ONCE == 0:  # a few heavy accounts at a time: check-data reads every score each time
            emails = [f"heavy-{attempt + n}@example.com" for n in range(HEAVY_AT_ONCE)]
            user_ids = in_fresh_process(heavy_accounts, emails, movie_ids, False)
        email, user_id = emails[attempt % HEAVY_AT_ONCE], user_ids[attempt % HEAVY_AT_ONCE]
        # Every movie counts the steady rater and the heavy accounts not yet deleted, nothing else.
        before = HEAVY_AT_ONCE - attempt % HEAVY_AT_ONCE + 1
        facts = killed_midway(delete_account, 3.0, email, user_id)
        _, (logs_in, ratings) = after_the_kill(account_state, email, movie_ids)  # repair-data finishes a stopped purge
        statuses = [fact[1] for fact in facts if fact[0] == "answered"]
        if statuses:
            assert statuses[0] in (202, 204) and not logs_in, f"try {attempt}: an answered delete was lost"
        if logs_in:  # killed before it was closed: nothing changed; it goes now, so each try starts alike
            assert ratings == {(before, 5 * before, 5.0)}, f"try {attempt}: {ratings}"
            ratings = in_fresh_process(remove_account, user_id, movie_ids)
        assert ratings == {(before - 1, 5 * (before - 1), 5.0)}, f"try {attempt}: the ratings do not add up: {ratings}"
        assert time.monotonic() < deadline


def remove_account(app, client, user_id, movie_ids):
    """Close and purge an account, all of it now: then every movie's rating (as account_state)."""
    from database.accounts import User

    User.close(ObjectId(user_id))
    assert User.purge(ObjectId(user_id))
    return account_state(app, client, "nobody@example.com", movie_ids)[1]


def insert_movies(count):
    """count movies written in bulk, owned by an account made for them: their ids."""
    from datetime import datetime

    from mongoengine.connection import get_db

    from database.common import utcnow
    from database.movies import Movie

    db, owner = get_db(), ObjectId()
    db.users.insert_one(
        {"_id": owner, "email": "bulk-owner@example.com", "password_hash": "x", "is_admin": False, "created_at": datetime(2020, 1, 1)}
    )
    rows = []
    for n in range(count):
        fields = {"name": f"Bulk {n}", "casts": ["A"], "genres": ["Drama"], "directors": []}
        row = {**Movie.STORED_DEFAULTS, **fields, **Movie.derive(fields), "_id": ObjectId(), "added_by": owner, "version": 1}
        row.update(created_at=utcnow(), updated_at=utcnow())
        row.pop("imdb_id"), row.pop("tmdb_id")
        rows.append(row)
    db.movies.insert_many(rows)
    return [str(row["_id"]) for row in rows]


# --- what each write asks of the database --------------------------------------------------------------------


class Commands(monitoring.CommandListener):
    """Every command's name, collection, write concern and read preference."""

    def __init__(self):
        self.seen = []

    def started(self, event):
        command = event.command
        collection = command.get(event.command_name) if isinstance(command.get(event.command_name), str) else None
        self.seen.append(
            {
                "name": event.command_name,
                "collection": collection,
                "write_concern": command.get("writeConcern"),
                "read_preference": command.get("$readPreference"),
                "in_transaction": command.get("autocommit") is False,
            }
        )

    def succeeded(self, event):
        """Nothing to record."""

    def failed(self, event):
        """Nothing to record."""


WRITES = {"insert", "update", "delete", "findAndModify", "commitTransaction"}
READS = {"find", "aggregate", "count"}
ACCOUNT_COLLECTIONS = {"users", "sessions", "password_resets"}


def test_every_named_write_is_majority_and_every_account_check_reads_the_primary(database):
    """With readPreference=secondaryPreferred in MONGODB_URI, as someone "scaling reads" would add it."""
    parts = urllib.parse.urlsplit(wire_database_uri(database))
    hello = in_fresh_process(lambda app, client: __import__("mongoengine").connection.get_db().command("hello"))
    set_name = hello.get("setName")
    assert set_name, "the wire tier's server is a replica set member"
    uri = urllib.parse.urlunsplit(parts._replace(query=f"replicaSet={set_name}&readPreference=secondaryPreferred"))

    def named_operations(app, client):
        commands = Commands()
        monitoring.register(commands)
        from app import create_app

        scaled = create_app("production", prepare_database=False, BCRYPT_LOG_ROUNDS=4, RATELIMIT_ENABLED=False, MONGODB_URI=uri)
        client = scaled.test_client()
        with scaled.app_context():
            body = {"email": "durable@example.com", "password": PASSWORD}
            steps = {}

            def step(name, call):
                start = len(commands.seen)
                answer = call()
                steps[name] = (answer.status_code, commands.seen[start:])
                return answer

            step("signup", lambda: client.post("/api/auth/signup", json=body))
            token = step("login", lambda: client.post("/api/auth/login", json=body)).json["access_token"]
            me = {"Authorization": f"Bearer {token}"}
            step("session check", lambda: client.get("/api/auth/me", headers=me))
            movie = step("create a movie", lambda: client.post("/api/movies", json={**BODY, "name": "Durable"}, headers=me)).json
            step("rate", lambda: client.put(f"/api/movies/{movie['id']}/rating", json={"score": 7}, headers=me))
            step("review", lambda: client.post(f"/api/movies/{movie['id']}/reviews", json={"body": "Kept."}, headers=me))
            step("change a movie", lambda: client.patch(f"/api/movies/{movie['id']}", json={"year": 1999}, headers=me))
            step("list the catalogue", lambda: client.get("/api/movies"))
            step("delete a movie", lambda: client.delete(f"/api/movies/{movie['id']}", headers=me))
            new_password = {"current_password": PASSWORD, "new_password": "another-wire-password"}
            step("change the password", lambda: client.put("/api/auth/password", json=new_password, headers=me))
            token = client.post("/api/auth/login", json={**body, "password": "another-wire-password"}).json["access_token"]
            step("log out", lambda: client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"}))
        mongoengine.disconnect()
        return steps

    steps = in_fresh_process(named_operations)
    for name, (status, commands) in steps.items():
        assert status < 400, f"{name}: {status}"
        for command in commands:
            if command["name"] in WRITES and not command["in_transaction"]:
                assert command["write_concern"] == {"w": "majority"}, f"{name}: {command}"
            if command["name"] in READS and command["collection"] in ACCOUNT_COLLECTIONS:
                assert command["read_preference"] in (None, {"mode": "primary"}), f"{name}: {command}"
    assert any(c["name"] == "commitTransaction" for c in steps["rate"][1]), "a score and its movie's rating are one transaction"
    # The URI's preference does reach the public catalogue's list (so the checks above could fail).
    listed = [c for c in steps["list the catalogue"][1] if c["name"] in READS and c["collection"] == "movies"]
    assert listed and all(c["read_preference"] == {"mode": "secondaryPreferred"} for c in listed), listed


# --- 32 people rating one movie while every worker is restarted --------------------------------------------


def workers_of(master):
    """The pids of a gunicorn master's workers."""
    with open(f"/proc/{master}/task/{master}/children") as children:
        return [int(pid) for pid in children.read().split()]


def test_thirty_two_people_rating_one_movie_across_a_restart_of_every_worker_leave_an_exact_rating():
    """gunicorn's restart (SIGHUP): new workers start, the old ones finish what they hold and stop. (A worker
    killed mid-transaction is a crash: the fault-injection tests above.)"""
    env = {"RATELIMIT_ENABLED": "0", "MONGODB_TIMEOUT_MS": "30000"}
    with live_server(env=env) as base:

        def signup(n):
            body = {"email": f"restart-rater{n}@example.com", "password": PASSWORD}
            requests.post(f"{base}/api/auth/signup", json=body, timeout=60)
            return requests.post(f"{base}/api/auth/login", json=body, timeout=60).json()["access_token"]

        tokens = [signup(n) for n in range(32)]
        movie = requests.post(
            f"{base}/api/movies", json={**BODY, "name": "Restarted"}, headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=60
        ).json()
        ledger, start, halfway = {}, threading.Barrier(33), threading.Barrier(33)

        def until_answered(method, path, **kwargs):
            """As a client does when a connection drops: send the same (idempotent) request again."""
            for _ in range(30):
                try:
                    answer = requests.request(method, f"{base}{path}", timeout=60, **kwargs)
                except (requests.ConnectionError, requests.Timeout):
                    time.sleep(0.5)
                    continue
                if answer.status_code < 500:
                    return answer
                time.sleep(int(answer.headers.get("Retry-After", "1")))
            raise AssertionError(f"{method} {path} was never answered")

        def rate(n):
            headers = {"Authorization": f"Bearer {tokens[n]}"}
            start.wait()
            for round_number in range(6):
                if round_number == 3:
                    halfway.wait()
                score = (n * 7 + round_number) % 10 + 1
                if round_number == 4 and n % 3 == 0:
                    assert until_answered("DELETE", f"/api/movies/{movie['id']}/rating", headers=headers).status_code == 204
                    ledger.pop(n, None)
                    continue
                assert until_answered("PUT", f"/api/movies/{movie['id']}/rating", json={"score": score}, headers=headers).status_code == 200
                ledger[n] = score

        threads = [threading.Thread(target=rate, args=(n,)) for n in range(32)]
        for thread in threads:
            thread.start()
        start.wait()
        halfway.wait()
        time.sleep(random.uniform(0.05, 0.3))  # the second half's first requests are in flight
        old = workers_of(base.pid)
        os.kill(base.pid, signal.SIGHUP)  # every worker replaced, mid-request, as a deploy does
        for thread in threads:
            thread.join()
        for _ in range(60):  # the old workers stop once they have answered what they held
            if not set(old) & set(workers_of(base.pid)):
                break
            time.sleep(0.5)
        assert old and not set(old) & set(workers_of(base.pid)), "the old workers did not stop"
        rating = requests.get(f"{base}/api/movies/{movie['id']}", timeout=60).json()["rating"]
        stored = []
        for token in tokens:
            answer = requests.get(f"{base}/api/movies/{movie['id']}/rating", headers={"Authorization": f"Bearer {token}"}, timeout=60)
            if answer.status_code == 200:
                stored.append(answer.json()["score"])
    assert sorted(stored) == sorted(ledger.values())
    assert rating == {"average": round(sum(stored) / len(stored), 1), "count": len(stored)}
