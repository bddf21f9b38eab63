"""One-time links sent by e-mail: random token in the link, its SHA-256 in the database, used once."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from idp.models import Account, AccountStatus, AuditEventType, LinkPurpose, OneTimeLink
from idp.services import audit
from shared.clock import utcnow
from shared.db import DbSession


class LinkError(Exception):
    """A link that cannot be used; `account` is known when the link itself was genuine."""

    def __init__(self, account: Account | None = None) -> None:
        super().__init__()
        self.account = account


class LinkInvalid(LinkError):
    pass


class LinkExpired(LinkError):
    pass


class LinkAlreadyUsed(LinkError):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(
    session: DbSession, account: Account, purpose: LinkPurpose, lifetime: timedelta, new_email: str | None = None
) -> str:
    """Create a link for the account and return its token (the only place the clear token exists)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        OneTimeLink(
            token_hash=token_hash(token),
            purpose=purpose,
            account=account,
            created_at=now,
            expires_at=now + lifetime,
            new_email=new_email,
        )
    )
    return token


def find_link(session: DbSession, token: str, purpose: LinkPurpose) -> OneTimeLink | None:
    return session.scalar(
        select(OneTimeLink).where(OneTimeLink.token_hash == token_hash(token), OneTimeLink.purpose == purpose)
    )


def check_link(session: DbSession, token: str, purpose: LinkPurpose) -> OneTimeLink:
    """The usable link for this token, or the reason it cannot be used."""
    link = find_link(session, token, purpose) if token else None
    if link is None:
        raise LinkInvalid()
    if link.account.status is AccountStatus.DISABLED:  # an operator closed the account: its links die too
        raise LinkInvalid(link.account)
    if link.used_at is not None:
        raise LinkAlreadyUsed(link.account)
    if utcnow() > link.expires_at:
        raise LinkExpired(link.account)
    return link


def consume_link(session: DbSession, token: str, purpose: LinkPurpose) -> OneTimeLink:
    """Mark the link used. The conditional UPDATE makes two simultaneous clicks succeed only once."""
    link = check_link(session, token, purpose)
    marked = session.execute(
        update(OneTimeLink)
        .where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkAlreadyUsed(link.account)
    return link


def void_links(session: DbSession, account: Account, purpose: LinkPurpose) -> None:
    """Make every unused link of this purpose unusable (e.g. reset links after a password change)."""
    session.execute(
        update(OneTimeLink)
        .where(OneTimeLink.account_id == account.id, OneTimeLink.purpose == purpose, OneTimeLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def record_refusal(session: DbSession, error: LinkError, purpose: str, ip: str | None = None) -> None:
    """An audit row for a link refused (expired, used, false): repeated ones show someone guessing. Committed."""
    account_id = error.account.id if error.account else None
    audit.record(session, AuditEventType.BAD_LINK, account_id, ip, purpose=purpose, reason=type(error).__name__)
    session.commit()
