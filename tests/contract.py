"""The contract check: every answer the tests receive must be what the OpenAPI document says.

The document is built from the code (resources/openapi.py) once per test run. Each answer is checked
with openapi-core, a validator nobody on this project wrote: its status must be declared for the
operation, its content type and body must match the declared schema (strictly: no undeclared field,
every required one present), and every required header must be there with a value of its type.
An answer for a path or method the document does not have must be the error envelope.

Which (operation, status) pairs the tests saw is recorded, so that test_contract.py can fail on a
declared status no test ever got: a declaration that names a status the method never returns.
"""

import gzip
import json
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qsl

import brotli
import jsonschema
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.util import json_loads
from werkzeug.datastructures import Headers, ImmutableMultiDict

HOST = "http://contract.test"
METHODS = ("get", "put", "post", "delete", "patch")


@dataclass
class Request:
    """A request as openapi-core reads it: only what finds the operation matters for an answer."""

    method: str
    path: str
    query: str = ""
    host_url: str = HOST
    body: bytes = None
    content_type: str = "application/json"
    parameters: RequestParameters = field(init=False)

    def __post_init__(self):
        self.method = self.method.lower()
        self.parameters = RequestParameters(query=ImmutableMultiDict(parse_qsl(self.query, keep_blank_values=True)))


@dataclass
class Response:
    """An answer as openapi-core reads it."""

    status_code: int
    headers: Headers
    body: bytes

    @property
    def content_type(self):
        return self.headers.get("Content-Type", "").lower()

    @property
    def decoded(self):
        """The body without its content coding (Brotli or gzip, as flask-compress sends it)."""
        coding = self.headers.get("Content-Encoding", "")
        if coding == "br":
            return brotli.decompress(self.body)
        if coding == "gzip":
            return gzip.decompress(self.body)
        return self.body

    @property
    def data(self):
        """The body; for a media type openapi-core does not parse (HTML, CSS, images), as a string.

        openapi-core checks such a body against its `type: string` schema as it is given, and bytes are
        no string to it: each byte as one character keeps the length and content the answer had.
        """
        return self.decoded if "json" in self.content_type else self.decoded.decode("latin-1")


class ContractViolation(AssertionError):
    """An answer the document does not allow."""


class Contract:
    """The document, and the checks and records made against it."""

    def __init__(self, document):
        self.document = {**document, "servers": [{"url": HOST}]}
        self.seen = set()
        self._lock = threading.Lock()

    @cached_property
    def openapi(self):
        # openapi-core parses application/json and a few other types by name; a `+json` type of the document (a
        # `fields=` selection's answer) is JSON too (RFC 6839), and its body is checked against its own schema.
        suffixed = {media for media in media_types(self.document) if media.endswith("+json")}
        return OpenAPI.from_dict(self.document, config=Config(extra_media_type_deserializers=dict.fromkeys(suffixed, json_loads)))

    @cached_property
    def templates(self):
        """[(regex, path template)] of every documented path, most specific first."""
        compiled = []
        for template in self.document["paths"]:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            compiled.append((re.compile(f"^{pattern}$"), template))
        return sorted(compiled, key=lambda item: item[1].count("{"))

    def operation(self, method, path):
        """The documented operation object for this method and path, or None."""
        for pattern, template in self.templates:
            if pattern.match(path):
                return self.document["paths"][template].get(method.lower())
        return None

    def check(self, method, path, query, status, headers, body):
        """Raise ContractViolation unless the document allows this answer; record what was seen."""
        if not (path == "/api" or path.startswith("/api/")) or method.upper() in ("HEAD", "OPTIONS"):
            return
        headers = Headers(headers)
        op = self.operation(method, path)
        if op is None:
            self._check_envelope(method, path, status, headers, body)
            return
        if status == 200 and headers.get("Content-Type", "").startswith("text/event-stream"):
            self._check_events(method, path, op, Response(status, headers, body).decoded)
            with self._lock:
                self.seen.add((op["operationId"], status))
            return
        try:
            self.openapi.validate_response(Request(method, path, query), Response(status, headers, body))
        except Exception as error:  # openapi-core raises a family of errors; each is a violation here
            cause = error.__cause__
            details = "; ".join(e.message for e in getattr(cause, "schema_errors", ())) or repr(cause)
            raise ContractViolation(
                f"{method.upper()} {path} answered {status} against the document: {error!r} {details}\n"
                f"headers: {dict(headers)}\nbody: {body[:500]!r}"
            ) from error
        with self._lock:
            self.seen.add((op["operationId"], status))

    def _check_events(self, method, path, op, body):
        """A Server-Sent Events answer: declared, and each event (its fields, as EventSource reads them) of the
        declared schema, as schemathesis reads a text/event-stream schema."""
        content = op["responses"].get("200", {}).get("content", {})
        if "text/event-stream" not in content:
            raise ContractViolation(f"{method.upper()} {path} answered an event stream the document does not declare")
        schema = content["text/event-stream"]["schema"]
        for event in parse_events(body.decode()):
            try:
                jsonschema.validate(event, schema)
                if "data" in event:
                    json.loads(event["data"])
            except (jsonschema.ValidationError, ValueError) as error:
                raise ContractViolation(f"{method.upper()} {path} sent an event off the document: {event}: {error}") from error

    def _check_envelope(self, method, path, status, headers, body):
        """An answer off the document (unknown path or method) is an error envelope."""
        envelope = "InternalError" if status == 500 else "Error"
        schema = {**self.document["components"]["schemas"][envelope], "components": self.document["components"]}
        try:
            assert status >= 400, "a path or method off the document answered a success"
            assert headers.get("Content-Type", "").startswith("application/json"), "not JSON"
            jsonschema.validate(json.loads(Response(status, headers, body).decoded), schema)
        except (AssertionError, ValueError, jsonschema.ValidationError) as error:
            raise ContractViolation(f"{method.upper()} {path} (not in the document) answered {status}: {error}") from error


def parse_events(text):
    """The events of a Server-Sent Events body, each a dict of its fields (comments left out; retry an int)."""
    events = []
    for block in text.split("\n\n"):
        event = {}
        for line in block.splitlines():
            if not line or line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            event[name] = int(value) if name == "retry" and value.isdigit() else value
        if event:
            events.append(event)
    return events


def media_types(document):
    """Every media type the document's answers name."""
    for item in document["paths"].values():
        for op in item.values():
            if isinstance(op, dict):
                for answer in op.get("responses", {}).values():
                    yield from answer.get("content", {})


_contract = None
_contract_lock = threading.Lock()


def contract():
    """The contract of this test run: the document of a freshly built testing app."""
    global _contract
    with _contract_lock:
        if _contract is None:
            from resources.openapi import build_spec
            from tests.mongomock_app import make_app

            _contract = Contract(build_spec(make_app("testing")))
    return _contract


def check_exchanges(lines):
    """Check recorded exchanges (JSON lines from tests/contract_server.py); the violations found."""
    violations = []
    for line in lines:
        exchange = json.loads(line)
        try:
            contract().check(
                exchange["method"],
                exchange["path"],
                exchange["query"],
                exchange["status"],
                exchange["headers"],
                exchange["body"].encode("latin-1"),
            )
        except ContractViolation as violation:
            violations.append(str(violation))
    return violations
