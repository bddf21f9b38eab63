"""SOFFi's transaction rule (README « Conventions »), rp_sofi's: the service a view or a command calls commits what
it wrote before it returns, and leaves nothing written when it raises; views and commands never commit nor roll
back.

A service called by another one (`demo.load_demo` filing and validating ten years of statements) runs inside its
caller's transaction: only the outermost call commits or rolls back."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm.exc import StaleDataError

from rp_soffi import messages
from rp_soffi.services.errors import Stale
from shared.db import DbSession

P = ParamSpec("P")
R = TypeVar("R")
UNDER_WAY = "rp_soffi.transaction"  # set in Session.info while the outermost service call runs


def transaction(service: Callable[Concatenate[DbSession, P], R]) -> Callable[Concatenate[DbSession, P], R]:
    """Commit when the outermost service call returns; roll back when it raises (a refusal may come after a change:
    a rule broken once the status moved). A concurrent save caught at flush (the row's version moved since this
    request read it: SQLAlchemy's StaleDataError) is refused as Stale, like a save from a stale page."""

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
            raise Stale(messages.STALE) from error
        except BaseException:
            db.rollback()
            raise
        finally:
            del db.info[UNDER_WAY]
        return result

    return run
