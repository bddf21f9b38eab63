"""Activation codes (« SAISIR LE CODE D'ACTIVATION »): sent by post for one service and SIRET; whoever
redeems one becomes the company's gestionnaire for that service.

Only the SHA-256 of a code is stored (60 random bits, and guesses are throttled per account and per IP).
Every wrong pair gets the same answer, whatever was wrong in it.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from idp.models import Account, ActivationCode, AuditEventType, Habilitation, Service
from idp.services import audit, habilitations
from idp.services.authentication import ThrottlePolicy, throttle_blocked_until, throttle_count_failure
from shared.clock import utcnow
from shared.db import DbSession

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from a letter and typed by hand
LENGTH = 12
DEFAULT_LIFETIME = timedelta(days=90)
PER_ACCOUNT = ThrottlePolicy(
    "code-account", free_failures=5, first_delay=timedelta(minutes=1), max_delay=timedelta(minutes=30)
)
PER_IP = ThrottlePolicy("code-ip", free_failures=30, first_delay=timedelta(minutes=5), max_delay=timedelta(minutes=30))


class ActivationCodeError(Exception):
    pass


class InvalidActivationCode(ActivationCodeError):
    """Unknown code, other SIRET or service, already used or expired: one answer for all."""


class ActivationCodeBlocked(ActivationCodeError):
    def __init__(self, until: datetime) -> None:
        super().__init__()
        self.until = until


def normalize(code: str) -> str:
    return "".join(char for char in code.upper() if char.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()


def formatted(code: str) -> str:
    """ABCD-EFGH-JKLM: how the letter prints it."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def create_code(
    session: DbSession, service: Service, siret: str, created_by: str, lifetime: timedelta = DEFAULT_LIFETIME
) -> str:
    """A new code for this service and SIRET, returned once (formatted) and stored only hashed."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    now = utcnow()
    session.add(
        ActivationCode(
            code_hash=code_hash(code),
            service=service,
            siret=siret,
            created_at=now,
            created_by=created_by,
            expires_at=now + lifetime,
        )
    )
    audit.record_access(
        session,
        AuditEventType.ACTIVATION_CODE_CREATED,
        None,
        None,
        service,
        siret[:9],
        None,
        siret=siret,
        created_by=created_by,
        expires_at=(now + lifetime).isoformat(),
    )
    session.commit()
    return formatted(code)


def redeem_code(
    session: DbSession, account: Account, service: Service, siret: str, code: str, ip: str | None = None
) -> Habilitation:
    """The account becomes the gestionnaire of the SIRET's company for the service, if the pair is valid."""
    now = utcnow()
    keys = [(PER_ACCOUNT, f"code-account:{account.id}"), (PER_IP, f"code-ip:{ip or 'unknown'}")]
    blocked = [until for _, key in keys if (until := throttle_blocked_until(session, key, now))]
    if blocked:
        audit.record_access(session, AuditEventType.ACTIVATION_CODE_BLOCKED, account, ip, service, siret[:9], account)
        session.commit()
        raise ActivationCodeBlocked(max(blocked))
    found = session.scalar(select(ActivationCode).where(ActivationCode.code_hash == code_hash(code)))
    reason = _refusal_reason(found, service, siret, now)
    if reason is None and found is not None:
        claimed = session.execute(
            update(ActivationCode)
            .where(ActivationCode.id == found.id, ActivationCode.used_at.is_(None))
            .values(used_at=now, used_by_id=account.id)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
        reason = None if claimed == 1 else "used"
    if reason is not None or found is None:
        for policy, key in keys:
            throttle_count_failure(session, policy, key, now)
        audit.record_access(
            session, AuditEventType.ACTIVATION_CODE_REFUSED, account, ip, service, siret[:9], account, reason=reason
        )
        session.commit()
        raise InvalidActivationCode()
    manager = service.manager_role
    assert manager is not None, "every service on the portal has a manager role"
    audit.record_access(
        session, AuditEventType.ACTIVATION_CODE_REDEEMED, account, ip, service, siret[:9], account, siret=siret
    )
    try:
        habilitation = habilitations.grant(
            session, account, manager, siret, habilitations.BY_ACTIVATION_CODE, ip=ip, notify=False
        )
    except habilitations.AlreadyHabilitated:
        session.rollback()  # the code stays unused: it may serve someone else of the company
        raise
    session.commit()
    return habilitation


def _refusal_reason(found: ActivationCode | None, service: Service, siret: str, now: datetime) -> str | None:
    """Why the pair is refused, for the audit log only (the person is told just that it is not valid)."""
    if found is None:
        return "unknown"
    if found.service_id != service.id:
        return "other_service"
    if found.siret != siret:
        return "other_siret"
    if found.used_at is not None:
        return "used"
    if found.expires_at <= now:
        return "expired"
    return None
