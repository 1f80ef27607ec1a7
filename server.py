"""The HTTP servers in front of the app, and their own error answers in the app's JSON envelope.

- `make run` serves with waitress (`python server.py`): its event loop reads every request whole,
  head and body, before a worker thread sees it, so clients that send half a request and stall hold
  no thread (gunicorn's thread worker parks a thread on each); such a connection is dropped after
  CLIENT_TIMEOUT seconds without data.
- Production runs gunicorn behind nginx (deploy/nginx/, docker-compose.yml), as gunicorn's deployment
  guide asks, with JsonErrorWorker below as its worker class.

A request either server refuses before the app sees it (a header too large, a malformed request line,
a body over the limit however it is framed) still gets the envelope `{"code", "message", "status"}`.
"""

import contextlib
import json
import signal
import sys
import uuid
from pathlib import Path

from gunicorn.http import errors as gunicorn_errors
from gunicorn.util import write_nonblock
from gunicorn.workers.gthread import ThreadWorker

from config import bind_address, data_folder, db_port, env_int, load_config, uses_local_database
from database.local_server import LocalDatabaseError, local_database
from resources.errors import MESSAGES, code_for
from resources.live import start_feeds

REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    408: "Request Timeout",
    413: "Content Too Large",
    414: "URI Too Long",
    417: "Expectation Failed",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
}
EXTRA_MESSAGES = {
    414: "The request line is too long (the limit is 8190 bytes).",
    431: "The request headers are too large.",
    501: "This transfer coding is not supported.",
    417: "This expectation is not supported.",
}


def envelope(status, message=None):
    """The body and headers of a server-made error answer."""
    message = message or EXTRA_MESSAGES.get(status) or MESSAGES.get(status) or REASONS.get(status, "Error")
    body = json.dumps({"code": code_for(status), "message": message, "status": status}).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Cache-Control", "no-cache"),
        ("X-Request-ID", uuid.uuid4().hex),
        ("Connection", "close"),
    ]
    return body, headers


# --- gunicorn ------------------------------------------------------------------------------------

# The requests gunicorn refuses as the client's fault, and the status each gets (400 unless named).
CLIENT_ERRORS = {
    gunicorn_errors.LimitRequestLine: 414,
    gunicorn_errors.LimitRequestHeaders: 431,
    gunicorn_errors.UnsupportedTransferCoding: 501,
    gunicorn_errors.ExpectationFailed: 417,
    gunicorn_errors.ForbiddenProxyRequest: 403,
    gunicorn_errors.InvalidRequestLine: 400,
    gunicorn_errors.InvalidRequestMethod: 400,
    gunicorn_errors.InvalidHTTPVersion: 400,
    gunicorn_errors.InvalidHeader: 400,
    gunicorn_errors.InvalidHeaderName: 400,
    gunicorn_errors.InvalidProxyLine: 400,
    gunicorn_errors.InvalidSchemeHeaders: 400,
    gunicorn_errors.ObsoleteFolding: 400,
    gunicorn_errors.InvalidChunkSize: 400,
    gunicorn_errors.ChunkMissingTerminator: 400,
    gunicorn_errors.InvalidChunkExtension: 400,
}


def client_error_status(exc):
    """The status of a request gunicorn refused as malformed or too large, or None for anything else."""
    return next((status for kind, status in CLIENT_ERRORS.items() if isinstance(exc, kind)), None)


class JsonErrorWorker(ThreadWorker):
    """gunicorn's thread worker, answering the requests it refuses itself in the JSON envelope.

    Its own answers are HTML pages that echo the refused request line or header; these name neither
    (a refused line may carry a token in its query string), in the log or the answer.
    """

    def handle_error(self, req, client, addr, exc):
        """A malformed or oversized request gets the envelope; anything else, gunicorn's own handling."""
        status = client_error_status(exc)
        if status is None:
            return super().handle_error(req, client, addr, exc)
        self.log.warning("refused a request from %s: %s (%d)", (addr or ("",))[0], type(exc).__name__, status)
        body, headers = envelope(status)
        head = f"HTTP/1.1 {status} {REASONS[status]}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
        head += f"Content-Length: {len(body)}\r\n\r\n"
        with contextlib.suppress(OSError):  # the client is gone already
            write_nonblock(client, head.encode("latin-1") + body)
        return None


# --- waitress (make run) ---------------------------------------------------------------------------


def waitress_classes(config):
    """waitress' channel and error task, answering what waitress refuses itself in the envelope."""
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    class JsonErrorTask(ErrorTask):
        """A request waitress refused (malformed, headers or body too large): the envelope."""

        def execute(self):
            """Write the envelope for the refusal's status and close the connection."""
            status = self.request.error.code
            # waitress refuses only a body past the largest limit of any operation (a Letterboxd export's).
            message = None
            if status == 413:
                message = (
                    f"The request body is too large (the limit is {config['MAX_LETTERBOXD_BYTES'] // 2**20} MiB for a "
                    f"Letterboxd export, {config['MAX_POSTER_BYTES'] // 2**20} MiB for a poster, "
                    f"{config['MAX_CONTENT_LENGTH'] // 2**20} MiB for anything else)."
                )
            body, headers = envelope(status, message)
            self.status = f"{status} {REASONS.get(status, self.request.error.reason)}"
            self.response_headers.extend(headers)
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class JsonErrorChannel(HTTPChannel):
        """A connection whose refused requests are answered by JsonErrorTask."""

        error_task_class = JsonErrorTask

    return JsonErrorChannel


def make_server(app=None):
    """The waitress server `make run` uses, bound to BIND (or HOST:PORT), not yet running.

    app is a WSGI application (the movie-bag app by default).
    """
    from waitress import create_server

    if app is None:
        from app import create_app

        app = create_app()
    config = load_config()
    # The largest body any operation takes (a Letterboxd export); the app holds each operation to its own limit.
    max_body = max(config["MAX_CONTENT_LENGTH"], config["MAX_POSTER_BYTES"], config["MAX_LETTERBOXD_BYTES"])
    timeout = env_int("CLIENT_TIMEOUT", 10)
    server = create_server(
        app,
        listen=bind_address(),
        # The threads that answer requests, and beside them one for each live-update stream it serves
        # (resources/live.py): streams never take a thread requests need.
        threads=env_int("SERVER_THREADS", 8) + config["EVENT_STREAMS"],
        # Connections idle (or stalled mid-request) this long are closed; checked every second.
        channel_timeout=timeout,
        cleanup_interval=1,
        connection_limit=env_int("SERVER_CONNECTION_LIMIT", 500),
        # The request line and headers together; the app answers a line over 8190 bytes with a 414.
        max_request_header_size=env_int("SERVER_MAX_HEADER_BYTES", 16384),
        # However the body is framed (Content-Length or chunked): a 413 past the largest limit.
        max_request_body_size=max_body,
        ident="movie-bag",
        url_scheme="http",
    )
    server.channel_class = waitress_classes(config)
    return server


def _stop_on_sigterm():
    """SIGTERM ends the server as Ctrl-C does, so what `make run` started is stopped on the way out."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def welcome(app, database):
    """What `make run` prints once it serves: where to go, and where the data lives."""
    base = app.config["PUBLIC_URL"]
    web = (
        f"{base}/"
        if (Path(app.config["WEB_DIST"]) / "index.html").is_file()
        else "(not built: `make run` builds it when Node.js 20+ is installed)"
    )
    lines = [
        f"movie-bag serving on http://{bind_address()} (waitress); Ctrl-C stops it.",
        f"  web client:       {web}",
        f"  API docs:         {base}/api/docs",
        f"  OpenAPI document: {base}/api/openapi.json",
    ]
    if app.extensions.get("demo_loaded"):
        from database.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_EMAIL, DEMO_PASSWORD

        lines.append(f"  demo logins:      {DEMO_EMAIL} / {DEMO_PASSWORD}, admin {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}")
    if database:
        lines.append(f"  data:             {database} (SecantusDB on 127.0.0.1:{db_port()}); `make reset-data` empties it")
    return "\n".join(lines)


def main(wrap=None):
    """Serve until Ctrl-C or SIGTERM: on MONGODB_URI, or (development) on the local database this starts.

    wrap, given the app, returns the WSGI application to serve (tests record every answer with it).
    """
    from app import create_app

    _stop_on_sigterm()
    folder = data_folder() if uses_local_database() else None
    try:
        with local_database(folder / "db", db_port()) if folder else contextlib.nullcontext():
            app = create_app()
            try:
                server = make_server(wrap(app) if wrap else app)
            except OSError as error:
                sys.exit(f"make run: cannot listen on {bind_address()} ({error.strerror}): choose another port, e.g. PORT=8000 make run")
            print(welcome(app, folder), flush=True)
            start_feeds()
            server.run()
    except LocalDatabaseError as error:
        sys.exit(f"make run: {error}")
    except KeyboardInterrupt:
        pass  # a signal before the server ran: everything started is stopped already


if __name__ == "__main__":
    main()
