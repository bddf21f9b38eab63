"""The SMTP relay, through Flask-Mail: plain, STARTTLS (`MAIL_USE_TLS`) or implicit TLS (`MAIL_USE_SSL`), with a
login when `MAIL_USERNAME` and `MAIL_PASSWORD` are set.

Flask-Mail's own connection is kept for sending (its `Message`, its headers' checks) but opened here, because as
shipped it would (1) accept any certificate on STARTTLS (`starttls()` without a context does not verify the relay,
so a man in the middle would read the password), (2) wait for ever on a relay that does not answer (no timeout),
and (3) print the SMTP exchange, the AUTH line with the password in base64, whenever the app runs in debug mode.
"""

import base64
import os
import smtplib
import ssl
from typing import Any

from flask import current_app
from flask_mail import Connection, Mail

from shared.config import UnsafeConfiguration, env_bool

DEFAULT_TIMEOUT = 10.0  # seconds: a relay that hangs must not hold the worker for ever
REDACTED = "[mot de passe masqué]"


def settings() -> dict[str, Any]:
    """The relay's settings from the environment. `SMTP_HOST`/`SMTP_PORT` (the names before Flask-Mail) are still
    read when the new ones are unset, so that an existing deployment keeps sending."""
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or os.environ.get("SMTP_HOST") or "127.0.0.1",
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or os.environ.get("SMTP_PORT") or "1025"),
        "MAIL_USE_TLS": env_bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": env_bool("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        # The certificate authorities the relay's certificate is checked against; unset: the system's.
        "MAIL_TLS_CA_FILE": os.environ.get("MAIL_TLS_CA_FILE") or None,
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT") or DEFAULT_TIMEOUT),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Mes Démarches <no-reply@emploi.gouv.fr>"),
        # Never smtplib's debug output, whatever Flask's debug mode: it prints the AUTH exchange.
        "MAIL_DEBUG": 0,
        # Refusals of one e-mail by the relay before it is given up (a dead letter for the agents to look at).
        "OUTBOX_MAX_FAILURES": int(os.environ.get("OUTBOX_MAX_FAILURES") or "8"),
        # Flask-Mail sends nothing when TESTING unless told: the tests deliver to a real SMTP server.
        "MAIL_SUPPRESS_SEND": False,
    }


def check(config: dict[str, Any]) -> None:
    """Refuse a relay configuration that cannot work, or would send the password in clear in production."""
    if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
        raise UnsafeConfiguration("MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL (implicit TLS) exclude each other.")
    encrypted = config.get("MAIL_USE_TLS") or config.get("MAIL_USE_SSL")
    if config.get("ENV_PRODUCTION") and config.get("MAIL_PASSWORD") and not encrypted:
        raise UnsafeConfiguration("MAIL_PASSWORD needs MAIL_USE_TLS or MAIL_USE_SSL: it would cross in clear.")


class RelayConnection(Connection):
    """Flask-Mail's connection, opened with a verified TLS context and a timeout."""

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        config = current_app.config
        timeout = float(config.get("MAIL_TIMEOUT", DEFAULT_TIMEOUT))
        context = ssl.create_default_context(cafile=config.get("MAIL_TLS_CA_FILE"))
        host: smtplib.SMTP | smtplib.SMTP_SSL
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=timeout, context=context)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=timeout)
        try:
            if self.mail.use_tls:
                host.starttls(context=context)
            if self.mail.username and self.mail.password:
                host.login(self.mail.username, self.mail.password)
        except BaseException:
            host.close()
            raise
        return host

    def close(self) -> None:
        """QUIT, or drop the socket if the relay is already gone."""
        if self.host is None:
            return
        try:
            self.host.quit()
        except (OSError, smtplib.SMTPException):
            self.host.close()
        self.host = None


def open_connection(mail: Mail) -> RelayConnection:
    """A connection to the relay, logged in; raises OSError or smtplib.SMTPException when the relay cannot be used.
    The settings are read from the current app's configuration now (not frozen at start-up)."""
    # Flask-Mail's own state object, built from the settings as its init_app does (typed there as the extension).
    connection = RelayConnection(mail.init_mail(current_app.config))  # type: ignore[arg-type]
    connection.host = connection.configure_host()
    return connection


def redact(text: str, config: dict[str, Any]) -> str:
    """`text` (an error to record or log) without the relay's password, in clear or as AUTH PLAIN/LOGIN send it:
    a relay may echo what it refused, and an error message ends up in the database and the logs."""
    password = config.get("MAIL_PASSWORD")
    if not password:
        return text
    username = config.get("MAIL_USERNAME") or ""
    forms = {
        password,
        base64.b64encode(password.encode()).decode(),
        base64.b64encode(f"\0{username}\0{password}".encode()).decode(),
    }
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text
