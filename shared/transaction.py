"""The services' transaction rule (README « Conventions »): the service a view or a command calls commits what it
wrote before it returns, and leaves nothing written when it raises; views and commands never commit nor roll back.

A service called by another one runs inside its caller's transaction: only the outermost call commits or rolls
back. Each service app builds its decorator with the exception that refuses a concurrent save."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm.exc import StaleDataError

from shared.db import DbSession

P = ParamSpec("P")
R = TypeVar("R")
UNDER_WAY = "shared.transaction"  # set in Session.info while the outermost service call runs

Service = Callable[Concatenate[DbSession, P], R]


def transaction_decorator(stale: Callable[[], Exception]) -> Callable[[Service[P, R]], Service[P, R]]:
    """The `@transaction` of an app: commit when the outermost service call returns; roll back when it raises (a
    refusal may come after a change). A concurrent save caught at flush (the row's version moved since this
    request read it: SQLAlchemy's StaleDataError) is refused as `stale()`, like a save from a stale page."""

    def transaction(service: Service[P, R]) -> Service[P, R]:
        @wraps(service)
        def run(db: DbSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if db.info.get(UNDER_WAY):
                return service(db, *args, **kwargs)
            db.info[UNDER_WAY] = True
            try:
                result = service(db, *args, **kwargs)
                db.commit()
            except StaleDataError as error:
                db.rollback()
                raise stale() from error
            except BaseException:
                db.rollback()
                raise
            finally:
                del db.info[UNDER_WAY]
            return result

        return run

    return transaction
