"""Outgoing email: SMTP through flask-mailman when configured; in development, files in an outbox folder.

A reset email holds a token that sets the account's password: it goes into no log, in any configuration.
"""

import logging
import os
import secrets
import threading
from datetime import UTC, datetime

from flask import current_app
from flask_mailman import EmailMessage
from flask_mailman.backends.base import BaseEmailBackend

logger = logging.getLogger("movie_bag.mail")


class OutboxEmailBackend(BaseEmailBackend):
    """Development without an SMTP server: each message is a .eml file in MAIL_FILE_PATH (an outbox).

    The log says where it went, never what it holds.
    """

    def send_messages(self, email_messages):
        """Write each message to its own file."""
        folder = current_app.config["MAIL_FILE_PATH"]
        os.makedirs(folder, exist_ok=True)
        for message in email_messages:
            name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
            with open(os.path.join(folder, name), "wb") as file:
                file.write(message.message().as_bytes())
            logger.warning("email not sent (no MAIL_SERVER configured): written to %s", os.path.join(folder, name))
        return len(email_messages)


class UnsentEmailBackend(BaseEmailBackend):
    """Production without an SMTP server: say an email was dropped, never what it held."""

    def send_messages(self, email_messages):
        """Log that each message could not be sent."""
        for message in email_messages:
            logger.error("email to %d recipient(s) not sent: MAIL_SERVER is not configured", len(message.to))
        return 0


def _send(app, message):
    """Send within the app's context; failures are logged, never raised into a request."""
    with app.app_context():
        try:
            message.send()
        except OSError:
            logger.exception("sending email failed")


def send_email(to, subject, body):
    """Send in the background so the request's timing never depends on the mail server."""
    message = EmailMessage(subject=subject, body=body, to=[to])
    app = current_app._get_current_object()
    thread = threading.Thread(target=_send, args=(app, message), daemon=True)
    thread.start()
    return thread
