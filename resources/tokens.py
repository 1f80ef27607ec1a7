"""Tokens and who they speak for: every token failure as a 401 envelope, the session check, the current user.

Postman and mobile clients get both tokens in the JSON body and send them as `Authorization: Bearer`.
The web client keeps its access token in memory only; its refresh token lives in an HttpOnly, Secure,
SameSite=Strict cookie that only the browser-session paths (/api/auth/session...) receive, and every
request that uses it must repeat the CSRF value of a second, readable cookie in X-CSRF-Token
(flask-jwt-extended's double-submit check, bound to the token's own csrf claim).
"""

from bson import ObjectId
from flask import current_app, g, jsonify
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_header,
    get_jwt_identity,
    set_refresh_cookies,
    unset_refresh_cookies,
)
from flask_jwt_extended.exceptions import UserLookupError
from werkzeug.local import LocalProxy

from database.accounts import Session, User
from database.common import utcnow
from resources.errors import error_response
from resources.schemas import access_token_schema, token_schema

REALM = "movie-bag"
ACCOUNT_GONE = "The account of this token no longer exists."


def bearer_challenge(error=None, description=None):
    """An RFC 6750 WWW-Authenticate value, every parameter quoted as the RFC's examples are."""
    params = {"realm": REALM, "error": error, "error_description": description}
    quoted = ", ".join(f'{key}="{value}"' for key, value in params.items() if value)
    return f"Bearer {quoted}"


def unauthorized(message, error=None, code="authentication_required"):
    """A 401 in the envelope (code: one of resources/errors.py's CODES), with the Bearer challenge the RFC asks for."""
    challenge = bearer_challenge(error, message if error else None)
    return error_response(401, message, headers=[("WWW-Authenticate", challenge)], code=code)


def current_user_id():
    """The id of the user the request's token speaks for, without reading the user."""
    return ObjectId(get_jwt_identity())


def account_gone():
    """The error for a token whose account was deleted: a 401 like any other dead token."""
    return UserLookupError(ACCOUNT_GONE, get_jwt_header(), get_jwt())


def require_account():
    """Go on only while the token's account exists (one read by _id); its id."""
    user_id = current_user_id()
    if not User.exists(user_id):
        raise account_gone()
    return user_id


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
            raise account_gone()
        g.movie_bag_user = (claims, user)
    return user


current_user = LocalProxy(load_current_user)


def session_has_ended(jwt_header, jwt_data):
    """A token is only good while its session exists in MongoDB (all workers see the same) and is its user's.

    The session a token names must belong to the token's subject: a token whose `sub` was changed
    would need the signing key, and even with it could not borrow another account's session.
    """
    sid = jwt_data.get("sid")
    return not (isinstance(sid, str) and Session.is_active(sid, jwt_data.get("sub")))


def token_failure(message, code, error="invalid_token"):
    """A flask-jwt-extended failure loader answering 401 with this message and code, whatever it is passed."""
    return lambda *_: unauthorized(message, error, code)


def no_token(reason):
    """No token where the operation looks for one: a Bearer header, or the browser session's cookies."""
    if "CSRF" in reason:
        return unauthorized(
            f"Send the value of the {current_app.config['JWT_REFRESH_CSRF_COOKIE_NAME']} cookie as "
            f"{current_app.config['JWT_REFRESH_CSRF_HEADER_NAME']}.",
            "invalid_request",
            "csrf_failed",
        )
    if "cookie" in reason.lower():
        return unauthorized("There is no browser session: log in again.", "invalid_token")
    return unauthorized("Authentication is required: send 'Authorization: Bearer <token>'.")


def init_auth(app):
    """Have the app's token manager check sessions and answer every token failure in the envelope, with an
    RFC 6750 challenge."""
    manager = app.extensions["flask-jwt-extended"]
    manager.token_in_blocklist_loader(session_has_ended)
    manager.unauthorized_loader(no_token)
    manager.invalid_token_loader(token_failure("The token is invalid.", "token_invalid"))  # tampered, malformed, wrong type
    manager.expired_token_loader(token_failure("The token has expired.", "token_expired"))
    manager.revoked_token_loader(token_failure("The token has been revoked.", "token_revoked"))
    manager.user_lookup_error_loader(token_failure(ACCOUNT_GONE, "token_revoked"))
    manager.needs_fresh_token_loader(token_failure("This action needs a fresh login.", "token_invalid"))
    manager.token_verification_failed_loader(token_failure("The token is invalid.", "token_invalid"))


def session_tokens(user_id, session):
    """An access token and the session's current refresh token; the refresh never outlives the session."""
    identity = str(user_id)
    claims = {"sid": session["_id"]}
    # Short ids keep tokens short: PyJWT checks every character of a token each time it parses it.
    access = create_access_token(identity=identity, additional_claims={**claims, "jti": Session.new_jti()})
    refresh = create_refresh_token(
        identity=identity,
        additional_claims={**claims, "jti": session["refresh_jti"]},
        expires_delta=session["expires_at"] - utcnow(),
    )
    answer = {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds()),
    }
    return answer


def token_answer(user_id, session):
    """Both tokens in the body, for Postman and mobile clients; never stored by a cache."""
    return token_schema.dump(session_tokens(user_id, session)), 200, NO_STORE


def browser_answer(user_id, session):
    """The access token in the body, the refresh token in its HttpOnly cookie beside its CSRF cookie."""
    tokens = session_tokens(user_id, session)
    response = jsonify(access_token_schema.dump(tokens))
    response.headers.update(NO_STORE)
    set_refresh_cookies(response, tokens["refresh_token"])
    return response


def end_browser_answer():
    """No content, and both cookies of the browser session cleared."""
    response = current_app.response_class(status=204)
    unset_refresh_cookies(response)
    return response


# An answer that carries a token is for its client alone: no browser or proxy cache may keep it.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
NO_STORE_HEADERS = tuple(NO_STORE)
