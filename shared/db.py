"""Typing helper: services accept a plain Session or Flask-SQLAlchemy's scoped `db.session`; the constraint
naming convention of every app; and a way to run a request's statements without a transaction around them."""

from typing import Any, TypeAlias

from sqlalchemy.orm import Session, scoped_session

DbSession: TypeAlias = Session | scoped_session[Any]

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
