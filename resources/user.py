"""User accounts as resources."""

from bson import ObjectId
from flask_jwt_extended import current_user, jwt_required
from flask_restful import Resource
from werkzeug.exceptions import Forbidden, NotFound

from database.models import User
from resources.schemas import user_schema


def get_user_or_404(user_id):
    """The user with this id; a malformed id is as unknown as a missing one."""
    user = User.objects(id=user_id).first() if ObjectId.is_valid(user_id) else None
    if user is None:
        raise NotFound("No user has this id.")
    return user


class UserResource(Resource):
    """One account, visible to its owner and to admins."""

    @jwt_required()
    def get(self, user_id):
        """Read an account."""
        user = get_user_or_404(user_id)
        if not (current_user.is_admin or current_user.id == user.id):
            raise Forbidden("Only that user or an admin may see this account.")
        return user_schema.dump(user), 200
