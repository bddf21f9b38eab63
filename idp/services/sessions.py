"""Server-side login sessions: the browser holds a random token, the database knows its hash.

Keeping sessions in the database lets a logout, a password change or an operator end them for
real, and every worker of every instance sees the same thing.
"""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from idp.models import Account, UserSession
from shared.clock import utcnow
from shared.db import DbSession

TOUCH_INTERVAL = timedelta(minutes=1)  # write last_seen_at at most once a minute per session


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# On the table: a plain INSERT costs less than half the ORM's unit of work, and only the id is needed back.
INSERT_SESSION = insert(UserSession.__table__).returning(UserSession.__table__.c.id)


def new_sid() -> str:
    """A login session's public identifier (the `sid` of ID and logout tokens): random, unrelated to its token."""
    return secrets.token_urlsafe(16)


def start_session(
    session: DbSession, account: Account, ip: str | None, sid: str | None = None
) -> tuple[str, UserSession]:
    """A new login session, in the caller's transaction (the caller commits): its token, and the session
    as the rest of the request sees it, built from what was written rather than read back. `sid`: the public
    identifier of the session it follows (the same person logging in again in the same browser)."""
    token, now = secrets.token_urlsafe(32), utcnow()
    values = {
        "token_hash": _hash(token),
        "sid": sid or new_sid(),
        "account_id": account.id,
        "ip": ip,
        "created_at": now,
        "last_seen_at": now,
    }
    session_id: int = session.execute(INSERT_SESSION, values).scalar_one()
    started = UserSession(id=session_id, **values)
    set_committed_value(started, "account", account)
    return token, started


# Built once: every page of a logged-in person and every authorization request runs it, and building
# a statement costs SQLAlchemy more than it costs PostgreSQL to answer it.
LIVE_SESSION = select(UserSession).where(
    UserSession.token_hash == bindparam("token_hash"), UserSession.ended_at.is_(None)
)


def load_session(session: DbSession, token: str, idle: timedelta, absolute: timedelta) -> UserSession | None:
    """The live session for this token; an idle or too old one is ended and None returned."""
    user_session = session.scalar(LIVE_SESSION, {"token_hash": _hash(token)})
    if user_session is None:
        return None
    now = utcnow()
    if now - user_session.last_seen_at > idle or now - user_session.created_at > absolute:
        user_session.ended_at = now
        session.commit()
        return None
    if not user_session.account.is_active:
        return None
    if now - user_session.last_seen_at > TOUCH_INTERVAL:
        user_session.last_seen_at = now
        session.commit()
    return user_session


def end_session(session: DbSession, token: str, commit: bool = True) -> UserSession | None:
    user_session = session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if user_session is not None and user_session.ended_at is None:
        user_session.ended_at = utcnow()
        if commit:
            session.commit()
    return user_session


def open_sessions(session: DbSession, account: Account, besides: UserSession | None = None) -> Sequence[UserSession]:
    """The account's login sessions not ended yet (but `besides`)."""
    query = select(UserSession).where(UserSession.account_id == account.id, UserSession.ended_at.is_(None))
    if besides is not None:
        query = query.where(UserSession.id != besides.id)
    return session.scalars(query).all()


def end_other_sessions(session: DbSession, account: Account, keep: UserSession | None = None) -> None:
    """End every session of the account but `keep` (in the caller's transaction)."""
    query = update(UserSession).where(UserSession.account_id == account.id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    session.execute(query.values(ended_at=utcnow()).execution_options(synchronize_session=False))
