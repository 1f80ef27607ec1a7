"""The app as the live test servers run it: unchanged, with every answer recorded for tests/contract.py.

tests/live_server.py serves it (with `python -m tests.contract_server` as `make run` serves, server.py's
main starting the local database when there is no MONGODB_URI, or gunicorn on
`tests.contract_server:recorded_app()`) with MOVIE_BAG_EXCHANGES naming a file; each
answer under /api is appended to it as one JSON line, and the test process checks them all against
the document when the server stops. The answer itself passes through byte for byte.
"""

import json
import os

from app import create_app

EXCHANGES = os.environ["MOVIE_BAG_EXCHANGES"]


def recording(wsgi_app, path):
    """WSGI middleware appending (method, path, query, status, headers, body) of each /api answer."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def middleware(environ, start_response):
        url_path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        if not url_path.startswith("/api"):
            return wsgi_app(environ, start_response)
        answer = {}

        def capture(status, headers, exc_info=None):
            answer.update(status=int(status.split()[0]), headers=headers)
            return start_response(status, headers, exc_info)

        chunks = wsgi_app(environ, capture)
        if dict(answer["headers"]).get("Content-Type", "").startswith("text/event-stream"):
            # An event stream lasts minutes: it passes through as it comes, recorded when it ends.
            return streamed(environ, url_path, answer, chunks)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        write(environ, url_path, answer, body)
        return [body]

    def streamed(environ, url_path, answer, chunks):
        seen = []
        try:
            for chunk in chunks:
                seen.append(chunk)
                yield chunk
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
            write(environ, url_path, answer, b"".join(seen))

    def write(environ, url_path, answer, body):
        line = {
            "method": environ["REQUEST_METHOD"],
            "path": url_path,
            "query": environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8", "replace"),
            "status": answer["status"],
            "headers": answer["headers"],
            "body": body.decode("latin-1"),  # each byte one character: any body survives JSON
        }
        os.write(fd, (json.dumps(line) + "\n").encode())  # one write per line: O_APPEND keeps lines whole

    return middleware


def recorded_app(app=None):
    """The app (a new one by default) with every /api answer recorded."""
    return recording(app or create_app(), EXCHANGES)


if __name__ == "__main__":
    from server import main

    main(wrap=recorded_app)
