"""Schemathesis hooks: a fresh account and Bearer token for the operations that need one.

Loaded by `schemathesis run` through SCHEMATHESIS_HOOKS=tests.schemathesis_hooks; the live server's
base URL comes in MOVIE_BAG_BASE_URL.
"""

import os
import uuid

import requests
import schemathesis


def fresh_token(base_url):
    """Sign up a new account through the API and log it in; return its access token."""
    credentials = {"email": f"fuzz-{uuid.uuid4().hex}@example.com", "password": "fuzzing-password"}
    requests.post(f"{base_url}/api/auth/signup", json=credentials, timeout=10).raise_for_status()
    response = requests.post(f"{base_url}/api/auth/login", json=credentials, timeout=10)
    response.raise_for_status()
    return response.json()["access_token"]


@schemathesis.auth()
class BearerFromLogin:
    """The token of an account made for this run, renewed every few minutes by schemathesis."""

    def get(self, case, context):
        """Log in as a new account."""
        return fresh_token(os.environ["MOVIE_BAG_BASE_URL"])

    def set(self, case, data, context):
        """Send it as a Bearer token."""
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
