"""Rate limits on the endpoints that guess or spam: login, signup, forgot and refresh."""

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)


def limit_from_config(name, **options):
    """A limit on a resource method, its value read from the app config at request time.

    Decorate the method itself: flask-restful's class-level `decorators` all wrap functions of
    one name, which Flask-Limiter would take for one route.
    """
    return limiter.limit(lambda: current_app.config[name], **options)


def login_account_key():
    """Limit login per account too, so spreading guesses over many addresses does not help."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"login-account:{email.strip().lower()}" if isinstance(email, str) else get_remote_address()


def init_limiter(app):
    """Attach the limiter; its storage is MongoDB with a real database, memory on the embedded one."""
    limiter.init_app(app)
