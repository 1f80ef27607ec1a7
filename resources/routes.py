"""Every URL of the API in one table; the OpenAPI document is built from it and each method's @operation."""

from flask_restful import Api

from resources.auth import (
    BrowserSessionRefreshResource,
    BrowserSessionResource,
    ForgotPasswordResource,
    LoginResource,
    LogoutResource,
    MeResource,
    PasswordResource,
    RefreshResource,
    ResetPasswordResource,
    SignupResource,
)
from resources.docs import ApiDocsFileResource, ApiDocsResource
from resources.health import HealthResource, ReadyResource
from resources.letterboxd import LetterboxdExportResource, LetterboxdImportResource
from resources.live import EventStreamResource, SyncResource
from resources.movie import (
    DirectorListResource,
    GenreListResource,
    MovieListResource,
    MoviePosterResource,
    MovieRatingResource,
    MovieResource,
    MyRatingListResource,
)
from resources.openapi import OpenApiResource, check_declarations
from resources.review import MovieReviewListResource, MyReviewListResource, ReviewResource
from resources.user import UserListResource, UserResource
from resources.watchlist import WatchlistMovieResource, WatchlistResource

ROUTES = [
    (HealthResource, "/api/health"),
    (ReadyResource, "/api/ready"),
    (OpenApiResource, "/api/openapi.json"),
    (ApiDocsResource, "/api/docs"),
    (ApiDocsFileResource, "/api/docs/<filename>"),
    (SignupResource, "/api/auth/signup"),
    (LoginResource, "/api/auth/login"),
    (RefreshResource, "/api/auth/refresh"),
    (LogoutResource, "/api/auth/logout"),
    (MeResource, "/api/auth/me"),
    (PasswordResource, "/api/auth/password"),
    (ForgotPasswordResource, "/api/auth/forgot"),
    (ResetPasswordResource, "/api/auth/reset"),
    (BrowserSessionResource, "/api/auth/session"),
    (BrowserSessionRefreshResource, "/api/auth/session/refresh"),
    (UserListResource, "/api/users"),
    (UserResource, "/api/users/<user_id>"),
    (MovieListResource, "/api/movies"),
    (GenreListResource, "/api/genres"),
    (DirectorListResource, "/api/directors"),
    (MovieResource, "/api/movies/<movie_id>"),
    (MoviePosterResource, "/api/movies/<movie_id>/poster"),
    (MovieRatingResource, "/api/movies/<movie_id>/rating"),
    (MovieReviewListResource, "/api/movies/<movie_id>/reviews"),
    (ReviewResource, "/api/reviews/<review_id>"),
    (WatchlistResource, "/api/me/watchlist"),
    (MyRatingListResource, "/api/me/ratings"),
    (MyReviewListResource, "/api/me/reviews"),
    (WatchlistMovieResource, "/api/me/watchlist/<movie_id>"),
    (LetterboxdImportResource, "/api/me/import/letterboxd"),
    (LetterboxdExportResource, "/api/me/export/letterboxd"),
    (SyncResource, "/api/sync"),
    (EventStreamResource, "/api/events"),
]


class JsonApi(Api):
    """flask-restful, minus its own error formatting: every error goes to resources/errors.py."""

    def handle_error(self, e):
        """Hand the error back to Flask, whose handlers answer in the one envelope."""
        raise e


def init_routes(app):
    """Register every resource of the table on the app; a method without a declaration stops start-up."""
    api = JsonApi(app)
    for resource, url in ROUTES:
        api.add_resource(resource, url)
    check_declarations(app)
