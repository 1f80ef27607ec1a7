"""Rate limits on the endpoints that guess, spam or cost: login, signup, forgot, refresh, password change, poster upload,
Letterboxd import.

Each limit is a decorator an @operation names in its `limits`; its value is read from the app config
at request time (RATELIMIT_*), so tests and deployments set it without touching code. On an operation
that takes a token, the limits count requests whose token is good, so a limit may be per account.

Login is limited the way identity providers limit it (Auth0's brute-force protection), with OWASP's
device cookies ("Slow Down Online Guessing Attacks with Device Cookies") so that nobody can lock the
owner out:
- every attempt per address (RATELIMIT_LOGIN);
- *failed* attempts per (account, address) (RATELIMIT_LOGIN_ACCOUNT_ADDRESS): guesses from one address
  never lock the owner out from another;
- failed attempts per account from every client the account does not know (RATELIMIT_LOGIN_ACCOUNT): a
  ceiling on guessing spread over many addresses. Past it, logins to the account from unknown clients
  are refused (429) until the window passes, but not from a known device;
- a known device is a client holding the device cookie (movie_bag_device: signed, HttpOnly, Path=/api/auth)
  that a successful login to this very account gave it. It skips the per-account ceiling, and its own
  failed attempts count against it alone (RATELIMIT_LOGIN_DEVICE), wherever it logs in from, so a stolen
  device cookie buys few guesses. A flood of wrong passwords from any number of addresses therefore
  never keeps the owner out of the devices they already use; on a new device during such a flood, they
  wait for the window (or reset the password by email, which the limits do not touch).
"""

import hashlib
import secrets

from flask import current_app, g, request
from flask_jwt_extended import get_jwt_identity
from flask_limiter.util import get_remote_address
from itsdangerous import BadData, URLSafeTimedSerializer

from database.accounts import User
from extensions import limiter


def limit_from_config(name, **options):
    """A limit on a resource method whose value is the config setting `name`.

    It decorates the method itself: flask-restful's class-level `decorators` all wrap functions of
    one name, which Flask-Limiter would take for one route. The setting's name rides on the limit as
    its error message, so that a 429 outside production can say which setting to raise.
    """
    return limiter.limit(lambda: current_app.config[name], error_message=name, **options)


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


DEVICE_COOKIE = "movie_bag_device"
DEVICE_COOKIE_PATH = "/api/auth"


def device_serializer():
    """Signs and checks device cookies with the app's signing key (its own salt: no token is a device cookie)."""
    return URLSafeTimedSerializer(current_app.config["JWT_SECRET_KEY"], salt="movie-bag-login-device")


def account_mark(email):
    """What a device cookie says of its account: a digest of the canonical email, never the email itself."""
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def known_device():
    """The id of the device cookie sent, if a successful login to the account this login names gave it
    (signed, unexpired); None otherwise."""
    # Kept beside the request it was read for: g can outlive a request (an app context pushed around several).
    read_for, device = g.get("movie_bag_device", (None, None))
    if read_for is not request.environ:
        email, value, device = login_email(), request.cookies.get(DEVICE_COOKIE), None
        if email and value:
            try:
                claims = device_serializer().loads(value, max_age=current_app.config["LOGIN_DEVICE_SECONDS"])
            except BadData:
                claims = None
            if isinstance(claims, dict) and claims.get("account") == account_mark(email):
                device = claims.get("device")
        g.movie_bag_device = (request.environ, device)
    return device


def remember_device(response, email):
    """Make the client a known device of this account (after a successful login): a new device cookie."""
    value = device_serializer().dumps({"account": account_mark(email), "device": secrets.token_urlsafe(16)})
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=current_app.config["LOGIN_DEVICE_SECONDS"],
        path=DEVICE_COOKIE_PATH,
        secure=current_app.config["JWT_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
    return response


def login_device_key():
    """Failed logins of one known device, from every address."""
    return f"login-device:{known_device()}"


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
LOGIN_FAILURES_PER_ACCOUNT = limit_from_config(
    "RATELIMIT_LOGIN_ACCOUNT", key_func=login_account_key, deduct_when=failed_login, exempt_when=lambda: known_device() is not None
)
LOGIN_FAILURES_PER_DEVICE = limit_from_config(
    "RATELIMIT_LOGIN_DEVICE", key_func=login_device_key, deduct_when=failed_login, exempt_when=lambda: known_device() is None
)
LOGIN = (LOGIN_PER_ADDRESS, LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS, LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_DEVICE)
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
# A Letterboxd import reads up to three CSV files and writes a row per line: per account.
LETTERBOXD_IMPORT = limit_from_config("RATELIMIT_LETTERBOXD", key_func=account_key)
