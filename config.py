"""Configuration: the only module that reads the environment."""

import os
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent

# `.env.local` (ignored by git) holds real secrets and wins over the committed `.env`;
# variables already set in the environment win over both.
load_dotenv(BASE_DIR / ".env.local")
load_dotenv(BASE_DIR / ".env")

DEV_JWT_SECRET_KEY = "dev-only-secret-change-me-in-production-0123456789"
MIN_SECRET_BYTES = 32


def env(name, default=None):
    """Return an environment variable, treating an empty value as unset."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_int(name, default):
    """Return an integer environment variable or a default."""
    return int(env(name, default))


def env_bool(name, default):
    """Return a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = env(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def mongodb_uri():
    """Return the MongoDB URI from MONGODB_URI, or from MONGODB_SETTINGS for old deployments."""
    return env("MONGODB_URI") or env("MONGODB_SETTINGS")


class ConfigError(RuntimeError):
    """Raised when a configuration cannot be run safely."""


def base_config():
    """Settings shared by every configuration, read from the environment now."""
    return {
        "JWT_SECRET_KEY": env("JWT_SECRET_KEY", DEV_JWT_SECRET_KEY),
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(seconds=env_int("JWT_ACCESS_TOKEN_EXPIRES", 15 * 60)),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(seconds=env_int("JWT_REFRESH_TOKEN_EXPIRES", 30 * 24 * 3600)),
        "JWT_TOKEN_LOCATION": ["headers"],
        "JWT_ERROR_MESSAGE_KEY": "message",
        # Verified tokens each worker remembers until they expire (resources/auth.py): about 1 KiB each.
        # 0 (or less) verifies every token in full.
        "JWT_VERIFIED_TOKENS_CACHED": max(0, env_int("JWT_VERIFIED_TOKENS_CACHED", 4096)),
        "BCRYPT_LOG_ROUNDS": env_int("BCRYPT_LOG_ROUNDS", 12),
        "MONGODB_URI": mongodb_uri(),
        "MONGODB_DB": env("MONGODB_DB", "movie-bag"),
        "MONGODB_TIMEOUT_MS": env_int("MONGODB_TIMEOUT_MS", 2000),
        "DEMO_DATA": env_bool("DEMO_DATA", True),
        "CORS_ORIGINS": [o.strip() for o in env("CORS_ORIGINS", "").split(",") if o.strip()],
        "WEB_DIST": env("WEB_DIST", str(BASE_DIR / "web" / "dist")),
        # Number of proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
        "PROXY_FIX_X_FOR": env_int("PROXY_FIX_X_FOR", 0),
        # Rate limits (flask-limiter syntax); the counters live in MongoDB when there is one.
        "RATELIMIT_ENABLED": env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", mongodb_uri() or "memory://"),
        "RATELIMIT_STORAGE_OPTIONS": {"serverSelectionTimeoutMS": env_int("MONGODB_TIMEOUT_MS", 2000)}
        if (env("RATELIMIT_STORAGE_URI", mongodb_uri()) or "").startswith("mongodb")
        else {},
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_LOGIN": env("RATELIMIT_LOGIN", "10 per minute"),
        "RATELIMIT_LOGIN_ACCOUNT": env("RATELIMIT_LOGIN_ACCOUNT", "5 per minute"),
        "RATELIMIT_SIGNUP": env("RATELIMIT_SIGNUP", "10 per hour"),
        "RATELIMIT_FORGOT": env("RATELIMIT_FORGOT", "5 per hour"),
        "RATELIMIT_REFRESH": env("RATELIMIT_REFRESH", "30 per minute"),
        # Password reset emails.
        "PASSWORD_RESET_EXPIRES": timedelta(seconds=env_int("PASSWORD_RESET_EXPIRES", 3600)),
        "PASSWORD_RESET_URL": env("PASSWORD_RESET_URL", env("PUBLIC_URL", "http://127.0.0.1:5000") + "/reset-password?token={token}"),
        "MAIL_SERVER": env("MAIL_SERVER"),
        "MAIL_PORT": env_int("MAIL_PORT", 587),
        "MAIL_USERNAME": env("MAIL_USERNAME"),
        "MAIL_PASSWORD": env("MAIL_PASSWORD"),
        "MAIL_USE_TLS": env_bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": env_bool("MAIL_USE_SSL", False),
        "MAIL_TIMEOUT": env_int("MAIL_TIMEOUT", 10),
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", "movie-bag <no-reply@movie-bag.local>"),
        # flask-restful only lets errors reach our handlers with this set (STYLE trap 1).
        "PROPAGATE_EXCEPTIONS": True,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "RESTFUL_JSON": {"ensure_ascii": False},
    }


def _mail_backend(config, fallback):
    """SMTP when a server is configured, otherwise the given fallback backend."""
    return "smtp" if config["MAIL_SERVER"] else fallback


def development_config():
    """Local development: embedded in-memory database unless MONGODB_URI is set."""
    config = {**base_config(), "ENV_NAME": "development"}
    # No SMTP server in development: emails are written to the log instead.
    config["MAIL_BACKEND"] = _mail_backend(config, "resources.mail.LogEmailBackend")
    return config


def testing_config():
    """Tests: always the in-memory database and fixed secrets, whatever `.env` says."""
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
        "PASSWORD_RESET_URL": "http://testserver/reset-password?token={token}",
    }


def production_config():
    """Production: refuses to start without a real secret and a real database."""
    config = {**base_config(), "ENV_NAME": "production", "DEMO_DATA": False}
    # Never log a reset link in production: without SMTP the email is reported as unsent.
    config["MAIL_BACKEND"] = _mail_backend(config, "resources.mail.UnsentEmailBackend")
    secret = config["JWT_SECRET_KEY"]
    if secret == DEV_JWT_SECRET_KEY or len(secret.encode()) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"JWT_SECRET_KEY must be set to a secret of at least {MIN_SECRET_BYTES} bytes "
            "that differs from the development default."
        )
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
