"""Rate limits on the endpoints that guess, spam or cost: login, signup, forgot, refresh, password change, poster upload.

Each limit is a decorator an @operation names in its `limits`; its value is read from the app config
at request time (RATELIMIT_*), so tests and deployments set it without touching code. On an operation
that takes a token, the limits count requests whose token is good, so a limit may be per account.

Login is limited the way identity providers limit it (Auth0's brute-force protection): every attempt
per address; *failed* attempts per (account, address), so guesses from one address never lock the
owner out from another; and failed attempts per account from all addresses, a ceiling on guessing
spread over many addresses.
"""

from flask import current_app, request
from flask_jwt_extended import get_jwt_identity
from flask_limiter.util import get_remote_address

from database.accounts import User
from extensions import limiter


def limit_from_config(name, **options):
    """A limit on a resource method whose value is the config setting `name`.

    It decorates the method itself: flask-restful's class-level `decorators` all wrap functions of
    one name, which Flask-Limiter would take for one route.
    """
    return limiter.limit(lambda: current_app.config[name], **options)


def login_email():
    """The account a login names, canonical, or None for a body without one."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return User.normalize_email(email) if isinstance(email, str) else None


def login_account_key():
    """Failed logins of one account, from every address."""
    email = login_email()
    return f"login-account:{email}" if email else get_remote_address()


def login_account_address_key():
    """Failed logins of one account from one address."""
    email = login_email()
    return f"login-account:{email}:{get_remote_address()}" if email else get_remote_address()


def account_key():
    """The account of the request's (verified) token."""
    return f"account:{get_jwt_identity()}"


def failed_login(response):
    """Only a refused password counts against an account: the owner's own logins never lock it."""
    return response.status_code == 401


LOGIN_PER_ADDRESS = limit_from_config("RATELIMIT_LOGIN")
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = limit_from_config(
    "RATELIMIT_LOGIN_ACCOUNT_ADDRESS", key_func=login_account_address_key, deduct_when=failed_login
)
LOGIN_FAILURES_PER_ACCOUNT = limit_from_config("RATELIMIT_LOGIN_ACCOUNT", key_func=login_account_key, deduct_when=failed_login)
LOGIN = (LOGIN_PER_ADDRESS, LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS, LOGIN_FAILURES_PER_ACCOUNT)
SIGNUP = limit_from_config("RATELIMIT_SIGNUP")
FORGOT = limit_from_config("RATELIMIT_FORGOT")
# Refreshes carry a good refresh token (the limit counts after the token check): per account, so that
# many people behind one address (an office, a mobile carrier) do not share one budget.
REFRESH = limit_from_config("RATELIMIT_REFRESH", key_func=account_key)
PASSWORD_PER_ACCOUNT = limit_from_config("RATELIMIT_PASSWORD", key_func=account_key)
PASSWORD_PER_ADDRESS = limit_from_config("RATELIMIT_PASSWORD_ADDRESS")
# Poster uploads decode an image each: per account, and per address (many accounts from one place).
POSTER_PER_ACCOUNT = limit_from_config("RATELIMIT_POSTER", key_func=account_key)
POSTER_PER_ADDRESS = limit_from_config("RATELIMIT_POSTER_ADDRESS")
