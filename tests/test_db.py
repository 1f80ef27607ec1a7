"""The embedded database: what mongomock leaves to the application."""

import sys
import threading

import pytest
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from database.movies import Movie


@pytest.fixture
def eager_thread_switching():
    """Switch threads as often as the interpreter can, so races show up in a few rounds."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def test_embedded_store_keeps_exactly_one_of_sixteen_simultaneous_duplicates(app, make_user, eager_thread_switching):
    owner = make_user().id
    collection = Movie._get_collection()
    # A catalogue to scan makes the unique-index check slow enough for threads to overlap.
    collection.insert_many(
        [{"name": f"Movie {n}", "name_key": f"movie {n}", "casts": ["A"], "genres": ["B"], "added_by": owner} for n in range(300)]
    )
    outcomes = []
    for round_number in range(60):
        start, created = threading.Barrier(16), []

        def insert(name=f"Race {round_number}", start=start, created=created):
            start.wait()
            try:
                collection.insert_one({"name": name, "name_key": name.lower(), "casts": ["A"], "genres": ["B"], "added_by": owner})
                created.append(name)
            except DuplicateKeyError:
                pass

        threads = [threading.Thread(target=insert) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcomes.append((len(created), collection.count_documents({"name": f"Race {round_number}"})))
    assert outcomes == [(1, 1)] * 60


QUERIES = {
    "its id": (lambda movie_id: {"_id": movie_id}, True),
    "its id and version": (lambda movie_id: {"_id": movie_id, "version": 1}, True),
    "its id and a stale version": (lambda movie_id: {"_id": movie_id, "version": 2}, False),
    "an unknown id": (lambda movie_id: {"_id": ObjectId()}, False),
    "an operator on its id": (lambda movie_id: {"_id": {"$in": [movie_id]}}, True),
    "its name": (lambda movie_id: {"name": "Heat"}, True),
}


@pytest.mark.parametrize(("query", "found"), QUERIES.values(), ids=QUERIES.keys())
def test_embedded_store_finds_by_id_exactly_as_a_scan_would(app, make_movie, query, found):
    movie = make_movie(name="Heat")
    make_movie(name="Ronin")
    documents = list(Movie._get_collection().find(query(movie.id)))
    assert [document["_id"] for document in documents] == ([movie.id] if found else [])
