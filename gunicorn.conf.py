"""Gunicorn settings: several workers on a real MongoDB, one threaded process on the embedded one."""

import multiprocessing

from config import env, env_int, mongodb_uri

bind = env("BIND", f"{env('HOST', '127.0.0.1')}:{env_int('PORT', 5000)}")

if mongodb_uri():
    # Stateless workers: tokens, revocations and data all live in MongoDB.
    workers = env_int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9))
    threads = env_int("GUNICORN_THREADS", 2)
else:
    # The embedded in-memory database lives inside one process: never split it across workers.
    workers = 1
    threads = env_int("GUNICORN_THREADS", 8)

worker_class = "gthread"
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
accesslog = env("ACCESS_LOG", "-")
# The access log never records Authorization headers or bodies.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
