"""Every Prometheus metric, made once here (prometheus_client), like the extensions in extensions.py.

Under gunicorn the workers are separate processes: gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR
before any worker starts, and each metric then writes to files there that /metrics adds up
(prometheus_client's multiprocess mode). Without it (make run: one process) they live in memory.
"""

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "movie_bag_http_requests_total", "HTTP requests answered, by route template, method and status.", ["route", "method", "status"]
)
LATENCY = Histogram(
    "movie_bag_http_request_duration_seconds",
    "Time from the request's arrival at the app to its answer, by route template and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DB_COMMANDS = Counter("movie_bag_mongodb_commands_total", "MongoDB commands sent, by command and outcome.", ["command", "outcome"])
DB_LATENCY = Histogram(
    "movie_bag_mongodb_command_duration_seconds",
    "MongoDB command round trips, by command.",
    ["command"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
HASHING = Gauge("movie_bag_password_hashes_in_flight", "bcrypt hashes and checks running now.", multiprocess_mode="livesum")
HASH_WAITING = Gauge(
    "movie_bag_password_hashes_waiting", "Requests waiting for a turn to hash or check a password.", multiprocess_mode="livesum"
)
IMAGES = Gauge("movie_bag_images_in_flight", "Poster images being decoded and encoded now.", multiprocess_mode="livesum")
IMAGES_WAITING = Gauge("movie_bag_images_waiting", "Uploads waiting for a turn to decode their image.", multiprocess_mode="livesum")
SIGNUPS = Counter("movie_bag_signups_total", "Accounts created by signup.")
LOGINS = Counter("movie_bag_logins_total", "Logins, by outcome (ok, failed).", ["outcome"])
MOVIES_CREATED = Counter("movie_bag_movies_created_total", "Movies added to the catalogue.")
