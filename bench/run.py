"""`make bench`: the app against its bare ceiling, under gunicorn, at three catalogue sizes, driven by wrk.

For each catalogue size it starts two servers exactly as `make run` does (tests/live_server.py): the app
and bench/ceiling.py, on the embedded database or on MONGODB_URI (each on a database of its own, dropped
afterwards). It loads the same catalogue into both through their POST endpoints, then runs wrk against
each endpoint of the app and of the ceiling back to back, at a fixed concurrency for a bounded time.

Settings (environment): BENCH_SIZES (100,1000,10000), BENCH_DURATION seconds per run (5),
BENCH_CONNECTIONS (8), BCRYPT_LOG_ROUNDS (the app's default, 12), MONGODB_URI (embedded when unset).
"""

import http.client
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

import bcrypt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import env, env_int, mongodb_uri  # noqa: E402
from tests.live_server import live_server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SCRIPT = ROOT / "bench" / "wrk" / "bench.lua"
README = ROOT / "README.md"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"

EMAIL, PASSWORD = "bench@movie-bag.dev", "bench-password-1"
GENRES = ["Drama", "Comedy", "Action", "Thriller", "Sci-Fi", "Horror", "Romance", "Crime", "War", "Animation"]
ACTORS = [f"Actor {n:03d}" for n in range(300)]
SEARCH = {"q": "42", "genre": "Drama"}


def catalogue(size):
    """The same deterministic catalogue for every server: realistic names, 2-4 casts, 1-3 genres."""
    rng = random.Random(size)
    return [
        {
            "name": f"Bench Movie {n:05d} {rng.choice(['Returns', 'Rising', 'Forever', 'Begins', 'Unbound'])}",
            "casts": rng.sample(ACTORS, rng.randint(2, 4)),
            "genres": rng.sample(GENRES, rng.randint(1, 3)),
        }
        for n in range(size)
    ]


class Client:
    """A keep-alive JSON client for loading data (not for measuring: wrk does that)."""

    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def call(self, method, path, body=None, token=None):
        """Send one request; returns (status, parsed body)."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = self.connection.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None


def load(base, size):
    """Sign the bench user up, log in, add the catalogue; returns (token, ids in creation order)."""
    client = Client(base)
    status, _ = client.call("POST", "/api/auth/signup", {"email": EMAIL, "password": PASSWORD})
    assert status == 201, status
    status, tokens = client.call("POST", "/api/auth/login", {"email": EMAIL, "password": PASSWORD})
    assert status == 200, status
    token = tokens["access_token"]
    movies = catalogue(size)
    workers = 4
    clients = [Client(base) for _ in range(workers)]

    def add(chunk):
        worker, items = chunk
        ids = []
        for movie in items:
            status, body = clients[worker].call("POST", "/api/movies", movie, token)
            assert status == 201, (status, body)
            ids.append(body["id"])
        return ids

    chunks = [(w, movies[w::workers]) for w in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        ids = [movie_id for part in pool.map(add, chunks) for movie_id in part]
    return token, ids


def peak_rss_mib(pid):
    """Peak resident memory (VmHWM) of the gunicorn master and all its workers, in MiB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(entry.name) == pid or int(fields.get("PPid", "0").strip()) == pid:
            total += int(fields.get("VmHWM", "0 kB").split()[0])
    return round(total / 1024, 1)


def run_wrk(base, mode, token, items, duration, connections):
    """One bounded wrk run; returns its summary as a dict."""
    command = [
        "wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
        "-s", str(SCRIPT), base, "--", mode, token or "-", f"{time.time_ns() % 10**12:x}", *items,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    summary = json.loads(line.removeprefix("WRKJSON "))
    seconds = summary["duration_us"] / 1e6
    return {
        "requests": summary["requests"],
        "rps": round(summary["requests"] / seconds, 1),
        "p50_ms": round(summary["p50_us"] / 1000, 2),
        "p99_ms": round(summary["p99_us"] / 1000, 2),
        "mean_ms": round(summary["mean_us"] / 1000, 2),
        "errors": summary["errors"],
    }


def endpoints(size, ids):
    """The benchmarked requests for one catalogue: (name, wrk mode, items, needs a token)."""
    middle = max(1, math.ceil(size / 20 / 2))
    sample = random.Random(7).sample(ids, min(100, len(ids)))
    return [
        ("GET /api/movies", "get", ["/api/movies"], False),
        ("GET /api/movies?page=mid", "get", [f"/api/movies?page={middle}"], False),
        ("GET /api/movies?q&genre", "get", ["/api/movies?" + urllib.parse.urlencode(SEARCH)], False),
        ("GET /api/movies/<id>", "get", [f"/api/movies/{movie_id}" for movie_id in sample], False),
        ("PATCH /api/movies/<id>", "patch", ids[:50], True),
        ("POST /api/movies", "post", [], True),
    ]


def bare_bcrypt_ms(rounds, repeat=9):
    """The median time of one bcrypt verify at this cost, in this process, in ms."""
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        bcrypt.checkpw(PASSWORD.encode(), hashed)
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def bench_uri():
    """MONGODB_URI without a database path: each server gets its own database, named by MONGODB_DB."""
    uri = mongodb_uri()
    if not uri:
        return ""
    parts = urllib.parse.urlsplit(uri)
    query = urllib.parse.parse_qs(parts.query)
    database = parts.path.strip("/")
    if database and "authSource" not in query:
        query["authSource"] = [database]  # the named database may be where the user is defined
    return urllib.parse.urlunsplit(parts._replace(path="/", query=urllib.parse.urlencode(query, doseq=True)))


def database_label(uri):
    """What the servers ran on, without credentials."""
    if not uri:
        return "embedded in-memory database (mongomock, inside the one gunicorn process)"
    from pymongo import MongoClient

    with MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        version = client.server_info()["version"]
    hosts = urllib.parse.urlsplit(uri).netloc.rpartition("@")[2]
    return f"MongoDB {version} at {hosts}"


def drop_databases(uri, names):
    """Remove the bench's databases from a real MongoDB."""
    if uri:
        from pymongo import MongoClient

        with MongoClient(uri) as client:
            for name in names:
                client.drop_database(name)


def machine_label():
    """The machine the numbers belong to."""
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kib / 2**20:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def measure_size(size, uri, stamp, rounds, duration, connections):
    """Both servers at one catalogue size: one row per endpoint."""
    rows, databases = [], {}
    with ExitStack() as stack:
        servers = {}
        for kind, args in (("app", ()), ("ceiling", ("bench.ceiling:app",))):
            databases[kind] = f"movie-bag-bench-{stamp}-{kind}-{size}"
            server_env = {
                "MONGODB_URI": uri,
                "MONGODB_DB": databases[kind],
                "BCRYPT_LOG_ROUNDS": str(rounds),
                "RATELIMIT_ENABLED": "0",
                "JWT_ACCESS_TOKEN_EXPIRES": "3600",
            }
            servers[kind] = stack.enter_context(live_server(env=server_env, args=args))
        loaded = {}
        for kind, base in servers.items():
            start = time.monotonic()
            loaded[kind] = load(base, size)
            print(f"  {kind}: {size} movies loaded in {time.monotonic() - start:.1f}s", flush=True)
        for name, mode, _, authed in endpoints(size, loaded["app"][1]):

            def run(kind, base, seconds=duration, name=name, mode=mode, authed=authed):
                token, ids = loaded[kind]
                items = next(e[2] for e in endpoints(size, ids) if e[0] == name)
                return run_wrk(base, mode, token if authed else None, items, seconds, connections)

            rows.append(compare(name, size, servers, run))
        # Login is latency against one bcrypt verify, so one connection: no queueing behind other logins.
        # The bare verify is timed right before, so both see the same load on the machine.
        bare_ms = bare_bcrypt_ms(rounds)
        rows.append(
            compare(
                "POST /api/auth/login",
                size,
                servers,
                lambda kind, base, seconds=max(2 * duration, 10): run_wrk(
                    base, "login", None, [EMAIL, PASSWORD], seconds, 1
                ),
            )
        )
        rows[-1]["bare_bcrypt_ms"] = bare_ms
    drop_databases(uri, databases.values())
    return rows


def compare(name, size, servers, run):
    """Run one endpoint against the app, then its ceiling, each after a short unmeasured warm-up."""
    row = {"endpoint": name, "size": size}
    for kind, base in servers.items():
        run(kind, base, WARM_UP_SECONDS)
        row[kind] = run(kind, base)
        row[kind]["peak_rss_mib"] = peak_rss_mib(base.pid)
    row["ratio"] = round(row["app"]["rps"] / row["ceiling"]["rps"], 2)
    row["overhead_ms"] = round(row["app"]["mean_ms"] - row["ceiling"]["mean_ms"], 2)
    print("  " + format_row(row), flush=True)
    return row


def format_row(row):
    """One line of the stdout table."""
    app, ceiling = row["app"], row["ceiling"]
    errors = sum(app["errors"].values()) + sum(ceiling["errors"].values())
    return (
        f"{row['endpoint']:<28} {row['size']:>6} {app['rps']:>9.1f} {app['p50_ms']:>8.2f} {app['p99_ms']:>8.2f} "
        f"{ceiling['rps']:>9.1f} {row['ratio']:>6.2f} {row['overhead_ms']:>8.2f} {app['peak_rss_mib']:>8.1f}"
        + (f"  ({errors} errors)" if errors else "")
    )


WARM_UP_SECONDS = 1

HEADER = (
    f"{'endpoint':<28} {'movies':>6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
    f"{'ceil r/s':>9} {'ratio':>6} {'+ms/req':>8} {'RSS MiB':>8}"
)


def markdown(report):
    """The README's table for this run."""
    lines = [
        f"Run {report['date']} on {report['machine']}; database: {report['database']}; "
        f"wrk, {report['connections']} connections, {report['duration_s']} s per run "
        f"(login: 1 connection, bcrypt cost {report['bcrypt_rounds']}, one bare verify = "
        f"{report['bare_bcrypt_ms']} ms, timed beside each login run).",
        "",
        "| endpoint | movies | req/s | p50 ms | p99 ms | ceiling req/s | ratio | +ms/request | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["rows"]:
        app = row["app"]
        lines.append(
            f"| `{row['endpoint']}` | {row['size']:,} | {app['rps']:,.0f} | {app['p50_ms']} | {app['p99_ms']} | "
            f"{row['ceiling']['rps']:,.0f} | {row['ratio']} | {row['overhead_ms']} | {app['peak_rss_mib']} |"
        )
    return "\n".join(lines)


def targets(report):
    """Each of the issue's targets, and whether this run met it."""
    verdicts = []
    for row in report["rows"]:
        if row["endpoint"].endswith("/login"):
            limit = 1.15 * row["bare_bcrypt_ms"]
            ok = row["app"]["p50_ms"] <= limit
            verdicts.append(
                (ok, f"login p50 {row['app']['p50_ms']} ms <= {limit:.1f} ms (1.15x one bcrypt verify) at {row['size']}")
            )
        else:
            ok = row["ratio"] >= 0.7
            verdicts.append((ok, f"{row['endpoint']} at {row['size']}: {row['ratio']}x ceiling (>= 0.7)"))
    return verdicts


def chart(report, path):
    """p50 and p99 against catalogue size, the app solid and its ceiling dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(row["endpoint"] for row in report["rows"]))
    figure, axes = plt.subplots(1, 2, figsize=(13, 5.5), sharex=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for axis, key in zip(axes, ("p50_ms", "p99_ms")):
        for colour, name in zip(colours, names):
            rows = [row for row in report["rows"] if row["endpoint"] == name]
            sizes = [row["size"] for row in rows]
            axis.plot(sizes, [row["app"][key] for row in rows], "o-", color=colour, label=name)
            axis.plot(sizes, [row["ceiling"][key] for row in rows], "x--", color=colour, alpha=0.5)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("movies in the catalogue")
        axis.set_ylabel(f"{key[:3]} latency (ms)")
        axis.set_title(f"{key[:3]}: app (solid) and bare ceiling (dashed)")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    figure.suptitle(f"movie-bag, {report['database'].split(' (')[0]}; {report['machine'].split(',')[0]}", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def update_readme(table, chart_name):
    """Put this run's table and chart between the README's bench markers."""
    text = README.read_text()
    if README_START not in text:
        return
    head, _, rest = text.partition(README_START)
    _, _, tail = rest.partition(README_END)
    body = f"{README_START}\n{table}\n\n![p50 and p99 against catalogue size](bench/results/{chart_name})\n{README_END}"
    README.write_text(head + body + tail)


def ensure_wrk():
    """wrk from Debian's packages; `make bench` installs it when it can."""
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is not installed (apt-get install wrk, or run `make bench` as root)")


def main():
    """Run every size, print the table, write the JSON, the chart and the README section."""
    ensure_wrk()
    sizes = [int(size) for size in env("BENCH_SIZES", "100,1000,10000").split(",")]
    duration = env_int("BENCH_DURATION", 5)
    connections = env_int("BENCH_CONNECTIONS", 8)
    rounds = env_int("BCRYPT_LOG_ROUNDS", 12)
    uri = bench_uri()
    now = datetime.now(timezone.utc)
    stamp = now.strftime("%Y%m%d%H%M%S")
    report = {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_label(),
        "database": database_label(uri),
        "connections": connections,
        "duration_s": duration,
        "bcrypt_rounds": rounds,
        "rows": [],
    }
    print(f"movie-bag bench: {report['machine']}\ndatabase: {report['database']}\n{HEADER}", flush=True)
    for size in sizes:
        report["rows"] += measure_size(size, uri, stamp, rounds, duration, connections)
    report["bare_bcrypt_ms"] = statistics.median(row["bare_bcrypt_ms"] for row in report["rows"] if "bare_bcrypt_ms" in row)

    RESULTS.mkdir(parents=True, exist_ok=True)
    name = now.strftime("%Y-%m-%d-%H%M")
    report["targets"] = [{"met": ok, "target": text} for ok, text in targets(report)]
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    chart(report, RESULTS / f"{name}.png")
    table = markdown(report)
    (RESULTS / f"{name}.md").write_text(table + "\n")
    update_readme(table, f"{name}.png")

    print(f"\n{HEADER}")
    for row in report["rows"]:
        print(format_row(row))
    print(f"\none bare bcrypt verify at cost {rounds}: {report['bare_bcrypt_ms']} ms")
    for ok, text in targets(report):
        print(f"  {'met   ' if ok else 'MISSED'} {text}")
    print(f"\nwrote bench/results/{name}.json, .png and .md")


if __name__ == "__main__":
    main()
