"""« Organismes collecteurs » (soffi.md §5.6): the register DGEFP agents keep, one body per SIREN — listed, added by
the SIRET of its head office, changed (never its SIREN nor SIRET), deactivated and reactivated, each action written
to the body's journal. A body's users only ever reach their own, by the SIREN of their habilitation (access.py),
and only while it is active (§8).

There is no « import from the directory by SIREN »: SOFFi has no access to the SIRENE directory, so the agent types
the raison sociale."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from rp_soffi import messages
from rp_soffi.models import BodyEvent, BodyEventType, CollectingBody, Statement
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import NotAllowed, NotFound, Stale
from rp_soffi.services.transaction import transaction
from rp_soffi.statement.catalogue import BY_CODE, BodyType
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import Status
from shared.clock import utcnow
from shared.db import DbSession
from shared.identifiers import compact, is_valid_siren, siret_error
from shared.paging import PAGE_SIZE, Page, page_number

MAX_NAME = 200
MAX_AGREMENT = 50
MAX_SEARCH = 100  # characters of the list's search: a raison sociale or a SIREN is shorter


def find_body(db: DbSession, siren: str) -> CollectingBody | None:
    """The active body of this SIREN: the one a user's habilitation selects (§8), None when not referenced."""
    if len(siren) != 9 or not is_valid_siren(siren):  # bounded before it reaches a query
        return None
    return db.scalar(select(CollectingBody).where(CollectingBody.siren == siren, CollectingBody.active.is_(True)))


def find_registered_body(db: DbSession, siren: str) -> CollectingBody | None:
    """The body of this SIREN in the register, active or not (one per SIREN), None when there is none."""
    if len(siren) != 9 or not is_valid_siren(siren):
        return None
    return db.scalar(select(CollectingBody).where(CollectingBody.siren == siren))


def get_body(db: DbSession, body_id: int) -> CollectingBody:
    body = db.get(CollectingBody, body_id)
    if body is None:
        raise NotFound(messages.NOT_FOUND)
    return body


@dataclass(frozen=True)
class RegisterFilters:
    """Already parsed and bounded by the form: a member of the enum, a search of at most MAX_SEARCH characters."""

    body_type: BodyType | None = None
    search: str = ""
    page: int = 1


def body_page(db: DbSession, filters: RegisterFilters, size: int = PAGE_SIZE) -> Page[CollectingBody]:
    """The register (active bodies or not), by raison sociale, one page of it (COUNT, LIMIT and OFFSET in SQL); the
    search matches a part of the raison sociale (any case) or the start of the SIREN."""
    query = select(CollectingBody)
    if filters.body_type is not None:
        query = query.where(CollectingBody.body_type == filters.body_type)
    search = filters.search.strip()[:MAX_SEARCH]
    if search:
        digits = compact(search)
        by_name = func.lower(CollectingBody.name).contains(search.lower(), autoescape=True)
        query = query.where(
            or_(by_name, CollectingBody.siren.startswith(digits, autoescape=True)) if digits.isdigit() else by_name
        )
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = page_number(total, filters.page, size)
    ordered = query.order_by(CollectingBody.name, CollectingBody.id).limit(size).offset((number - 1) * size)
    return Page(list(db.scalars(ordered)), total, number, size)


@transaction
def register_body(
    db: DbSession,
    actor: Actor,
    siret_siege: str,
    name: str,
    body_type: BodyType,
    region: str | None = None,
    branches_count: int | None = None,
    agrement_ref: str = "",
    now: datetime | None = None,
) -> CollectingBody:
    """Add a body to the register by the SIRET of its head office (agents only; one per SIREN)."""
    _require_agent(actor)
    siret_siege = compact(siret_siege[:30])
    problem = siret_error(siret_siege)
    if problem:
        raise NotAllowed(problem, "siret_siege")
    if region is not None and not (region.isdigit() and len(region) in (2, 3)):  # an INSEE région code
        raise NotAllowed(messages.BODY_REGION, "region")
    name, agrement_ref = _checked(name, agrement_ref, branches_count)
    if find_registered_body(db, siret_siege[:9]) is not None:
        raise NotAllowed(messages.BODY_EXISTS, "siret_siege")
    body = CollectingBody(
        siren=siret_siege[:9],
        siret_siege=siret_siege,
        name=name,
        body_type=body_type,
        region=region,
        agrement_ref=agrement_ref,
        branches_count=branches_count,
    )
    db.add(body)
    db.flush()
    _record(db, actor, body, BodyEventType.REGISTERED, now, _fields(body))
    return body


@transaction
def update_body(
    db: DbSession,
    actor: Actor,
    body_id: int,
    lock: int | None,
    name: str,
    body_type: BodyType,
    agrement_ref: str,
    branches_count: int | None,
    now: datetime,
) -> CollectingBody:
    """« Modifier »: the raison sociale, type, agrément and branches (never the SIREN nor the SIRET). The type is
    refused once a statement was filed: its lines depend on the type; the drafts follow the new type."""
    _require_agent(actor)
    body = _locked(db, body_id, lock)
    name, agrement_ref = _checked(name, agrement_ref, branches_count)
    if body_type is not body.body_type:
        _change_type(db, body, body_type)
    before = _fields(body)
    body.name, body.body_type, body.agrement_ref, body.branches_count = name, body_type, agrement_ref, branches_count
    after = _fields(body)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        _record(db, actor, body, BodyEventType.CHANGED, now, changes)
    return body


@transaction
def set_active(
    db: DbSession, actor: Actor, body_id: int, lock: int | None, active: bool, now: datetime
) -> CollectingBody:
    """« Désactiver » (its users are told their body is not referenced, §8) or « Réactiver »."""
    _require_agent(actor)
    body = _locked(db, body_id, lock)
    if body.active is active:
        raise NotAllowed(messages.BODY_ALREADY_ACTIVE if active else messages.BODY_ALREADY_INACTIVE)
    body.active = active
    event = BodyEventType.REACTIVATED if active else BodyEventType.DEACTIVATED
    _record(db, actor, body, event, now, {"active": [not active, active]})
    return body


@dataclass(frozen=True)
class JournalRow:
    at: datetime
    actor_name: str
    label: str
    detail: str  # « Raison sociale : OLD → NEW ; … » for a change


def journal(db: DbSession, body_id: int) -> list[JournalRow]:
    """The body's journal as the agents read it, latest first."""
    query = select(BodyEvent).where(BodyEvent.body_id == body_id).order_by(BodyEvent.id.desc())
    return [JournalRow(e.at, e.actor_name, e.event.label, _detail(e)) for e in db.scalars(query)]


FIELD_LABELS = {
    "name": "Raison sociale",
    "body_type": "Type d'organisme",
    "agrement_ref": "Référence de l'agrément",
    "branches_count": "Nombre de branches couvertes",
}


def _detail(event: BodyEvent) -> str:
    if event.event is not BodyEventType.CHANGED:
        return ""
    return " ; ".join(
        f"{label} : {_shown(key, event.changes[key][0])} → {_shown(key, event.changes[key][1])}"
        for key, label in FIELD_LABELS.items()
        if key in event.changes
    )


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    return BodyType(value).label if key == "body_type" else str(value)


def _change_type(db: DbSession, body: CollectingBody, body_type: BodyType) -> None:
    filed = select(Statement.id).where(Statement.body_id == body.id, Statement.status != Status.BROUILLON).limit(1)
    if db.scalar(filed) is not None:
        raise NotAllowed(messages.BODY_TYPE_LOCKED, "body_type")
    drafts = db.scalars(select(Statement).where(Statement.body_id == body.id, Statement.status == Status.BROUILLON))
    for draft in drafts:  # the lines the new type does not fill are dropped
        data = StatementData.from_json(draft.figures)
        kept = {code: value for code, value in data.lines.items() if BY_CODE[code].applies_to(body_type)}
        draft.figures = StatementData(data.exercice, data.siren, body_type, kept).to_json()


def _locked(db: DbSession, body_id: int, lock: int | None) -> CollectingBody:
    body = get_body(db, body_id)
    if lock is None or lock != body.lock:
        raise Stale(messages.BODY_STALE)
    return body


def _checked(name: str, agrement_ref: str, branches_count: int | None) -> tuple[str, str]:
    """The raison sociale and agrément stripped, or NotAllowed on the first field out of bounds."""
    name, agrement_ref = name.strip(), agrement_ref.strip()
    if not name:
        raise NotAllowed(messages.BODY_NAME_REQUIRED, "name")
    if len(name) > MAX_NAME:
        raise NotAllowed(messages.TOO_LONG.format(limit=MAX_NAME), "name")
    if len(agrement_ref) > MAX_AGREMENT:
        raise NotAllowed(messages.TOO_LONG.format(limit=MAX_AGREMENT), "agrement_ref")
    if branches_count is not None and not 0 <= branches_count < 2**31:  # it fits an INTEGER
        raise NotAllowed(messages.BODY_BRANCHES, "branches_count")
    return name, agrement_ref


def _fields(body: CollectingBody) -> dict[str, Any]:
    return {
        "siren": body.siren,
        "name": body.name,
        "body_type": body.body_type.value,
        "agrement_ref": body.agrement_ref,
        "branches_count": body.branches_count,
        "active": body.active,
    }


def _record(
    db: DbSession,
    actor: Actor,
    body: CollectingBody,
    event: BodyEventType,
    now: datetime | None,
    changes: dict[str, Any],
) -> None:
    db.add(BodyEvent(body_id=body.id, at=now or utcnow(), event=event, changes=changes, **actor.author))
    db.flush()


def _require_agent(actor: Actor) -> None:
    if not actor.agent:
        raise NotAllowed(messages.FORBIDDEN)
