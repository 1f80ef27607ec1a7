"""What operations runs the service by: one log line per request, and Prometheus metrics on /metrics.

Each request is logged once, after its answer, with its time, level, request id, method, route template
(`/api/movies/<movie_id>`, never the path a client sent, which may carry a token), status, duration,
the user id when its token was good, and the client address: as one JSON object per line, or with
LOG_FORMAT=text as a readable line for development. Nothing else of the request is logged: no header,
body, query string, token, password or hash. /metrics is served only to a request that sends
`Authorization: Bearer <METRICS_TOKEN>`; without METRICS_TOKEN it is not served at all.
"""

import hmac
import logging
import os
import time

from flask import Blueprint, Response, current_app, g, has_request_context, request
from flask_jwt_extended import get_jwt_identity
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from pythonjsonlogger.json import JsonFormatter
from werkzeug.exceptions import NotFound, Unauthorized

import metrics

logger = logging.getLogger("movie_bag.requests")
blueprint = Blueprint("metrics", __name__)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    """Every log record made during a request carries its request id."""

    def filter(self, record):
        """Add request_id (or None outside a request)."""
        record.request_id = g.get("request_id") if has_request_context() else None
        return True


def configure_logging(log_format):
    """The movie_bag loggers' one handler, on stderr: JSON lines, or readable text (LOG_FORMAT=text)."""
    root = logging.getLogger("movie_bag")
    handler = logging.StreamHandler()
    if log_format == "json":
        formatter = JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
        # ISO 8601 in UTC, to the millisecond: 2026-12-02T04:33:16.064Z.
        formatter.converter = time.gmtime
        formatter.default_time_format = "%Y-%m-%dT%H:%M:%S"
        formatter.default_msec_format = "%s.%03dZ"
        handler.setFormatter(formatter)
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestIdFilter())
    root.handlers = [handler]
    root.setLevel(logging.INFO)


def start_timer():
    """Note when the request reached the app."""
    g.request_started = time.perf_counter()


def user_id():
    """The id of the user the request's token spoke for, when it had a good one."""
    try:
        return get_jwt_identity()
    except RuntimeError:  # flask-jwt-extended's answer when no token was verified for this request
        return None


# Every method a route of this API may answer; any other (invented by a client) shares one label.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method):
    """The method as a metrics label: one of the HTTP methods the API knows, or `other`, so that a
    client inventing methods cannot add labels (each a series the process keeps for good)."""
    return method if method in KNOWN_METHODS else "other"


def record(response):
    """Log the request's one line and count it."""
    duration = time.perf_counter() - g.get("request_started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule else "(no route)"
    method = method_label(request.method)
    metrics.REQUESTS.labels(route, method, str(response.status_code)).inc()
    metrics.LATENCY.labels(route, method).observe(duration)
    fields = {
        "method": method,
        "route": route,
        "status": response.status_code,
        "duration_ms": round(duration * 1000, 2),
        "user_id": user_id(),
        "client": request.remote_addr,
    }
    if current_app.config["LOG_FORMAT"] == "json":
        logger.info("request", extra=fields)
    else:
        logger.info("%(method)s %(route)s %(status)s %(duration_ms)sms user=%(user_id)s client=%(client)s", fields)
    return response


@blueprint.get("/metrics")
def serve_metrics():
    """The metrics, to the holder of METRICS_TOKEN only."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        raise NotFound()
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        raise Unauthorized("Send the metrics token as 'Authorization: Bearer <METRICS_TOKEN>'.")
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def init_observability(app):
    """Log and count every request, and serve /metrics."""
    configure_logging(app.config["LOG_FORMAT"])
    app.before_request(start_timer)
    app.after_request(record)
    app.register_blueprint(blueprint)
