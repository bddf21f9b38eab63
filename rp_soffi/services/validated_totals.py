"""The totals of the validated statements kept in SQL (`StatementTotal`), for the dashboard to add them up in the
database. `history.record`, through which every move of a statement goes, calls `keep` when a statement becomes
« Validé » and `drop` when it leaves it (« Rouvrir »), in the move's transaction. Helpers: they only add or delete."""

from collections.abc import Iterator

from sqlalchemy import delete

from rp_soffi.models import Statement, StatementTotal
from rp_soffi.statement.values import StatementData
from shared.db import DbSession

SECTION_TOTALS = ("RT", "ET", "S2")  # A. Ressources, B. Emplois, C. Solde: the lines the dashboard shows


def rows(statement: Statement, data: StatementData) -> Iterator[StatementTotal]:
    """The statement's rows: each total line's amount exactly as the statement page computes it."""
    for code in SECTION_TOTALS:
        yield StatementTotal(
            statement_id=statement.id,
            line_code=code,
            campaign_id=statement.campaign_id,
            body_type=data.body_type,
            amount_cents=data.amount(code),
        )


def keep(db: DbSession, statement: Statement) -> None:
    db.add_all(rows(statement, StatementData.from_json(statement.figures)))


def drop(db: DbSession, statement_id: int) -> None:
    db.execute(delete(StatementTotal).where(StatementTotal.statement_id == statement_id))
