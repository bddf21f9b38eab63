"""« Comparaison » (soffi.md §5.7), for DGEFP agents: one line of the statement across every body that filed for a
campaign, its amount for exercice N and N-1 and the variation in %.

Which statements: those filed — « Validé », and « Déposé » or « En instruction » (filed, not yet validated: shown
marked as such, the agent weighs them). A draft is not a figure yet, and a statement « À corriger » is being
changed by its body: neither is compared. One page is two queries whatever the register's size: the page of
bodies with their statement N (COUNT, LIMIT and OFFSET in SQL), then the same bodies' statements N-1."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from sqlalchemy import func, select

from rp_soffi.models import Campaign, CollectingBody, Statement
from rp_soffi.statement.catalogue import BY_CODE, LINES, Line
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import Status
from shared.db import DbSession
from shared.paging import PAGE_SIZE, Page, page_number

COMPARED = (Status.DEPOSE, Status.EN_INSTRUCTION, Status.VALIDE)
DEFAULT_LINE = "RT"
# The lines with an amount (section D holds counts only).
COMPARABLE: tuple[Line, ...] = tuple(line for line in LINES if line.has_amount)


@dataclass(frozen=True)
class Figure:
    amount: int  # cents
    status: Status

    @property
    def validated(self) -> bool:
        return self.status is Status.VALIDE


@dataclass(frozen=True)
class ComparisonRow:
    body: CollectingBody
    current: Figure
    previous: Figure | None  # no statement filed for N-1
    variation: Decimal | None  # in %, one decimal; None when N-1 is missing or 0


def comparison_page(
    db: DbSession, code: str, campaign: Campaign, previous: Campaign | None, page: int, size: int = PAGE_SIZE
) -> Page[ComparisonRow]:
    """The bodies that filed for `campaign` and fill line `code`, by raison sociale, one page of them, each with
    its amount for `campaign` and for `previous` (the exercice before, when it exists)."""
    line = BY_CODE[code]
    query = (
        select(CollectingBody, Statement.status, Statement.figures)
        .join(Statement, Statement.body_id == CollectingBody.id)
        .where(
            Statement.campaign_id == campaign.id,
            Statement.status.in_(COMPARED),
            CollectingBody.body_type.in_(line.bodies),
        )
    )
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = page_number(total, page, size)
    ordered = query.order_by(CollectingBody.name, CollectingBody.id).limit(size).offset((number - 1) * size)
    found = cast(list[tuple[CollectingBody, Status, dict[str, Any]]], db.execute(ordered).all())
    current = [(body, Figure(_amount(figures, code), status)) for body, status, figures in found]
    before = _previous(db, code, previous, [body.id for body, _ in current])
    rows = [
        ComparisonRow(body, figure, before.get(body.id), variation(figure.amount, before.get(body.id)))
        for body, figure in current
    ]
    return Page(rows, total, number, size)


def _previous(db: DbSession, code: str, campaign: Campaign | None, body_ids: list[int]) -> dict[int, Figure]:
    if campaign is None or not body_ids:
        return {}
    query = select(Statement.body_id, Statement.status, Statement.figures).where(
        Statement.campaign_id == campaign.id, Statement.body_id.in_(body_ids), Statement.status.in_(COMPARED)
    )
    found = cast(list[tuple[int, Status, dict[str, Any]]], db.execute(query).all())
    return {body_id: Figure(_amount(figures, code), status) for body_id, status, figures in found}


def _amount(figures: dict[str, Any], code: str) -> int:
    return StatementData.from_json(figures).amount(code)


def variation(amount: int, previous: Figure | None) -> Decimal | None:
    """(N − N-1) / |N-1| in %, rounded to one decimal (half up); None without a base to compare with."""
    if previous is None or previous.amount == 0:
        return None
    ratio = Decimal(amount - previous.amount) * 100 / abs(previous.amount)
    return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
