"""SOFI's transaction rule (README « Conventions »), the identity provider's: the service a view or a command calls
commits what it wrote before it returns, and leaves nothing written when it raises; views and commands never commit
nor roll back.

A service called by another one (`workflow.submit` validating at once for the Carif-Oref, `demo.load_demo`
entering a whole offer) runs inside its caller's transaction: only the outermost call commits or rolls back."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm.exc import StaleDataError

from rp_sofi import messages
from rp_sofi.services.errors import Stale
from shared.db import DbSession

P = ParamSpec("P")
R = TypeVar("R")
UNDER_WAY = "rp_sofi.transaction"  # set in Session.info while the outermost service call runs


def transaction(service: Callable[Concatenate[DbSession, P], R]) -> Callable[Concatenate[DbSession, P], R]:
    """Commit when the outermost service call returns; roll back when it raises (a refusal may come after a change:
    `before_edit` reopening a validated action, then a rule broken). A concurrent save caught at flush (the row's
    version moved since this request read it: SQLAlchemy's StaleDataError) is refused as Stale, like a save from a
    stale page."""

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
