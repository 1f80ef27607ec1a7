"""Bytes on the wire per answer: as it is (identity), gzip and Brotli, from the app the bench serves.

flask-compress encodes JSON past COMPRESS_MIN_SIZE as the client asks (config.py). Each answer is
fetched three times with `Accept-Encoding` set to one coding, and read undecoded (requests with
`stream=True`, `raw.read(decode_content=False)`): the bytes counted are the body as sent, checked against
its Content-Length. The bench stops if a compressed answer is not marked with its coding and
`Vary: Accept-Encoding`, or does not decode to the identity body byte for byte: a measurement of answers
that are not the same answer is no measurement. Headers are not counted.
"""

import gzip

import brotli
import requests

# The answers a client downloads most, anonymously (a Bearer token adds each row's viewer block).
ANSWERS = (
    ("GET /api/movies", "/api/movies"),
    ("GET /api/movies?per_page=100", "/api/movies?per_page=100"),
    ("GET /api/openapi.json", "/api/openapi.json"),
)
CODINGS = ("gzip", "br")
DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress}
# A sorted page of a large catalogue on SecantusDB can take minutes (bench/run.py LONG_MS).
TIMEOUT = 600


def fetch(base, path, coding):
    """One GET asking for one content coding; (the response, its body exactly as sent)."""
    with requests.get(f"{base}{path}", headers={"Accept-Encoding": coding}, stream=True, timeout=TIMEOUT) as response:
        body = response.raw.read(decode_content=False)
    assert response.status_code == 200, (path, coding, response.status_code, body[:300])
    length = response.headers.get("Content-Length")
    assert length is not None and int(length) == len(body), (path, coding, length, len(body))
    return response, body


def measure(base, name, path):
    """The answer's body size in each coding, and how many times smaller each compressed one is."""
    plain, identity = fetch(base, path, "identity")
    assert "Content-Encoding" not in plain.headers, (path, plain.headers["Content-Encoding"])
    row = {"answer": name, "identity_bytes": len(identity)}
    for coding in CODINGS:
        response, body = fetch(base, path, coding)
        assert response.headers.get("Content-Encoding") == coding, (path, coding, response.headers.get("Content-Encoding"))
        assert "accept-encoding" in response.headers.get("Vary", "").lower(), (path, coding, response.headers.get("Vary"))
        assert DECODERS[coding](body) == identity, f"{path}: the {coding} answer does not decode to the identity answer"
        row[f"{coding}_bytes"] = len(body)
        row[f"{coding}_ratio"] = round(len(identity) / len(body), 1)
    return row


def measure_all(base, size):
    """Every answer of ANSWERS at this catalogue size, in order."""
    return [{**measure(base, name, path), "size": size} for name, path in ANSWERS]


def format_row(row):
    """One line of stdout."""
    return f"{row['answer']:<28} {row['size']:>6} " + " ".join(
        [f"{row['identity_bytes']:>9,}"] + [f"{row[f'{c}_bytes']:>9,} {row[f'{c}_ratio']:>5.1f}x" for c in CODINGS]
    )


def header():
    """The stdout table's header."""
    return f"{'answer':<28} {'movies':>6} {'identity':>9} " + " ".join(f"{c:>9} {'ratio':>6}" for c in CODINGS)


def markdown(rows):
    """The bytes table for docs/performance.md and the run's .md."""
    lines = [
        "| answer | movies | identity bytes | gzip bytes | gzip: times smaller | br bytes | br: times smaller |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| `{row['answer']}` | {row['size']:,} | {row['identity_bytes']:,} | {row['gzip_bytes']:,} | "
            f"{row['gzip_ratio']}x | {row['br_bytes']:,} | {row['br_ratio']}x |"
        )
    return "\n".join(lines)
