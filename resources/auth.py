"""Accounts and sessions: signup, login, refresh, logout, me, password change and reset."""

from datetime import timedelta

from flask import Response, current_app, url_for
from flask_jwt_extended import get_jwt, unset_refresh_cookies
from flask_restful import Resource
from werkzeug.exceptions import BadRequest, Forbidden

import metrics
from database.accounts import PasswordReset, Session, User
from resources import limits
from resources.contract import ACCESS, BROWSER, REFRESH, OptionalBody, Reply, operation
from resources.errors import coded
from resources.mail import send_email
from resources.schemas import (
    access_token_schema,
    account_created_schema,
    change_password_schema,
    forgot_password_schema,
    login_schema,
    me_patch_schema,
    notice_schema,
    refresh_input_schema,
    reset_password_schema,
    signup_schema,
    token_schema,
    user_schema,
)
from resources.tokens import NO_STORE_HEADERS, browser_answer, current_user, end_browser_answer, token_answer, unauthorized

TAG = "Auth"
BROWSER_COOKIES = ("Set-Cookie",)
INVALID_LOGIN = "Invalid email or password."
REUSED = "This refresh token was already used; the session has been revoked."


def log_in(data, answer):
    """answer(user id, session) for a new session of these credentials; the same 401 for a wrong
    password and an unknown email, in about the same time."""
    user = User.authenticate(data["email"], data["password"])
    session = user and Session.start(user["_id"], current_app.config["JWT_REFRESH_TOKEN_EXPIRES"])
    # No session also when the account was deleted while its password was being checked.
    metrics.LOGINS.labels("ok" if session else "failed").inc()
    if not session:
        return unauthorized(INVALID_LOGIN, code="invalid_credentials")
    # The client is now a known device of the account: a flood of failures elsewhere never locks it out.
    return limits.remember_device(current_app.make_response(answer(user["_id"], session)), user["email"])


def rotate_session():
    """The session of the request's refresh token, its token swapped; None (the session ended) on a reuse."""
    claims = get_jwt()
    grace = timedelta(seconds=current_app.config["REFRESH_REUSE_GRACE_SECONDS"])
    session = Session.rotate(claims["sid"], claims["jti"], grace)
    if session is None:
        Session.end(claims["sid"])
    return session


class SignupResource(Resource):
    """Create an account."""

    @operation(
        "signup",
        "Create an account",
        description="Registers an email and a password. The email is unique in any letter case (409).",
        tag=TAG,
        responses={201: Reply("Created; Location is the new account.", account_created_schema, ("Location",))},
        errors=[409],
        body=signup_schema,
        limits=[limits.SIGNUP],
    )
    def post(self, data):
        """Register an email and password; 409 when the email is taken in any letter case."""
        user = User.create(data["email"], data["password"], display_name=data.get("display_name"))
        metrics.SIGNUPS.inc()
        return account_created_schema.dump(user), 201, {"Location": url_for("userresource", user_id=user["_id"])}


class LoginResource(Resource):
    """Exchange email and password for a new session's tokens."""

    @operation(
        "login",
        "Log in with email and password",
        description="Opens a session and answers its access and refresh tokens. A wrong password and an "
        "unknown email get the same 401, in about the same time. Limited per address and per account; the "
        "answer's device cookie (movie_bag_device) makes the client a known device of the account, which "
        "the account's limit on failures from unknown clients never locks out: send it back on later logins.",
        tag=TAG,
        responses={200: Reply("Logged in: a new session's tokens.", token_schema, (*NO_STORE_HEADERS, *BROWSER_COOKIES))},
        errors=[401],
        body=login_schema,
        limits=limits.LOGIN,
    )
    def post(self, data):
        """Same 401, in about the same time, for a wrong password and an unknown email."""
        return log_in(data, token_answer)


class RefreshResource(Resource):
    """Trade a refresh token for a new token pair (rotation with reuse detection)."""

    @operation(
        "refreshToken",
        "Trade the refresh token for a new token pair",
        description="Send the refresh token as the Bearer token, or in a JSON body as `refresh_token` (as OAuth "
        "clients do). The answer is a new access AND refresh "
        "token of the same session; the refresh token sent stops working. Presented again within "
        "REFRESH_REUSE_GRACE_SECONDS (10) of that, as when two refreshes race or a client retries after "
        "a timeout, it gets a pair of the same session; any later, it is taken as stolen and ends the "
        "whole session (reuse detection).",
        tag=TAG,
        responses={200: Reply("A new token pair of the same session.", token_schema, NO_STORE_HEADERS)},
        body=OptionalBody(refresh_input_schema, "The refresh token, when it is not sent as the Bearer token."),
        auth=REFRESH,
        limits=[limits.REFRESH],
    )
    def post(self):
        """The used refresh token stops working; presenting it again after the grace window ends the session."""
        session = rotate_session()
        if session is None:
            return unauthorized(REUSED, "invalid_token", "token_revoked")
        return token_answer(current_user["_id"], session)


class LogoutResource(Resource):
    """End the current session."""

    @operation(
        "logout",
        "Log out: end this login's session",
        description="Both tokens of this login stop working at once, on every server; other logins go on.",
        tag=TAG,
        responses={204: Reply("Logged out.")},
        auth=ACCESS,
    )
    def post(self):
        """Both tokens of this login stop working; other logins of the user go on."""
        Session.end(get_jwt()["sid"])
        return Response(status=204)


class MeResource(Resource):
    """The account behind the token."""

    @operation(
        "getMe",
        "The account behind the token",
        tag=TAG,
        responses={200: Reply("The account.", user_schema)},
        auth=ACCESS,
    )
    def get(self):
        """Who am I."""
        return user_schema.dump(current_user), 200

    @operation(
        "updateMe",
        "Change one's own account: the public name",
        description="display_name is what others see beside one's reviews (never the email); null goes back to the default.",
        tag=TAG,
        responses={200: Reply("The account as it is now.", user_schema)},
        body=me_patch_schema,
        auth=ACCESS,
    )
    def patch(self, data):
        """Rename."""
        if "display_name" in data:
            return user_schema.dump(User.rename(current_user["_id"], data["display_name"])), 200
        return user_schema.dump(current_user), 200


class PasswordResource(Resource):
    """Change one's own password."""

    @operation(
        "changePassword",
        "Change one's own password",
        description="Every other session of the account ends, and every reset link it was sent stops "
        "working. A wrong current password is a 403, not a 401: the token is fine, and a client that "
        "refreshes on 401 must not take it for an expired session. Limited per account and per address.",
        tag=TAG,
        responses={204: Reply("Changed.")},
        errors=[403],
        body=change_password_schema,
        auth=ACCESS,
        limits=[limits.PASSWORD_PER_ACCOUNT, limits.PASSWORD_PER_ADDRESS],
    )
    def put(self, data):
        """403 for a wrong current password (the token itself is fine); other sessions and resets end."""
        if not User.password_matches(current_user, data["current_password"]):
            raise coded(Forbidden("The current password is not correct."), "invalid_credentials")
        User.change_password(current_user["_id"], data["new_password"])
        Session.revoke_all(current_user["_id"], keep_sid=get_jwt()["sid"])
        PasswordReset.revoke_all(current_user["_id"])
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

    @operation(
        "forgotPassword",
        "Email a password reset link",
        description="Always 202, whether or not the address has an account, so nobody can probe for "
        "accounts. The emailed token is valid for an hour and works once.",
        tag=TAG,
        responses={202: Reply("Accepted: if the address has an account, a link is on its way.", notice_schema)},
        body=forgot_password_schema,
        limits=[limits.FORGOT],
    )
    def post(self, data):
        """202 whether or not the address has an account, so nobody can probe for accounts."""
        user = User.find_by_email(data["email"])
        if user is not None:
            lifetime = current_app.config["PASSWORD_RESET_EXPIRES"]
            token = PasswordReset.issue(user["_id"], lifetime)
            link = current_app.config["PASSWORD_RESET_URL"].format(token=token)
            body = RESET_EMAIL.format(minutes=int(lifetime.total_seconds() // 60), link=link, token=token)
            send_email(user["email"], "Reset your movie-bag password", body)
        return notice_schema.dump({"message": "If that email has an account, a reset link is on its way.", "status": 202}), 202


class ResetPasswordResource(Resource):
    """Set a new password with an emailed reset token."""

    @operation(
        "resetPassword",
        "Set a new password with an emailed reset token",
        description="The token works once and for an hour; afterwards every session of the account ends "
        "and every other reset link it was sent stops working.",
        tag=TAG,
        responses={204: Reply("Changed.")},
        body=reset_password_schema,
    )
    def post(self, data):
        """The token works once and for an hour; afterwards every session of the user ends."""
        reset = PasswordReset.find(data["reset_token"])
        if reset is None:
            raise coded(BadRequest("This reset token is not valid."), "reset_token_invalid")
        if PasswordReset.expired(reset):
            raise coded(BadRequest("This reset token has expired; ask for a new one."), "reset_token_invalid")
        if not PasswordReset.claim(reset["_id"]):
            raise coded(BadRequest("This reset token was already used; ask for a new one."), "reset_token_invalid")
        User.change_password(reset["user"], data["password"])
        Session.revoke_all(reset["user"])
        PasswordReset.revoke_all(reset["user"])
        return Response(status=204)


class BrowserSessionResource(Resource):
    """The web client's login: the refresh token in an HttpOnly cookie that scripts cannot read."""

    @operation(
        "createBrowserSession",
        "Log in from a browser: the refresh token goes into an HttpOnly cookie",
        description="For web pages on this origin. Like login, but the answer carries only the access "
        "token (keep it in memory); the refresh token is set as the HttpOnly, Secure, SameSite=Strict "
        "cookie movie_bag_refresh, which only /api/auth/session and /api/auth/session/refresh receive, "
        "beside the readable cookie movie_bag_csrf whose value those requests repeat as X-CSRF-Token. "
        "Limited as login.",
        tag=TAG,
        responses={
            200: Reply(
                "Logged in: the access token, and the session's cookies.", access_token_schema, (*NO_STORE_HEADERS, *BROWSER_COOKIES)
            )
        },
        errors=[401],
        body=login_schema,
        limits=limits.LOGIN,
    )
    def post(self, data):
        """Same 401 as login for a wrong password and an unknown email."""
        return log_in(data, browser_answer)

    @operation(
        "deleteBrowserSession",
        "Log out from a browser: end the session of the refresh cookie",
        description="Both tokens of this login stop working, and the cookies are cleared.",
        tag=TAG,
        responses={204: Reply("Logged out.", headers=BROWSER_COOKIES)},
        auth=BROWSER,
    )
    def delete(self):
        """End the cookie's session and clear the cookies."""
        Session.end(get_jwt()["sid"])
        return end_browser_answer()


class BrowserSessionRefreshResource(Resource):
    """A new access token for the web client, from its refresh cookie."""

    @operation(
        "refreshBrowserSession",
        "Trade the browser session's refresh cookie for a new access token",
        description="Sends the movie_bag_refresh cookie, with the movie_bag_csrf cookie's value as "
        "X-CSRF-Token. The answer carries a new access token and rotates the cookie, with the same "
        "grace window and reuse detection as refreshToken. A page that reloads calls this to stay logged in.",
        tag=TAG,
        responses={
            200: Reply(
                "A new access token; the cookie now holds the session's next refresh token.",
                access_token_schema,
                (*NO_STORE_HEADERS, *BROWSER_COOKIES),
            )
        },
        auth=BROWSER,
        limits=[limits.REFRESH],
    )
    def post(self):
        """Rotate the cookie's refresh token; a reuse after the grace window ends the session."""
        session = rotate_session()
        if session is None:
            response = unauthorized(REUSED, "invalid_token", "token_revoked")
            unset_refresh_cookies(response)
            return response
        return browser_answer(current_user["_id"], session)
