"""Accounts, sessions and tokens: signup, login, refresh, logout, password change and reset."""

import threading
import time

import flask_jwt_extended
from bson import ObjectId
from cachetools import TLRUCache
from flask import Response, current_app, g, request, url_for
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_header,
    get_jwt_identity,
    jwt_required,
)
from flask_jwt_extended.exceptions import UserLookupError
from flask_restful import Resource
from werkzeug.exceptions import BadRequest, Forbidden
from werkzeug.local import LocalProxy

from database.models import PasswordReset, Session, User, utcnow
from resources.errors import error_response
from resources.limits import limit_from_config, login_account_key
from resources.mail import send_email
from resources.schemas import (
    credentials_schema,
    forgot_schema,
    login_schema,
    password_change_schema,
    reset_schema,
    token_schema,
    user_schema,
)


class JWTManager(flask_jwt_extended.JWTManager):
    """flask-jwt-extended's manager, remembering the tokens it has verified until they expire.

    flask-jwt-extended parses a token three times to verify it (twice unverified, then signed), and
    PyJWT checks each of those character by character in Python: together the largest cost of an
    authenticated write after its database call. A client sends the same access token for its whole
    life, so each app keeps the claims of the tokens it verified (bounded, least recently used out)
    until the token's own exp, and a byte-identical token is not verified again. A tampered token is
    another string, so it is verified in full and fails; an expired one drops out and fails in full.
    Revocation is not cached: the session is read on every request after this.
    """

    EXTENSION = "movie_bag_verified_tokens"

    def init_app(self, app, add_context_processor=False):
        super().init_app(app, add_context_processor)
        cache = TLRUCache(app.config["JWT_VERIFIED_TOKENS_CACHED"], lambda _token, claims, _now: claims["exp"], time.time)
        app.extensions[self.EXTENSION] = (threading.Lock(), cache)

    def _decode_jwt_from_config(self, encoded_token, csrf_value=None, allow_expired=False):
        if csrf_value is not None or allow_expired:  # not how this API verifies tokens: no shortcut
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        lock, cache = current_app.extensions[self.EXTENSION]
        with lock:
            claims = cache.get(encoded_token)
        if claims is None:
            claims = super()._decode_jwt_from_config(encoded_token)
            # Only access tokens that expire: a refresh token is presented once (rotation), and
            # JWT_VERIFIED_TOKENS_CACHED=0 verifies every time.
            if cache.maxsize and claims.get("type") == "access" and "exp" in claims:
                with lock:
                    cache[encoded_token] = claims
        return dict(claims)


jwt = JWTManager()

REALM = "movie-bag"


def bearer_challenge(error=None, description=None):
    """An RFC 6750 WWW-Authenticate value, every parameter quoted as the RFC's examples are."""
    params = {"realm": REALM, "error": error, "error_description": description}
    quoted = ", ".join(f'{key}="{value}"' for key, value in params.items() if value)
    return f"Bearer {quoted}"


def unauthorized(message, error=None):
    """A 401 in the envelope, with the Bearer challenge the RFC asks for."""
    challenge = bearer_challenge(error, message if error else None)
    return error_response(401, message, headers=[("WWW-Authenticate", challenge)])


def current_user_id():
    """The id of the user the request's token speaks for, without reading the user."""
    return ObjectId(get_jwt_identity())


def load_current_user():
    """The user the request's token speaks for, read fresh (demotions apply at once), once per request.

    Read only when a request needs more than the id: the token check itself reads just the session.
    Deleting a user deletes its sessions and movies, and login gives no session to a user deleted
    while it ran; a session that outlives its user anyway (a raw delete) can still do nothing, since
    every handler but an owner's write on the user's own (deleted) movies reads the user first.
    """
    claims = get_jwt()
    # Kept beside the claims it was read for: g can outlive a request (an app context pushed around several).
    loaded_for, user = g.get("movie_bag_user", (None, None))
    if loaded_for is not claims:
        user = User.find_by_id(claims["sub"])
        if user is None:
            raise UserLookupError("The account of this token no longer exists.", get_jwt_header(), claims)
        g.movie_bag_user = (claims, user)
    return user


current_user = LocalProxy(load_current_user)


@jwt.token_in_blocklist_loader
def session_has_ended(jwt_header, jwt_data):
    """A token is only good while its session exists in MongoDB (all workers see the same)."""
    sid = jwt_data.get("sid")
    return not (isinstance(sid, str) and Session.is_active(sid))


def token_failure(message, error="invalid_token"):
    """A flask-jwt-extended failure loader answering 401 with this message, whatever it is passed."""
    return lambda *_: unauthorized(message, error)


# Every way a token can fail answers in the envelope with an RFC 6750 challenge.
jwt.unauthorized_loader(token_failure("Authentication is required: send 'Authorization: Bearer <token>'.", None))
jwt.invalid_token_loader(token_failure("The token is invalid."))  # tampered, malformed, wrong type
jwt.expired_token_loader(token_failure("The token has expired."))
jwt.revoked_token_loader(token_failure("The token has been revoked."))
jwt.user_lookup_error_loader(token_failure("The account of this token no longer exists."))
jwt.needs_fresh_token_loader(token_failure("This action needs a fresh login."))
jwt.token_verification_failed_loader(token_failure("The token is invalid."))


def issue_tokens(user, session):
    """An access token and the session's current refresh token; the refresh never outlives the session."""
    identity = str(user.id)
    claims = {"sid": session.sid}
    access = create_access_token(identity=identity, additional_claims=claims)
    refresh = create_refresh_token(
        identity=identity,
        additional_claims={**claims, "jti": session.refresh_jti},
        expires_delta=session.expires_at - utcnow(),
    )
    return token_schema.dump(
        {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds()),
        }
    )


class SignupResource(Resource):
    """Create an account."""

    @limit_from_config("RATELIMIT_SIGNUP")
    def post(self):
        """Register an email and password; 409 when the email is taken in any letter case."""
        data = credentials_schema.load(request.get_json())
        user = User(email=data["email"])
        user.set_password(data["password"])
        user.save()
        return {"id": str(user.id)}, 201, {"Location": url_for("userresource", user_id=user.id)}


class LoginResource(Resource):
    """Exchange email and password for a new session's tokens."""

    @limit_from_config("RATELIMIT_LOGIN")
    @limit_from_config("RATELIMIT_LOGIN_ACCOUNT", key_func=login_account_key)
    def post(self):
        """Same 401, in about the same time, for a wrong password and an unknown email."""
        data = login_schema.load(request.get_json())
        user = User.authenticate(data["email"], data["password"])
        if user is None:
            return unauthorized("Invalid email or password.")
        session = Session.start(user, current_app.config["JWT_REFRESH_TOKEN_EXPIRES"])
        if session is None:  # the account was deleted while its password was being checked
            return unauthorized("Invalid email or password.")
        return issue_tokens(user, session), 200


class RefreshResource(Resource):
    """Trade a refresh token for a new token pair (rotation with reuse detection)."""

    @limit_from_config("RATELIMIT_REFRESH")
    @jwt_required(refresh=True)
    def post(self):
        """The used refresh token stops working; presenting it again ends the whole session."""
        claims = get_jwt()
        session = Session.objects.get(sid=claims["sid"])
        new_jti = Session.new_jti()
        if not session.rotate(claims["jti"], new_jti):
            session.delete()
            return unauthorized("This refresh token was already used; the session has been revoked.", "invalid_token")
        session.refresh_jti = new_jti
        return issue_tokens(current_user, session), 200


class LogoutResource(Resource):
    """End the current session."""

    @jwt_required()
    def post(self):
        """Both tokens of this login stop working; other logins of the user go on."""
        Session.objects(sid=get_jwt()["sid"]).delete()
        return Response(status=204)


class MeResource(Resource):
    """The account behind the token."""

    @jwt_required()
    def get(self):
        """Who am I."""
        return user_schema.dump(current_user), 200


class PasswordResource(Resource):
    """Change one's own password."""

    @jwt_required()
    def put(self):
        """403 for a wrong current password (the token itself is fine); other sessions end."""
        data = password_change_schema.load(request.get_json())
        if not current_user.check_password(data["current_password"]):
            raise Forbidden("The current password is not correct.")
        current_user.set_password(data["new_password"])
        current_user.save()
        Session.revoke_all(current_user, keep_sid=get_jwt()["sid"])
        return Response(status=204)


RESET_EMAIL = """Hello,

someone (hopefully you) asked to reset the password of your movie-bag account.
Open this link within {minutes} minutes to choose a new password:

{link}

Or send this token to POST /api/auth/reset as "reset_token":

{token}

The link works once. If you did not ask for it, ignore this email: your password stays as it is.
"""


class ForgotPasswordResource(Resource):
    """Ask for a password reset email."""

    @limit_from_config("RATELIMIT_FORGOT")
    def post(self):
        """202 whether or not the address has an account, so nobody can probe for accounts."""
        data = forgot_schema.load(request.get_json())
        user = User.find_by_email(data["email"])
        if user is not None:
            lifetime = current_app.config["PASSWORD_RESET_EXPIRES"]
            token = PasswordReset.issue(user, lifetime)
            link = current_app.config["PASSWORD_RESET_URL"].format(token=token)
            body = RESET_EMAIL.format(minutes=int(lifetime.total_seconds() // 60), link=link, token=token)
            send_email(user.email, "Reset your movie-bag password", body)
        return {"message": "If that email has an account, a reset link is on its way.", "status": 202}, 202


class ResetPasswordResource(Resource):
    """Set a new password with an emailed reset token."""

    def post(self):
        """The token works once and for an hour; afterwards every session of the user ends."""
        data = reset_schema.load(request.get_json())
        reset = PasswordReset.find(data["reset_token"])
        if reset is None:
            raise BadRequest("This reset token is not valid.")
        if reset.expired:
            raise BadRequest("This reset token has expired; ask for a new one.")
        if not reset.claim():
            raise BadRequest("This reset token was already used; ask for a new one.")
        user = reset.user
        user.set_password(data["password"])
        user.save()
        Session.revoke_all(user)
        return Response(status=204)
