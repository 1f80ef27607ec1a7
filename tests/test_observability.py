"""The request log and the metrics, read as an operator reads them."""

import io
import json
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.mongomock_app import make_app


@pytest.fixture
def log_lines():
    """What the movie_bag loggers write, as lines, whatever format the app set."""
    stream = io.StringIO()

    def lines():
        return stream.getvalue().splitlines()

    yield stream, lines


def app_logging_to(stream, **config):
    """A testing app whose movie_bag log handler writes to stream."""
    app = make_app("testing", **config)
    logging.getLogger("movie_bag").handlers[0].setStream(stream)
    return app


def test_a_request_is_one_json_line_with_its_route_status_and_user(make_user, log_lines):
    stream, lines = log_lines
    app = app_logging_to(stream, LOG_FORMAT="json")
    with app.app_context():
        client = app.test_client()
        user = make_user(password="a-long-password")
        tokens = client.post("/api/auth/login", json={"email": user.email, "password": "a-long-password"}).json
        client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}", "X-Request-ID": "probe-1"})
    line = next(json.loads(text) for text in lines() if '"probe-1"' in text)
    assert {k: line[k] for k in ("level", "logger", "method", "route", "status", "user_id", "client", "request_id")} == {
        "level": "INFO",
        "logger": "movie_bag.requests",
        "method": "GET",
        "route": "/api/auth/me",
        "status": 200,
        "user_id": str(user.id),
        "client": "127.0.0.1",
        "request_id": "probe-1",
    }
    assert line["duration_ms"] >= 0
    logged_at = datetime.strptime(line["time"], "%Y-%m-%dT%H:%M:%S.%f%z")  # ISO 8601, UTC ("Z")
    assert logged_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - logged_at) < timedelta(minutes=5)
    text = "\n".join(lines())
    assert tokens["access_token"] not in text and tokens["refresh_token"] not in text and "a-long-password" not in text


def test_the_route_template_is_logged_never_the_path_sent(log_lines):
    stream, lines = log_lines
    app = app_logging_to(stream, LOG_FORMAT="json")
    with app.app_context():
        app.test_client().get("/reset-password?token=a-secret-reset-token")
        app.test_client().get("/api/movies/000000000000000000000000?leak=a-secret")
    assert "a-secret" not in "\n".join(lines())
    routes = [json.loads(text)["route"] for text in lines() if text.startswith("{") and '"route"' in text]
    assert routes == ["/<client_path:path>", "/api/movies/<movie_id>"]


def test_text_format_keeps_a_readable_line(log_lines):
    stream, lines = log_lines
    app = app_logging_to(stream, LOG_FORMAT="text")
    with app.app_context():
        app.test_client().get("/api/movies")
    assert any(line.endswith("client=127.0.0.1") and "INFO movie_bag.requests: GET /api/movies 200 " in line for line in lines())


def test_metrics_are_not_served_without_a_token_configured(client):
    assert client.get("/metrics").status_code == 404


@pytest.fixture
def metrics_client():
    """An app serving /metrics to the holder of a token."""
    app = make_app("testing", METRICS_TOKEN="a-metrics-token")
    with app.app_context():
        yield app.test_client()


@pytest.mark.parametrize("header", [None, "Bearer wrong", "a-metrics-token"])
def test_metrics_need_the_token(metrics_client, header):
    response = metrics_client.get("/metrics", headers={"Authorization": header} if header else {})
    assert response.status_code == 401


def test_a_scrape_shows_the_request_by_route_and_status(metrics_client):
    def count():
        text = metrics_client.get("/metrics", headers={"Authorization": "Bearer a-metrics-token"}).get_data(as_text=True)
        line = next(
            (
                line
                for line in text.splitlines()
                if line.startswith("movie_bag_http_requests_total{") and 'route="/api/movies/<movie_id>"' in line and 'status="404"' in line
            ),
            None,
        )
        return float(line.rsplit(" ", 1)[1]) if line else 0.0

    before = count()
    for _ in range(3):
        metrics_client.get("/api/movies/000000000000000000000000")
    assert count() == before + 3


def test_invented_methods_share_one_metrics_label(metrics_client):
    """A client sending made-up methods must not add a labelled series per method (memory kept for good)."""
    for n in range(20):
        assert metrics_client.open("/api/movies", method=f"INVENTED{n}").status_code == 405
    text = metrics_client.get("/metrics", headers={"Authorization": "Bearer a-metrics-token"}).get_data(as_text=True)
    methods = set(re.findall(r'movie_bag_http_requests_total\{[^}]*method="([^"]+)"', text))
    assert "INVENTED0" not in methods
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
    assert "other" in methods
