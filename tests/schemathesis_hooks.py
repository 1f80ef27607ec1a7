"""Schemathesis hooks: Bearer tokens for the operations that need one.

Loaded by `schemathesis run` through SCHEMATHESIS_HOOKS=tests.schemathesis_hooks. The tokens are made
before the run by tests/test_schemathesis.py (logging in through the API, before fuzzing spends the
login rate limit) and come in MOVIE_BAG_TOKENS as JSON: "user" for most operations, "admin" for the
admin-only /api/users ones, and sessions of their own for logout and refresh, which end the session
they are given (so the user's main token keeps working for the rest of the run).
"""

import json
import os

import schemathesis


def token_for(path):
    """Which of the prepared tokens an operation gets."""
    if path == "/api/auth/logout":
        return "logout"
    if path == "/api/auth/refresh":
        return "refresh"
    if path.startswith("/api/users"):
        return "admin"
    return "user"


@schemathesis.auth()
class PreparedBearerTokens:
    """The tokens of accounts made for this run, chosen per operation."""

    def get(self, case, context):
        """All prepared tokens, by role."""
        return json.loads(os.environ["MOVIE_BAG_TOKENS"])

    def set(self, case, data, context):
        """Send the operation's token as a Bearer token."""
        token = data[token_for(case.operation.path)]
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
