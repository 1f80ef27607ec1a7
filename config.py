"""Configuration: the only module that reads the environment."""

import contextlib
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent

# `.env.local` (ignored by git) holds real secrets and wins over the committed `.env`;
# variables already set in the environment win over both.
load_dotenv(BASE_DIR / ".env.local")
load_dotenv(BASE_DIR / ".env")

MIN_SECRET_BYTES = 32
# The local database `make run` starts without MONGODB_URI (database/local_server.py) listens here unless DB_PORT says.
DEFAULT_DB_PORT = 27117


def env(name, default=None):
    """Return an environment variable, treating an empty value as unset."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_int(name, default):
    """Return an integer environment variable or a default."""
    return int(env(name, default))


def env_float(name, default):
    """Return a number environment variable or a default."""
    return float(env(name, default))


def env_bool(name, default):
    """Return a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = env(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def mongodb_uri():
    """Return the MongoDB URI from MONGODB_URI, or from MONGODB_SETTINGS for old deployments."""
    return env("MONGODB_URI") or env("MONGODB_SETTINGS")


def mongodb_database():
    """The app's database: the one MONGODB_URI names in its path, else MONGODB_DB."""
    return urlsplit(mongodb_uri() or "").path.strip("/") or env("MONGODB_DB", "movie-bag")


def data_folder():
    """Where development keeps its data (MOVIE_BAG_DATA, default `.data/` in the project, ignored by git):
    the local database in `db/` and the signing key in `jwt-secret`."""
    return Path(env("MOVIE_BAG_DATA", str(BASE_DIR / ".data"))).resolve()


def db_port():
    """The loopback port of the local database (DB_PORT)."""
    return env_int("DB_PORT", DEFAULT_DB_PORT)


def uses_local_database(name=None):
    """Whether `make run` starts the local database: development (FLASK_CONFIG) without MONGODB_URI."""
    return (name or env("FLASK_CONFIG", "development")) == "development" and not mongodb_uri()


def local_database_uri():
    """The URI of the local database, with the app's database (MONGODB_DB) in its path."""
    return f"mongodb://127.0.0.1:{db_port()}/{env('MONGODB_DB', 'movie-bag')}?directConnection=true"


def development_secret_key(folder):
    """The signing key kept in folder/jwt-secret (mode 0600), made by the first process that needs it.

    Never in the repository, and the same at every start, so tokens outlive a restart as the data does.
    """
    path = Path(folder) / "jwt-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under a private name, then linked into place: a second process starting at the
        # same moment either links first (and this one reads its key) or reads this one's, never half.
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".jwt-secret-")
        try:
            os.write(fd, secrets.token_urlsafe(48).encode())
            os.close(fd)
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            os.unlink(draft)
    return path.read_text().strip()


def bind_address():
    """Where gunicorn listens (gunicorn.conf.py): BIND, else HOST:PORT."""
    return env("BIND", f"{env('HOST', '127.0.0.1')}:{env_int('PORT', 5000)}")


def public_url():
    """The URL people reach this server at (PUBLIC_URL); by default the address it binds.

    Absolute URLs (reset links, the OpenAPI document's server) are built from it, never from a
    request's Host header. A wildcard bind (0.0.0.0, [::]) is reached on this machine as loopback.
    """
    host, _, port = bind_address().rpartition(":")
    host = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "": "127.0.0.1"}.get(host, host)
    return env("PUBLIC_URL", f"http://{host}:{port}").rstrip("/")


class ConfigError(RuntimeError):
    """Raised when a configuration cannot be run safely."""


def base_config(database_uri=None):
    """Settings shared by every configuration, read from the environment now (database_uri: MONGODB_URI's default)."""
    database_uri = mongodb_uri() or database_uri
    return {
        "JWT_SECRET_KEY": env("JWT_SECRET_KEY"),
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(seconds=env_int("JWT_ACCESS_TOKEN_EXPIRES", 15 * 60)),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(seconds=env_int("JWT_REFRESH_TOKEN_EXPIRES", 30 * 24 * 3600)),
        "JWT_TOKEN_LOCATION": ["headers"],
        # nbf would repeat iat: a token is valid from the moment it is made.
        "JWT_ENCODE_NBF": False,
        # The web client's refresh token: an HttpOnly, Secure, SameSite=Strict cookie that only the
        # browser-session paths receive, with a readable CSRF cookie whose value every request that
        # uses it repeats in X-CSRF-Token (flask-jwt-extended's double submit). Every other operation
        # reads its token from the Authorization header alone.
        "JWT_COOKIE_CSRF_PROTECT": True,
        "JWT_CSRF_IN_COOKIES": True,
        "JWT_CSRF_CHECK_FORM": False,
        "JWT_REFRESH_COOKIE_NAME": "movie_bag_refresh",
        "JWT_REFRESH_COOKIE_PATH": "/api/auth/session",
        "JWT_REFRESH_CSRF_COOKIE_NAME": "movie_bag_csrf",
        "JWT_REFRESH_CSRF_COOKIE_PATH": "/",
        "JWT_REFRESH_CSRF_HEADER_NAME": "X-CSRF-Token",
        "JWT_COOKIE_SECURE": True,
        "JWT_COOKIE_SAMESITE": "Strict",
        "JWT_ERROR_MESSAGE_KEY": "message",
        "BCRYPT_LOG_ROUNDS": env_int("BCRYPT_LOG_ROUNDS", 12),
        "MONGODB_URI": database_uri,
        "MONGODB_DB": env("MONGODB_DB", "movie-bag"),
        # How long a request waits to find a server it may use (serverSelectionTimeoutMS) and for one
        # answer (socketTimeoutMS). Production's outlast a replica set's election (docs/production.md).
        "MONGODB_TIMEOUT_MS": env_int("MONGODB_TIMEOUT_MS", 2000),
        "MONGODB_SOCKET_TIMEOUT_MS": env_int("MONGODB_SOCKET_TIMEOUT_MS", 20000),
        # A closed account's purge runs this long in the DELETE request; what is left goes on in the background.
        "ACCOUNT_PURGE_SECONDS": env_float("ACCOUNT_PURGE_SECONDS", 5.0),
        "DEMO_DATA": env_bool("DEMO_DATA", True),
        # Live updates (/api/events): how many streams this process serves at once (0: none, as the API's
        # gunicorn workers; the `events` service and `make run` serve them, each stream on a thread of its own
        # beside the threads that answer requests), how long one lasts before the client reconnects (with
        # Last-Event-ID, missing nothing), and how often an idle one carries a keep-alive comment.
        "EVENT_STREAMS": env_int("EVENT_STREAMS", 0),
        "EVENT_STREAM_SECONDS": env_float("EVENT_STREAM_SECONDS", 300.0),
        "EVENT_KEEPALIVE_SECONDS": env_float("EVENT_KEEPALIVE_SECONDS", 15.0),
        "CORS_ORIGINS": [o.strip() for o in env("CORS_ORIGINS", "").split(",") if o.strip()],
        "WEB_DIST": env("WEB_DIST", str(BASE_DIR / "web" / "dist")),
        # Number of proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
        "PROXY_FIX_X_FOR": env_int("PROXY_FIX_X_FOR", 0),
        # Rate limits (flask-limiter syntax); the counters live in MongoDB when there is one.
        "RATELIMIT_ENABLED": env_bool("RATELIMIT_ENABLED", True),
        # Without MONGODB_URI (development's local database, one process) they stay in memory.
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", mongodb_uri() or "memory://"),
        # In MongoDB, the counters go to a database of their own beside the app's: <database>-limits.
        "RATELIMIT_STORAGE_OPTIONS": {
            "serverSelectionTimeoutMS": env_int("MONGODB_TIMEOUT_MS", 2000),
            "database_name": f"{mongodb_database()}-limits",
        }
        if (env("RATELIMIT_STORAGE_URI", mongodb_uri()) or "").startswith("mongodb")
        else {},
        "RATELIMIT_HEADERS_ENABLED": True,
        # Login (resources/limits.py): every attempt per address; failures per (account, address);
        # failures per account from clients it does not know, a ceiling against guessing spread over many
        # addresses that never applies to a known device (one a login to the account gave its device
        # cookie); failures per known device, wherever it logs in from.
        "RATELIMIT_LOGIN": env("RATELIMIT_LOGIN", "10 per minute"),
        "RATELIMIT_LOGIN_ACCOUNT_ADDRESS": env("RATELIMIT_LOGIN_ACCOUNT_ADDRESS", "5 per minute"),
        "RATELIMIT_LOGIN_ACCOUNT": env("RATELIMIT_LOGIN_ACCOUNT", "100 per hour"),
        "RATELIMIT_LOGIN_DEVICE": env("RATELIMIT_LOGIN_DEVICE", "10 per hour"),
        # How long a device cookie keeps a client known.
        "LOGIN_DEVICE_SECONDS": env_int("LOGIN_DEVICE_SECONDS", 180 * 24 * 3600),
        # Password change: per account and per address.
        "RATELIMIT_PASSWORD": env("RATELIMIT_PASSWORD", "5 per minute"),
        "RATELIMIT_PASSWORD_ADDRESS": env("RATELIMIT_PASSWORD_ADDRESS", "10 per minute"),
        "RATELIMIT_SIGNUP": env("RATELIMIT_SIGNUP", "10 per hour"),
        "RATELIMIT_FORGOT": env("RATELIMIT_FORGOT", "5 per hour"),
        "RATELIMIT_REFRESH": env("RATELIMIT_REFRESH", "30 per minute"),
        # Poster uploads (each a decoded image): per account and per address.
        "RATELIMIT_POSTER": env("RATELIMIT_POSTER", "30 per hour"),
        "RATELIMIT_POSTER_ADDRESS": env("RATELIMIT_POSTER_ADDRESS", "60 per hour"),
        # Letterboxd imports (each up to three CSV files, a write per line): per account.
        "RATELIMIT_LETTERBOXD": env("RATELIMIT_LETTERBOXD", "10 per hour"),
        # Password reset emails.
        "PASSWORD_RESET_EXPIRES": timedelta(seconds=env_int("PASSWORD_RESET_EXPIRES", 3600)),
        "PUBLIC_URL": public_url(),
        # The token rides in the URL fragment, which browsers never send to a server or in a Referer.
        "PASSWORD_RESET_URL": env("PASSWORD_RESET_URL", public_url() + "/reset-password#token={token}"),
        # A refresh token presented again this many seconds after its rotation gets the session's
        # current pair instead of ending the session (two refreshes at once, a retry after a timeout).
        "REFRESH_REUSE_GRACE_SECONDS": env_int("REFRESH_REUSE_GRACE_SECONDS", 10),
        # bcrypt hashes at once on this machine (all workers together), how long a login waits for a
        # turn before a 503, and how many wait in each process's line (one more is a 503 at once):
        # password hashing must never starve the catalogue of CPU or of threads.
        "PASSWORD_HASH_CONCURRENCY": env_int("PASSWORD_HASH_CONCURRENCY", max(1, (os.cpu_count() or 2) // 2)),
        "PASSWORD_HASH_WAIT_SECONDS": float(env("PASSWORD_HASH_WAIT_SECONDS", "2")),
        "PASSWORD_HASH_MAX_WAITING": env_int("PASSWORD_HASH_MAX_WAITING", 4),
        "PASSWORD_HASH_LOCK_DIR": env("PASSWORD_HASH_LOCK_DIR", "/tmp/movie-bag-hashing"),
        # Poster images decoded at once on the machine (all workers together; each takes 30 MB to 370 MB
        # at 24 megapixels, by its type: resources/images.py), how long an upload waits for a turn before a
        # 503, and how many wait in each process's line (one more is a 503 at once).
        "IMAGE_WORK_CONCURRENCY": env_int("IMAGE_WORK_CONCURRENCY", max(1, (os.cpu_count() or 2) // 2)),
        "IMAGE_WORK_WAIT_SECONDS": float(env("IMAGE_WORK_WAIT_SECONDS", "5")),
        "IMAGE_WORK_MAX_WAITING": env_int("IMAGE_WORK_MAX_WAITING", 2),
        "IMAGE_WORK_LOCK_DIR": env("IMAGE_WORK_LOCK_DIR", "/tmp/movie-bag-images"),
        # One log line per request: json (production) or text (development's default).
        "LOG_FORMAT": env("LOG_FORMAT", "text"),
        # /metrics is served only to `Authorization: Bearer <METRICS_TOKEN>`; unset, it is not served.
        "METRICS_TOKEN": env("METRICS_TOKEN"),
        # Build the indexes and fill new fields' defaults at start-up (make migrate does it in production).
        "MIGRATE_ON_START": env_bool("MIGRATE_ON_START", True),
        # Host headers accepted (production); absolute URLs are never built from the Host header anyway.
        "TRUSTED_HOSTS": [h.strip() for h in env("TRUSTED_HOSTS", "").split(",") if h.strip()] or None,
        # Strict-Transport-Security (production, behind TLS).
        "HSTS_SECONDS": env_int("HSTS_SECONDS", 0),
        "MAIL_SERVER": env("MAIL_SERVER"),
        "MAIL_PORT": env_int("MAIL_PORT", 587),
        "MAIL_USERNAME": env("MAIL_USERNAME"),
        "MAIL_PASSWORD": env("MAIL_PASSWORD"),
        "MAIL_USE_TLS": env_bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": env_bool("MAIL_USE_SSL", False),
        "MAIL_TIMEOUT": env_int("MAIL_TIMEOUT", 10),
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", "movie-bag <no-reply@movie-bag.local>"),
        # Development without MAIL_SERVER: emails are files here (open them to follow a reset link).
        "MAIL_FILE_PATH": env("MAIL_FILE_PATH", str(BASE_DIR / ".outbox")),
        # flask-restful only lets errors reach our handlers with this set (STYLE trap 1).
        "PROPAGATE_EXCEPTIONS": True,
        # Request bodies: 1 MiB of JSON; a poster image up to 5 MiB (resources/movie.py); a Letterboxd
        # export up to 12 MiB (resources/letterboxd_files.py).
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_POSTER_BYTES": 5 * 1024 * 1024,
        "MAX_LETTERBOXD_BYTES": 12 * 1024 * 1024,
        "RESTFUL_JSON": {"ensure_ascii": False},
        # Compression (flask-compress): Brotli or gzip, as the client prefers (Brotli on a tie), for these
        # types only, and only past COMPRESS_MIN_SIZE bytes. Posters (JPEG, PNG, WebP: compressed already)
        # and event streams are not among them.
        "COMPRESS_MIMETYPES": [
            "application/json",
            # a `fields=` selection's answer (resources/selection.py): JSON under its own media type
            "application/vnd.movie-bag.fields+json",
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "image/svg+xml",
            "text/plain",
            "application/manifest+json",
        ],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
        # A streamed answer is left as it is, whatever its type: the files served are read whole instead
        # (web.py, resources/docs.py), and a stream is never held back to be compressed.
        "COMPRESS_STREAMS": False,
    }


def _mail_backend(config, fallback):
    """SMTP when a server is configured, otherwise the given fallback backend."""
    return "smtp" if config["MAIL_SERVER"] else fallback


# Development's sign-up, login and reset limits: loose enough for a day of trying things (curl, the
# Postman collections, generated clients) from one address; production keeps base_config's.
DEVELOPMENT_RATE_LIMITS = {
    "RATELIMIT_SIGNUP": "200 per hour",
    "RATELIMIT_LOGIN": "100 per minute",
    "RATELIMIT_FORGOT": "50 per hour",
}


def development_config():
    """Local development: the local database `make run` starts (database/local_server.py) unless MONGODB_URI is set, a
    signing key kept in the data folder unless JWT_SECRET_KEY is set, and loose sign-up, login and reset limits."""
    config = {**base_config(local_database_uri()), "ENV_NAME": "development"}
    config.update({name: env(name, value) for name, value in DEVELOPMENT_RATE_LIMITS.items()})
    config["JWT_SECRET_KEY"] = config["JWT_SECRET_KEY"] or development_secret_key(data_folder())
    # One person trying posters out: uploads are limited loosely (production's limits are per hour of strangers).
    config["RATELIMIT_POSTER"] = env("RATELIMIT_POSTER", "300 per hour")
    config["RATELIMIT_POSTER_ADDRESS"] = env("RATELIMIT_POSTER_ADDRESS", "600 per hour")
    config["RATELIMIT_LETTERBOXD"] = env("RATELIMIT_LETTERBOXD", "100 per hour")
    # `make run` serves the web client's live updates itself (server.py gives the streams threads of their own).
    config["EVENT_STREAMS"] = env_int("EVENT_STREAMS", 16)
    # No SMTP server in development: emails are written to the log instead.
    config["MAIL_BACKEND"] = _mail_backend(config, "resources.mail.OutboxEmailBackend")
    return config


def testing_config():
    """Tests: fixed secrets and no database, whatever `.env` says: the tests connect their own (tests/mongomock_app.py)."""
    return {
        **base_config(),
        "ENV_NAME": "testing",
        "TESTING": True,
        "JWT_SECRET_KEY": "testing-secret-key-that-is-long-enough-for-hs256",
        "BCRYPT_LOG_ROUNDS": 4,
        "MONGODB_URI": None,
        "MONGODB_DB": "movie-bag-test",
        "DEMO_DATA": False,
        "CORS_ORIGINS": [],
        "PROXY_FIX_X_FOR": 0,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": None,
        "MAIL_BACKEND": "locmem",
        "PUBLIC_URL": "http://testserver",
        "PASSWORD_RESET_URL": "http://testserver/reset-password#token={token}",
        # Reuse-detection tests replay a refresh token at once; the grace window has tests of its own.
        "REFRESH_REUSE_GRACE_SECONDS": 0,
        # The test process's own hashing turns: servers elsewhere on the machine never make its logins wait.
        "PASSWORD_HASH_LOCK_DIR": str(Path(tempfile.gettempdir()) / f"movie-bag-hashing-test-{os.getpid()}"),
        "IMAGE_WORK_LOCK_DIR": str(Path(tempfile.gettempdir()) / f"movie-bag-images-test-{os.getpid()}"),
    }


def production_config():
    """Production: refuses to start without a real secret and a real database."""
    config = {**base_config(), "ENV_NAME": "production", "DEMO_DATA": False}
    # Never log a reset link in production: without SMTP the email is reported as unsent.
    config["MAIL_BACKEND"] = _mail_backend(config, "resources.mail.UnsentEmailBackend")
    secret = env("JWT_SECRET_KEY")
    if secret is None or len(secret.encode()) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"JWT_SECRET_KEY must be set to a secret of at least {MIN_SECRET_BYTES} bytes: every worker and machine signs with it."
        )
    # The hosts people reach the API at (PUBLIC_URL's), and loopback for health checks on the machine.
    config["TRUSTED_HOSTS"] = config["TRUSTED_HOSTS"] or [urlsplit(config["PUBLIC_URL"]).hostname, "localhost", "127.0.0.1"]
    config["HSTS_SECONDS"] = env_int("HSTS_SECONDS", 31536000)
    config["LOG_FORMAT"] = env("LOG_FORMAT", "json")
    # MongoDB puts a typical election at up to about 12 s: a request waits that out rather than failing
    # midway through a failover (MongoDB's "Replica Set Elections"); gunicorn's own timeout is 30 s.
    config["MONGODB_TIMEOUT_MS"] = env_int("MONGODB_TIMEOUT_MS", 15000)
    # Production serves only a database `make migrate` prepared; it never changes one as it starts.
    config["MIGRATE_ON_START"] = env_bool("MIGRATE_ON_START", False)
    if not config["MONGODB_URI"]:
        raise ConfigError("MONGODB_URI must be set in production.")
    return config


CONFIGS = {
    "development": development_config,
    "testing": testing_config,
    "production": production_config,
}


def load_config(name=None):
    """Return the settings of the named configuration (FLASK_CONFIG by default)."""
    name = name or env("FLASK_CONFIG", "development")
    if name not in CONFIGS:
        raise ConfigError(f"Unknown configuration {name!r}; use one of {', '.join(CONFIGS)}.")
    return CONFIGS[name]()
