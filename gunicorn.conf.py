"""Gunicorn settings, for production behind nginx (deploy/nginx/): several workers on MongoDB (MONGODB_URI;
in development, the local database `make run` runs). `make run` serves with waitress instead (server.py)."""

import multiprocessing
import os
import shutil
import tempfile

from config import bind_address, env, env_int

wsgi_app = "app:create_app()"
bind = bind_address()

# Stateless workers: tokens, revocations and data all live in MongoDB.
workers = env_int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9))
threads = env_int("GUNICORN_THREADS", 2)
# The `events` service (docker-compose.yml) is this same app serving /api/events: EVENT_STREAMS streams,
# each on a thread of its own beside those that answer requests; the API's workers serve none.
EVENT_STREAMS = env_int("EVENT_STREAMS", 0)
threads += EVENT_STREAMS
worker_connections = max(1000, threads + 100)

# gunicorn's thread worker, answering the requests it refuses itself in the JSON envelope.
worker_class = "server.JsonErrorWorker"
timeout = env_int("GUNICORN_TIMEOUT", 30)
# Seconds an idle keep-alive connection stays open. Longer than the clients' own idle limit (Node's
# fetch drops idle sockets after 4 s; gunicorn's default is 2 s), so the client always closes first:
# otherwise a request sent as the server closes the socket fails at the network level. Behind a
# load balancer, set it above the balancer's idle timeout (AWS ALB: 60 s).
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# The longest request line gunicorn reads (its default is 4094): a movie search with q, genre and
# cast at their 200-character limit, in percent-encoded UTF-8, is longer than that and is valid.
limit_request_line = 8190
graceful_timeout = 10
# The app logs every request itself (one JSON line, resources/observability.py); ACCESS_LOG=- adds gunicorn's.
accesslog = env("ACCESS_LOG", None)
# The access log records the path without its query string (%(U)s), and never headers or bodies:
# no token, in a header or a link, can reach it.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'


# Prometheus metrics from several worker processes: each writes to files in one folder that /metrics
# adds up (prometheus_client's multiprocess mode). The folder is made empty before any worker starts.
METRICS_DIR = env("PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"movie-bag-metrics-{os.getpid()}"))
shutil.rmtree(METRICS_DIR, ignore_errors=True)
os.makedirs(METRICS_DIR)
raw_env = [f"PROMETHEUS_MULTIPROC_DIR={METRICS_DIR}"]
os.environ["PROMETHEUS_MULTIPROC_DIR"] = METRICS_DIR


def child_exit(server, worker):
    """A worker that ended leaves its live gauges (hashes in flight) out of the sum."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """The metrics files go with the server."""
    shutil.rmtree(METRICS_DIR, ignore_errors=True)


def post_worker_init(worker):
    """A worker that serves event streams starts following the change log at once (resources/live.py)."""
    if EVENT_STREAMS:
        from resources.live import start_feeds

        start_feeds()
