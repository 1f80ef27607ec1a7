"""A Server-Sent Events reader for the live tests: what a browser's EventSource sees of /api/events."""

import json
import queue
import threading
import time

import requests


class EventReader:
    """Reads one /api/events stream on a thread of its own; each event is a dict {id, event, data}."""

    def __init__(self, base_url, last_event_id=None, timeout=60, in_query=False):
        headers, params = {"Accept": "text/event-stream"}, {}
        if last_event_id and in_query:
            params["last_event_id"] = last_event_id
        elif last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.response = requests.get(f"{base_url}/api/events", headers=headers, params=params, stream=True, timeout=timeout)
        self.events = queue.Queue()
        self.comments = 0
        self.retry = None
        self.ended = threading.Event()
        if self.response.status_code == 200:
            threading.Thread(target=self.read, daemon=True).start()
        else:
            self.ended.set()

    def read(self):
        """Parse frames until the server ends the stream (or it is closed here)."""
        fields = {}
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line == "":
                    if "data" in fields:
                        self.events.put(
                            {"id": fields.get("id"), "event": fields.get("event", "message"), "data": json.loads(fields["data"])}
                        )
                    elif "retry" in fields:
                        self.retry = int(fields["retry"])
                    fields = {}
                elif line.startswith(":"):
                    self.comments += 1
                else:
                    name, _, value = line.partition(":")
                    fields[name] = value[1:] if value.startswith(" ") else value
        except (requests.RequestException, AttributeError, ValueError):
            pass  # closed by the test
        finally:
            self.ended.set()

    def next(self, timeout=2.0):
        """The next event within timeout seconds, or None."""
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def wait_for(self, predicate, timeout=2.0):
        """The first event (skipping others) for which predicate holds, within timeout seconds; None if none came."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            event = self.next(left)
            if event is not None and predicate(event):
                return event
        return None

    def close(self):
        """Drop the connection, as a closed browser tab does."""
        self.response.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
