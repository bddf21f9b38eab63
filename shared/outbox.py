"""Transactional outbox: an e-mail is a row written in the same transaction as the change that causes it.

A worker sends due rows over SMTP and retries with a growing delay, so an SMTP outage delays mail
and loses none. Each app declares its own table with `OutboxMixin` (each app owns its database).
"""

import contextlib
import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from shared.clock import utcnow
from shared.db import DbSession

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


def build_message(row: OutboxMixin, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    # A stable Message-ID lets the receiving side recognise a retried delivery.
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}", domain="mesdemarches.emploi.gouv.fr")
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    return message


def deliver_due(session: DbSession, model: type[Any], host: str, port: int, sender: str, limit: int = 50) -> int:
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
    smtp: smtplib.SMTP | None = None
    try:
        for row in rows:
            try:
                if smtp is None:
                    smtp = smtplib.SMTP(host, port, timeout=10)
                smtp.send_message(build_message(row, sender))
            except (OSError, smtplib.SMTPException) as error:
                row.attempts += 1
                row.next_attempt_at = utcnow() + retry_delay(row.attempts)
                row.last_error = str(error)[:500]
                log.warning("Mail %s not sent (attempt %s): %s", row.id, row.attempts, error)
                smtp = None
                continue
            row.attempts += 1
            row.sent_at = utcnow()
            row.last_error = None
            sent += 1
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
        session.commit()
    return sent
