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
        "BCRYPT_LOG_ROUNDS": env_int("BCRYPT_LOG_ROUNDS", 12),
        "MONGODB_URI": mongodb_uri(),
        "MONGODB_DB": env("MONGODB_DB", "movie-bag"),
        "MONGODB_TIMEOUT_MS": env_int("MONGODB_TIMEOUT_MS", 2000),
        "DEMO_DATA": env_bool("DEMO_DATA", True),
        "CORS_ORIGINS": [o.strip() for o in env("CORS_ORIGINS", "").split(",") if o.strip()],
        "WEB_DIST": env("WEB_DIST", str(BASE_DIR / "web" / "dist")),
        # flask-restful only lets errors reach our handlers with this set (STYLE trap 1).
        "PROPAGATE_EXCEPTIONS": True,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "RESTFUL_JSON": {"ensure_ascii": False},
    }


def development_config():
    """Local development: embedded in-memory database unless MONGODB_URI is set."""
    return {**base_config(), "ENV_NAME": "development"}


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
    }


def production_config():
    """Production: refuses to start without a real secret and a real database."""
    config = {**base_config(), "ENV_NAME": "production", "DEMO_DATA": False}
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
