"""The declarations cannot drift: every status an operation declares is one some test received.

tests/contract.py records every (operation, status) that the test clients and the live servers
answered, each answer checked against the document. This module runs after every other one
(conftest.py moves it last) and compares what was seen with what the declarations name.
"""

import pytest
from flask.testing import FlaskClient
from flask_restful import Resource
from werkzeug.exceptions import NotFound

from resources.contract import Reply, declaration, operation
from resources.openapi import api_rules
from tests.contract import Contract, contract

pytestmark = pytest.mark.contract_coverage


def declared_statuses(app):
    """{(operationId, status)} of every status a declaration names itself (its answers and errors)."""
    declared = set()
    for rule, methods in api_rules(app):
        for method in methods:
            op = declaration(app.view_functions[rule.endpoint], method)
            declared |= {(op.operation_id, status) for status in op.declared_statuses}
    return declared


def never_returned(app, seen):
    """The declared (operationId, status) pairs no answer had."""
    return declared_statuses(app) - seen


def test_a_declared_status_the_method_never_returns_is_caught(app):
    class Thing(Resource):
        @operation("getThing", "Read a thing", tag="Service", responses={200: Reply("The thing.")}, errors=[404], database=False)
        def get(self, thing_id):
            if thing_id == "missing":  # never asked for below, so the 404 is never seen
                raise NotFound()
            return {}

    app.add_url_rule("/api/things/<thing_id>", view_func=Thing.as_view("thing"))
    from resources.openapi import build_spec

    checked = Contract(build_spec(app))
    client = FlaskClient(app)  # a plain client: the run's own contract does not know this route
    response = client.get("/api/things/present")
    checked.check("GET", "/api/things/present", "", response.status_code, response.headers, response.get_data())
    assert ("getThing", 404) in never_returned(app, checked.seen)
    assert ("getThing", 200) not in never_returned(app, checked.seen)


def test_every_declared_status_was_answered_in_this_run(request, app):
    if not request.config.stash.get(FULL_RUN, False):
        pytest.skip("only a run of the whole suite has seen every operation")
    missing = never_returned(app, contract().seen)
    assert missing == set(), "declared but never answered in the tests: " + ", ".join(f"{o} {s}" for o, s in sorted(missing))


FULL_RUN = pytest.StashKey[bool]()
