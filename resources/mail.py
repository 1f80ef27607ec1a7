"""Outgoing email: SMTP through flask-mailman when configured, the log in development otherwise."""

import logging
import threading

from flask import current_app
from flask_mailman import EmailMessage, Mail
from flask_mailman.backends.base import BaseEmailBackend

mail = Mail()
logger = logging.getLogger("movie_bag.mail")


class LogEmailBackend(BaseEmailBackend):
    """Development without an SMTP server: the whole message goes to the log."""

    def send_messages(self, email_messages):
        """Log each message instead of sending it."""
        for message in email_messages:
            logger.warning("email not sent (no MAIL_SERVER configured); it reads:\n%s", message.message().as_string())
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
