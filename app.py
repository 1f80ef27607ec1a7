"""The movie-bag application factory: `gunicorn 'app:create_app()'` and `flask --app app` build it."""

from flask import Flask

from cli import register_commands
from config import load_config
from database.db import init_db, is_empty, prepare
from database.demo import load_demo_catalogue
from extensions import init_extensions
from resources.caching import init_caching
from resources.edge import init_requests
from resources.errors import register_error_handlers
from resources.live import init_live
from resources.observability import init_observability
from resources.routes import init_routes
from resources.tokens import init_auth
from web import register_web_client


def create_app(config_name=None, mongo_client_class=None, prepare_database=True, **overrides):
    """Build the application for the named configuration (FLASK_CONFIG by default).

    mongo_client_class replaces pymongo's client (tests run any configuration on mongomock);
    prepare_database=False leaves the database as it is (`make migrate` is what changes it);
    overrides replace settings after the configuration is loaded (tests lower rate limits with it).
    """
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(load_config(config_name))
    app.config.update(overrides)
    app.url_map.strict_slashes = False
    register_error_handlers(app)
    init_observability(app)
    init_requests(app)
    init_db(app, mongo_client_class)
    init_extensions(app)
    init_caching(app)
    init_auth(app)
    init_routes(app)
    init_live(app)
    register_web_client(app)
    register_commands(app)

    if prepare_database:
        prepare(app)
    if app.config["DEMO_DATA"] and is_empty(app):
        with app.app_context():
            load_demo_catalogue()
        app.extensions["demo_loaded"] = True
    return app
