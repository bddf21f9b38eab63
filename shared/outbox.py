"""Transactional outbox: an e-mail is a row written in the same transaction as the change that causes it.

A worker sends due rows to the SMTP relay (through Flask-Mail, `shared/mail.py`) and retries with a growing
delay, so an SMTP outage delays mail and loses none. Each app declares its own table with `OutboxMixin` (each app owns its database).
"""

import logging
import smtplib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from flask import current_app
from flask_mail import Mail, Message
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import DateTime, Integer, String, Text, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from shared import metrics
from shared.clock import utcnow
from shared.db import DbSession
from shared.mail import RelayConnection, open_connection, redact

log = logging.getLogger(__name__)

MAX_DELAY = timedelta(hours=1)


class OutboxMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))


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


def deliver_due(session: DbSession, model: type[Any], mail: Mail, sender: str, limit: int = 50) -> int:
    """Send the due messages; returns how many were sent. Safe to run in several workers at once."""
    query = (
        select(model)
        .where(model.sent_at.is_(None), model.next_attempt_at <= utcnow())
        .order_by(model.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows: list[Any] = list(session.scalars(query).all())
    sent = 0
    relay: RelayConnection | None = None
    try:
        for row in rows:
            try:
                if relay is None:
                    relay = open_connection(mail)
                relay.send(build_message(row, sender))
            except (OSError, smtplib.SMTPException) as error:
                reason = redact(str(error), current_app.config)
                row.attempts += 1
                row.next_attempt_at = utcnow() + retry_delay(row.attempts)
                row.last_error = reason[:500]
                metrics.count_on_commit(session, "mail_failed")
                log.warning("Mail %s not sent (attempt %s): %s", row.id, row.attempts, reason)
                if relay is not None:
                    relay.close()
                relay = None
                continue
            row.attempts += 1
            row.sent_at = utcnow()
            row.last_error = None
            metrics.count_on_commit(session, "mail_sent")
            sent += 1
    finally:
        if relay is not None:
            relay.close()
        session.commit()
    return sent


OLDEST_PENDING = "outbox_oldest_pending_age_seconds"
OLDEST_PENDING_TEXT = "Age of the oldest e-mail not sent yet (0 when none waits): mail is late when it grows."


class OldestPending(Collector):
    """The outbox's delay, read at scrape time in one query: the oldest unsent row's age. Its cost follows the
    rows waiting (reached through the `sent_at` index), not the table's size."""

    def __init__(self, session: Callable[[], DbSession], model: type[Any]) -> None:
        self.session, self.model = session, model

    def describe(self) -> Iterator[Metric]:
        # Declared, not collected: registering must not query a database that may not be there yet.
        yield GaugeMetricFamily(OLDEST_PENDING, OLDEST_PENDING_TEXT)

    def collect(self) -> Iterator[Metric]:
        session = self.session()
        try:
            oldest = session.scalar(select(func.min(self.model.created_at)).where(self.model.sent_at.is_(None)))
        except SQLAlchemyError as error:  # the other metrics still answer; /readyz tells the outage
            session.rollback()
            log.warning("Outbox age not measured: %r", error)
            return
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(OLDEST_PENDING, OLDEST_PENDING_TEXT, value=max(age, 0.0))


def declare_metrics(found: metrics.Metrics, session: Callable[[], DbSession], model: type[Any]) -> None:
    """The e-mails' counters (moved as their transactions commit) and the outbox's age, on an app's registry."""
    found.counter("mail_queued", "mail_queued_total", "E-mails written to the outbox.")
    found.counter("mail_sent", "mail_sent_total", "E-mails handed to the SMTP relay.")
    found.counter("mail_failed", "mail_send_failures_total", "Attempts to send an e-mail that failed (retried).")
    found.add(OldestPending(session, model))
