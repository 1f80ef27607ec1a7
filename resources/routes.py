"""Every URL of the API in one table."""

from resources.auth import (
    ForgotPasswordResource,
    LoginResource,
    LogoutResource,
    MeResource,
    PasswordResource,
    RefreshResource,
    ResetPasswordResource,
    SignupResource,
)
from resources.health import HealthResource
from resources.movie import MovieListResource, MovieResource
from resources.openapi import OpenApiResource, swagger_ui_blueprint
from resources.user import UserListResource, UserResource

ROUTES = [
    (HealthResource, "/api/health"),
    (OpenApiResource, "/api/openapi.json"),
    (SignupResource, "/api/auth/signup"),
    (LoginResource, "/api/auth/login"),
    (RefreshResource, "/api/auth/refresh"),
    (LogoutResource, "/api/auth/logout"),
    (MeResource, "/api/auth/me"),
    (PasswordResource, "/api/auth/password"),
    (ForgotPasswordResource, "/api/auth/forgot"),
    (ResetPasswordResource, "/api/auth/reset"),
    (UserListResource, "/api/users"),
    (UserResource, "/api/users/<user_id>"),
    (MovieListResource, "/api/movies"),
    (MovieResource, "/api/movies/<movie_id>"),
]


def init_routes(api):
    """Register every resource on the flask-restful Api, and Swagger UI at /api/docs."""
    for resource, url in ROUTES:
        api.add_resource(resource, url)
    api.app.register_blueprint(swagger_ui_blueprint())
