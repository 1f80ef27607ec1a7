"""User accounts: admins manage them; everyone may see and delete their own."""

from flask import Response, request, url_for
from flask_jwt_extended import jwt_required
from flask_restful import Resource
from werkzeug.exceptions import Conflict, Forbidden, NotFound

from database.models import User
from resources.auth import current_user
from resources.pagination import paginate
from resources.schemas import user_patch_schema, user_query_schema, user_schema, users_schema

LAST_ADMIN = "The last admin cannot be removed; make someone else an admin first."


def get_user_or_404(user_id):
    """The user with this id; a malformed id is as unknown as a missing one."""
    user = User.find_by_id(user_id)
    if user is None:
        raise NotFound("No user has this id.")
    return user


def require_admin():
    """Only admins may go on."""
    if not current_user.is_admin:
        raise Forbidden("Only admins may do that.")


def get_own_or_admin_user(user_id):
    """The user, if the current user is that user or an admin."""
    user = get_user_or_404(user_id)
    if not (current_user.is_admin or current_user.id == user.id):
        raise Forbidden("Only that user or an admin may do that.")
    return user


class UserListResource(Resource):
    """Every account (admins only)."""

    @jwt_required()
    def get(self):
        """Page through accounts, newest first; q filters by email substring."""
        require_admin()
        args = user_query_schema.load(request.args.to_dict())
        users = User.objects(**({"email__icontains": args["q"]} if "q" in args else {})).order_by("-created_at", "-id")
        page, headers = paginate(users, args["page"], args["per_page"], users.count())
        return users_schema.dump(page), 200, headers

    @jwt_required()
    def post(self):
        """Create an account, admin or not."""
        require_admin()
        data = user_schema.load(request.get_json())
        user = User(email=data["email"], is_admin=data["is_admin"])
        user.set_password(data["password"])
        user.save()
        return user_schema.dump(user), 201, {"Location": url_for("userresource", user_id=user.id)}


class UserResource(Resource):
    """One account."""

    @jwt_required()
    def get(self, user_id):
        """Read an account (that user or an admin)."""
        return user_schema.dump(get_own_or_admin_user(user_id)), 200

    @jwt_required()
    def patch(self, user_id):
        """Grant or take away admin rights (admins only; never the last admin's)."""
        require_admin()
        data = user_patch_schema.load(request.get_json())
        user = get_user_or_404(user_id)
        if data["is_admin"]:
            user.update(set__is_admin=True)
            user.is_admin = True
        elif not user.drop_admin():
            raise Conflict(LAST_ADMIN)
        return user_schema.dump(user), 200

    @jwt_required()
    def delete(self, user_id):
        """Delete an account with its movies and sessions (that user or an admin)."""
        user = get_own_or_admin_user(user_id)
        if not user.drop_admin():
            raise Conflict(LAST_ADMIN)
        user.delete()
        return Response(status=204)
