"""The edge, tried as an attacker would, against live servers: one test (or table) per defect a probe found.

1 slow clients; 2 reset tokens in logs; 3 old reset tokens; 4 password guessing; 5 tokens bound to their
session's user, no signing key in the code; 6 refresh races; 7 chunked bodies past the limit; 8 lockouts;
9 security headers and the web client's tokens; 10 the Host header; 11 small leaks (enumeration, echoes,
server error pages). Most run against both arrangements a client can meet: `make run`'s server, and
production's nginx (deploy/nginx/, Debian's nginx with that very file) in front of gunicorn.
"""

import contextlib
import email
import gzip
import http.client
import itertools
import json
import os
import shutil
import socket
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import brotli
import jwt as pyjwt
import pytest
import requests

from tests.live_server import behind_nginx, live_server

pytestmark = pytest.mark.live

PASSWORD = "a-security-suite-password"
SECRET = "a-security-suite-secret-that-is-long-enough-0123"
STALLED = 64
GRACE = 2  # REFRESH_REUSE_GRACE_SECONDS of make run's server here (10 by default)
TIMEOUT = 3  # CLIENT_TIMEOUT for make run's server here; the nginx file says 10 s, and is tested as it is


@pytest.fixture(scope="module")
def outbox(tmp_path_factory):
    """The folder the development server writes its emails to."""
    return tmp_path_factory.mktemp("outbox")


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """A folder for the servers' logs."""
    return tmp_path_factory.mktemp("logs")


def server_env(outbox, **extra):
    """What the live servers of this suite run with: default limits, a known key, an outbox."""
    return {"JWT_SECRET_KEY": SECRET, "MAIL_FILE_PATH": str(outbox), "MAIL_SERVER": "", "PASSWORD_RESET_URL": "", "PUBLIC_URL": "", **extra}


@pytest.fixture(scope="module")
def run_server(outbox, logs):
    """`make run`'s arrangement: waitress, with stalled connections dropped after TIMEOUT seconds."""
    env = server_env(outbox, CLIENT_TIMEOUT=str(TIMEOUT), REFRESH_REUSE_GRACE_SECONDS=str(GRACE))
    with live_server(env=env, log_path=logs / "run.log") as base:
        base.log = logs / "run.log"
        yield base


@pytest.fixture(scope="module")
def nginx_server(outbox, logs):
    """Production's arrangement: the committed nginx config in front of gunicorn, both on loopback."""
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing and CI=true forbids skipping (apt-get install nginx)")
        pytest.skip("Debian's nginx is not installed (apt-get install nginx; make test installs it as root)")
    env = server_env(outbox, PROXY_FIX_X_FOR="1", ACCESS_LOG="-")
    with (
        live_server(env=env, server="gunicorn", log_path=logs / "gunicorn.log") as upstream,
        behind_nginx(upstream, logs / "nginx.log") as base,
    ):
        base.log = logs / "nginx.log"
        base.upstream_log = logs / "gunicorn.log"
        yield base


@pytest.fixture(params=["run", "nginx"])
def edge(request):
    """Each arrangement in turn."""
    return request.getfixturevalue(f"{request.param}_server")


SIGNUP_SOURCES = itertools.count(1)


def account(base, email=None, password=PASSWORD):
    """A new account's email and token pair, signed up from an address of its own (signup is limited per address)."""
    email = email or f"sec-{time.time_ns()}@example.com"
    source = f"127.0.1.{next(SIGNUP_SOURCES) % 250 + 1}"
    assert call_from(source, base, "POST", "/api/auth/signup", {"email": email, "password": password})[0] == 201
    status, _, tokens = call_from(source, base, "POST", "/api/auth/login", {"email": email, "password": password})
    assert status == 200
    return email, tokens


def bearer(token):
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def raw(base, data, source="127.0.0.1", timeout=15):
    """Send bytes as they are; the status and the parsed envelope (or None) of the answer."""
    url = urllib.parse.urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=timeout, source_address=(source, 0)) as sock:
        sock.sendall(data)
        chunks = []
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])
    return status, headers, json.loads(body) if body.strip() else None


def call_from(source, base, method, path, body=None, headers=None):
    """A JSON request from a given loopback address (127.0.0.0/8 is all this machine): (status, headers, body)."""
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10, source_address=(source, 0))
    connection.request(
        method, path, json.dumps(body) if body is not None else None, {"Content-Type": "application/json", **(headers or {})}
    )
    response = connection.getresponse()
    answer = response.status, response.headers, json.loads(response.read() or b"null")
    connection.close()
    return answer


def closed_by(sock, deadline):
    """True when the server closes the socket before the deadline (after at most a 408 answer)."""
    try:
        while True:
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            if not sock.recv(4096):
                return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


# --- 1. slow clients --------------------------------------------------------------------------------


def test_stalled_half_requests_neither_block_other_clients_nor_stay_open(edge):
    url = urllib.parse.urlsplit(edge)
    stalled = []
    for _ in range(STALLED):
        sock = socket.create_connection((url.hostname, url.port), timeout=30)
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")  # half a request, then nothing
        stalled.append(sock)
    time.sleep(0.5)
    try:
        for _ in range(10):
            started = time.monotonic()
            assert requests.get(f"{edge}/api/movies", timeout=5).status_code == 200
            assert time.monotonic() - started < 1
        # Dropped after the timeout: make run's CLIENT_TIMEOUT, the nginx file's 10 s (+ a margin).
        deadline = time.monotonic() + (10 + 4 if getattr(edge, "upstream_log", None) else TIMEOUT + 3)
        for sock in stalled:
            assert closed_by(sock, deadline), "a stalled connection stayed open past the timeout"
    finally:
        for sock in stalled:
            sock.close()


# --- 2. reset tokens never reach a log or a Referer ---------------------------------------------------


def newest_reset_token(outbox, address):
    """The token of the newest reset email written to the outbox for this address, and its link."""
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes())
        if message["To"] == address:
            body = message.get_payload(decode=True).decode()
            link = next(line for line in body.splitlines() if "/reset-password" in line)
            return link.split("#token=", 1)[1], link
    raise AssertionError(f"no reset email to {address}")


def test_reset_links_carry_the_token_in_the_fragment_and_no_log_holds_it(edge, outbox):
    address, _ = account(edge)
    assert requests.post(f"{edge}/api/auth/forgot", json={"email": address}, timeout=10).status_code == 202
    time.sleep(0.5)  # the email is written from a background thread
    token, link = newest_reset_token(outbox, address)
    assert "?" not in link and f"#token={token}" in link
    # A browser sends no fragment; an old-style link with the token in the query string is asked for too.
    requests.get(link.split("#")[0], timeout=10)
    requests.get(f"{edge}/reset-password?token={token}", timeout=10)
    assert (
        requests.post(f"{edge}/api/auth/reset", json={"reset_token": token, "password": "a-new-password-1"}, timeout=10).status_code == 204
    )
    time.sleep(0.3)
    for log in (edge.log, getattr(edge, "upstream_log", None)):
        if log is not None:
            assert token not in log.read_text(errors="replace"), f"the reset token reached {log.name}"


# --- 3. a reset or a password change revokes every other outstanding reset token ----------------------


def test_old_reset_tokens_stop_working_after_a_reset_or_a_password_change(run_server, outbox):
    address, _ = account(run_server)
    tokens = []
    for _ in range(3):
        assert requests.post(f"{run_server}/api/auth/forgot", json={"email": address}, timeout=10).status_code == 202
        time.sleep(0.3)
        tokens.append(newest_reset_token(outbox, address)[0])
    first, second, third = tokens
    assert len(set(tokens)) == 3
    assert (
        requests.post(f"{run_server}/api/auth/reset", json={"reset_token": first, "password": "reset-password-1"}, timeout=10).status_code
        == 204
    )
    refused = requests.post(f"{run_server}/api/auth/reset", json={"reset_token": second, "password": "reset-password-2"}, timeout=10)
    assert refused.status_code == 400
    # A fresh link, then a password change: the link dies with the old password.
    requests.post(f"{run_server}/api/auth/forgot", json={"email": address}, timeout=10)
    time.sleep(0.3)
    fourth = newest_reset_token(outbox, address)[0]
    login = requests.post(f"{run_server}/api/auth/login", json={"email": address, "password": "reset-password-1"}, timeout=10).json()
    changed = requests.put(
        f"{run_server}/api/auth/password",
        json={"current_password": "reset-password-1", "new_password": "changed-password-1"},
        headers=bearer(login["access_token"]),
        timeout=10,
    )
    assert changed.status_code == 204
    for token in (third, fourth):
        assert (
            requests.post(
                f"{run_server}/api/auth/reset", json={"reset_token": token, "password": "attacker-password"}, timeout=10
            ).status_code
            == 400
        )


# --- 4. password change is rate-limited per account and per address ------------------------------------


def test_guessing_the_current_password_meets_a_429_per_account(run_server):
    _, tokens = account(run_server)
    headers = bearer(tokens["access_token"])

    def guess(n):
        body = {"current_password": f"wrong-guess-{n}", "new_password": "whatever-new-pw"}
        return call_from("127.0.0.3", run_server, "PUT", "/api/auth/password", body, headers)

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(guess, range(52)))
    statuses = [status for status, _, _ in answers]
    assert statuses.count(403) == 5 and statuses.count(429) == 47
    assert all(int(headers["Retry-After"]) > 0 for status, headers, _ in answers if status == 429)


def test_guessing_across_accounts_meets_a_429_per_address(run_server):
    statuses = []
    for n in range(4):
        _, tokens = account(run_server)
        for m in range(4):
            body = {"current_password": f"wrong-{n}-{m}", "new_password": "whatever-new-pw"}
            statuses.append(call_from("127.0.0.4", run_server, "PUT", "/api/auth/password", body, bearer(tokens["access_token"]))[0])
    # No account reaches its 5, but the address reaches its 10.
    assert statuses[:10] == [403] * 10 and set(statuses[10:]) == {429}, statuses


# --- 5. a token's session must be its subject's; no signing key is written in the code -------------


def test_a_token_re_signed_for_another_subject_is_refused(run_server):
    _, mine = account(run_server)
    other_email, other = account(run_server)
    other_id = pyjwt.decode(other["access_token"], options={"verify_signature": False})["sub"]
    claims = pyjwt.decode(mine["access_token"], options={"verify_signature": False})
    forged = pyjwt.encode({**claims, "sub": other_id}, SECRET, algorithm="HS256")  # even with the key
    response = requests.get(f"{run_server}/api/auth/me", headers=bearer(forged), timeout=10)
    assert response.status_code == 401 and other_email not in response.text
    assert requests.get(f"{run_server}/api/auth/me", headers=bearer(mine["access_token"]), timeout=10).status_code == 200


OLD_PUBLIC_DEVELOPMENT_KEY = "dev-only-secret-change-me-in-production-0123456789"


def test_without_a_configured_key_the_server_signs_with_one_of_its_own(logs):
    env = {"JWT_SECRET_KEY": ""}
    with live_server(env=env, log_path=logs / "keyless.log") as first:
        _, tokens = account(first)
        claims = pyjwt.decode(tokens["access_token"], options={"verify_signature": False})
        with pytest.raises(pyjwt.InvalidSignatureError):
            pyjwt.decode(tokens["access_token"], OLD_PUBLIC_DEVELOPMENT_KEY, algorithms=["HS256"])
        guessed = pyjwt.encode(claims, OLD_PUBLIC_DEVELOPMENT_KEY, algorithm="HS256")
        assert requests.get(f"{first}/api/auth/me", headers=bearer(guessed), timeout=10).status_code == 401
        assert requests.get(f"{first}/api/auth/me", headers=bearer(tokens["access_token"]), timeout=10).status_code == 200


# --- 6. two refreshes at once keep the user logged in; a replay after the grace window does not ---------


def refresh_twice_at_once(base, token):
    """Two simultaneous refreshes with one refresh token: their (status, tokens)."""
    start = threading.Barrier(2)

    def refresh(_):
        start.wait()
        response = requests.post(f"{base}/api/auth/refresh", headers=bearer(token), timeout=10)
        return response.status_code, response.json()

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(refresh, range(2)))


def test_two_simultaneous_refreshes_both_keep_the_session(run_server):
    for _ in range(21):
        _, tokens = account(run_server)
        answers = refresh_twice_at_once(run_server, tokens["refresh_token"])
        assert [status for status, _ in answers] == [200, 200]
        for _, pair in answers:
            assert requests.get(f"{run_server}/api/auth/me", headers=bearer(pair["access_token"]), timeout=10).status_code == 200
        renewed = requests.post(f"{run_server}/api/auth/refresh", headers=bearer(answers[0][1]["refresh_token"]), timeout=10)
        assert renewed.status_code == 200


def test_a_refresh_token_replayed_after_the_grace_window_ends_the_session(run_server):
    _, tokens = account(run_server)
    rotated = requests.post(f"{run_server}/api/auth/refresh", headers=bearer(tokens["refresh_token"]), timeout=10).json()
    time.sleep(GRACE + 0.5)
    replay = requests.post(f"{run_server}/api/auth/refresh", headers=bearer(tokens["refresh_token"]), timeout=10)
    assert replay.status_code == 401 and "already used" in replay.json()["message"]
    assert requests.get(f"{run_server}/api/auth/me", headers=bearer(rotated["access_token"]), timeout=10).status_code == 401


# --- 7. the body limit holds however the body is framed ------------------------------------------------


def chunked(base, token, body):
    """POST /api/movies with this body in 64 KiB chunks (no Content-Length)."""
    url = urllib.parse.urlsplit(base)
    head = (
        f"POST /api/movies HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    pieces = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    framed = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"
    return raw(base, head + framed)


def test_a_chunked_body_past_one_mib_is_a_json_413(edge):
    _, tokens = account(edge)
    name = f"Chunked {time.time_ns()}"
    small = json.dumps({"name": name, "casts": ["A"], "genres": ["B"]}).encode()
    assert chunked(edge, tokens["access_token"], small)[0] == 201
    padded = json.dumps({"name": name + " 2", "casts": ["A"], "genres": ["B"]}).encode() + b" " * (3 * 1024 * 1024)
    status, _headers, body = chunked(edge, tokens["access_token"], padded)
    assert (status, body["status"], body["code"]) == (413, 413, "payload_too_large")
    found = requests.get(f"{edge}/api/movies", params={"q": name}, timeout=10).json()
    assert [movie["name"] for movie in found] == [name]  # the refused one was not stored


def test_a_poster_is_the_one_body_up_to_five_mib_on_either_edge(edge):
    import io

    from PIL import Image

    _, tokens = account(edge)
    status, _, movie = call_from(
        "127.0.0.1",
        edge,
        "POST",
        "/api/movies",
        {"name": f"Poster {time.time_ns()}", "casts": ["A"], "genres": ["B"]},
        bearer(tokens["access_token"]),
    )
    assert status == 201
    noise = io.BytesIO()
    Image.frombytes("RGB", (1000, 800), os.urandom(1000 * 800 * 3)).save(noise, "PNG")  # noise: no compression
    assert 2 * 2**20 < len(noise.getvalue()) < 5 * 2**20
    url = f"{edge}/api/movies/{movie['id']}/poster"
    headers = {**bearer(tokens["access_token"]), "Content-Type": "image/png"}
    assert requests.put(url, data=noise.getvalue(), headers=headers, timeout=30).status_code == 200
    too_big = requests.put(url, data=b"\0" * (6 * 2**20), headers=headers, timeout=30)
    assert too_big.status_code == 413
    assert too_big.json() == {"code": "payload_too_large", "message": too_big.json()["message"], "status": 413}
    assert "5 MiB" in too_big.json()["message"]


def test_a_letterboxd_export_is_the_other_body_up_to_twelve_mib_on_either_edge(edge):
    import io
    import zipfile

    _, tokens = account(edge)
    export = io.BytesIO()
    with zipfile.ZipFile(export, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("watchlist.csv", "Date,Name,Year,Letterboxd URI\n2024-01-02,Heat,1995,\n")
        archive.writestr("diary.csv", os.urandom(7 * 2**20))  # never read, but sent: the body is over 5 MiB
    url = f"{edge}/api/me/import/letterboxd"
    sent = requests.post(url, files={"export": ("letterboxd.zip", export.getvalue())}, headers=bearer(tokens["access_token"]), timeout=30)
    assert sent.status_code == 200, sent.text
    assert sent.json()["unmatched"] == [{"name": "Heat", "year": 1995, "kinds": ["watchlist"], "score": None, "review": None}]
    too_big = requests.post(
        url, files={"export": ("letterboxd.zip", b"\0" * (13 * 2**20))}, headers=bearer(tokens["access_token"]), timeout=30
    )
    assert too_big.status_code == 413
    assert too_big.json() == {"code": "payload_too_large", "message": too_big.json()["message"], "status": 413}
    assert "12 MiB" in too_big.json()["message"]


# --- 8. failed logins from one address never lock the owner out from another --------------------------


def test_failed_logins_from_one_address_leave_the_owner_in_from_another(run_server):
    address, _ = account(run_server)
    attempts = [
        call_from("127.0.0.20", run_server, "POST", "/api/auth/login", {"email": address, "password": f"guess-{n}"})[0] for n in range(7)
    ]
    assert attempts[:5] == [401] * 5 and set(attempts[5:]) == {429}
    assert call_from("127.0.0.21", run_server, "POST", "/api/auth/login", {"email": address, "password": PASSWORD})[0] == 200
    # The owner's own successes never count against the account.
    assert all(
        call_from("127.0.0.21", run_server, "POST", "/api/auth/login", {"email": address, "password": PASSWORD})[0] == 200 for _ in range(5)
    )


# --- 9. the headers a browser needs, and the web client's tokens out of reach of scripts -----------------


def test_pages_and_json_answers_carry_the_security_headers(edge):
    for path in ("/", "/api/docs", "/api/movies", "/api/nothing"):
        headers = requests.get(f"{edge}{path}", timeout=10).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Referrer-Policy"] == "no-referrer", path


def test_answers_that_carry_a_token_are_never_cached(run_server):
    address, _ = account(run_server)
    login = requests.post(f"{run_server}/api/auth/login", json={"email": address, "password": PASSWORD}, timeout=10)
    refreshed = requests.post(f"{run_server}/api/auth/refresh", headers=bearer(login.json()["refresh_token"]), timeout=10)
    browser = requests.post(f"{run_server}/api/auth/session", json={"email": address, "password": PASSWORD}, timeout=10)
    for answer in (login, refreshed, browser):
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"


def set_cookies(response):
    """{name: (value, attributes in lower case)} of the Set-Cookie headers of an answer."""
    cookies = {}
    for header in response.raw.headers.getlist("Set-Cookie"):
        name_value, *attributes = [part.strip() for part in header.split(";")]
        name, _, value = name_value.partition("=")
        cookies[name] = (value, {a.split("=")[0].lower(): a.partition("=")[2] for a in attributes})
    return cookies


def browser_call(base, method, path, cookies, csrf=None):
    """A request as a page sends it: the cookies a browser would send to this path, and the CSRF header."""
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    return requests.request(method, f"{base}{path}", headers=headers, timeout=10)


def test_the_web_clients_refresh_token_is_an_httponly_cookie_guarded_by_csrf(run_server):
    address, _ = account(run_server)
    login = requests.post(f"{run_server}/api/auth/session", json={"email": address, "password": PASSWORD}, timeout=10)
    assert login.status_code == 200 and set(login.json()) == {"access_token", "token_type", "expires_in"}
    cookies = set_cookies(login)
    refresh_value, refresh_attributes = cookies["movie_bag_refresh"]
    csrf_value, csrf_attributes = cookies["movie_bag_csrf"]
    assert {"httponly", "secure"} <= set(refresh_attributes) and refresh_attributes["samesite"] == "Strict"
    assert refresh_attributes["path"] == "/api/auth/session"
    assert "httponly" not in csrf_attributes and csrf_attributes["samesite"] == "Strict"
    jar = {"movie_bag_refresh": refresh_value, "movie_bag_csrf": csrf_value}
    # Without the CSRF value (a request another site made the browser send), or with a wrong one: 401.
    assert browser_call(run_server, "POST", "/api/auth/session/refresh", jar).status_code == 401
    assert browser_call(run_server, "POST", "/api/auth/session/refresh", jar, "not-the-value").status_code == 401
    renewed = browser_call(run_server, "POST", "/api/auth/session/refresh", jar, csrf_value)
    assert renewed.status_code == 200 and "refresh_token" not in renewed.json()
    assert requests.get(f"{run_server}/api/auth/me", headers=bearer(renewed.json()["access_token"]), timeout=10).status_code == 200
    rotated = {name: value for name, (value, _) in set_cookies(renewed).items()}
    assert rotated["movie_bag_refresh"] != refresh_value
    ended = browser_call(run_server, "DELETE", "/api/auth/session", rotated, rotated["movie_bag_csrf"])
    assert ended.status_code == 204 and set_cookies(ended)["movie_bag_refresh"][0] == ""
    assert browser_call(run_server, "POST", "/api/auth/session/refresh", rotated, rotated["movie_bag_csrf"]).status_code == 401


def test_production_sends_hsts_and_refuses_hosts_it_does_not_serve(monkeypatch):
    from tests.mongomock_app import make_app

    monkeypatch.setenv("JWT_SECRET_KEY", SECRET)
    monkeypatch.setenv("MONGODB_URI", "mongodb://db.invalid:27017/movie-bag")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("PUBLIC_URL", "https://movies.example.com")
    client = make_app("production", MIGRATE_ON_START=True).test_client()
    # TLS ends at the proxy in front, which says so in X-Forwarded-Proto; over plain HTTP, HSTS means nothing.
    served = client.get("/api/health", headers={"Host": "movies.example.com", "X-Forwarded-Proto": "https"})
    assert served.status_code == 200
    assert served.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    refused = client.get("/api/health", headers={"Host": "evil.example"})
    assert (refused.status_code, refused.json["status"]) == (400, 400)


# --- 10. absolute URLs come from PUBLIC_URL, never from the Host header -------------------------------


def test_links_never_echo_the_host_header(edge):
    response = requests.get(f"{edge}/api/movies", headers={"Host": "evil.example"}, timeout=10)
    assert response.status_code == 200
    assert "evil.example" not in response.headers["Link"] and response.headers["Link"].startswith("<http://127.0.0.1:")


def test_reset_links_point_at_the_address_the_server_binds(run_server, outbox):
    address, _ = account(run_server)
    status, _, _ = call_from("127.0.0.30", run_server, "POST", "/api/auth/forgot", {"email": address}, {"Host": "evil.example"})
    assert status == 202
    time.sleep(0.3)
    _, link = newest_reset_token(outbox, address)
    assert link.startswith(f"{run_server}/reset-password#token=")


# --- 11. small leaks ------------------------------------------------------------------------------------


def test_another_accounts_id_answers_exactly_as_a_missing_one(run_server):
    _, mine = account(run_server)
    _, other = account(run_server)
    other_id = pyjwt.decode(other["access_token"], options={"verify_signature": False})["sub"]
    existing = requests.get(f"{run_server}/api/users/{other_id}", headers=bearer(mine["access_token"]), timeout=10)
    missing = requests.get(f"{run_server}/api/users/{'0' * 24}", headers=bearer(mine["access_token"]), timeout=10)
    assert (existing.status_code, existing.json()) == (missing.status_code, missing.json()) == (404, missing.json())


@pytest.mark.parametrize(
    "body",
    [
        {"email": "ｍａｒｋｅｒ@ｅｘａｍｐｌｅ", "password": PASSWORD},
        {"email": "ｍａｒ ｋｅｒ@example.com", "password": PASSWORD},
        {"email": "not-an-email-marker", "password": PASSWORD},
        {"email": "a@example.com", "password": "marker"},
    ],
)
def test_no_refusal_echoes_the_submitted_value(run_server, body):
    status, _, answer = call_from(f"127.0.2.{abs(hash(json.dumps(body))) % 250 + 1}", run_server, "POST", "/api/auth/signup", body)
    assert status == 400 and "errors" in answer
    text = json.dumps(answer, ensure_ascii=False).lower()
    assert "marker" not in text and "ｍａｒｋｅｒ" not in text and "ｅｘａｍｐｌｅ" not in text


def test_a_fullwidth_email_is_the_same_account_as_its_ascii_form(run_server):
    """Typed with a fullwidth keyboard, an address is still the one mailbox: never a second account."""
    address, _ = account(run_server)
    local, domain = address.split("@")
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in local) + "@" + domain
    status, _, answer = call_from("127.0.0.31", run_server, "POST", "/api/auth/signup", {"email": fullwidth, "password": PASSWORD})
    assert (status, answer["errors"]) == (409, {"email": ["Already taken."]})
    assert call_from("127.0.0.31", run_server, "POST", "/api/auth/login", {"email": fullwidth, "password": PASSWORD})[0] == 200


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /api/movies?q=" + b"x" * 10_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 414),
        (b"GET /api/movies HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 20_000 + b"\r\nConnection: close\r\n\r\n", 431),
        (b"GET /api/movies HTTP/1.1\r\nHost: x\r\nX-Bad: a\x7fb\r\nConnection: close\r\n\r\n", 400),
        (b"GET /api/movies HTTP/1.1\r\nHost: x\r\nBad Header: a\r\nConnection: close\r\n\r\n", 400),
        (b"NONSENSE\r\n\r\n", 400),
    ],
    ids=["10k query", "20 KB header", "DEL in a header", "space in a header name", "no request line"],
)
def test_what_a_server_refuses_itself_is_the_envelope(edge, request_bytes, status):
    answered, headers, body = raw(edge, request_bytes)
    assert (answered, body["status"]) == (status, status)
    assert body["code"] == {400: "bad_request", 414: "uri_too_long", 431: "headers_too_large"}[status]
    assert headers[b"Cache-Control"] == b"no-cache"
    assert headers[b"Content-Type"].startswith(b"application/json")
    assert b"<html" not in json.dumps(body).encode()


# --- password hashing cannot starve the catalogue -----------------------------------------------------


def test_password_hashing_waits_its_turn_and_answers_503_past_the_wait(logs):
    env = {"BCRYPT_LOG_ROUNDS": "12", "PASSWORD_HASH_CONCURRENCY": "1", "PASSWORD_HASH_WAIT_SECONDS": "0.2", "RATELIMIT_ENABLED": "0"}
    with live_server(env=env, log_path=logs / "hashing.log") as base:
        body = {"email": "nobody@example.com", "password": "some-password-1"}
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda _: requests.post(f"{base}/api/auth/login", json=body, timeout=30), range(6)))
        statuses = sorted(answer.status_code for answer in answers)
        assert 401 in statuses and 503 in statuses, statuses
        busy = next(answer for answer in answers if answer.status_code == 503)
        assert busy.headers["Retry-After"] == "1" and (busy.json()["status"], busy.json()["code"]) == (503, "busy")


# --- compression through each arrangement -------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_list_page_comes_compressed_once_through_each_arrangement(edge, coding):
    _, tokens = account(edge)
    for n in range(8):
        movie = {"name": f"Compressed {coding} {n} {time.time_ns()}", "casts": ["Ana de Armas", "Ryan Gosling"], "genres": ["Drama"]}
        assert requests.post(f"{edge}/api/movies", json=movie, headers=bearer(tokens["access_token"]), timeout=10).status_code == 201
    plain = requests.get(f"{edge}/api/movies", headers={"Accept-Encoding": "identity"}, timeout=10)
    packed = requests.get(f"{edge}/api/movies", headers={"Accept-Encoding": coding}, stream=True, timeout=10)
    raw_body = packed.raw.read(decode_content=False)
    assert packed.headers["Content-Encoding"] == coding and "Accept-Encoding" in packed.headers["Vary"]
    assert len(raw_body) < len(plain.content) / 2
    decoded = brotli.decompress(raw_body) if coding == "br" else gzip.decompress(raw_body)  # decodes once: not compressed twice
    assert json.loads(decoded) == plain.json()
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + f':{coding}"'
