"""Every Flask extension object, made once here and initialised by the factory in app.py."""

from flask_bcrypt import Bcrypt
from flask_compress import Compress
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mailman import Mail
from flask_talisman import Talisman

# Headers a browser client on another origin may read (CORS_ORIGINS).
EXPOSED_HEADERS = ["ETag", "Link", "Location", "X-Total-Count", "X-Total-Count-Exceeds", "X-Request-ID", "Retry-After"]

bcrypt = Bcrypt()
jwt = JWTManager()
limiter = Limiter(key_func=get_remote_address)
mail = Mail()
cors = CORS()
compress = Compress()

# One policy for the web client, Swagger UI and every JSON answer: nothing inline, nothing from
# elsewhere, no framing. Swagger UI's bundle injects one <style> element; its hash (for the bundle
# flask-swagger-ui ships) is the only inline code allowed, and a browser test fails if it changes.
SWAGGER_UI_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", SWAGGER_UI_STYLE],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_extensions(app):
    """Initialise every extension on this app, from its configuration."""
    bcrypt.init_app(app)
    jwt.init_app(app)
    mail.init_app(app)
    # Counters live in MongoDB with MONGODB_URI (RATELIMIT_STORAGE_URI), in memory under `make run`'s local database.
    limiter.init_app(app)
    # Talisman keeps its settings on the object, not per app: each app gets its own.
    app.extensions["talisman"] = Talisman(
        app,
        # TLS ends at the proxy or load balancer in front (nginx): the app never redirects to https.
        force_https=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="no-referrer",
        strict_transport_security=app.config["HSTS_SECONDS"] > 0,
        strict_transport_security_max_age=app.config["HSTS_SECONDS"],
        strict_transport_security_include_subdomains=False,
        session_cookie_secure=True,
    )
    # Its after_request hook is registered before resources/caching.py's, so it runs after it: it compresses
    # what is already tagged and answered (304) there.
    compress.init_app(app)
    if app.config["CORS_ORIGINS"]:
        cors.init_app(app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}}, expose_headers=EXPOSED_HEADERS)
