"""Liveness of the API and its database, for load balancers and docker healthchecks."""

from flask_restful import Resource

from database.db import ping


class HealthResource(Resource):
    """Is the service able to answer."""

    def get(self):
        """200 when the database answers; a pymongo ConnectionFailure becomes 503 in errors.py."""
        ping()
        return {"status": "ok"}, 200
