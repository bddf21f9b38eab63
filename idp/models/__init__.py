"""Database models of the identity provider, one module per aggregate."""

from idp.models.account import Account, AccountStatus, Civilite
from idp.models.audit import AuditEvent, AuditEventType
from idp.models.establishment import Company, Establishment
from idp.models.link import LinkPurpose, OneTimeLink
from idp.models.outbox import OutboxMessage
from idp.models.throttle import LoginThrottle
from idp.models.user_session import UserSession

__all__ = [
    "Account",
    "AccountStatus",
    "AuditEvent",
    "AuditEventType",
    "Civilite",
    "Company",
    "Establishment",
    "LinkPurpose",
    "LoginThrottle",
    "OneTimeLink",
    "OutboxMessage",
    "UserSession",
]
