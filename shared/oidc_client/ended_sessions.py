"""Sessions the provider ended (OpenID Connect Back-Channel Logout 1.0), in the relying party's database.

A relying party's sessions are signed cookies: nothing on the server can delete one. So the logout tokens received
are remembered instead — (sub, sid) and when — and `access.current_user()` refuses a cookie whose login came before
the end of its sid (or of its person, for a token without sid). The `jti` of every token accepted is kept until the
token could no longer be accepted anyway, so that a replayed token is refused.

Two SQLAlchemy Core tables, owned here. A service with its own database and migrations (SOFI) copies them into its
metadata (`add_to`) and creates them in a migration; the others get them created in the database of their
`<CODE>_DATABASE_URL` (an SQLite file under instance/ by default) the first time they are used.
"""

import hashlib
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    exists,
    insert,
    inspect,
    or_,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, IntegrityError

from shared.db import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ended_session = Table(
    "oidc_ended_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sub", String(255), index=True),  # None: every session of `sid`, whoever
    Column("sid", String(255), index=True),  # None: every session of `sub`
    Column("ended_at", DateTime, nullable=False, index=True),
)
seen_logout_token = Table(
    "oidc_seen_logout_token",
    metadata,
    Column("jti_hash", String(64), primary_key=True),  # SHA-256 of the jti: any length fits, none is stored
    Column("expires_at", DateTime, nullable=False, index=True),
)
TABLES = (ended_session, seen_logout_token)

EXTENSION = "oidc_rp_ended_sessions"


def add_to(target: MetaData) -> None:
    """Copy the tables into an app's own metadata, so that its migrations create them and `flask db check` sees
    them (the statements here use the tables of this module: the same names and columns)."""
    for table in TABLES:
        table.to_metadata(target)


class Store:
    """Where an app keeps them: the engine of its own database (`engine`), or one of its own on
    SQLALCHEMY_DATABASE_URI, whose tables are created at first use."""

    def __init__(self, engine: Callable[[], Engine] | None) -> None:
        self._engine = engine
        self._own: Engine | None = None
        self._lock = threading.Lock()

    def engine(self) -> Engine:
        if self._engine is not None:
            return self._engine()
        with self._lock:
            if self._own is None:
                self._own = _own_engine(current_app.config["SQLALCHEMY_DATABASE_URI"])
            return self._own

    def dispose(self) -> None:
        """Close the connections of its own engine (tests, and a worker shutting down)."""
        if self._own is not None:
            self._own.dispose()


def _own_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    try:
        metadata.create_all(engine)
    except DatabaseError:
        # Another worker created them at the same moment: fine if they are there now.
        if not all(inspect(engine).has_table(table.name) for table in TABLES):
            raise
    return engine


def init_app(app: Flask, engine: Callable[[], Engine] | None = None) -> None:
    app.extensions[EXTENSION] = Store(engine)


def _engine() -> Engine:
    store: Store = current_app.extensions[EXTENSION]
    return store.engine()


# Built once: the check runs at every request of a logged-in person. A row ends the session if it came after the
# login, and names its sid (and its person, or nobody) or, without a sid, its person.
ENDED = select(
    exists().where(
        ended_session.c.ended_at >= bindparam("login_at"),
        or_(
            (ended_session.c.sid == bindparam("sid"))
            & or_(ended_session.c.sub.is_(None), ended_session.c.sub == bindparam("sub")),
            ended_session.c.sid.is_(None) & (ended_session.c.sub == bindparam("sub")),
        ),
    )
)


def is_ended(sub: str, sid: str | None, login_at: datetime) -> bool:
    """Whether the provider ended this session (logged in at `login_at`) since."""
    with _engine().connect() as connection:
        return bool(connection.scalar(ENDED, {"sub": sub, "sid": sid, "login_at": login_at}))


def _digest(jti: str) -> str:
    return hashlib.sha256(jti.encode()).hexdigest()


def seen(jti: str) -> bool:
    """Whether a logout token with this jti was recorded already (a replay)."""
    with _engine().connect() as connection:
        found = connection.scalar(
            select(seen_logout_token.c.jti_hash).where(seen_logout_token.c.jti_hash == _digest(jti))
        )
        return found is not None


def end(sub: str | None, sid: str | None, at: datetime, jti: str, keep_jti_until: datetime) -> bool:
    """Record a logout token: its jti (False, and nothing ended, if it was seen already) and the end of the sessions
    it names, in one transaction."""
    try:
        with _engine().begin() as connection:
            connection.execute(insert(seen_logout_token), {"jti_hash": _digest(jti), "expires_at": keep_jti_until})
            connection.execute(insert(ended_session), {"sub": sub, "sid": sid, "ended_at": at})
    except IntegrityError:
        return False
    return True


def purge(now: datetime, session_lifetime: timedelta) -> None:
    """Forget what no longer matters: ends older than any session still accepted, jtis of tokens refused anyway."""
    with _engine().begin() as connection:
        connection.execute(delete(ended_session).where(ended_session.c.ended_at < now - session_lifetime))
        connection.execute(delete(seen_logout_token).where(seen_logout_token.c.expires_at < now))
