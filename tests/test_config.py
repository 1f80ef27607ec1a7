"""Configurations read the environment, and production refuses unsafe settings."""

from datetime import timedelta
from pathlib import Path

import pytest

from config import ConfigError, data_folder, load_config, uses_local_database

GOOD_SECRET = "a-production-secret-that-is-long-enough-0123456789"


@pytest.fixture
def clean_env(monkeypatch):
    """No configuration from the developer's shell or .env leaks into these tests."""
    for name in (
        "JWT_SECRET_KEY",
        "MONGODB_URI",
        "MONGODB_SETTINGS",
        "FLASK_CONFIG",
        "JWT_ACCESS_TOKEN_EXPIRES",
        "PUBLIC_URL",
        "TRUSTED_HOSTS",
        "HSTS_SECONDS",
        "JWT_REFRESH_TOKEN_EXPIRES",
        "BCRYPT_LOG_ROUNDS",
        "CORS_ORIGINS",
        "DEMO_DATA",
        "DB_PORT",
        "MONGODB_DB",
        "RATELIMIT_SIGNUP",
        "RATELIMIT_LOGIN",
        "RATELIMIT_FORGOT",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("secret", "uri"),
    [
        (None, "mongodb://db/movie-bag"),
        ("short-secret", "mongodb://db/movie-bag"),
        (GOOD_SECRET, None),
    ],
)
def test_production_refuses_unsafe_settings(clean_env, secret, uri):
    if secret:
        clean_env.setenv("JWT_SECRET_KEY", secret)
    if uri:
        clean_env.setenv("MONGODB_URI", uri)
    with pytest.raises(ConfigError):
        load_config("production")


def test_production_accepts_a_real_secret_and_database(clean_env):
    clean_env.setenv("JWT_SECRET_KEY", GOOD_SECRET)
    clean_env.setenv("MONGODB_URI", "mongodb://db/movie-bag")
    config = load_config("production")
    assert config["BCRYPT_LOG_ROUNDS"] == 12
    assert config["DEMO_DATA"] is False


def test_defaults_for_token_lifetimes(clean_env):
    config = load_config("development")
    assert config["JWT_ACCESS_TOKEN_EXPIRES"] == timedelta(minutes=15)
    assert config["JWT_REFRESH_TOKEN_EXPIRES"] == timedelta(days=30)


def test_development_defaults_to_the_local_database(clean_env):
    config = load_config("development")
    assert config["MONGODB_URI"] == "mongodb://127.0.0.1:27117/movie-bag?directConnection=true"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"  # one process: the counters need no database
    assert uses_local_database("development") and not uses_local_database("production")


def test_the_local_database_port_comes_from_db_port(clean_env):
    clean_env.setenv("DB_PORT", "28000")
    assert load_config("development")["MONGODB_URI"] == "mongodb://127.0.0.1:28000/movie-bag?directConnection=true"


def test_a_mongodb_uri_wins_over_the_local_database(clean_env):
    clean_env.setenv("MONGODB_URI", "mongodb://db/movie-bag")
    assert load_config("development")["MONGODB_URI"] == "mongodb://db/movie-bag"
    assert not uses_local_database("development")


def test_the_data_folder_is_the_projects_unless_movie_bag_data_says(clean_env, tmp_path):
    clean_env.delenv("MOVIE_BAG_DATA")
    assert data_folder() == Path(__file__).resolve().parent.parent / ".data"
    clean_env.setenv("MOVIE_BAG_DATA", str(tmp_path))
    assert data_folder() == tmp_path


def test_lifetimes_rounds_and_origins_come_from_the_environment(clean_env):
    clean_env.setenv("JWT_ACCESS_TOKEN_EXPIRES", "60")
    clean_env.setenv("JWT_REFRESH_TOKEN_EXPIRES", "120")
    clean_env.setenv("BCRYPT_LOG_ROUNDS", "5")
    clean_env.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    clean_env.setenv("DEMO_DATA", "no")
    config = load_config("development")
    assert config["JWT_ACCESS_TOKEN_EXPIRES"] == timedelta(seconds=60)
    assert config["JWT_REFRESH_TOKEN_EXPIRES"] == timedelta(seconds=120)
    assert config["BCRYPT_LOG_ROUNDS"] == 5
    assert config["CORS_ORIGINS"] == ["https://a.example", "https://b.example"]
    assert config["DEMO_DATA"] is False


def test_old_mongodb_settings_name_still_works(clean_env):
    clean_env.setenv("MONGODB_SETTINGS", "mongodb://legacy/movie-bag")
    assert load_config("development")["MONGODB_URI"] == "mongodb://legacy/movie-bag"


def test_testing_ignores_the_environment(clean_env):
    clean_env.setenv("MONGODB_URI", "mongodb://db/movie-bag")
    clean_env.setenv("JWT_SECRET_KEY", GOOD_SECRET)
    config = load_config("testing")
    assert config["MONGODB_URI"] is None
    assert config["JWT_SECRET_KEY"] != GOOD_SECRET
    assert config["BCRYPT_LOG_ROUNDS"] == 4


def test_flask_config_picks_the_configuration(clean_env):
    clean_env.setenv("FLASK_CONFIG", "testing")
    assert load_config()["ENV_NAME"] == "testing"


def test_unknown_configuration_is_refused(clean_env):
    with pytest.raises(ConfigError):
        load_config("staging")


def key_in_another_process(data):
    """The signing key a fresh process of development would sign with, given its data folder."""
    import subprocess
    import sys

    probe = "from config import load_config; print(load_config('development')['JWT_SECRET_KEY'])"
    return subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "MOVIE_BAG_DATA": str(data), "PIPENV_DONT_LOAD_ENV": "1"},
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout.strip()


def test_development_without_a_key_keeps_one_in_the_data_folder(clean_env, tmp_path):
    """No signing key is written in the code: the first start makes one, private to its owner, and every
    later start (another process) signs with it, so tokens outlive a restart."""
    clean_env.setenv("MOVIE_BAG_DATA", str(tmp_path / "data"))
    key = load_config("development")["JWT_SECRET_KEY"]
    kept = tmp_path / "data" / "jwt-secret"
    assert len(key) >= 48 and kept.read_text() == key
    assert kept.stat().st_mode & 0o777 == 0o600
    assert key not in (Path(__file__).resolve().parent.parent / "config.py").read_text()
    assert key_in_another_process(tmp_path / "data") == key
    assert key_in_another_process(tmp_path / "other") not in ("", key)


def test_a_configured_key_wins_and_nothing_is_kept(clean_env, tmp_path):
    clean_env.setenv("MOVIE_BAG_DATA", str(tmp_path))
    clean_env.setenv("JWT_SECRET_KEY", GOOD_SECRET)
    assert load_config("development")["JWT_SECRET_KEY"] == GOOD_SECRET
    assert not (tmp_path / "jwt-secret").exists()


def test_production_trusts_the_public_hosts_and_sends_hsts(clean_env):
    clean_env.setenv("JWT_SECRET_KEY", GOOD_SECRET)
    clean_env.setenv("MONGODB_URI", "mongodb://db/movie-bag")
    clean_env.setenv("PUBLIC_URL", "https://movies.example.com")
    config = load_config("production")
    assert config["TRUSTED_HOSTS"] == ["movies.example.com", "localhost", "127.0.0.1"]
    assert config["HSTS_SECONDS"] == 31536000
    assert load_config("development")["HSTS_SECONDS"] == 0


def test_development_limits_sign_up_login_and_reset_loosely(clean_env):
    config = load_config("development")
    assert (config["RATELIMIT_SIGNUP"], config["RATELIMIT_LOGIN"], config["RATELIMIT_FORGOT"]) == (
        "200 per hour",
        "100 per minute",
        "50 per hour",
    )
    # Failed logins against one account stay limited: guessing is guessing, in development too.
    assert config["RATELIMIT_LOGIN_ACCOUNT_ADDRESS"] == "5 per minute"


def test_production_keeps_the_strict_limits(clean_env):
    clean_env.setenv("JWT_SECRET_KEY", GOOD_SECRET)
    clean_env.setenv("MONGODB_URI", "mongodb://db/movie-bag")
    config = load_config("production")
    assert (config["RATELIMIT_SIGNUP"], config["RATELIMIT_LOGIN"], config["RATELIMIT_FORGOT"]) == (
        "10 per hour",
        "10 per minute",
        "5 per hour",
    )


def test_a_limit_set_in_the_environment_wins_in_development(clean_env):
    clean_env.setenv("RATELIMIT_SIGNUP", "3 per hour")
    assert load_config("development")["RATELIMIT_SIGNUP"] == "3 per hour"
