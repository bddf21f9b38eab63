"""« Journal des accès »: the audit rows of a company's access to a service, in French, paged or streamed as CSV.

The rows are those `audit.record_access` wrote with the company's SIREN and the service: one indexed
query (`ix_audit_event_siren_service_id_created_at`), newest first.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from idp import messages
from idp.models import Account, AuditEvent, AuditEventType, Service
from idp.services.listing import search_terms
from shared.clock import PARIS, in_paris
from shared.db import DbSession
from shared.paging import PAGE_SIZE, Page, page_number

# The event types a gestionnaire may filter on, in the order of a request's life.
JOURNAL_EVENTS = [AuditEventType(value) for value in messages.JOURNAL_EVENTS]
CSV_BATCH = 500
# Each event with its author's and the concerned person's names.
JournalQuery = Select[AuditEvent, str, str, str, str, str]
# A cell starting with one of these is a formula for Excel: prefixed with an apostrophe (OWASP, CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class JournalFilters:
    start: date | None = None  # « Du », a day in France
    end: date | None = None  # « Au », included
    event: AuditEventType | None = None
    person: str = ""  # the author or the person concerned: name, first name or e-mail


@dataclass(frozen=True)
class JournalEntry:
    created_at: datetime  # stored (naive UTC)
    actor: str
    action: str
    subject: str
    role: str
    siret: str
    detail: str


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)


def _people_matching(term: str) -> Select[int]:
    return select(Account.id).where(Account.search_text.contains(term, autoescape=True))


def _query(service: Service, siren: str, filters: JournalFilters) -> JournalQuery:
    actor, subject = aliased(Account), aliased(Account)
    query = (
        select(AuditEvent, actor.prenom, actor.nom, subject.prenom, subject.nom, subject.email)
        .outerjoin(actor, actor.id == AuditEvent.account_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_account_id)
        .where(AuditEvent.siren == siren, AuditEvent.service_id == service.id)
    )
    if filters.start:
        query = query.where(AuditEvent.created_at >= _start_of(filters.start))
    if filters.end:
        query = query.where(AuditEvent.created_at < _start_of(filters.end + timedelta(days=1)))
    if filters.event:
        query = query.where(AuditEvent.event == filters.event)
    for term in search_terms(filters.person):
        people = _people_matching(term)  # the author or the person concerned
        query = query.where(AuditEvent.account_id.in_(people) | AuditEvent.subject_account_id.in_(people))
    return query


def page(
    session: DbSession, service: Service, siren: str, filters: JournalFilters, wanted_page: int | None
) -> Page[JournalEntry]:
    """One page of the journal, newest first."""
    query = _query(service, siren, filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = page_number(total, wanted_page)
    rows = session.execute(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    )
    labels = _role_labels(service)
    return Page([_entry(row, labels) for row in rows], total, number)


def entries(session: DbSession, service: Service, siren: str, filters: JournalFilters) -> Iterator[JournalEntry]:
    """Every matching entry, newest first, read in batches while iterating (a server-side cursor on PostgreSQL).

    The query and the role labels are prepared at once: the iteration happens while the response is sent,
    after the view's own session is gone.
    """
    query = _query(service, siren, filters).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    return _stream(session, query.execution_options(yield_per=CSV_BATCH), _role_labels(service))


def _stream(session: DbSession, query: JournalQuery, labels: dict[str, str]) -> Iterator[JournalEntry]:
    for row in session.execute(query):
        yield _entry(row, labels)


def _role_labels(service: Service) -> dict[str, str]:
    return {role.code: role.label for role in service.roles}


def _person(prenom: str | None, nom: str | None, email: str | None = None) -> str:
    if prenom is None and nom is None:
        return ""
    name = f"{nom} {prenom}"
    return f"{name} ({email})" if email else name


def _state(state: dict[str, Any] | None, labels: dict[str, str]) -> str:
    """« Gestionnaire - SIRET 99791566500019, fin le 31/12/2026 », from what `habilitations` audits."""
    if not state:
        return ""
    text = f"{labels.get(state.get('role') or '', state.get('role') or '')} - SIRET {state.get('siret') or ''}"
    expires = state.get("expires_at")
    if expires:
        day = in_paris(datetime.fromisoformat(expires)).strftime("%d/%m/%Y")
        return f"{text}, {messages.JOURNAL_END.format(date=day)}"
    return f"{text}, {messages.JOURNAL_NO_END}"


def _detail(event: AuditEvent, labels: dict[str, str]) -> str:
    data = event.data or {}
    match event.event:
        case AuditEventType.HABILITATION_CHANGED:
            return f"{_state(data.get('before'), labels)} → {_state(data.get('after'), labels)}"
        case AuditEventType.HABILITATION_GRANTED:
            return f"{_state(data.get('after'), labels)} ({data.get('granted_via', '')})"
        case AuditEventType.HABILITATION_REVOKED:
            return _state(data.get("before"), labels)
        case AuditEventType.ACCESS_REQUEST_ESCALATED:
            return messages.JOURNAL_ESCALATION_REASONS.get(data.get("reason", ""), "")
        case AuditEventType.ACTIVATION_CODE_REFUSED:
            return messages.JOURNAL_CODE_REFUSALS.get(data.get("reason") or "", "")
    return ""


def _entry(row: Any, labels: dict[str, str]) -> JournalEntry:
    event, actor_prenom, actor_nom, subject_prenom, subject_nom, subject_email = row
    data = event.data or {}
    state = data.get("after") or data.get("before") or data
    role_code = state.get("role") or ""
    actor = _person(actor_prenom, actor_nom) or (messages.JOURNAL_SYSTEM if event.account_id is None else "")
    return JournalEntry(
        created_at=event.created_at,
        actor=actor,
        action=messages.JOURNAL_EVENTS.get(event.event.value, event.event.value),
        subject=_person(subject_prenom, subject_nom, subject_email),
        role=labels.get(role_code, role_code),
        siret=state.get("siret") or "",
        detail=_detail(event, labels),
    )


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def to_csv(rows: Iterable[JournalEntry]) -> Iterator[str]:
    """The CSV Excel opens in France: a BOM (UTF-8), `;` between cells, one chunk per line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def line(cells: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(cell) for cell in cells])
        return buffer.getvalue()

    yield "\ufeff" + line(messages.JOURNAL_CSV_HEADER)
    for entry in rows:
        when = in_paris(entry.created_at).strftime("%d/%m/%Y %H:%M:%S")
        yield line([when, entry.actor, entry.action, entry.subject, entry.role, entry.siret, entry.detail])
