"""One way to write the security audit log."""

from typing import Any

from idp.models import AuditEvent, AuditEventType
from shared.db import DbSession


def record(
    session: DbSession, event: AuditEventType, account_id: int | None = None, ip: str | None = None, **data: Any
) -> AuditEvent:
    """Add an audit row to the current transaction (committed with the change it describes)."""
    entry = AuditEvent(event=event, account_id=account_id, ip=ip, data=data)
    session.add(entry)
    return entry
