"""Liveness of the API and its database, for load balancers and docker healthchecks."""

from flask import current_app
from flask_restful import Resource

from database.db import ensure_ready, ping
from resources.contract import Reply, operation
from resources.schemas import health_schema, readiness_schema


class HealthResource(Resource):
    """Is the service able to answer."""

    @operation(
        "getHealth",
        "Is the service and its database answering",
        description="200 while MongoDB answers; 503 (with Retry-After) when it does not.",
        tag="Service",
        responses={200: Reply("Up.", health_schema)},
        schema=False,
    )
    def get(self):
        """200 when the database answers; a pymongo ConnectionFailure becomes 503 in errors.py."""
        ping()
        return health_schema.dump({"status": "ok"}), 200


class ReadyResource(Resource):
    """Is the service ready for traffic: MongoDB answers and has every index."""

    @operation(
        "getReady",
        "Is the service ready to serve",
        description="200 once MongoDB answers and is at this code's schema with every index built; 503 "
        "otherwise (with the reason, and Retry-After), so that a load balancer sends no traffic yet.",
        tag="Service",
        responses={200: Reply("Ready.", readiness_schema)},
        schema=False,
    )
    def get(self):
        """503 from errors.py when MongoDB does not answer or needs `make migrate`."""
        ensure_ready(current_app)
        return readiness_schema.dump({"status": "ready"}), 200
