"""The ceiling: bare Flask views that make the app's database calls and answer the same bytes.

No auth, no validation, no marshmallow, no flask-restful, no MongoEngine documents: pymongo and a
hand-written dict. A catalogue list is planned and read by the app's own query functions
(database/movies.py `page`, database/paging.py), so its filters, sorts, cursor keyset and capped count are
the app's by construction; its cursor is signed and read with the app's key, without the app's checks. It
runs under the same gunicorn.conf.py as the app (`gunicorn ... bench.ceiling:app`), on the same database
(bench/run.py), so the difference between the two is what the app's layers cost.
"""

import hashlib
import json
from datetime import UTC

import bcrypt
import gridfs
from bson import ObjectId
from flask import Flask, Response, request
from itsdangerous import URLSafeSerializer
from mongoengine.connection import get_db
from pymongo import ReturnDocument

from config import load_config
from database import paging
from database.common import utcnow
from database.db import init_db
from database.migrations import migrate
from database.movies import LIST_FILTERS, UNIQUE_FILTERS, Movie
from database.movies import page as catalogue_page
from resources.images import poster_versions

# The ceiling authenticates no one: every movie it creates belongs to this one, and a rating or review
# belongs to the user whose id is the bearer token (the bench's loader sends the ids it got at signup).
OWNER = ObjectId("000000000000000000000001")
PUBLIC_URL = ""  # set from the config in create_ceiling
MOVIE_DEFAULTS = {field: value for field, value in Movie.STORED_DEFAULTS.items() if field not in UNIQUE_FILTERS}
# A login answer as long as the app's (two HS256 JWTs of about this size), the user's id at the end.
TOKEN_LENGTH = 348


def login_body(user_id):
    """The ceiling's tokens: padding, then the id of the user they stand for."""
    token = str(user_id).rjust(TOKEN_LENGTH, "x")
    return json.dumps({"access_token": token, "refresh_token": token, "token_type": "Bearer", "expires_in": 900}).encode() + b"\n"


def iso(value):
    """A naive UTC datetime as the app writes it."""
    return value.replace(tzinfo=UTC).isoformat()


def movie_dict(doc):
    """A raw movie document in the app's field order, with the app's defaults and derived fields."""
    count, poster = doc.get("rating_count", 0), doc.get("poster")
    return {
        "id": str(doc["_id"]),
        "name": doc["name"],
        "casts": doc["casts"],
        "genres": doc["genres"],
        "year": doc.get("year"),
        "runtime_minutes": doc.get("runtime_minutes"),
        "directors": doc.get("directors", []),
        "overview": doc.get("overview", ""),
        "poster_url": f"{PUBLIC_URL}/api/movies/{doc['_id']}/poster?v={poster['etag']}" if poster else None,
        "imdb_id": doc.get("imdb_id"),
        "tmdb_id": doc.get("tmdb_id"),
        "rating": {"average": round(doc["rating_sum"] / count, 1) if count else None, "count": count},
        "added_by": str(doc["added_by"]),
        "created_at": iso(doc["created_at"]),
        "updated_at": iso(doc["updated_at"]),
    }


def review_dict(doc, names):
    """A raw review document as the app answers it, its author's public name from names."""
    author = doc["author"]
    return {
        "id": str(doc["_id"]),
        "movie_id": str(doc["movie"]),
        "author": {"id": str(author), "display_name": names.get(author) or f"user-{str(author)[-6:]}"},
        "body": doc["body"],
        "created_at": iso(doc["created_at"]),
        "updated_at": iso(doc["updated_at"]),
    }


def respond(payload, status=200, headers=None):
    """JSON as flask-restful writes it (no ASCII escaping, a trailing newline)."""
    body = json.dumps(payload, ensure_ascii=False).encode() + b"\n"
    return Response(body, status, headers, mimetype="application/json")


def create_ceiling():
    """The bare app, connected exactly as the real one is (embedded DB or MONGODB_URI)."""
    global PUBLIC_URL
    app = Flask(__name__)
    app.config.from_mapping(load_config())
    PUBLIC_URL = app.config["PUBLIC_URL"]
    init_db(app)
    rounds = app.config["BCRYPT_LOG_ROUNDS"]
    with app.app_context():
        # The same indexes as the app's, so both databases answer the same queries alike.
        migrate()
    db = get_db()
    movies, users, ratings, reviews = db["movies"], db["users"], db["ratings"], db["reviews"]
    bucket = gridfs.GridFS(db, collection="posters")

    @app.get("/api/health")
    def health():
        db.command("ping")
        return respond({"status": "ok"})

    @app.post("/api/auth/signup")
    def signup():
        body = request.get_json()
        password_hash = bcrypt.hashpw(body["password"].encode(), bcrypt.gensalt(rounds)).decode()
        user_id = users.insert_one(
            {"email": body["email"], "password_hash": password_hash, "is_admin": False, "created_at": utcnow()}
        ).inserted_id
        return respond({"id": str(user_id)}, 201)

    def caller():
        """The user the loader says it is (its id as the bearer token)."""
        return ObjectId(request.headers["Authorization"].removeprefix("Bearer ")[-24:])

    @app.post("/api/auth/login")
    def login():
        body = request.get_json()
        user = users.find_one({"email": body["email"]})
        if user is None or not bcrypt.checkpw(body["password"].encode(), user["password_hash"].encode()):
            return respond({"message": "Invalid email or password.", "status": 401}, 401)
        return Response(login_body(user["_id"]), 200, mimetype="application/json")

    cursors = URLSafeSerializer(app.config["JWT_SECRET_KEY"], salt="movie-bag list cursor")

    @app.get("/api/movies")
    def list_movies():
        args = request.args
        per_page = int(args.get("per_page", 20))
        criteria = {name: args.getlist(name) for name in LIST_FILTERS if name in args}
        criteria.update({name: args[name] for name in ("q", "sort") if name in args})
        position = paging.decode(cursors.loads(args["cursor"])[1]) if "cursor" in args else None
        found = catalogue_page(per_page, position, None if position else int(args.get("page", 1)), **criteria)
        exact = found.total is not None
        headers = {"X-Total-Count": str(found.total)} if exact else {"X-Total-Count-Exceeds": str(paging.COUNT_LIMIT)}
        if found.next_position is not None:
            cursor = cursors.dumps(["list", paging.encode(found.next_position)])
            headers["Link"] = f'<{PUBLIC_URL}/api/movies?cursor={cursor}&per_page={per_page}>; rel="next"'
        return respond([movie_dict(doc) for doc in found.rows], 200, headers)

    @app.post("/api/movies")
    def create_movie():
        body = request.get_json()
        now = utcnow()
        doc = {**MOVIE_DEFAULTS, **body, "added_by": OWNER, "created_at": now, "updated_at": now, "version": 1}
        doc.update(Movie.derive(doc))
        movies.insert_one(doc)
        return respond(movie_dict(doc), 201, {"Location": f"/api/movies/{doc['_id']}"})

    @app.get("/api/movies/<movie_id>")
    def get_movie(movie_id):
        doc = movies.find_one({"_id": ObjectId(movie_id)})
        return respond(movie_dict(doc), 200, {"ETag": f'"{movie_id}-{doc["version"]}"'})

    @app.patch("/api/movies/<movie_id>")
    def patch_movie(movie_id):
        # As the app writes: read the row, derive from it and the changes, one update conditional on its version.
        key = ObjectId(movie_id)
        current = movies.find_one({"_id": key})
        doc = {**current, **request.get_json()}
        doc.update(Movie.derive(doc), updated_at=utcnow(), version=current["version"] + 1)
        changed = {field: value for field, value in doc.items() if field != "_id" and current.get(field) != value}
        movies.update_one({"_id": key, "version": current["version"]}, {"$set": changed})
        return respond(movie_dict(doc), 200, {"ETag": f'"{movie_id}-{doc["version"]}"'})

    # --- the catalogue's second tier: loaded through these, measured on the GETs below ---------------

    @app.put("/api/movies/<movie_id>/rating")
    def rate(movie_id):
        score, key = request.get_json()["score"], ObjectId(movie_id)
        ratings.insert_one({"user": caller(), "movie": key, "score": score, "updated_at": utcnow()})
        after = movies.find_one_and_update(
            {"_id": key}, {"$inc": {"rating_sum": score, "rating_count": 1}}, return_document=ReturnDocument.AFTER
        )
        average = round(after["rating_sum"] / after["rating_count"], 1)
        movies.update_one({"_id": key}, {"$set": {"rating_average": average, "rated": True}})
        return respond({"score": score})

    @app.post("/api/movies/<movie_id>/reviews")
    def review(movie_id):
        now = utcnow()
        doc = {
            "movie": ObjectId(movie_id),
            "author": caller(),
            "body": request.get_json()["body"],
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        reviews.insert_one(doc)
        return respond(review_dict(doc, {}), 201)

    @app.get("/api/movies/<movie_id>/reviews")
    def list_reviews(movie_id):
        page, per_page = int(request.args.get("page", 1)), int(request.args.get("per_page", 20))
        key = ObjectId(movie_id)
        movies.find_one({"_id": key}, {"_id": 1})
        query = {"movie": key}
        total = reviews.count_documents(query)
        rows = list(reviews.find(query).sort([("created_at", -1), ("_id", -1)]).skip((page - 1) * per_page).limit(per_page))
        names = {
            row["_id"]: row.get("display_name")
            for row in users.find({"_id": {"$in": list({r["author"] for r in rows})}}, {"display_name": 1})
        }
        return respond([review_dict(row, names) for row in rows], 200, {"X-Total-Count": str(total)})

    @app.put("/api/movies/<movie_id>/poster")
    def put_poster(movie_id):
        full, thumb = poster_versions(request.get_data(), request.mimetype)
        key = ObjectId(movie_id)
        poster = {
            "original": bucket.put(full, content_type=request.mimetype, metadata={"movie_id": key, "size": "full"}),
            "thumb": bucket.put(thumb, content_type=request.mimetype, metadata={"movie_id": key, "size": "thumb"}),
            "content_type": request.mimetype,
            "etag": hashlib.sha256(full).hexdigest()[:32],
        }
        doc = movies.find_one_and_update(
            {"_id": key}, {"$set": {"poster": poster}, "$inc": {"version": 1}}, return_document=ReturnDocument.AFTER
        )
        return respond(movie_dict(doc))

    @app.get("/api/movies/<movie_id>/poster")
    def get_poster(movie_id):
        poster = movies.find_one({"_id": ObjectId(movie_id)})["poster"]
        size = request.args.get("size", "full")
        data = bucket.get(poster["thumb" if size == "thumb" else "original"]).read()
        cache = "public, max-age=31536000, immutable" if request.args.get("v") == poster["etag"] else "public, no-cache"
        return Response(data, 200, {"ETag": f'"{poster["etag"]}-{size}"', "Cache-Control": cache}, mimetype=poster["content_type"])

    return app


app = create_ceiling()
