"""A collecting body's statement (soffi.md §4–§6), on its side: the draft of a campaign, « Enregistrer »,
« Vérifier », « Déposer l'état » (the version frozen, « Hors délai » when after the date limite) and « Retirer le
dépôt ». The agents' side is in `instruction.py`.

Saves carry the version the page was read at (`expected_version`): a save from a page older than the database's
(another tab, a colleague) is refused as Stale and the newer figures stay as they were."""

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rp_soffi import messages
from rp_soffi.models import Campaign, Statement, StatementVersion
from rp_soffi.services import history
from rp_soffi.services.actor import Actor
from rp_soffi.services.bodies import get_body
from rp_soffi.services.campaigns import get_campaign
from rp_soffi.services.errors import Invalid, NotFound, Stale
from rp_soffi.services.transaction import transaction
from rp_soffi.statement.catalogue import BY_CODE
from rp_soffi.statement.csv_import import MAX_COMMENT
from rp_soffi.statement.rules import Kind, Problem, Thresholds, blocking, figure_problems, filing_problems
from rp_soffi.statement.values import LineValue, StatementData
from rp_soffi.statement.workflow import Action, Status, is_late
from shared.clock import in_paris
from shared.db import DbSession

# What a BIGINT of cents and the typed forms allow (amounts.py: 13 digits of euros), checked before any write.
MAX_CENTS = 10**15 - 1
MAX_COUNT = 10**12 - 1
THRESHOLDS = Thresholds()  # §6's defaults; a caller passes the configured ones


def find_statement(db: DbSession, body_id: int, campaign_id: int) -> Statement | None:
    query = select(Statement).where(Statement.body_id == body_id, Statement.campaign_id == campaign_id)
    return db.scalar(query)


def get_statement(db: DbSession, statement_id: int) -> Statement:
    statement = db.get(Statement, statement_id)
    if statement is None:
        raise NotFound(messages.NOT_FOUND)
    return statement


def data_of(statement: Statement) -> StatementData:
    return StatementData.from_json(statement.figures)


def versions(db: DbSession, statement_id: int) -> list[StatementVersion]:
    """The filed versions, first filing first."""
    query = select(StatementVersion).where(StatementVersion.statement_id == statement_id)
    return list(db.scalars(query.order_by(StatementVersion.number)))


@transaction
def start_statement(db: DbSession, actor: Actor, body_id: int, campaign_id: int, now: datetime) -> Statement:
    """The body's statement for this campaign: the one that exists, else a new « Brouillon » (the first edit, §4:
    only its collectors, in an open campaign)."""
    existing = find_statement(db, body_id, campaign_id)
    if existing is not None:
        return existing
    body, campaign = get_body(db, body_id), get_campaign(db, campaign_id)
    transition = history.check(Action.CREER, None, actor, campaign.status)
    empty = StatementData(campaign.exercice, body.siren, body.body_type)
    statement = Statement(
        body=body, campaign=campaign, figures=empty.to_json(), status=transition.target, created_at=now, updated_at=now
    )
    db.add(statement)
    try:
        db.flush()
    except IntegrityError as error:  # another tab created it since `find_statement`: reloading shows that one
        raise Stale(messages.STALE) from error
    history.record(db, statement, actor, transition, now)
    return statement


@transaction
def save_figures(
    db: DbSession, actor: Actor, statement_id: int, expected_version: int, lines: Mapping[str, LineValue], now: datetime
) -> Statement:
    """« Enregistrer »: the typed lines replace the draft's (a line absent or None is blank). Refused when the page
    is older than the statement (Stale), when the user may not edit it now (NotAllowed), or when a figure cannot be
    stored (Invalid: unknown line, a value the line does not hold, out of bounds, comment too long)."""
    statement = _current(db, statement_id, expected_version)
    history.check(Action.MODIFIER, statement.status, actor, statement.campaign.status)
    data = StatementData(statement.campaign.exercice, statement.body.siren, statement.body.body_type, lines)
    problems = storable_problems(data)
    if problems:
        raise Invalid(problems)
    statement.figures = data.to_json()
    statement.updated_at = now
    db.flush()
    return statement


def storable_problems(data: StatementData) -> list[Problem]:
    """What « Enregistrer » refuses (rules of kind « format »); the other rules wait for « Vérifier »."""
    if len(data.lines) > len(BY_CODE):  # more lines than any statement has: not one of our forms
        return [Problem("unknown_line", Kind.FORMAT, (), messages.UNKNOWN_LINE)]
    found = []
    for code, value in data.lines.items():
        line = BY_CODE.get(code)
        if line is None or not line.kind.typed or not line.applies_to(data.body_type):
            found.append(Problem("unknown_line", Kind.FORMAT, (code[:8],), messages.UNKNOWN_LINE))
        elif not _fits(value.amount_cents, line.has_amount, -MAX_CENTS, MAX_CENTS):
            found.append(Problem("amount_format", Kind.FORMAT, (code,), messages.AMOUNT_FORMAT))
        elif not _fits(value.count, line.has_count, -MAX_COUNT, MAX_COUNT):
            found.append(Problem("count_format", Kind.FORMAT, (code,), messages.COUNT_FORMAT))
        elif len(value.comment) > MAX_COMMENT:
            message = messages.COMMENT_TOO_LONG.format(limit=MAX_COMMENT)
            found.append(Problem("comment_too_long", Kind.FORMAT, (code,), message))
    return found


def _fits(value: object, held: bool, low: int, high: int) -> bool:
    if value is None:
        return True
    # bool is an int to Python and a float would carry money in binary: both refused.
    return held and isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def verify(db: DbSession, statement_id: int, thresholds: Thresholds = THRESHOLDS) -> list[Problem]:
    """« Vérifier »: every rule on the figures (§6), alerts included; writes nothing."""
    statement = get_statement(db, statement_id)
    return figure_problems(data_of(statement), previous_figures(db, statement), thresholds)


def previous_figures(db: DbSession, statement: Statement) -> StatementData | None:
    """The body's validated statement of the exercice before, for the « Variation » alert."""
    query = (
        select(Statement)
        .join(Campaign, Statement.campaign_id == Campaign.id)
        .where(
            Statement.body_id == statement.body_id,
            Campaign.exercice == statement.campaign.exercice - 1,
            Statement.status == Status.VALIDE,
        )
    )
    previous = db.scalar(query)
    return data_of(previous) if previous is not None else None


@transaction
def deposit(
    db: DbSession,
    actor: Actor,
    statement_id: int,
    expected_version: int,
    now: datetime,
    certified: bool,
    alerts_acknowledged: bool = False,
    thresholds: Thresholds = THRESHOLDS,
) -> StatementVersion:
    """« Déposer l'état »: every rule passes, the user certifies the figures (and acknowledged the alerts, if
    any); the statement becomes « Déposé », its version is frozen (number + 1) and « Hors délai » set when filed
    after the campaign's date limite. Returns the frozen version."""
    statement = _current(db, statement_id, expected_version)
    campaign = statement.campaign
    transition = history.check(Action.DEPOSER, statement.status, actor, campaign.status)
    data = data_of(statement)
    kinds = [attachment.kind for attachment in statement.attachments]
    problems = filing_problems(
        data, kinds, campaign.status, statement.status, previous_figures(db, statement), thresholds
    )
    if blocking(problems):
        raise Invalid(blocking(problems))
    if not certified:
        raise Invalid([Problem("certification", Kind.BLOCKING, (), messages.CERTIFICATION_REQUIRED)])
    if problems and not alerts_acknowledged:
        raise Invalid([Problem("alerts", Kind.BLOCKING, (), messages.ALERTS_NOT_ACKNOWLEDGED), *problems])
    late = is_late(in_paris(now).date(), campaign.due_on)
    version = _freeze(db, statement, actor, now, late, data, problems)
    # A statement sent back by the ministry is not late for being filed again after the date: the flag is the
    # body's filings from a draft (the first one, or after « Retirer le dépôt »).
    if statement.status is Status.BROUILLON:
        statement.late = statement.late or late
    statement.filed_at, statement.filed_by_sub, statement.filed_by_name = now, actor.sub, actor.name
    history.record(db, statement, actor, transition, now)
    return version


@transaction
def withdraw(db: DbSession, actor: Actor, statement_id: int, expected_version: int, now: datetime) -> Statement:
    """« Retirer le dépôt »: back to « Brouillon » while no agent has opened it; the frozen version stays."""
    statement = _current(db, statement_id, expected_version)
    transition = history.check(Action.RETIRER, statement.status, actor, statement.campaign.status)
    history.record(db, statement, actor, transition, now)
    return statement


def _freeze(
    db: DbSession,
    statement: Statement,
    actor: Actor,
    now: datetime,
    late: bool,
    data: StatementData,
    alerts: list[Problem],
) -> StatementVersion:
    snapshot = {
        "figures": data.to_json(),
        "totals": data.computed(),
        "alerts": [{"code": alert.code, "lines": list(alert.lines), "message": alert.message} for alert in alerts],
        "attachments": [
            {"kind": item.kind.value, "name": item.original_name, "size": item.size, "sha256": item.sha256}
            for item in statement.attachments
        ],
    }
    statement.filing_number += 1
    statement.checksum = checksum(snapshot)
    version = StatementVersion(
        statement_id=statement.id,
        number=statement.filing_number,
        filed_at=now,
        filed_by_sub=actor.sub,
        filed_by_name=actor.name,
        late=late,
        snapshot=snapshot,
        checksum=statement.checksum,
    )
    db.add(version)
    return version


def checksum(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 of the snapshot's canonical bytes (sorted keys, no spaces, UTF-8): the same on every database."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _current(db: DbSession, statement_id: int, expected_version: int) -> Statement:
    statement = get_statement(db, statement_id)
    if statement.version != expected_version:
        raise Stale(messages.STALE)
    return statement
