"""The production stack's files, checked where no Docker engine runs: what they name exists and fits together.

docker compose itself cannot run here; nginx's config is exercised for real by tests/test_security.py.
"""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_the_stack_is_nginx_in_front_of_the_api_on_a_mongodb_replica_set():
    assert set(SERVICES) == {"mongo", "migrate", "api", "events", "repair", "nginx"}
    assert SERVICES["mongo"]["image"] == "mongo:7" and "--replSet" in SERVICES["mongo"]["command"]
    assert "mongo-data:/data/db" in SERVICES["mongo"]["volumes"]
    assert "replicaSet=rs0" in SERVICES["api"]["environment"]["MONGODB_URI"]
    assert SERVICES["nginx"]["environment"]["API_UPSTREAM"] == "api:5000" and "ports" not in SERVICES["api"]


def test_the_scheduled_repair_runs_repair_data_against_the_api_database_every_hour():
    repair = SERVICES["repair"]
    assert repair["environment"]["MONGODB_URI"] == SERVICES["api"]["environment"]["MONGODB_URI"]
    assert "flask --app app repair-data" in repair["command"][-1] and "sleep 3600" in repair["command"][-1]
    assert repair["depends_on"]["api"]["condition"] == "service_healthy" and "ports" not in repair


def test_nginx_serves_the_committed_config():
    [mount] = SERVICES["nginx"]["volumes"]
    source, target = mount.split(":")[:2]
    assert (ROOT / source).resolve() == ROOT / "deploy" / "nginx" / "movie-bag.conf.template"
    assert target.startswith("/etc/nginx/templates/")
    placeholders = set(re.findall(r"\$\{(\w+)\}", (ROOT / source).read_text()))
    assert placeholders == {"API_UPSTREAM", "EVENTS_UPSTREAM", "NGINX_PORT"}
    assert set(re.findall(r"[A-Z_]+", SERVICES["nginx"]["environment"]["NGINX_ENVSUBST_FILTER"])) == placeholders
    assert placeholders <= set(SERVICES["nginx"]["environment"])


def test_event_streams_have_a_service_of_their_own_and_nginx_does_not_buffer_them():
    events, template = SERVICES["events"], (ROOT / "deploy" / "nginx" / "movie-bag.conf.template").read_text()
    assert int(events["environment"]["EVENT_STREAMS"].strip("${}").split(":-")[-1]) >= 300
    assert events["environment"]["WEB_CONCURRENCY"] == "1" and "EVENT_STREAMS" not in SERVICES["api"]["environment"]
    assert SERVICES["nginx"]["environment"]["EVENTS_UPSTREAM"] == "events:5000"
    location = re.search(r"location = /api/events \{(.*?)\}", template, re.DOTALL).group(1)
    assert "proxy_pass http://movie_bag_events;" in location and "proxy_buffering off;" in location
    assert "proxy_read_timeout 1h;" in location


def test_the_database_is_migrated_before_the_api_starts():
    assert SERVICES["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["migrate"]["command"][-1] == "migrate"
    assert SERVICES["api"]["environment"]["FLASK_CONFIG"] == "production"


def test_healthchecks_use_readiness_and_liveness():
    assert "/api/ready" in " ".join(SERVICES["api"]["healthcheck"]["test"])
    assert "/api/health" in " ".join(SERVICES["nginx"]["healthcheck"]["test"])
    assert "/api/ready" in (ROOT / "Dockerfile").read_text()


def test_the_image_carries_every_top_level_module_the_app_imports():
    copied = re.search(r"^COPY (app\.py .*) \./$", (ROOT / "Dockerfile").read_text(), re.MULTILINE).group(1).split()
    modules = {path.name for path in ROOT.glob("*.py")}
    assert modules <= set(copied), modules - set(copied)
