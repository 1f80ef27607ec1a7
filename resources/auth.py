"""Accounts and tokens: signup, login and the current user."""

from flask import current_app, request, url_for
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    current_user,
    jwt_required,
)
from bson import ObjectId
from flask_restful import Resource

from database.models import User
from resources.errors import error_response
from resources.schemas import credentials_schema, login_schema, token_schema, user_schema

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


@jwt.user_lookup_loader
def load_token_user(jwt_header, jwt_data):
    """The user a token speaks for, loaded fresh so deletions and demotions apply at once."""
    subject = jwt_data["sub"]
    return User.objects(id=subject).first() if ObjectId.is_valid(subject) else None


@jwt.unauthorized_loader
def missing_token(reason):
    """No usable Authorization header."""
    return unauthorized("Authentication is required: send 'Authorization: Bearer <token>'.")


@jwt.invalid_token_loader
def invalid_token(reason):
    """Tampered, malformed or wrong-type token."""
    return unauthorized("The token is invalid.", "invalid_token")


@jwt.expired_token_loader
def expired_token(jwt_header, jwt_data):
    """A token past its expiry."""
    return unauthorized("The token has expired.", "invalid_token")


@jwt.revoked_token_loader
def revoked_token(jwt_header, jwt_data):
    """A token that was logged out or otherwise revoked."""
    return unauthorized("The token has been revoked.", "invalid_token")


@jwt.user_lookup_error_loader
def vanished_user(jwt_header, jwt_data):
    """A valid token whose user no longer exists."""
    return unauthorized("The account of this token no longer exists.", "invalid_token")


@jwt.needs_fresh_token_loader
def stale_token(jwt_header, jwt_data):
    """A fresh login is needed for this action."""
    return unauthorized("This action needs a fresh login.", "invalid_token")


@jwt.token_verification_failed_loader
def failed_claims(jwt_header, jwt_data):
    """A token whose claims the app does not accept."""
    return unauthorized("The token is invalid.", "invalid_token")


def issue_tokens(user):
    """A new access and refresh token pair for the user."""
    identity = str(user.id)
    return {
        "access_token": create_access_token(identity=identity),
        "refresh_token": create_refresh_token(identity=identity),
        "token_type": "Bearer",
        "expires_in": int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds()),
    }


class SignupResource(Resource):
    """Create an account."""

    def post(self):
        """Register an email and password; 409 when the email is taken in any letter case."""
        data = credentials_schema.load(request.get_json())
        user = User(email=data["email"])
        user.set_password(data["password"])
        user.save()
        return {"id": str(user.id)}, 201, {"Location": url_for("userresource", user_id=user.id)}


class LoginResource(Resource):
    """Exchange email and password for tokens."""

    def post(self):
        """Same 401, in about the same time, for a wrong password and an unknown email."""
        data = login_schema.load(request.get_json())
        user = User.authenticate(data["email"], data["password"])
        if user is None:
            return unauthorized("Invalid email or password.")
        return token_schema.dump(issue_tokens(user)), 200


class MeResource(Resource):
    """The account behind the token."""

    @jwt_required()
    def get(self):
        """Who am I."""
        return user_schema.dump(current_user), 200
