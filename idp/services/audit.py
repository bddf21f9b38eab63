"""How the security audit log is written: record() adds a row to the transaction as an object the caller may
complete, write() sends it at once (a login writes one, and needs nothing back)."""

from typing import Any

from sqlalchemy import insert

from idp import metrics
from idp.models import Account, AuditEvent, AuditEventType, Service
from shared.db import DbSession


def record(
    session: DbSession, event: AuditEventType, account_id: int | None = None, ip: str | None = None, **data: Any
) -> AuditEvent:
    """Add an audit row to the current transaction (committed with the change it describes)."""
    entry = AuditEvent(event=event, account_id=account_id, ip=ip, data=data)
    session.add(entry)
    metrics.audit_recorded(session, event)
    return entry


# On the table: no ORM object to flush (a unit of work costs twice a plain INSERT); inline(): its id
# is not asked back.
INSERT_EVENT = insert(AuditEvent.__table__).inline()


def write(session: DbSession, event: AuditEventType, account_id: int | None = None, ip: str | None = None) -> None:
    """What record() does, sent at once: for hot paths (every login) that need no object back."""
    session.execute(INSERT_EVENT, {"event": event, "account_id": account_id, "ip": ip, "data": {}})
    metrics.audit_recorded(session, event)


def record_access(
    session: DbSession,
    event: AuditEventType,
    actor: Account | None,
    ip: str | None,
    service: Service,
    siren: str,
    subject: Account | None,
    **data: Any,
) -> AuditEvent:
    """An audit row about a company's access to a service: it also feeds that company's access journal."""
    entry = record(session, event, actor.id if actor else None, ip, service=service.code, **data)
    entry.siren, entry.service_id = siren, service.id
    entry.subject_account_id = subject.id if subject else None
    return entry
