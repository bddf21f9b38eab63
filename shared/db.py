"""Typing helper: services accept a plain Session or Flask-SQLAlchemy's scoped `db.session`; the constraint
naming convention of every app; and a way to run a request's statements without a transaction around them."""

import logging
import time
from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from sqlalchemy.exc import OperationalError, PendingRollbackError
from sqlalchemy.orm import Session, scoped_session

DbSession: TypeAlias = Session | scoped_session[Any]
T = TypeVar("T")

# Named constraints, so that Alembic migrations are the same on SQLite and PostgreSQL (every app's metadata).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def without_transaction(session: DbSession) -> None:
    """Let each statement of the session commit on its own, with no BEGIN before it nor ROLLBACK at
    the end of the request: two round trips saved, for requests that only read, or whose writes are
    each one statement complete in itself (several writes that belong together need a transaction).

    To be called before the session's first statement: the option applies to the connection the
    session takes then, until its next commit.
    """
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


# A database that does not answer (a restart, a failover): the connection is gone, not the data.
OUTAGE = (OperationalError, PendingRollbackError)
log = logging.getLogger(__name__)


def outliving_outages(session: scoped_session[Any], job: Callable[[], T], what: str) -> T | None:
    """One pass of a long-running job (a worker, a scheduled loop) that a database outage does not end: the error is
    logged in one line, the session and its dead connection discarded, and None returned — the next pass opens a new
    connection, as a web request does after its French 503 page. Other errors still end the process."""
    try:
        return job()
    except OUTAGE as error:
        log.warning("%s: database unavailable (%s), trying again at the next pass", what, type(error).__name__)
        session.remove()
        return None


def repeat_job(session: scoped_session[Any], every: float | None, job: Callable[[], object], what: str) -> None:
    """A scheduled job (`--every SECONDS`): once, or a pass every `every` seconds until the process is stopped,
    each pass outliving a database outage."""
    if every is None:
        job()
        return
    while True:
        outliving_outages(session, job, what)
        session.remove()
        time.sleep(every)
