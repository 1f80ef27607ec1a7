"""Poster images in MongoDB's GridFS (collection `posters`): an original and a thumbnail per movie.

Each file's metadata names its movie, so that a movie's files can be found and deleted whatever
happened to the movie document meanwhile: no chunk outlives its movie.
"""

import hashlib

import gridfs
from mongoengine.connection import get_db

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


def delete_files(movie_id):
    """Delete every stored image of the movie (it is gone)."""
    bucket = _bucket()
    for row in get_db()[f"{BUCKET}.files"].find({"metadata.movie_id": movie_id}, {"_id": 1}):
        bucket.delete(row["_id"])
