"""Password reset by email, delivered to a real SMTP server on loopback."""

import email
import re
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from database.accounts import PasswordReset, Session, User
from tests.conftest import DEFAULT_PASSWORD
from tests.live_server import free_port
from tests.mongomock_app import make_app


class Inbox:
    """An aiosmtpd handler that keeps every delivered message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        """Store the message as delivered."""
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def wait_for(self, count=1, timeout=10):
        """Wait until count messages arrived (sending happens in the background)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def inbox():
    """A real SMTP server on 127.0.0.1 for the duration of a test."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def mail_app(inbox):
    """A testing app that sends mail over SMTP to the inbox."""
    _, port = inbox
    app = make_app(
        "testing",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        PASSWORD_RESET_URL="http://movies.example/reset-password#token={token}",
    )
    with app.app_context():
        yield app


@pytest.fixture
def mail_client(mail_app):
    """A client of mail_app."""
    return mail_app.test_client()


@pytest.fixture
def account(mail_app):
    """A user with the default password."""
    user = User(email="forgetful@example.com")
    user.set_password(DEFAULT_PASSWORD)
    return user.save()


def wait_for_log(caplog, text, timeout=5):
    """Wait until text shows in the captured log (emails are sent from a background thread)."""
    deadline = time.monotonic() + timeout
    while text not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    return caplog.text


def reset_token_from(message):
    """The token in the link of a reset email."""
    return re.search(r"reset-password#token=([\w-]+)", message.get_payload(decode=True).decode()).group(1)


def request_reset(client, email_address):
    """POST /api/auth/forgot."""
    return client.post("/api/auth/forgot", json={"email": email_address})


def reset(client, token, password="a-brand-new-password"):
    """POST /api/auth/reset."""
    return client.post("/api/auth/reset", json={"reset_token": token, "password": password})


def test_reset_email_arrives_and_its_token_works_once(mail_client, inbox, account):
    handler, _ = inbox
    response = request_reset(mail_client, "Forgetful@Example.com")
    assert response.status_code == 202
    [message] = handler.wait_for(1)
    assert message["To"] == "forgetful@example.com"
    assert "Reset" in message["Subject"]
    token = reset_token_from(message)
    assert "movies.example/reset-password" in message.get_payload(decode=True).decode()

    assert reset(mail_client, token).status_code == 204
    again = reset(mail_client, token, "yet-another-password")
    assert again.status_code == 400
    assert again.json["message"] == "This reset token was already used; ask for a new one."
    assert User.objects.get(id=account.id).check_password("a-brand-new-password")


def test_unknown_email_gets_the_same_202_and_no_mail(mail_client, inbox, account):
    handler, _ = inbox
    known = request_reset(mail_client, "forgetful@example.com")
    unknown = request_reset(mail_client, "stranger@example.com")
    assert known.status_code == unknown.status_code == 202
    assert known.json == unknown.json
    handler.wait_for(2, timeout=1)
    assert [m["To"] for m in handler.messages] == ["forgetful@example.com"]


def test_reset_revokes_every_session(mail_client, inbox, account):
    handler, _ = inbox
    tokens = mail_client.post("/api/auth/login", json={"email": account.email, "password": DEFAULT_PASSWORD}).json
    request_reset(mail_client, account.email)
    assert reset(mail_client, reset_token_from(handler.wait_for(1)[0])).status_code == 204
    assert Session.objects(user=account).count() == 0
    assert mail_client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).status_code == 401


def test_expired_reset_token_is_400(mail_client, inbox, account, monkeypatch):
    """An hour later the token is refused, even before the TTL index has removed it."""
    import database.accounts

    handler, _ = inbox
    request_reset(mail_client, account.email)
    token = reset_token_from(handler.wait_for(1)[0])
    an_hour_later = database.accounts.utcnow() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(database.accounts, "utcnow", lambda: an_hour_later)
    response = reset(mail_client, token)
    assert response.status_code == 400
    assert response.json["message"] == "This reset token has expired; ask for a new one."
    assert User.objects.get(id=account.id).check_password(DEFAULT_PASSWORD)


def test_reset_removed_by_the_ttl_index_is_400(mail_client, inbox, account):
    handler, _ = inbox
    request_reset(mail_client, account.email)
    token = reset_token_from(handler.wait_for(1)[0])
    stored = PasswordReset.objects.get(user=account)
    stored.update(set__expires_at=stored.created_at - timedelta(seconds=1))
    assert reset(mail_client, token).status_code == 400


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43])
def test_tampered_reset_token_is_400(mail_client, account, token):
    response = reset(mail_client, token)
    assert response.status_code == 400
    assert response.json["message"] == "This reset token is not valid."


def test_tampered_variant_of_a_real_token_is_400(mail_client, inbox, account):
    handler, _ = inbox
    request_reset(mail_client, account.email)
    token = reset_token_from(handler.wait_for(1)[0])
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert reset(mail_client, forged).status_code == 400


def test_only_a_hash_of_the_token_is_stored(mail_client, inbox, account):
    handler, _ = inbox
    request_reset(mail_client, account.email)
    token = reset_token_from(handler.wait_for(1)[0])
    stored = PasswordReset.objects.get(user=account)
    assert token not in stored.token_hash
    assert stored.expires_at - stored.created_at == timedelta(hours=1)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"reset_token": "abc", "password": "short"}, "password"), ({"password": "long-enough-pw"}, "reset_token")],
)
def test_reset_validates_its_body(mail_client, body, field):
    response = mail_client.post("/api/auth/reset", json=body)
    assert response.status_code == 400
    assert field in response.json["errors"]


def test_forgot_validates_the_email(mail_client):
    response = mail_client.post("/api/auth/forgot", json={"email": {"$ne": None}})
    assert response.status_code == 400
    assert "email" in response.json["errors"]


def test_development_without_smtp_writes_the_email_to_the_outbox_never_the_log(monkeypatch, caplog, tmp_path):
    for name in ("MAIL_SERVER", "MONGODB_URI", "MONGODB_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEMO_DATA", "0")
    monkeypatch.setenv("BCRYPT_LOG_ROUNDS", "4")
    monkeypatch.setenv("MAIL_FILE_PATH", str(tmp_path))
    app = make_app("development", RATELIMIT_ENABLED=False)
    with app.app_context():
        user = User(email="dev@example.com")
        user.set_password(DEFAULT_PASSWORD)
        user.save()
        request_reset(app.test_client(), "dev@example.com")
    log = wait_for_log(caplog, "written to")
    assert "email not sent (no MAIL_SERVER configured)" in log
    [written] = tmp_path.glob("*.eml")
    token = reset_token_from(email.message_from_bytes(written.read_bytes()))
    assert token and token not in log and "token=" not in log


def test_production_without_smtp_never_logs_the_link(monkeypatch, caplog):
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    monkeypatch.setenv("JWT_SECRET_KEY", "a-production-secret-that-is-long-enough-0123456789")
    monkeypatch.setenv("MONGODB_URI", "mongodb://db.invalid:27017/movie-bag")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    app = make_app("production", BCRYPT_LOG_ROUNDS=4, MIGRATE_ON_START=True)
    with app.app_context():
        user = User(email="prod@example.com")
        user.set_password(DEFAULT_PASSWORD)
        user.save()
        assert request_reset(app.test_client(), "prod@example.com").status_code == 202
    log = wait_for_log(caplog, "not sent")
    assert "MAIL_SERVER is not configured" in log
    assert "token=" not in log


def test_unreachable_smtp_server_is_logged_not_raised(caplog):
    app = make_app("testing", MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    with app.app_context():
        user = User(email="lost@example.com")
        user.set_password(DEFAULT_PASSWORD)
        user.save()
        assert request_reset(app.test_client(), "lost@example.com").status_code == 202
    assert "sending email failed" in wait_for_log(caplog, "sending email failed")
