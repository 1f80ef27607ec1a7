"""Poster images in MongoDB's GridFS (collection `posters`): an original and a thumbnail per movie.

Each file's metadata names its movie, so that a movie's files can be found and deleted whatever
happened to the movie document meanwhile: no chunk outlives its movie.
"""

import hashlib

import gridfs
from mongoengine.connection import get_db

from database.common import durable

BUCKET = "posters"


def _bucket():
    """The GridFS collection of the current database."""
    return gridfs.GridFS(get_db(), collection=BUCKET)


def store(movie_id, original, thumb, content_type):
    """Store a movie's poster (both sizes, already encoded); the dict its movie keeps."""
    bucket = _bucket()
    meta = {"movie_id": movie_id}
    original_id = bucket.put(original, content_type=content_type, metadata={**meta, "size": "full"})
    thumb_id = bucket.put(thumb, content_type=content_type, metadata={**meta, "size": "thumb"})
    return {
        "original": original_id,
        "thumb": thumb_id,
        "content_type": content_type,
        "etag": hashlib.sha256(original).hexdigest()[:32],
    }


def read(file_id):
    """The bytes of one stored image, or None when it is gone."""
    try:
        return _bucket().get(file_id).read()
    except gridfs.NoFile:
        return None


def discard(poster):
    """Delete the files of a poster no movie points at."""
    bucket = _bucket()
    bucket.delete(poster["original"])
    bucket.delete(poster["thumb"])


def delete_files(movie_ids, session=None):
    """Delete every stored image of these movies (in the session's transaction, if any).

    The file documents go first, their chunks after, as GridFS itself deletes: a crash between leaves
    chunks no file names, which `flask repair-data` removes (database/repair.py).
    """
    database = get_db()
    files = durable(database[f"{BUCKET}.files"])
    found = [row["_id"] for row in files.find({"metadata.movie_id": {"$in": list(movie_ids)}}, {"_id": 1}, session=session)]
    if found:
        files.delete_many({"_id": {"$in": found}}, session=session)
        durable(database[f"{BUCKET}.chunks"]).delete_many({"files_id": {"$in": found}}, session=session)
