"""The DGEFP's side of the sector (soffi.md §5.5): the bodies of the register with their statement of a campaign
(or none yet) and its state, filtered and paged in SQL; the counters of a campaign; the validated figures added up
by body type and section, and year over year; the rows of the cross-body export. Read only: nothing here writes."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import selectinload

from rp_soffi.models import Campaign, CollectingBody, Statement, StatementTotal
from rp_soffi.services.validated_totals import SECTION_TOTALS
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.exports import Value, cross_body_cells
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import Status
from shared.db import DbSession
from shared.paging import PAGE_SIZE, Page, page_number


@dataclass(frozen=True)
class ListFilters:
    """Already parsed and bounded by the form: an id, enum members, a page ≥ 1."""

    campaign_id: int | None = None
    status: Status | None = None
    body_type: BodyType | None = None
    late: bool = False
    not_started: bool = False  # « Non commencé »: no statement for the campaign yet
    page: int = 1


@dataclass(frozen=True)
class BodyRow:
    """A line of the agents' list: the body, its statement for the campaign if any, and its totals (RT, ET, S2)."""

    body: CollectingBody
    statement: Statement | None
    totals: dict[str, int] | None


@dataclass(frozen=True)
class Counters:
    expected: int  # « États attendus »: the active bodies
    by_status: dict[Status, int]
    not_filed: int  # « Non déposés »: no filing yet
    late: int  # « Hors délai »


@dataclass
class Totals:
    """Amounts in cents of the validated statements, by body type and total line (RT, ET, S2)."""

    by_type: dict[BodyType, dict[str, int]] = field(default_factory=dict)
    statements: int = 0


def _filtered(filters: ListFilters) -> Select[tuple[Statement]]:
    query = (
        select(Statement)
        .join(CollectingBody, Statement.body_id == CollectingBody.id)
        .options(selectinload(Statement.body), selectinload(Statement.campaign))
    )
    if filters.campaign_id is not None:
        query = query.where(Statement.campaign_id == filters.campaign_id)
    if filters.status is not None:
        query = query.where(Statement.status == filters.status)
    if filters.body_type is not None:
        query = query.where(CollectingBody.body_type == filters.body_type)
    if filters.late:
        query = query.where(Statement.late.is_(True))
    return query


def body_page(db: DbSession, filters: ListFilters, size: int = PAGE_SIZE) -> Page[BodyRow]:
    """The active bodies with their statement of the filters' campaign (an outer join: a body that has not started
    is listed too), those matching the filters, by name, one page of them (COUNT, LIMIT and OFFSET in SQL)."""
    if filters.campaign_id is None:
        return Page([], 0, 1, size)
    joined = and_(Statement.body_id == CollectingBody.id, Statement.campaign_id == filters.campaign_id)
    query = select(CollectingBody, Statement).outerjoin(Statement, joined).where(CollectingBody.active.is_(True))
    if filters.status is not None:
        query = query.where(Statement.status == filters.status)
    if filters.not_started:
        query = query.where(Statement.id.is_(None))
    if filters.body_type is not None:
        query = query.where(CollectingBody.body_type == filters.body_type)
    if filters.late:
        query = query.where(Statement.late.is_(True))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = page_number(total, filters.page, size)
    ordered = query.order_by(CollectingBody.name, CollectingBody.id).limit(size).offset((number - 1) * size)
    rows = [BodyRow(body, statement, _totals(statement)) for body, statement in db.execute(ordered)]
    return Page(rows, total, number, size)


def _totals(statement: Statement | None) -> dict[str, int] | None:
    if statement is None:
        return None
    data = StatementData.from_json(statement.figures)
    return {code: data.amount(code) for code in SECTION_TOTALS}


def counters(db: DbSession, campaign_id: int) -> Counters:
    expected = db.scalar(select(func.count()).where(CollectingBody.active.is_(True))) or 0
    rows = db.execute(
        select(Statement.status, func.count()).where(Statement.campaign_id == campaign_id).group_by(Statement.status)
    ).all()
    by_status = {Status(status): count for status, count in rows}
    filed = db.scalar(select(func.count()).where(Statement.campaign_id == campaign_id, Statement.filing_number > 0))
    late = db.scalar(select(func.count()).where(Statement.campaign_id == campaign_id, Statement.late.is_(True)))
    return Counters(expected, by_status, max(0, expected - (filed or 0)), late or 0)


def totals(db: DbSession, campaign_id: int) -> Totals:
    """RT, ET and S2 of the campaign's validated statements, added up by body type (in the catalogue's order) by
    the database, from the totals kept at validation (`validated_totals`)."""
    query = (
        select(StatementTotal.body_type, StatementTotal.line_code, func.sum(StatementTotal.amount_cents), func.count())
        .where(StatementTotal.campaign_id == campaign_id, StatementTotal.line_code.in_(SECTION_TOTALS))
        .group_by(StatementTotal.body_type, StatementTotal.line_code)
    )
    sums: dict[BodyType, dict[str, int]] = {}
    found = Totals()
    for body_type, code, amount, count in db.execute(query):
        sums.setdefault(BodyType(body_type), dict.fromkeys(SECTION_TOTALS, 0))[code] = int(amount)
        if code == SECTION_TOTALS[0]:  # every validated statement has one row of each line
            found.statements += count
    found.by_type = {body_type: sums[body_type] for body_type in BodyType if body_type in sums}
    return found


def year_over_year(db: DbSession, last: int = 10) -> list[tuple[int, dict[str, int]]]:
    """(exercice, {RT, ET, S2}) of the validated statements of the `last` campaigns, oldest first (0 for a
    campaign without any), added up by the database like `totals`."""
    recent = list(db.execute(select(Campaign.id, Campaign.exercice).order_by(Campaign.exercice.desc()).limit(last)))
    query = (
        select(StatementTotal.campaign_id, StatementTotal.line_code, func.sum(StatementTotal.amount_cents))
        .where(
            StatementTotal.campaign_id.in_([campaign_id for campaign_id, _ in recent]),
            StatementTotal.line_code.in_(SECTION_TOTALS),
        )
        .group_by(StatementTotal.campaign_id, StatementTotal.line_code)
    )
    sums = {(campaign_id, code): int(amount) for campaign_id, code, amount in db.execute(query)}
    return [
        (exercice, {code: sums.get((campaign_id, code), 0) for code in SECTION_TOTALS})
        for campaign_id, exercice in reversed(recent)
    ]


def export_rows(db: DbSession, campaign_id: int) -> Iterator[list[Value]]:
    """One row per statement of the campaign (any state), for the agents' CSV and XLSX exports."""
    query = _filtered(ListFilters(campaign_id=campaign_id)).order_by(CollectingBody.name)
    for statement in cast(list[Statement], db.scalars(query).all()):
        data = StatementData.from_json(statement.figures)
        yield cross_body_cells(data, statement.body.name, statement.status.label, statement.late)
