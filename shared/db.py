"""Typing helper: services accept a plain Session or Flask-SQLAlchemy's scoped `db.session`; and a way
to run a request's statements without a transaction around them."""

from typing import Any, TypeAlias

from sqlalchemy.orm import Session, scoped_session

DbSession: TypeAlias = Session | scoped_session[Any]


def without_transaction(session: DbSession) -> None:
    """Let each statement of the session commit on its own, with no BEGIN before it nor ROLLBACK at
    the end of the request: two round trips saved, for requests that only read, or whose writes are
    each one statement complete in itself (several writes that belong together need a transaction).

    To be called before the session's first statement: the option applies to the connection the
    session takes then, until its next commit.
    """
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
