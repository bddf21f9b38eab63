"""Transactional outbox: an e-mail is a row written in the same transaction as the change that causes it.

A worker sends due rows to the SMTP relay (through Flask-Mail, `shared/mail.py`) and retries with a growing
delay, so an SMTP outage delays mail and loses none; each address's e-mails leave in order, and one the relay keeps
refusing is given up (a dead letter) without holding back the others. Each app declares its own table with
`OutboxMixin` (each app owns its database).
"""

import logging
import smtplib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

import click
from flask import current_app, render_template
from flask_mail import BadHeaderError, Mail, Message
from flask_sqlalchemy import SQLAlchemy
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import ColumnElement, DateTime, Integer, Select, String, Text, and_, exists, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, aliased, mapped_column

from shared import metrics
from shared.clock import utcnow
from shared.db import DbSession, outliving_outages
from shared.mail import RelayConnection, open_connection, redact

log = logging.getLogger(__name__)

MAX_DELAY = timedelta(hours=1)
# Refusals of one e-mail by the relay (its address unknown, its mailbox full…) before it is given up: with the
# delays of retry_delay, about an hour of trying. An outage of the relay itself is never counted here.
MAX_FAILURES = 8
# What the relay answers about one message, on a connection that stays usable: that message failed, not the relay.
MESSAGE_REFUSALS: tuple[type[Exception], ...] = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, BadHeaderError)


class OutboxMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320), index=True)  # each address's e-mails leave in order
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Attempts the relay refused this message (not those it could not be reached for): MAX_FAILURES, and it is dead.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # Given up (the dead letters): no longer tried, nor waited for by the address's later e-mails, until an agent
    # retries it (`flask --app idp outbox retry ID`).
    dead_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))


# A demo load writes the past (campaigns of 2019, BPF transmitted a year ago…) through the services' own functions;
# the e-mails those events would have sent are not queued: the mail catcher shows only what people do in the demo.
_WRITING_THE_PAST = "writing_the_past"


@contextmanager
def writing_the_past(session: DbSession) -> Iterator[None]:
    session.info[_WRITING_THE_PAST] = True
    try:
        yield
    finally:
        session.info.pop(_WRITING_THE_PAST, None)


def queue_mail(
    session: DbSession, model: type[Any], name: str, recipient: str, public_url: str, **context: Any
) -> dict[str, Any]:
    """Render the three templates of e-mail `name` (mails/<name>/subject.txt, body.txt, body.html) and write its
    outbox row in the caller's transaction: the e-mail exists if and only if the change that causes it is
    committed. Returns the templates' context (the tests read it)."""
    context.setdefault("public_url", public_url)
    if session.info.get(_WRITING_THE_PAST):
        return context
    subject = render_template(f"mails/{name}/subject.txt", **context).strip()
    session.add(
        model(
            recipient=recipient,
            subject=subject,
            body_text=render_template(f"mails/{name}/body.txt", **context),
            body_html=render_template(f"mails/{name}/body.html", subject=subject, **context),
        )
    )
    metrics.count_on_commit(session, "mail_queued")
    return context


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min… capped at one hour: a long outage costs few useless connections."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_DELAY)


def build_message(row: OutboxMixin, sender: str) -> Message:
    message = Message(
        subject=row.subject, recipients=[row.recipient], body=row.body_text, html=row.body_html, sender=sender
    )
    # A stable Message-ID lets the receiving side recognise a retried delivery.
    message.msgId = make_msgid(idstring=f"outbox-{row.id}", domain="mesdemarches.emploi.gouv.fr")
    return message


def pending(model: type[Any]) -> ColumnElement[bool]:
    """Neither sent nor given up."""
    return and_(model.sent_at.is_(None), model.dead_at.is_(None))


def due_heads(model: type[Any], limit: int) -> Select[Any]:
    """The due e-mails that are the oldest pending of their address: a later e-mail to an address never leaves
    before an earlier one still waiting (a « mot de passe modifié » before its reset link), and an address whose
    head waits holds back only its own e-mails. Locked, skipping those another worker holds."""
    earlier = aliased(model)
    waits_behind = exists().where(earlier.recipient == model.recipient, earlier.id < model.id, pending(earlier))
    return (
        select(model)
        .where(pending(model), model.next_attempt_at <= utcnow(), ~waits_behind)
        .order_by(model.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=model)
    )


class _Delivery:
    """One run of the worker: the relay's connection, opened at the first e-mail and kept for the next ones."""

    def __init__(self, session: DbSession, mail: Mail, sender: str, max_failures: int) -> None:
        self.session, self.mail, self.sender, self.max_failures = session, mail, sender, max_failures
        self.relay: RelayConnection | None = None
        self.sent = 0

    def send(self, rows: list[Any]) -> bool:
        """Send each row; False when the relay could not be used (the rows left wait for the next run)."""
        for index, row in enumerate(rows):
            try:
                if self.relay is None:
                    self.relay = open_connection(self.mail)
                self.relay.send(build_message(row, self.sender))
            except MESSAGE_REFUSALS as error:
                self._refused(row, error)
                continue
            except (OSError, smtplib.SMTPException) as error:
                # The relay itself (down, unreachable, login or TLS refused): the e-mails are not at fault and none
                # is counted towards being given up; each waits its growing delay, so an outage costs few attempts.
                self.close()
                reason = self._reason(error)
                log.warning("Mail relay unavailable, %s e-mail(s) wait: %s", len(rows) - index, reason)
                for waiting in rows[index:]:
                    self._postpone(waiting, reason)
                return False
            row.attempts += 1
            row.sent_at = utcnow()
            row.last_error = None
            metrics.count_on_commit(self.session, "mail_sent")
            self.sent += 1
        return True

    def _refused(self, row: Any, error: Exception) -> None:
        reason = self._reason(error)
        row.failures += 1
        self._postpone(row, reason)
        if row.failures >= self.max_failures:
            row.dead_at = utcnow()
            metrics.count_on_commit(self.session, "mail_dead")
            log.error("Mail %s given up after %s refusals: %s", row.id, row.failures, reason)
        else:
            log.warning("Mail %s refused (%s of %s): %s", row.id, row.failures, self.max_failures, reason)

    def _postpone(self, row: Any, reason: str) -> None:
        row.attempts += 1
        row.next_attempt_at = utcnow() + retry_delay(row.attempts)
        row.last_error = reason[:500]
        metrics.count_on_commit(self.session, "mail_failed")

    @staticmethod
    def _reason(error: Exception) -> str:
        return redact(f"{type(error).__name__}: {error}", current_app.config)

    def close(self) -> None:
        if self.relay is not None:
            self.relay.close()
            self.relay = None


def deliver_due(
    session: DbSession, model: type[Any], mail: Mail, sender: str, limit: int = 50, max_failures: int = MAX_FAILURES
) -> int:
    """Send the due messages, at most `limit` tried; returns how many were sent. Safe to run in several workers at
    once. Runs pass after pass (committed each), since sending an address's head lets its next e-mail go."""
    delivery = _Delivery(session, mail, sender, max_failures)
    tried = 0
    try:
        while tried < limit:
            rows: list[Any] = list(session.scalars(due_heads(model, limit - tried)).all())
            tried += len(rows)
            relay_answered = delivery.send(rows)
            session.commit()
            if not rows or not relay_answered:
                break
    finally:
        delivery.close()
        session.commit()
    return delivery.sent


OLDEST_PENDING = "outbox_oldest_pending_age_seconds"
OLDEST_PENDING_TEXT = "Age of the oldest e-mail not sent yet (0 when none waits): mail is late when it grows."
DEAD = "outbox_dead_messages"
DEAD_TEXT = "E-mails given up (dead letters) that no agent has retried yet: `flask --app idp outbox dead`."


class OutboxGauges(Collector):
    """The outbox's delay and its dead letters, read at scrape time: the oldest pending row's age (its cost follows
    the rows waiting, reached through the `sent_at` index, not the table's size) and how many rows are dead."""

    def __init__(self, session: Callable[[], DbSession], model: type[Any]) -> None:
        self.session, self.model = session, model

    def describe(self) -> Iterator[Metric]:
        # Declared, not collected: registering must not query a database that may not be there yet.
        yield GaugeMetricFamily(OLDEST_PENDING, OLDEST_PENDING_TEXT)
        yield GaugeMetricFamily(DEAD, DEAD_TEXT)

    def collect(self) -> Iterator[Metric]:
        session = self.session()
        try:
            oldest = session.scalar(select(func.min(self.model.created_at)).where(pending(self.model)))
            dead = session.scalar(select(func.count()).where(self.model.dead_at.is_not(None))) or 0
        except SQLAlchemyError as error:  # the other metrics still answer; /readyz tells the outage
            session.rollback()
            log.warning("Outbox gauges not measured: %r", error)
            return
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(OLDEST_PENDING, OLDEST_PENDING_TEXT, value=max(age, 0.0))
        yield GaugeMetricFamily(DEAD, DEAD_TEXT, value=dead)


def declare_metrics(found: metrics.Metrics, session: Callable[[], DbSession], model: type[Any]) -> None:
    """The e-mails' counters (moved as their transactions commit) and the outbox's gauges, on an app's registry."""
    found.counter("mail_queued", "mail_queued_total", "E-mails written to the outbox.")
    found.counter("mail_sent", "mail_sent_total", "E-mails handed to the SMTP relay.")
    found.counter("mail_failed", "mail_send_failures_total", "Attempts to send an e-mail that failed (retried).")
    found.counter("mail_dead", "mail_dead_total", "E-mails given up after repeated refusals by the relay.")
    found.add(OutboxGauges(session, model))


def worker_command(db: SQLAlchemy, model: type[OutboxMixin], mail: Mail, what: str) -> click.Command:
    """A service's `outbox work` command: its e-mails (`what`, in the help) sent to the relay, in a loop or once."""

    @click.command("work", help=f"Envoyer les e-mails dus ({what}) au relais, en continu.")
    @click.option("--interval", default=5.0, help="Secondes entre deux passages.")
    @click.option("--once", is_flag=True, help="Un seul passage.")
    def work(interval: float, once: bool) -> None:
        config = current_app.config

        def deliver() -> int:
            return deliver_due(
                db.session, model, mail, config["MAIL_SENDER"], max_failures=config["OUTBOX_MAX_FAILURES"]
            )

        if once:
            click.echo(f"{deliver()} e-mail(s) envoyé(s).")
            return
        while True:
            outliving_outages(db.session, deliver, "outbox worker")
            db.session.remove()
            time.sleep(interval)

    return work
