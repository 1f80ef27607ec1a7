"""`make bench`: the app against its bare ceiling, under gunicorn, at three catalogue sizes, driven by wrk.

For each catalogue size it starts two servers under gunicorn as production runs it (tests/live_server.py;
one process with threads on the embedded database, as production cannot share it): the app and
bench/ceiling.py, on the embedded database or on MONGODB_URI (each on a database of its own, dropped
afterwards). It loads the same catalogue into both through their POST endpoints, then runs wrk against
each endpoint of the app and of the ceiling back to back, at a fixed concurrency for a bounded time.

Settings (environment): BENCH_SIZES (100,1000,10000), BENCH_DURATION seconds per run (5),
BENCH_CONNECTIONS (8), BCRYPT_LOG_ROUNDS (the app's default, 12), MONGODB_URI (embedded when unset),
BENCH_BASELINE (a git revision: `make bench BASELINE=<rev>` serves that commit too, from its own checkout
and virtualenv under bench/.work/, so that before and after are measured in one run on one machine).
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
from datetime import UTC, datetime
from pathlib import Path

import bcrypt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import env, env_int, mongodb_uri  # noqa: E402
from tests.live_server import live_server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / ".work"
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

    def call(self, method, path, body=None, token=None, content_type="application/json"):
        """Send one request (bytes as they are, anything else as JSON); returns (status, parsed body)."""
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body)
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None


def in_parallel(base, work, items, workers=4):
    """work(client, item) for every item, on `workers` keep-alive clients; the results in item order."""
    clients = [Client(base) for _ in range(workers)]
    chunks = [(clients[w], items[w::workers]) for w in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(lambda chunk: [work(chunk[0], item) for item in chunk[1]], chunks))
    # Interleave the chunks back into the items' order.
    return [parts[n % workers][n // workers] for n in range(len(items))]


def load(base, size):
    """Sign the bench user up, log in, add the catalogue; returns (token, ids in creation order)."""
    client = Client(base)
    status, _ = client.call("POST", "/api/auth/signup", {"email": EMAIL, "password": PASSWORD})
    assert status == 201, status
    status, tokens = client.call("POST", "/api/auth/login", {"email": EMAIL, "password": PASSWORD})
    assert status == 200, status
    token = tokens["access_token"]

    def add(client, movie):
        status, body = client.call("POST", "/api/movies", movie, token)
        assert status == 201, (status, body)
        return body["id"]

    return token, in_parallel(base, add, catalogue(size))


# The catalogue's second tier, loaded into the app and the ceiling (the baseline predates it): every
# other one of the first RATED movies rated, REVIEWERS reviews of the first movie, POSTERS posters.
RATED, REVIEWERS, POSTERS = 1000, 25, 10


def load_extras(base, token, ids):
    """Ratings, reviews and posters through the server's endpoints; returns the poster URLs' paths."""
    from database.demo import POSTER_SIZE, title_card

    def rate(client, n):
        status, body = client.call("PUT", f"/api/movies/{ids[n]}/rating", {"score": n % 10 + 1}, token)
        assert status == 200, (status, body)

    in_parallel(base, rate, list(range(0, min(RATED, len(ids)), 2)))

    def review(client, n):
        email = f"reviewer{n}@movie-bag.dev"
        status, body = client.call("POST", "/api/auth/signup", {"email": email, "password": PASSWORD})
        assert status == 201, (status, body)
        status, tokens = client.call("POST", "/api/auth/login", {"email": email, "password": PASSWORD})
        assert status == 200, (status, tokens)
        status, body = client.call(
            "POST", f"/api/movies/{ids[0]}/reviews", {"body": f"Review {n}: " + "a fine film. " * 20}, tokens["access_token"]
        )
        assert status == 201, (status, body)

    in_parallel(base, review, list(range(REVIEWERS)))

    def poster(client, n):
        image = title_card(f"Bench Movie {n:05d}", 2000 + n, POSTER_SIZE)
        status, body = client.call("PUT", f"/api/movies/{ids[n]}/poster", image, token, content_type="image/png")
        assert status == 200, (status, body)
        return urllib.parse.urlsplit(body["poster_url"])._replace(scheme="", netloc="").geturl()

    return in_parallel(base, poster, list(range(min(POSTERS, len(ids)))))


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
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        str(SCRIPT),
        base,
        "--",
        mode,
        token or "-",
        f"{time.time_ns() % 10**12:x}",
        *items,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    summary = json.loads(line.removeprefix("WRKJSON "))
    seconds = summary["duration_us"] / 1e6
    return {
        "requests": summary["requests"],
        "duration_s": round(seconds, 2),
        "rps": round(summary["requests"] / seconds, 1),
        "p50_ms": round(summary["p50_us"] / 1000, 2),
        "p99_ms": round(summary["p99_us"] / 1000, 2),
        "mean_ms": round(summary["mean_us"] / 1000, 2),
        "errors": summary["errors"],
    }


def endpoints(size, ids, poster_paths=None):
    """The benchmarked requests for one catalogue: (name, wrk mode, items, needs a token, needs the second tier)."""
    middle = max(1, math.ceil(size / 20 / 2))
    sample = random.Random(7).sample(ids, min(100, len(ids)))
    return [
        ("GET /api/movies", "get", ["/api/movies"], False, False),
        ("GET /api/movies?page=mid", "get", [f"/api/movies?page={middle}"], False, False),
        ("GET /api/movies?q&genre", "get", ["/api/movies?" + urllib.parse.urlencode(SEARCH)], False, False),
        ("GET /api/movies/<id>", "get", [f"/api/movies/{movie_id}" for movie_id in sample], False, False),
        ("PATCH /api/movies/<id>", "patch", ids[:50], True, False),
        ("POST /api/movies", "post", [], True, False),
        ("GET /api/movies?sort=-rating", "get", ["/api/movies?sort=-rating"], False, True),
        ("GET /api/movies/<id>/reviews", "get", [f"/api/movies/{ids[0]}/reviews"], False, True),
        ("GET /api/movies/<id>/poster?size=thumb", "get", [f"{path}&size=thumb" for path in poster_paths or []], False, True),
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


def baseline_checkout(revision):
    """The project at an earlier revision, in bench/.work/ with its own locked virtualenv.

    Returns live_server's keyword arguments for serving it, and a label for the report.
    """
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{revision}^{{commit}}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = WORK / f"baseline-{sha[:12]}"
    python = tree / ".venv" / "bin" / "python"
    if not python.exists():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        env = {
            **os.environ,
            "PIPENV_VENV_IN_PROJECT": "1",
            "PIPENV_IGNORE_VIRTUALENVS": "1",
            "PIPENV_YES": "1",
            "PIPENV_DONT_LOAD_ENV": "1",
        }
        subprocess.run([str(ROOT / ".tools" / "bin" / "pipenv"), "sync", "--python", sys.executable], cwd=tree, env=env, check=True)
    # Before the factory was named in gunicorn.conf.py, the app was the module attribute app:app.
    args = () if "wsgi_app" in (tree / "gunicorn.conf.py").read_text() else ("app:app",)
    return {"root": tree, "python": str(python), "args": args}, f"{revision} ({sha[:7]})"


def measure_size(size, uri, stamp, rounds, duration, connections, baseline=None):
    """The servers at one catalogue size (app, baseline when given, ceiling): one row per endpoint."""
    rows, databases = [], {}
    kinds = [("app", {"args": ()})]
    if baseline:
        kinds.append(("baseline", baseline))
    kinds.append(("ceiling", {"args": ("bench.ceiling:app",)}))
    with ExitStack() as stack:
        servers = {}
        for kind, options in kinds:
            databases[kind] = f"movie-bag-bench-{stamp}-{kind}-{size}"
            server_env = {
                "MONGODB_URI": uri,
                "MONGODB_DB": databases[kind],
                "BCRYPT_LOG_ROUNDS": str(rounds),
                "RATELIMIT_ENABLED": "0",
                "JWT_ACCESS_TOKEN_EXPIRES": "3600",
            }
            servers[kind] = stack.enter_context(live_server(env=server_env, contract=False, server="gunicorn", **options))
        loaded, posters = {}, {}
        for kind, base in servers.items():
            start = time.monotonic()
            loaded[kind] = load(base, size)
            if kind != "baseline":
                posters[kind] = load_extras(base, *loaded[kind])
            print(f"  {kind}: {size} movies loaded in {time.monotonic() - start:.1f}s", flush=True)
        for name, mode, _, authed, second_tier in endpoints(size, loaded["app"][1]):

            def run(kind, base, seconds=duration, name=name, mode=mode, authed=authed):
                token, ids = loaded[kind]
                items = next(e[2] for e in endpoints(size, ids, posters.get(kind)) if e[0] == name)
                return run_wrk(base, mode, token if authed else None, items, seconds, connections)

            measured = {kind: base for kind, base in servers.items() if not (second_tier and kind == "baseline")}
            rows.append(compare(name, size, measured, run))
            print("  " + format_row(rows[-1], baseline is not None), flush=True)
        # Login is latency against one bcrypt verify, so one connection: no queueing behind other logins.
        # The bare verify is timed right before, so both see the same load on the machine.
        bare_ms = bare_bcrypt_ms(rounds)
        rows.append(
            compare(
                "POST /api/auth/login",
                size,
                servers,
                lambda kind, base: run_wrk(base, "login", None, [EMAIL, PASSWORD], max(2 * duration, 10), 1),
            )
        )
        rows[-1]["bare_bcrypt_ms"] = bare_ms
        print("  " + format_row(rows[-1], baseline is not None), flush=True)
        flood = {kind: base for kind, base in servers.items() if kind != "ceiling"}
        rows.append(login_flood(size, flood, max(2 * duration, 10)))
    drop_databases(uri, databases.values())
    return rows


# The catalogue beside a login flood: GET /api/movies at LIGHT_CONNECTIONS alone, then again while
# FLOOD_CONNECTIONS send logins (rate limits off, as from many addresses), twice: as well-behaved
# clients do, coming back after a 503's Retry-After (the web client does), and as fast as they are
# answered, Retry-After ignored. What holds is the bound on hashing at once (PASSWORD_HASH_CONCURRENCY)
# and on the line waiting for it (PASSWORD_HASH_MAX_WAITING).
FLOOD_ROW = "GET /api/movies, login flood"
LIGHT_CONNECTIONS, FLOOD_CONNECTIONS = 2, 16
FLOODS = (("polite", "polite-login"), ("rude", "login"))


def login_flood(size, servers, seconds):
    """p99 of the first catalogue page idle and under each login flood, for the app (and the baseline)."""
    row = {"endpoint": FLOOD_ROW, "size": size}
    for kind, base in servers.items():
        run_wrk(base, "get", None, ["/api/movies"], WARM_UP_SECONDS, LIGHT_CONNECTIONS)
        idle = run_wrk(base, "get", None, ["/api/movies"], seconds, LIGHT_CONNECTIONS)
        row[kind] = {"idle_p99_ms": idle["p99_ms"], "idle_rps": idle["rps"]}
        for flood, mode in FLOODS:
            with ThreadPoolExecutor(1) as pool:
                logins = pool.submit(run_wrk, base, mode, None, [EMAIL, PASSWORD], seconds + 4, FLOOD_CONNECTIONS)
                time.sleep(2)  # the flood under way before the catalogue is measured
                loaded = run_wrk(base, "get", None, ["/api/movies"], seconds, LIGHT_CONNECTIONS)
                logins = logins.result()
            row[kind][flood] = {
                "p99_ms": loaded["p99_ms"],
                "p99_ratio": round(loaded["p99_ms"] / idle["p99_ms"], 2),
                "rps": loaded["rps"],
                "errors": loaded["errors"],
                "logins": logins["requests"],
                "logins_refused": logins["errors"]["status"],
                "logins_ok_per_s": round((logins["requests"] - logins["errors"]["status"]) / logins["duration_s"], 1),
            }
        row[kind]["peak_rss_mib"] = peak_rss_mib(base.pid)
    print("  " + format_flood(row), flush=True)
    return row


def format_flood(row):
    """One line of stdout for the login-flood row."""
    parts = [f"{row['endpoint']:<28} {row['size']:>6}"]
    for kind in ("app", "baseline"):
        if kind in row:
            r = row[kind]
            floods = ", ".join(
                f"{flood} {r[flood]['p99_ms']} ms ({r[flood]['p99_ratio']}x, {r[flood]['logins_ok_per_s']} logins/s)" for flood, _ in FLOODS
            )
            parts.append(f"{kind}: p99 idle {r['idle_p99_ms']} ms, {floods}")
    return "  ".join(parts)


def compare(name, size, servers, run):
    """Run one endpoint against each server (the app, the baseline, the ceiling), each after a short unmeasured warm-up."""
    row = {"endpoint": name, "size": size}
    for kind, base in servers.items():
        run(kind, base, WARM_UP_SECONDS)
        row[kind] = run(kind, base)
        if row[kind]["requests"] < MIN_REQUESTS:
            # A slow row (a list of 10,000 movies on the embedded database) is a handful of requests in
            # the usual run, or none: run it long enough for MIN_REQUESTS, at most MAX_SECONDS.
            done = row[kind]["requests"]
            seconds = MAX_SECONDS if done == 0 else min(MAX_SECONDS, math.ceil(row[kind]["duration_s"] * MIN_REQUESTS / done))
            row[kind] = run(kind, base, seconds)
            if row[kind]["requests"] == 0:
                raise RuntimeError(f"{name} at {size} movies: no request of {kind} completed in {seconds} s")
        row[kind]["peak_rss_mib"] = peak_rss_mib(base.pid)
    row["ratio"] = round(row["app"]["rps"] / row["ceiling"]["rps"], 2)
    row["overhead_ms"] = round(row["app"]["mean_ms"] - row["ceiling"]["mean_ms"], 2)
    if "baseline" in row:
        row["baseline_ratio"] = round(row["baseline"]["rps"] / row["ceiling"]["rps"], 2)
    return row


def format_row(row, with_baseline=False):
    """One line of the stdout table (with a before column when the run has a baseline)."""
    if row["endpoint"] == FLOOD_ROW:
        return format_flood(row)
    app, ceiling = row["app"], row["ceiling"]
    errors = sum(app["errors"].values()) + sum(ceiling["errors"].values())
    before = f" {row['baseline_ratio']:>7.2f}" if "baseline_ratio" in row else f" {'-':>7}" if with_baseline else ""
    return (
        f"{row['endpoint']:<28} {row['size']:>6} {app['rps']:>9.1f} {app['p50_ms']:>8.2f} {app['p99_ms']:>8.2f} "
        f"{ceiling['rps']:>9.1f} {row['ratio']:>6.2f}{before} {row['overhead_ms']:>8.2f} {app['peak_rss_mib']:>8.1f}"
        + (f"  ({errors} errors)" if errors else "")
    )


WARM_UP_SECONDS = 1
MIN_REQUESTS = 40
MAX_SECONDS = 45


def header(with_baseline):
    """The stdout table's header."""
    before = f" {'before':>7}" if with_baseline else ""
    return (
        f"{'endpoint':<28} {'movies':>6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'ceil r/s':>9} {'ratio':>6}{before} {'+ms/req':>8} {'RSS MiB':>8}"
    )


def markdown(report):
    """The README's tables for this run: the app against its ceiling, and, with a baseline, before against after."""
    lines = [
        f"Run {report['date']} on {report['machine']}; database: {report['database']}; "
        f"wrk, {report['connections']} connections, {report['duration_s']} s per run "
        f"(login: 1 connection, bcrypt cost {report['bcrypt_rounds']}, one bare verify = "
        f"{report['bare_bcrypt_ms']} ms, timed beside each login run).",
        "",
        "| endpoint | movies | req/s | p50 ms | p99 ms | ceiling req/s | ratio | +ms/request | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ceiling_rows = [row for row in report["rows"] if row["endpoint"] != FLOOD_ROW]
    flood_rows = [row for row in report["rows"] if row["endpoint"] == FLOOD_ROW]
    for row in ceiling_rows:
        app = row["app"]
        lines.append(
            f"| `{row['endpoint']}` | {row['size']:,} | {app['rps']:,.0f} | {app['p50_ms']} | {app['p99_ms']} | "
            f"{row['ceiling']['rps']:,.0f} | {row['ratio']} | {row['overhead_ms']} | {app['peak_rss_mib']} |"
        )
    if flood_rows:
        lines += [
            "",
            f"`GET /api/movies` at {LIGHT_CONNECTIONS} connections, alone and while {FLOOD_CONNECTIONS} more send "
            "logins (rate limits off, as from many addresses): *polite* clients come back after a 503's "
            "`Retry-After`, as the web client does; *rude* ones send the next login as soon as one is answered"
            + ("; the baseline beside the app." if report.get("baseline") else "."),
            "",
            "| server | movies | idle p99 ms | flood | p99 ms | ratio to idle | req/s | logins answered 200/s | logins refused (503) |",
            "|---|---:|---:|---|---:|---:|---:|---:|---:|",
        ]
        for row in flood_rows:
            for kind in ("baseline", "app"):
                if kind in row:
                    r = row[kind]
                    label = "before" if kind == "baseline" else "after" if report.get("baseline") else "app"
                    for flood, _ in FLOODS:
                        f = r[flood]
                        lines.append(
                            f"| {label} | {row['size']:,} | {r['idle_p99_ms']} | {flood} | {f['p99_ms']} | {f['p99_ratio']} | "
                            f"{f['rps']:,.0f} | {f['logins_ok_per_s']} | {f['logins_refused']} of {f['logins']} |"
                        )
    if report.get("baseline"):
        lines += [
            "",
            f"Before and after, in the same run: the baseline is {report['baseline']}, served from its own checkout "
            "beside this one; each ratio is to the same ceiling.",
            "",
            "| endpoint | movies | before req/s | before ratio | after req/s | after ratio | after / before |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in (row for row in ceiling_rows if "baseline_ratio" in row):
            lines.append(
                f"| `{row['endpoint']}` | {row['size']:,} | {row['baseline']['rps']:,.0f} | {row['baseline_ratio']} | "
                f"{row['app']['rps']:,.0f} | {row['ratio']} | {row['ratio'] / row['baseline_ratio']:.2f} |"
            )
    return "\n".join(lines)


def targets(report):
    """Each of the issue's targets, and whether this run met it."""
    verdicts = []
    for row in report["rows"]:
        if row["endpoint"] == FLOOD_ROW:
            ratio = row["app"]["polite"]["p99_ratio"]
            verdicts.append((ratio <= 3, f"{FLOOD_ROW} (polite) at {row['size']}: p99 {ratio}x its idle p99 (<= 3x)"))
        elif row["endpoint"].endswith("/login"):
            limit = 1.15 * row["bare_bcrypt_ms"]
            ok = row["app"]["p50_ms"] <= limit
            verdicts.append((ok, f"login p50 {row['app']['p50_ms']} ms <= {limit:.1f} ms (1.15x one bcrypt verify) at {row['size']}"))
        else:
            ok = row["ratio"] >= 0.7
            verdicts.append((ok, f"{row['endpoint']} at {row['size']}: {row['ratio']}x ceiling (>= 0.7)"))
            if "baseline_ratio" in row:
                ok = row["ratio"] >= 0.9 * row["baseline_ratio"]
                verdicts.append(
                    (ok, f"{row['endpoint']} at {row['size']}: {row['ratio']}x against {row['baseline_ratio']}x before (>= 90% of it)")
                )
    return verdicts


def chart(report, path):
    """p50 and p99 against catalogue size, the app solid and its ceiling dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(row["endpoint"] for row in report["rows"] if row["endpoint"] != FLOOD_ROW))
    figure, axes = plt.subplots(1, 2, figsize=(13, 5.5), sharex=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for axis, key in zip(axes, ("p50_ms", "p99_ms"), strict=False):
        for colour, name in zip(colours, names, strict=False):
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
    baseline, baseline_label = baseline_checkout(env("BENCH_BASELINE")) if env("BENCH_BASELINE") else (None, None)
    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%d%H%M%S")
    report = {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_label(),
        "database": database_label(uri),
        "connections": connections,
        "duration_s": duration,
        "bcrypt_rounds": rounds,
        "baseline": baseline_label,
        "rows": [],
    }
    print(f"movie-bag bench: {report['machine']}\ndatabase: {report['database']}\n{header(baseline)}", flush=True)
    for size in sizes:
        report["rows"] += measure_size(size, uri, stamp, rounds, duration, connections, baseline)
    report["bare_bcrypt_ms"] = statistics.median(row["bare_bcrypt_ms"] for row in report["rows"] if "bare_bcrypt_ms" in row)

    RESULTS.mkdir(parents=True, exist_ok=True)
    name = now.strftime("%Y-%m-%d-%H%M")
    report["targets"] = [{"met": ok, "target": text} for ok, text in targets(report)]
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    chart(report, RESULTS / f"{name}.png")
    table = markdown(report)
    (RESULTS / f"{name}.md").write_text(table + "\n")
    update_readme(table, f"{name}.png")

    print(f"\n{header(baseline)}")
    for row in report["rows"]:
        print(format_row(row, baseline is not None))
    print(f"\none bare bcrypt verify at cost {rounds}: {report['bare_bcrypt_ms']} ms")
    for ok, text in targets(report):
        print(f"  {'met   ' if ok else 'MISSED'} {text}")
    print(f"\nwrote bench/results/{name}.json, .png and .md")


if __name__ == "__main__":
    main()
