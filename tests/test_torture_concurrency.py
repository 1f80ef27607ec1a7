"""Torture: 32 clients at once against gunicorn on loopback, then a ledger checked against the database.

Each client signs up, logs in, creates, patches and deletes its own movies, reads, and attacks the
movies of the others. Every acknowledged write goes into a ledger; at the end the catalogue must be
exactly the ledger, every attack must have been a 403, and no answer may have been a 5xx.
The run is bounded by time and by a count of operations per client, and stops by itself.
"""

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.live_server import live_server

pytestmark = pytest.mark.live

CLIENTS = 32
SECONDS = 8
MAX_OPERATIONS = 300
PASSWORD = "torture-password"
# Load tests switch rate limiting off: 32 clients on one address would otherwise be throttled.
SERVER_ENV = {"RATELIMIT_ENABLED": "0"}


class Torturer:
    """One client: its own account, its own movies, its ledger of acknowledged writes."""

    def __init__(self, base, number, sentinels, statuses):
        self.base, self.number = base, number
        self.session = requests.Session()
        self.rng = random.Random(number)
        self.sentinels, self.statuses = sentinels, statuses
        self.ledger, self.deleted, self.attacks = {}, set(), []
        self.created = 0

    def call(self, method, path, **kwargs):
        """One request; every status is counted for the 5xx check."""
        response = self.session.request(method, f"{self.base}{path}", timeout=30, **kwargs)
        self.statuses[response.status_code] += 1
        return response

    def hashing_call(self, path, body):
        """A request that hashes a password, sent as the web client sends it: after a 503 (every hashing
        turn taken: 32 logins at once are meant to get some), again once Retry-After has passed."""
        for _ in range(30):
            response = self.session.post(f"{self.base}{path}", json=body, timeout=30)
            if response.status_code != 503 or "Retry-After" not in response.headers:
                self.statuses[response.status_code] += 1
                return response
            time.sleep(int(response.headers["Retry-After"]) + self.rng.random())
        raise AssertionError(f"{path} stayed busy")

    def signup_and_login(self, email):
        """A new account, and Bearer headers for it."""
        assert self.hashing_call("/api/auth/signup", {"email": email, "password": PASSWORD}).status_code == 201
        response = self.hashing_call("/api/auth/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 200
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    def create(self, ledger=True):
        """Add a movie; the ledger records it once the server acknowledges it."""
        self.created += 1
        body = {"name": f"client {self.number} movie {self.created}", "casts": ["A"], "genres": ["Drama"]}
        response = self.call("POST", "/api/movies", json=body, headers=self.headers)
        assert response.status_code == 201, response.text
        movie = response.json()
        if ledger:
            self.ledger[movie["id"]] = movie
        return movie

    def patch(self):
        """Change the genres of one of our movies."""
        movie_id = self.rng.choice(list(self.ledger))
        genres = [self.rng.choice(["Drama", "Crime", "War", "Comedy"]), f"tag {self.rng.randint(1, 999)}"]
        response = self.call("PATCH", f"/api/movies/{movie_id}", json={"genres": genres}, headers=self.headers)
        assert response.status_code == 200, response.text
        self.ledger[movie_id] = response.json()

    def delete(self):
        """Remove one of our movies."""
        movie_id = self.rng.choice(list(self.ledger))
        response = self.call("DELETE", f"/api/movies/{movie_id}", headers=self.headers)
        assert response.status_code == 204, response.text
        del self.ledger[movie_id]
        self.deleted.add(movie_id)

    def read(self):
        """Read one of our movies (it must be as we left it) or a page of the catalogue."""
        if self.ledger and self.rng.random() < 0.5:
            movie_id = self.rng.choice(list(self.ledger))
            response = self.call("GET", f"/api/movies/{movie_id}")
            assert response.status_code == 200
            assert response.json() == self.ledger[movie_id]
        else:
            response = self.call("GET", "/api/movies", params={"page": self.rng.randint(1, 5), "per_page": 20})
            assert response.status_code == 200

    def attack(self):
        """Try to change or remove another client's movie."""
        victim = self.rng.choice([n for n in self.sentinels if n != self.number])
        movie_id = self.sentinels[victim]["id"]
        method = self.rng.choice(["PATCH", "PUT", "DELETE"])
        body = {"name": f"stolen by {self.number}", "casts": ["X"], "genres": ["X"]}
        response = self.call(method, f"/api/movies/{movie_id}", json=body, headers=self.headers)
        self.attacks.append((method, movie_id, response.status_code))

    def relogin(self):
        """Log in again, as a returning user does."""
        response = self.call("POST", "/api/auth/login", json={"email": self.email, "password": PASSWORD})
        assert response.status_code == 200
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    def run(self, start, deadline):
        """Mixed operations until the deadline or the operation budget runs out."""
        start.wait()
        for _ in range(MAX_OPERATIONS):
            if time.monotonic() > deadline:
                break
            roll = self.rng.random()
            if roll < 0.3 or not self.ledger:
                self.create()
            elif roll < 0.45:
                self.patch()
            elif roll < 0.55:
                self.delete()
            elif roll < 0.8:
                self.read()
            elif roll < 0.95:
                self.attack()
            else:
                self.relogin()


def catalogue(base):
    """Every movie the server holds, page by page."""
    movies, page = {}, 1
    while True:
        response = requests.get(f"{base}/api/movies", params={"page": page, "per_page": 100, "sort": "name"}, timeout=30)
        assert response.status_code == 200
        movies.update((movie["id"], movie) for movie in response.json())
        if 'rel="next"' not in response.headers["Link"]:
            return movies
        page += 1


def test_thirty_two_clients_lose_nothing_and_steal_nothing():
    statuses = Counter()
    with live_server(env=SERVER_ENV) as base:
        sentinels = {}
        clients = [Torturer(base, number, sentinels, statuses) for number in range(CLIENTS)]
        for client in clients:
            # Each client's first movie is never changed by its owner: only attacked, so always a 403.
            client.email = f"torturer{client.number}@example.com"
            client.signup_and_login(client.email)
            sentinels[client.number] = client.create(ledger=False)
        start = threading.Barrier(CLIENTS)
        deadline = time.monotonic() + SECONDS
        with ThreadPoolExecutor(CLIENTS) as pool:
            for future in [pool.submit(client.run, start, deadline) for client in clients]:
                future.result()

        expected = {movie["id"]: movie for movie in sentinels.values()}
        for client in clients:
            expected.update(client.ledger)
        assert catalogue(base) == expected
        for client in clients:
            for movie_id in client.deleted:
                assert requests.get(f"{base}/api/movies/{movie_id}", timeout=30).status_code == 404

    attacks = [attack for client in clients for attack in client.attacks]
    assert attacks, "no client attacked anyone"
    assert [attack for attack in attacks if attack[2] != 403] == []
    assert sum(len(client.deleted) for client in clients) > 0
    assert sum(count for status, count in statuses.items() if status >= 500) == 0, statuses


def test_sixteen_simultaneous_creates_of_one_name_make_one_movie():
    with live_server(env=SERVER_ENV) as base:
        requests.post(f"{base}/api/auth/signup", json={"email": "racer@example.com", "password": PASSWORD}, timeout=30)
        token = requests.post(f"{base}/api/auth/login", json={"email": "racer@example.com", "password": PASSWORD}, timeout=30).json()[
            "access_token"
        ]
        sessions = [requests.Session() for _ in range(16)]
        for session in sessions:
            session.headers["Authorization"] = f"Bearer {token}"
            session.get(f"{base}/api/health", timeout=30)  # connected before the race starts
        for round_number in range(5):
            start = threading.Barrier(16)
            body = {"name": f"The Race {round_number}", "casts": ["A"], "genres": ["Drama"]}

            def create(session, body=body, start=start):
                start.wait()
                return session.post(f"{base}/api/movies", json=body, timeout=30).status_code

            with ThreadPoolExecutor(16) as pool:
                results = sorted(pool.map(create, sessions))
            assert results == [201] + [409] * 15
            found = requests.get(f"{base}/api/movies", params={"q": body["name"]}, timeout=30)
            assert [movie["name"] for movie in found.json()] == [body["name"]]
