"""The dead letters of the outbox, for ministry agents: the e-mails the relay kept refusing, and sending one again.

The worker gives an e-mail up after OUTBOX_MAX_FAILURES refusals (shared/outbox.py); the address's later e-mails go
on. An agent reads why (the relay's last answer), fixes what can be (the person's address), and retries it.
"""

from collections.abc import Sequence

from sqlalchemy import select

from idp.models import AuditEventType, OutboxMessage
from idp.services import audit
from shared.clock import utcnow
from shared.db import DbSession


class MessageNotFound(Exception):
    """No e-mail has this id."""


class MessageNotDead(Exception):
    """The e-mail is sent or still being tried: there is nothing to retry."""


def find_dead(session: DbSession, limit: int = 200) -> Sequence[OutboxMessage]:
    """The dead letters, the most recently given up first."""
    query = select(OutboxMessage).where(OutboxMessage.dead_at.is_not(None))
    return session.scalars(query.order_by(OutboxMessage.dead_at.desc(), OutboxMessage.id.desc()).limit(limit)).all()


def retry(session: DbSession, message_id: int) -> OutboxMessage:
    """Put a dead letter back in the queue, due now with its refusals forgotten (it goes before the address's
    later e-mails still waiting, as it was older); recorded in the audit log. Commits."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise MessageNotFound(message_id)
    if message.dead_at is None:
        raise MessageNotDead(message_id)
    audit.record(session, AuditEventType.MAIL_RETRIED, message_id=message.id, refusals=message.failures)
    message.dead_at = None
    message.failures = 0
    message.next_attempt_at = utcnow()
    session.commit()
    return message
