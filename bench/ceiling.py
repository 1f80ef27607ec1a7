"""The ceiling: bare Flask views that make the app's database calls and answer the same bytes.

No auth, no validation, no marshmallow, no flask-restful, no MongoEngine documents: raw pymongo and
a hand-written dict. It runs under the same gunicorn.conf.py as the app (`gunicorn ... bench.ceiling:app`),
on its own database, so the difference between the two is what the app's layers cost.
"""

import json
import re
from datetime import datetime, timezone

import bcrypt
from bson import ObjectId
from flask import Flask, Response, request
from mongoengine.connection import get_db
from pymongo import ReturnDocument

from config import load_config
from database.db import init_db
from database.models import Movie, User, utcnow

# The ceiling has no users to authenticate: every movie it creates belongs to this one.
OWNER = ObjectId("000000000000000000000001")
# A login answer as long as the app's (two HS256 JWTs of about this size).
TOKEN = "x" * 320
LOGIN_BODY = json.dumps(
    {"access_token": TOKEN, "refresh_token": TOKEN, "token_type": "Bearer", "expires_in": 900}
).encode() + b"\n"


def iso(value):
    """A naive UTC datetime as the app writes it."""
    return value.replace(tzinfo=timezone.utc).isoformat()


def movie_dict(doc):
    """A raw movie document in the app's field order."""
    return {
        "id": str(doc["_id"]),
        "name": doc["name"],
        "casts": doc["casts"],
        "genres": doc["genres"],
        "added_by": str(doc["added_by"]),
        "created_at": iso(doc["created_at"]),
        "updated_at": iso(doc["updated_at"]),
    }


def respond(payload, status=200, headers=None):
    """JSON as flask-restful writes it (no ASCII escaping, a trailing newline)."""
    body = json.dumps(payload, ensure_ascii=False).encode() + b"\n"
    return Response(body, status, headers, mimetype="application/json")


def create_ceiling():
    """The bare app, connected exactly as the real one is (embedded DB or MONGODB_URI)."""
    app = Flask(__name__)
    app.config.from_mapping(load_config())
    init_db(app)
    rounds = app.config["BCRYPT_LOG_ROUNDS"]
    with app.app_context():
        # The same indexes as the app's documents, so both databases answer the same queries alike.
        Movie.ensure_indexes()
        User.ensure_indexes()
    db = get_db()
    movies, users = db[Movie._get_collection_name()], db[User._get_collection_name()]

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

    @app.post("/api/auth/login")
    def login():
        body = request.get_json()
        user = users.find_one({"email": body["email"]})
        if user is None or not bcrypt.checkpw(body["password"].encode(), user["password_hash"].encode()):
            return respond({"message": "Invalid email or password.", "status": 401}, 401)
        return Response(LOGIN_BODY, 200, mimetype="application/json")

    @app.get("/api/movies")
    def list_movies():
        page, per_page = int(request.args.get("page", 1)), int(request.args.get("per_page", 20))
        query = {}
        if "q" in request.args:
            query["name"] = re.compile(re.escape(request.args["q"]), re.IGNORECASE)
        if "genre" in request.args:
            query["genres"] = request.args["genre"]
        total = movies.count_documents(query)
        cursor = movies.find(query).sort([("created_at", -1), ("_id", -1)]).skip((page - 1) * per_page).limit(per_page)
        return respond([movie_dict(doc) for doc in cursor], 200, {"X-Total-Count": str(total)})

    @app.post("/api/movies")
    def create_movie():
        body = request.get_json()
        now = utcnow()
        doc = {**body, "added_by": OWNER, "created_at": now, "updated_at": now, "version": 1}
        movies.insert_one(doc)
        return respond(movie_dict(doc), 201, {"Location": f"/api/movies/{doc['_id']}"})

    @app.get("/api/movies/<movie_id>")
    def get_movie(movie_id):
        doc = movies.find_one({"_id": ObjectId(movie_id)})
        return respond(movie_dict(doc), 200, {"ETag": f'"{movie_id}-{doc["version"]}"'})

    @app.patch("/api/movies/<movie_id>")
    def patch_movie(movie_id):
        doc = movies.find_one_and_update(
            {"_id": ObjectId(movie_id)},
            {"$set": {**request.get_json(), "updated_at": utcnow()}, "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER,
        )
        return respond(movie_dict(doc), 200, {"ETag": f'"{movie_id}-{doc["version"]}"'})

    return app


app = create_ceiling()
