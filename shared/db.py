"""Typing helper: services accept a plain Session or Flask-SQLAlchemy's scoped `db.session`."""

from typing import Any, TypeAlias

from sqlalchemy.orm import Session, scoped_session

DbSession: TypeAlias = Session | scoped_session[Any]
