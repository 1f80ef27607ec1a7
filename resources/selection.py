"""`fields=`: a movie answer narrowed to the fields a client names, answered as a media type of its own.

A narrowed movie lacks fields `Movie` requires, so it is no `Movie`: it is answered as
application/vnd.movie-bag.fields+json, whose schema (`MovieFields`, resources/schemas.py) requires only `id`. The
OpenAPI document lists that media type beside application/json in the same 200 answer, so a client, or a
validator, reads each answer by its Content-Type, and the default answer keeps its contract whole. Being
`+json`, it is JSON to werkzeug (response.is_json: an ETag and 304s, resources/caching.py) and compressed like
JSON (COMPRESS_MIMETYPES, config.py).
"""

from flask_restful.representations.json import output_json

from resources.contract import Reply

FIELDS_JSON = "application/vnd.movie-bag.fields+json"


def selection_reply(description, schema, narrowed_schema, headers=()):
    """The 200 of a read that takes `fields`: schema as JSON, narrowed_schema as FIELDS_JSON."""
    return Reply(description, schema, headers, alternatives={FIELDS_JSON: {"schema": narrowed_schema}})


def selected(names, schema, narrowed_schema):
    """The schema that dumps the answer: schema, or for a selection narrowed_schema restricted to it (and `id`)."""
    if names is None:
        return schema
    return type(narrowed_schema)(only=("id", *names), many=narrowed_schema.many)


def answered(names, body, status=200, headers=None):
    """The answer as flask-restful makes it; a selection's with its own media type."""
    if names is None:
        return body, status, headers or {}
    response = output_json(body, status, headers)
    response.content_type = FIELDS_JSON
    return response
