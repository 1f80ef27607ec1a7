"""User accounts: admins manage them; everyone may see and delete their own."""

import threading
import time

from flask import Response, current_app, url_for
from flask_restful import Resource
from pymongo.errors import PyMongoError
from werkzeug.exceptions import Conflict, Forbidden, NotFound

from database.accounts import User
from resources.contract import ACCESS, Reply, operation
from resources.pagination import page_reply, read_page
from resources.schemas import user_create_schema, user_patch_schema, user_query_schema, user_schema, users_schema
from resources.tokens import current_user

TAG = "Users"
LAST_ADMIN = "The last admin cannot be removed; make someone else an admin first."


def get_user_or_404(user_id):
    """The user with this id; a malformed id is as unknown as a missing one."""
    user = User.find_by_id(user_id)
    if user is None:
        raise NotFound("No user has this id.")
    return user


def require_admin():
    """Only admins may go on."""
    if not current_user["is_admin"]:
        raise Forbidden("Only admins may do that.")


def get_own_or_admin_user(user_id):
    """The user, if the current user is that user or an admin.

    To anyone else another account is as unknown as a missing one: the same 404, so that no id can
    be probed for an account.
    """
    if not (current_user["is_admin"] or str(current_user["_id"]) == user_id):
        raise NotFound("No user has this id.")
    return get_user_or_404(user_id)


class UserListResource(Resource):
    """Every account (admins only)."""

    @operation(
        "listUsers",
        "Page through the accounts (admins only)",
        description="Newest first; q filters by a substring of the email.",
        tag=TAG,
        responses={200: page_reply("One page of accounts.", users_schema)},
        errors=[403],
        query=user_query_schema,
        auth=ACCESS,
    )
    def get(self, args):
        """Page through accounts, newest first; q filters by email substring."""
        require_admin()
        users, headers = read_page(args, lambda per_page, **where: User.page(per_page, q=args.get("q"), **where))
        return users_schema.dump(users), 200, headers

    @operation(
        "createUser",
        "Create an account, admin or not (admins only)",
        tag=TAG,
        responses={201: Reply("Created; Location is the new account.", user_schema, ("Location",))},
        errors=[403, 409],
        body=user_create_schema,
        auth=ACCESS,
    )
    def post(self, data):
        """Create an account, admin or not."""
        require_admin()
        user = User.create(data["email"], data["password"], is_admin=data.get("is_admin", False), display_name=data.get("display_name"))
        return user_schema.dump(user), 201, {"Location": url_for("userresource", user_id=user["_id"])}


class UserResource(Resource):
    """One account."""

    @operation(
        "getUser",
        "Read an account (its owner or an admin)",
        description="Anyone else's account is a 404, exactly as a missing one.",
        tag=TAG,
        responses={200: Reply("The account.", user_schema)},
        errors=[404],
        auth=ACCESS,
    )
    def get(self, user_id):
        """Read an account (that user or an admin)."""
        return user_schema.dump(get_own_or_admin_user(user_id)), 200

    @operation(
        "updateUser",
        "Grant or take away admin rights (admins only)",
        description="Never the last admin's: that is a 409.",
        tag=TAG,
        responses={200: Reply("The account as it is now.", user_schema)},
        errors=[403, 404, 409],
        body=user_patch_schema,
        auth=ACCESS,
    )
    def patch(self, user_id, data):
        """Grant or take away admin rights (admins only; never the last admin's)."""
        require_admin()
        user = get_user_or_404(user_id)
        if data["is_admin"]:
            User.grant_admin(user["_id"])
        elif not User.drop_admin(user["_id"]):
            raise Conflict(LAST_ADMIN)
        return user_schema.dump({**user, "is_admin": data["is_admin"]}), 200

    @operation(
        "deleteUser",
        "Delete an account with everything of it",
        description="With its movies (and their posters, ratings and reviews), its own ratings (each movie's "
        "rating corrected), reviews, watchlist and sessions. Its owner or an admin may (anyone else's "
        "account is a 404, exactly as a missing one); never the last admin (409). The account is closed at "
        "once: its login is refused and its tokens stop working. What it made is removed in batches: 204 "
        "when that is done within the request, 202 when it goes on in the background.",
        tag=TAG,
        responses={204: Reply("Deleted, with everything of it."), 202: Reply("Closed; what it made is being removed.")},
        errors=[404, 409],
        auth=ACCESS,
    )
    def delete(self, user_id):
        """Delete an account with its movies and sessions (that user or an admin)."""
        user = get_own_or_admin_user(user_id)
        if not User.drop_admin(user["_id"]):
            raise Conflict(LAST_ADMIN)
        User.close(user["_id"])
        if User.purge(user["_id"], until=time.monotonic() + current_app.config["ACCOUNT_PURGE_SECONDS"]):
            return Response(status=204)
        purge_in_background(current_app._get_current_object(), user["_id"])
        return Response(status=202)


def purge_in_background(app, user_id):
    """Finish a closed account's purge on a thread of this process. If the process stops first, the
    scheduled `flask repair-data` finishes it (every step removes only what is left)."""

    def purge():
        with app.app_context():
            try:
                User.purge(user_id)
            except PyMongoError:  # the database failed it: the next repair-data run finishes it; a bug surfaces
                app.logger.exception("the purge of a closed account stopped; `flask repair-data` will finish it")

    threading.Thread(target=purge, name="account-purge", daemon=True).start()
