"""`make bench`: the app against its bare ceiling, under gunicorn, at three catalogue sizes, driven by wrk.

The database is the default one of `make run`, SecantusDB (a MongoDB wire-protocol server from the dev
packages, run with --sync-on-commit, its data in a temporary folder removed afterwards), or the MongoDB
MONGODB_URI names. For each catalogue size one database holds the catalogue, generated and inserted in
batches as the app stores it (bench/catalogue.py; loading takes minutes at 100,000 movies, so it is
loaded once): the app and bench/ceiling.py both serve it, each under gunicorn as production runs it
(tests/live_server.py). The reading rows run first; then the writing rows (PATCH, POST, login), app
first, on the same database. wrk runs each endpoint of the app and of the ceiling back to back, at a
fixed concurrency for a bounded time. Before the rows, bench/compression.py counts the bytes of a list
page and of the OpenAPI document as sent plain, gzip and Brotli.

Settings (environment): BENCH_SIZES (1000,10000,100000), BENCH_DURATION seconds per run (5),
BENCH_CONNECTIONS (8), BCRYPT_LOG_ROUNDS (the app's default, 12), MONGODB_URI (SecantusDB when unset),
BENCH_BASELINE (a git revision: `make bench BASELINE=<rev>` serves that commit too, from its own checkout
and virtualenv under bench/.work/, on a database of its own loaded through its POST endpoint, for the
rows it has), BENCH_ONLY (`bytes`: the app alone and the bytes per answer, no rows; BENCH_SIZES 1000 unless set;
`streams`: the 300 open event streams beside the API alone, bench/streams.py).
"""

import contextlib
import http.client
import importlib.metadata
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import bcrypt
from pymongo import MongoClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import catalogue, compression, streams  # noqa: E402
from config import env, env_int, mongodb_uri  # noqa: E402
from tests.live_server import free_port, live_server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / ".work"
SCRIPT = ROOT / "bench" / "wrk" / "bench.lua"
# The results section lives in docs/performance.md, between these markers.
README = ROOT / "docs" / "performance.md"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
# The bytes-per-answer table has markers of its own: a BENCH_ONLY=bytes run rewrites it and leaves the rows' table.
BYTES_START, BYTES_END = "<!-- bench-bytes:start -->", "<!-- bench-bytes:end -->"
STREAMS_START, STREAMS_END = "<!-- bench-streams:start -->", "<!-- bench-streams:end -->"

EMAIL, PASSWORD = "bench@movie-bag.dev", "bench-password-1"
# The ceiling's own account in the shared database: it hashes as plain bcrypt, the app as bcrypt-sha256.
CEILING_EMAIL = "ceiling@movie-bag.dev"
# Both servers sign and read list cursors with this key (the deep-page row's cursor is signed with it).
SECRET = "movie-bag-bench-secret-that-is-long-enough-0123456789"
PER_PAGE = 20
# The deep-page row reads this many pages deep by cursor, or half the catalogue when it is smaller.
DEEP_PAGES = 1000
GENRE = "drama"  # folded: the filter matches "Drama"


class Client:
    """A keep-alive JSON client for loading data (not for measuring: wrk does that)."""

    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=600)

    def call(self, method, path, body=None, token=None, content_type="application/json"):
        """Send one request (bytes as they are, anything else as JSON); returns (status, parsed body)."""
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body)
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # gunicorn closed the connection after its keep-alive time idle (a signup hashing meanwhile): again on a new one.
            self.connection.close()
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


def account(base, email):
    """Sign email up on the server and log in; returns the access token."""
    client = Client(base)
    hashing("/api/auth/signup", client, email, 201)
    return hashing("/api/auth/login", client, email, 200)["access_token"]


def hashing(path, client, email, expected):
    """POST email and PASSWORD to path, again after a second while every password hashing turn is taken (503)."""
    for _ in range(60):
        status, body = client.call("POST", path, {"email": email, "password": PASSWORD})
        if status != 503:
            break
        time.sleep(1)
    assert status == expected, (path, status, body)
    return body


def load_through_posts(base, size):
    """The catalogue through the server's POST endpoint (the baseline's own database); (token, ids)."""
    token = account(base, EMAIL)
    fields = ("name", "casts", "genres", "year", "runtime_minutes", "directors")
    rows = [{field: row[field] for field in fields} for row in catalogue.movies(size, None)]

    def add(client, movie):
        status, body = client.call("POST", "/api/movies", movie, token)
        assert status == 201, (status, body)
        return body["id"]

    return token, in_parallel(base, add, rows)


# The catalogue's second tier, through the app's endpoints: REVIEWERS reviews of the oldest movie and
# POSTERS posters (every tenth movie is rated in the catalogue itself, bench/catalogue.py).
REVIEWERS, POSTERS = 25, 10


def load_extras(base, token, ids):
    """Reviews and posters through the server's endpoints; returns the poster URLs' paths."""
    from database.demo import POSTER_SIZE, title_card

    def review(client, n):
        status, body = client.call(
            "POST",
            f"/api/movies/{ids[0]}/reviews",
            {"body": f"Review {n}: " + "a fine film. " * 20},
            account(base, f"reviewer{n}@movie-bag.dev"),
        )
        assert status == 201, (status, body)

    in_parallel(base, review, list(range(REVIEWERS)))

    def poster(client, n):
        image = title_card(f"Bench Movie {n:05d}", 2000 + n, POSTER_SIZE)
        status, body = client.call("PUT", f"/api/movies/{ids[n]}/poster", image, token, content_type="image/png")
        assert status == 200, (status, body)
        return urllib.parse.urlsplit(body["poster_url"])._replace(scheme="", netloc="").geturl()

    return in_parallel(base, poster, list(range(min(POSTERS, len(ids)))))


def deep_cursor(db, uri, database, ids):
    """The cursor of the page DEEP_PAGES pages deep (or half the catalogue down) in the default order,
    signed as the app signs it; and the id of the first movie that page must show.

    Walking there would read a thousand pages first (and on SecantusDB every sorted page reads the index
    to its end): the cursor is the position of the row before that page, made by the app's own code.
    """
    from app import create_app
    from database import paging
    from resources.pagination import list_digest, serializer

    depth = min(DEEP_PAGES * PER_PAGE, len(ids) // 2)
    before = db["movies"].find_one({"_id": ids[len(ids) - depth]}, {"created_at": 1})
    position = [0, before["created_at"], before["_id"]]
    app = create_app("development", prepare_database=False, MONGODB_URI=uri, MONGODB_DB=database, JWT_SECRET_KEY=SECRET)
    with app.test_request_context(f"/api/movies?per_page={PER_PAGE}"):
        cursor = serializer().dumps([list_digest(), paging.encode(position)])
    return depth, cursor, str(ids[len(ids) - depth - 1])


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
    """One bounded wrk run (a request may take the whole run); returns its summary as a dict."""
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        f"{max(30, duration)}s",
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


# The rows whose p50 at the largest catalogue must stay within 2x of theirs at 1,000 movies (issue 17).
GROWTH_ROWS = (
    "GET /api/movies",
    "GET /api/movies?cursor=deep",
    f"GET /api/movies?q={catalogue.COMMON_PREFIX}",
    f"GET /api/movies?genre={GENRE}",
)
GROWTH_LIMIT = 2


def endpoints(ids, cursor=None, poster_paths=None):
    """The benchmarked requests: (name, wrk mode, items, needs a token, the baseline has it).

    The reading rows come first, the writing ones last: the app and the ceiling share the database.
    """
    sample = random.Random(7).sample(ids, min(100, len(ids)))
    return [
        ("GET /api/movies", "get", ["/api/movies"], False, True),
        ("GET /api/movies?cursor=deep", "get", [f"/api/movies?cursor={cursor}"], False, False),
        (GROWTH_ROWS[2], "get", ["/api/movies?q=" + catalogue.COMMON_PREFIX], False, False),
        (GROWTH_ROWS[3], "get", [f"/api/movies?genre={GENRE}"], False, False),
        ("GET /api/movies?sort=-rating", "get", ["/api/movies?sort=-rating"], False, False),
        ("GET /api/movies/<id>", "get", [f"/api/movies/{movie_id}" for movie_id in sample], False, True),
        ("GET /api/movies/<id>/reviews", "get", [f"/api/movies/{ids[0]}/reviews"], False, False),
        ("GET /api/movies/<id>/poster?size=thumb", "get", [f"{path}&size=thumb" for path in poster_paths or []], False, False),
        ("PATCH /api/movies/<id>", "patch", ids[:50], True, True),
        ("POST /api/movies", "post", [], True, True),
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


@contextlib.contextmanager
def secantusdb():
    """SecantusDB as `make run` runs it (--sync-on-commit, on disk), its data in a temporary folder; its URI."""
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="movie-bag-bench-db-"))
    server = str(Path(sys.executable).with_name("secantusd-py"))
    command = [server, "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(work / "data"), "--sync-on-commit"]
    # Its WiredTiger cache (1G by default, as `make run` has it): BENCH_DB_CACHE, for a catalogue that outgrows it.
    command += ["--cache-size", env("BENCH_DB_CACHE", "1G")]
    log = open(work / "server.log", "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen([*command, "--log-level", "WARNING"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
    try:
        with MongoClient(uri, serverSelectionTimeoutMS=60_000) as client:
            client.admin.command("ping")
        yield uri
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=60)  # a clean stop; a server still busy after a minute is killed
        process.kill()
        process.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def database_label(uri, secantus):
    """What the servers ran on, without credentials."""
    with MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        version = client.server_info()["version"]
    if secantus:
        return (
            f"SecantusDB {importlib.metadata.version('secantusdb')} (the default database of `make run`: a MongoDB "
            "wire-protocol server, its own process on loopback, --sync-on-commit, data on disk)"
        )
    hosts = urllib.parse.urlsplit(uri).netloc.rpartition("@")[2]
    return f"MongoDB {version} at {hosts}"


def drop_databases(uri, names):
    """Remove the bench's databases (not on SecantusDB, whose whole store goes with its temporary folder)."""
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


def prepare(uri, database):
    """Build the database's indexes once, before any server starts (as `make migrate` does)."""
    import mongoengine

    from database.migrations import migrate

    mongoengine.disconnect()  # the previous size's
    mongoengine.connect(db=database, host=uri, alias="default", uuidRepresentation="standard", socketTimeoutMS=LONG_MS)
    try:
        migrate()
    finally:
        mongoengine.disconnect()


# A sorted list of 100,000 movies on SecantusDB reads its whole index: no socket or worker timeout may cut it.
LONG_MS = 600_000


def load_catalogue(uri, database, size, app):
    """The catalogue in the app's database, owned by the bench account, with its reviews and posters.

    Returns (token, ids oldest first, poster paths, load seconds, depth of the deep page, its cursor, the
    id of the first movie it must show).
    """
    token = account(app, EMAIL)
    with MongoClient(uri, socketTimeoutMS=LONG_MS) as client:
        db = client[database]
        owner = db["users"].find_one({"email": EMAIL})["_id"]
        print(f"  loading {size:,} movies (insert_many, {catalogue.BATCH} a batch)", flush=True)
        ids, seconds = catalogue.load(db, size, owner, progress=lambda line: print(line, flush=True))
        depth, cursor, first = deep_cursor(db, uri, database, ids)
    ids = [str(movie_id) for movie_id in ids]
    posters = load_extras(app, token, ids)
    print(f"  {size:,} movies loaded in {seconds:.1f} s ({seconds / size * 1000:.1f} ms a movie)", flush=True)
    return token, ids, posters, seconds, depth, cursor, first


def check_deep_page(base, cursor, first):
    """The deep cursor is accepted and reads from the movie after its position."""
    status, body = Client(base).call("GET", f"/api/movies?cursor={cursor}")
    assert status == 200 and body and body[0]["id"] == first, (base, status, body and body[:1])


def measure_size(size, uri, stamp, rounds, duration, connections, baseline=None, drop=True, keep=print, bytes_only=False):
    """The servers at one catalogue size (app, baseline when given, ceiling): the bytes of the answers
    compression.ANSWERS in each coding, then one row per endpoint; how the catalogue was loaded.
    keep(rows, load, answers) is called whenever a row is added. bytes_only (BENCH_ONLY=bytes): the app
    alone, its answers' bytes and no rows."""
    rows, database = [], f"movie-bag-bench-{stamp}-{size}"
    databases = {"app": database, "ceiling": database, "baseline": f"{database}-baseline"}
    kinds = [("app", {"args": ()})]
    if baseline and not bytes_only:
        kinds.append(("baseline", baseline))
    if not bytes_only:
        kinds.append(("ceiling", {"args": ("bench.ceiling:app",)}))
    prepare(uri, database)
    with ExitStack() as stack:
        servers = {}
        for kind, options in kinds:
            server_env = {
                "MONGODB_URI": uri,
                "MONGODB_DB": databases[kind],
                "MONGODB_TIMEOUT_MS": str(LONG_MS),
                "GUNICORN_TIMEOUT": str(LONG_MS // 1000),
                "MIGRATE_ON_START": "0" if kind != "baseline" else "1",
                "JWT_SECRET_KEY": SECRET,
                "BCRYPT_LOG_ROUNDS": str(rounds),
                "RATELIMIT_ENABLED": "0",
                "JWT_ACCESS_TOKEN_EXPIRES": "3600",
            }
            servers[kind] = stack.enter_context(live_server(env=server_env, contract=False, server="gunicorn", **options))
        token, ids, posters, seconds, depth, cursor, first = load_catalogue(uri, database, size, servers["app"])
        load = {"size": size, "load_s": round(seconds, 1), "ms_per_movie": round(seconds / size * 1000, 2), "deep_rows": depth}
        for kind in servers.keys() - {"baseline"}:
            check_deep_page(servers[kind], cursor, first)
        # Before any row writes: each answer is fetched once per coding, and the codings must agree byte for byte.
        answers = compression.measure_all(servers["app"], size)
        print("  " + compression.header(), flush=True)
        for answer in answers:
            print("  " + compression.format_row(answer), flush=True)
        keep(rows, load, answers)
        if not bytes_only:
            settings = {"rounds": rounds, "duration": duration, "connections": connections, "baseline": baseline}
            measure_rows(size, servers, (token, ids), cursor, posters, rows, lambda: keep(rows, load, answers), **settings)
    if drop:
        drop_databases(uri, set(databases[kind] for kind, _ in kinds))
    return rows, load, answers


def measure_rows(size, servers, app_load, cursor, posters, rows, keep, rounds, duration, connections, baseline):
    """Every endpoint's row at one size, appended to rows; keep() after each."""
    ids = app_load[1]
    loaded = {"app": app_load, "ceiling": (account(servers["ceiling"], CEILING_EMAIL), ids)}
    if baseline:
        loaded["baseline"] = load_through_posts(servers["baseline"], size)
    for name, mode, items, authed, baseline_too in endpoints(ids, cursor, posters):

        def run(kind, base, seconds=duration, clients=connections, name=name, mode=mode, authed=authed):
            token, ids = loaded[kind]
            items = next(e[2] for e in endpoints(ids, cursor, posters) if e[0] == name)
            return run_wrk(base, mode, token if authed else None, items, seconds, clients)

        measured = {kind: base for kind, base in servers.items() if baseline_too or kind != "baseline"}
        rows.append(compare(name, size, measured, run, items[0] if mode == "get" else None))
        print("  " + format_row(rows[-1], baseline is not None), flush=True)
        keep()
    # Login is latency against one bcrypt verify, so one connection: no queueing behind other logins.
    # The bare verify is timed right before, so both see the same load on the machine.
    bare_ms = bare_bcrypt_ms(rounds)
    login_seconds = max(2 * duration, 10)

    def login(kind, base, seconds=login_seconds):
        return run_wrk(base, "login", None, [CEILING_EMAIL if kind == "ceiling" else EMAIL, PASSWORD], seconds, 1)

    rows.append(compare("POST /api/auth/login", size, servers, login))
    rows[-1]["bare_bcrypt_ms"] = bare_ms
    print("  " + format_row(rows[-1], baseline is not None), flush=True)
    flood = {kind: base for kind, base in servers.items() if kind != "ceiling"}
    if rows[0]["app"].get("connections") == 1:
        print(f"  {FLOOD_ROW}: not measured, the first page alone takes over {SLOW_SECONDS} s", flush=True)
    else:
        rows.append(login_flood(size, flood, max(2 * duration, 10)))


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


def probe(base, path):
    """Seconds one GET of path takes on its own."""
    client = Client(base)
    start = time.monotonic()
    client.connection.request("GET", path)
    client.connection.getresponse().read()
    return time.monotonic() - start


def compare(name, size, servers, run, path=None):
    """Run one endpoint against each server (the app, the baseline, the ceiling), each after a short unmeasured warm-up.

    A GET whose single request takes over SLOW_SECONDS on the app (a sorted list of 100,000 movies on
    SecantusDB) is measured on one connection for SLOW_REQUESTS requests' time on every server: at 8
    connections its requests would only queue in the database, and a warm-up's abandoned requests would
    still be running into the next measurement.
    """
    row = {"endpoint": name, "size": size}
    slow = path is not None and probe(servers["app"], path) > SLOW_SECONDS
    for kind, base in servers.items():
        if slow:
            alone = probe(base, path)
            # SLOW_REQUESTS requests' time, at most SLOW_MAX_SECONDS, but never too short for one and a half.
            seconds = math.ceil(max(min(SLOW_MAX_SECONDS, alone * SLOW_REQUESTS), alone * 1.5))
            row[kind] = {**run(kind, base, seconds, 1), "connections": 1}
            row[kind]["peak_rss_mib"] = peak_rss_mib(base.pid)
            continue
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
SLOW_SECONDS = 1
# How many requests' time a slow row runs for, and at most how long (BENCH_SLOW_REQUESTS, BENCH_SLOW_MAX_SECONDS).
SLOW_REQUESTS, SLOW_MAX_SECONDS = env_int("BENCH_SLOW_REQUESTS", 8), env_int("BENCH_SLOW_MAX_SECONDS", 120)


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
        f"{report['bare_bcrypt_ms']} ms, timed beside each login run). "
        + "; ".join(
            f"{loaded['size']:,} movies loaded in {loaded['load_s']:,} s ({loaded['ms_per_movie']} ms a movie, insert_many)"
            for loaded in report.get("loads", [])
        )
        + ".",
        "",
        "| endpoint | movies | req/s | p50 ms | p99 ms | ceiling req/s | ratio | +ms/request | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ceiling_rows = [row for row in report["rows"] if row["endpoint"] != FLOOD_ROW]
    flood_rows = [row for row in report["rows"] if row["endpoint"] == FLOOD_ROW]
    for row in ceiling_rows:
        app = row["app"]
        single = " (1 connection)" if app.get("connections") == 1 else ""
        lines.append(
            f"| `{row['endpoint']}`{single} | {row['size']:,} | {app['rps']:,.1f} | {app['p50_ms']} | {app['p99_ms']} | "
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
    if len({row["size"] for row in ceiling_rows}) > 1:
        lines += ["", growth_markdown(report)]
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


def growth(report):
    """The run's sizes, and for each endpoint its rows by size (None where it was not measured)."""
    rows = [row for row in report["rows"] if row["endpoint"] != FLOOD_ROW]
    sizes = sorted({row["size"] for row in rows})
    by_key = {(row["endpoint"], row["size"]): row for row in rows}
    names = list(dict.fromkeys(row["endpoint"] for row in rows))
    return sizes, [(name, [by_key.get((name, size)) for size in sizes]) for name in names]


def times(row, first, key):
    """How many times its value at the first size this row's value of key is ("-" where either is missing).

    The time per request is 1 / requests per second: with the database answering one query at a time
    it is comparable between a row measured at 8 connections (where p50 includes waiting in line) and
    one measured on one connection.
    """
    if not (row and first):
        return "-"
    value = {kind: 1 / row[kind]["rps"] if key == "per_request" else row[kind][key] for kind in ("app", "ceiling")}
    start = {kind: 1 / first[kind]["rps"] if key == "per_request" else first[kind][key] for kind in ("app", "ceiling")}
    return f"{value['app'] / start['app']:.1f}x ({value['ceiling'] / start['ceiling']:.1f}x)"


def growth_markdown(report):
    """Each endpoint's p50 at every size, and its growth from the smallest size (the ceiling's beside it)."""
    sizes, table = growth(report)
    grown = sizes[1:]
    lines = [
        f"Growth with the catalogue, in this run: p50 at each size (¹: measured on one connection, as one "
        f"request took over {SLOW_SECONDS} s), then p50 and the time per request (1 / requests per second) "
        f"over theirs at {sizes[0]:,} movies, the ceiling's in brackets.",
        "",
        "| endpoint | "
        + " | ".join(f"p50 ms at {size:,}" for size in sizes)
        + " | "
        + " | ".join(f"p50 {size:,} / {sizes[0]:,} | per request {size:,} / {sizes[0]:,}" for size in grown)
        + " |",
        "|---|" + "---:|" * (len(sizes) + 2 * len(grown)),
    ]
    for name, rows in table:
        p50s = [f"{row['app']['p50_ms']}{'¹' if row['app'].get('connections') == 1 else ''}" if row else "-" for row in rows]
        ratios = [f"{times(row, rows[0], 'p50_ms')} | {times(row, rows[0], 'per_request')}" for row in rows[1:]]
        lines.append(f"| `{name}` | " + " | ".join(p50s + ratios) + " |")
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
    if report.get("streams"):
        verdicts.append(streams.verdict(report["streams"]))
    sizes, table = growth(report)
    if 1000 in sizes:
        start = sizes.index(1000)
        for name, rows in table:
            for size, row in zip(sizes[start + 1 :], rows[start + 1 :], strict=True):
                if name in GROWTH_ROWS and row and rows[start]:
                    grown = row["app"]["p50_ms"] / rows[start]["app"]["p50_ms"]
                    verdicts.append(
                        (grown <= GROWTH_LIMIT, f"{name}: p50 at {size:,} movies {grown:.2f}x its p50 at 1,000 (<= {GROWTH_LIMIT}x)")
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


def update_readme(start, end, section):
    """Put section between the markers start and end of docs/performance.md."""
    text = README.read_text()
    if start not in text:
        return
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    README.write_text(f"{head}{start}\n{section}\n{end}{tail}")


def bytes_markdown(report):
    """The bytes-per-answer section: how it was measured, and the table."""
    return (
        f"Run {report['date']} on {report['machine'].split(',')[0]}; database: {report['database'].split(' (')[0]}; "
        "anonymous GETs, the body's bytes as sent (headers not counted).\n\n" + compression.markdown(report["answer_bytes"])
    )


def ensure_wrk():
    """wrk from Debian's packages; `make bench` installs it when it can."""
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is not installed (apt-get install wrk, or run `make bench` as root)")


def write_report(report, now):
    """The JSON, the chart, the Markdown table and the README section of the run so far; their name."""
    verifies = [row["bare_bcrypt_ms"] for row in report["rows"] if "bare_bcrypt_ms" in row]
    report["bare_bcrypt_ms"] = statistics.median(verifies) if verifies else None
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = now.strftime("%Y-%m-%d-%H%M")
    report["targets"] = [{"met": ok, "target": text} for ok, text in targets(report)]
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    sections = []
    if report["rows"]:
        chart(report, RESULTS / f"{name}.png")
        table = markdown(report)
        sections.append(table)
        update_readme(README_START, README_END, f"{table}\n\n![p50 and p99 against catalogue size](../bench/results/{name}.png)")
    if report["answer_bytes"]:
        sections.append(bytes_markdown(report))
        update_readme(BYTES_START, BYTES_END, sections[-1])
    if report.get("streams"):
        sections.append(
            f"Run {report['date']} on {report['machine'].split(',')[0]}; database: {report['database'].split(' (')[0]}.\n\n{streams.markdown(report['streams'])}"
        )
        update_readme(STREAMS_START, STREAMS_END, sections[-1])
    (RESULTS / f"{name}.md").write_text("\n\n".join(sections) + "\n")
    return name


def main():
    """Run every size, print the tables, write the JSON, the chart and the sections of docs/performance.md."""
    only = env("BENCH_ONLY", "")
    if only not in ("", "bytes", "streams"):
        sys.exit(f"bench: BENCH_ONLY={only}: the parts that run alone are `bytes` and `streams`")
    bytes_only = only == "bytes"
    if not bytes_only:
        ensure_wrk()
    # The bytes of an answer hardly depend on the catalogue's size: measured alone, on the smallest catalogue.
    sizes = [int(size) for size in env("BENCH_SIZES", "1000" if bytes_only else "1000,10000,100000").split(",")]
    duration = env_int("BENCH_DURATION", 5)
    connections = env_int("BENCH_CONNECTIONS", 8)
    rounds = env_int("BCRYPT_LOG_ROUNDS", 12)
    external = bench_uri()
    baseline, baseline_label = baseline_checkout(env("BENCH_BASELINE")) if env("BENCH_BASELINE") and not bytes_only else (None, None)
    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%d%H%M%S")
    with contextlib.nullcontext(external) if external else secantusdb() as uri:
        report = {
            "date": now.strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine_label(),
            "database": database_label(uri, secantus=not external),
            "connections": connections,
            "duration_s": duration,
            "bcrypt_rounds": rounds,
            "baseline": baseline_label,
            "loads": [],
            "answer_bytes": [],
            "rows": [],
            "streams": None,
        }
        print(f"movie-bag bench: {report['machine']}\ndatabase: {report['database']}", flush=True)
        if not bytes_only:
            print(header(baseline), flush=True)
        for size in [] if only == "streams" else sizes:
            done_rows, done_loads, done_answers = list(report["rows"]), list(report["loads"]), list(report["answer_bytes"])

            def keep(rows, load, answers, done_rows=done_rows, done_loads=done_loads, done_answers=done_answers):
                # Written after every row, so that a long run that stops keeps what it measured.
                report["rows"], report["loads"] = done_rows + rows, [*done_loads, load]
                report["answer_bytes"] = done_answers + answers
                return write_report(report, now)

            result = measure_size(size, uri, stamp, rounds, duration, connections, baseline, bool(external), keep, bytes_only)
            name = keep(*result)
        if not bytes_only:
            # Once, on a small catalogue of its own: what open streams cost the API does not depend on its size.
            report["streams"] = streams.measure_streams(
                uri,
                f"movie-bag-bench-{stamp}-streams",
                SECRET,
                run_wrk,
                peak_rss_mib,
                WARM_UP_SECONDS,
                max(2 * duration, 10),
                LIGHT_CONNECTIONS,
            )
            print("  " + streams.format_streams(report["streams"]), flush=True)
            name = write_report(report, now)
        if only == "streams":
            for ok, text in targets(report):
                print(f"  {'met   ' if ok else 'MISSED'} {text}")
            print(f"\nwrote bench/results/{name}.json and .md (BENCH_ONLY=streams: no endpoint rows)")
            return

    print(f"\nbytes per answer (identity, gzip, br; x: times smaller than identity)\n{compression.header()}")
    for answer in report["answer_bytes"]:
        print(compression.format_row(answer))
    if bytes_only:
        print(f"\nwrote bench/results/{name}.json and .md (BENCH_ONLY=bytes: no endpoint rows)")
        return
    print(f"\n{header(baseline)}")
    for row in report["rows"]:
        print(format_row(row, baseline is not None))
    print(f"\none bare bcrypt verify at cost {rounds}: {report['bare_bcrypt_ms']} ms")
    for loaded in report["loads"]:
        print(f"catalogue of {loaded['size']:,} movies loaded in {loaded['load_s']} s ({loaded['ms_per_movie']} ms a movie)")
    if len(sizes) > 1:
        print(f"\n{growth_markdown(report)}\n")
    for ok, text in targets(report):
        print(f"  {'met   ' if ok else 'MISSED'} {text}")
    print(f"\nwrote bench/results/{name}.json, .png and .md")


if __name__ == "__main__":
    main()
