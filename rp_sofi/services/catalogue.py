"""The public catalogue: what the regional site shows of the validated offer, i.e. the published sessions still
active (sofi.md §4.2: date_fin ≥ today), searched by Formacode, place and date, a page at a time.

It reads `PublishedSession` only: an action edited after its validation keeps showing its validated version."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from rp_sofi.models import Formacode, PublishedSession
from shared.db import DbSession
from shared.paging import PAGE_SIZE, Page, page_number
from shared.text import fold

MAX_FORMACODES = 200  # a short prefix (« 1 ») would match thousands: enough for any real search


@dataclass(frozen=True)
class Criteria:
    formacodes: tuple[str, ...] | None = None  # None: any domain
    place: str = ""  # a commune, a code postal or the start of one (« 85 », « 44000 »)
    starting: date | None = None  # sessions running on that day or starting after it
    # Digits typed as a Formacode: every code starting so, in one condition however many codes (a one-digit
    # prefix means hundreds of codes: one LIKE each cost 50 ms at regional scale).
    formacode_prefix: str | None = None


def criteria(db: DbSession, formacode: str, place: str = "", starting: date | None = None) -> Criteria | None:
    """What the catalogue's form asks for; None when the Formacode typed means no code. Digits (a code or the
    start of one) mean every code starting so: one condition, however many codes."""
    wanted = formacode.strip()
    if not wanted:
        return Criteria(None, place, starting)
    codes = tuple(formacodes_matching(db, wanted))
    if not codes:
        return None
    if wanted.isdigit():
        return Criteria(None, place, starting, formacode_prefix=wanted)
    return Criteria(codes, place, starting)


def formacodes_matching(db: DbSession, text: str) -> list[str]:
    """The Formacode codes a visitor means: a code (or the start of one), or words of the label, case and
    accents aside. The table is read whole (a few thousand short rows) because SQLite folds no accents."""
    wanted = text.strip()
    if wanted.isdigit():
        query = select(Formacode.code).where(Formacode.code.startswith(wanted)).order_by(Formacode.code)
        return list(db.scalars(query.limit(MAX_FORMACODES)))
    words = fold(wanted).split()
    rows = db.execute(select(Formacode.code, Formacode.libelle).order_by(Formacode.code))
    return [code for code, libelle in rows if all(word in fold(libelle) for word in words)][:MAX_FORMACODES]


def _normalised(column: Any) -> ColumnElement[str]:
    """Lower case, hyphens as spaces: « la roche sur yon » finds « LA ROCHE-SUR-YON »."""
    return func.replace(func.lower(column), "-", " ")


def _conditions(criteria: Criteria, today: date) -> list[ColumnElement[bool]]:
    where = [PublishedSession.date_fin >= max(today, criteria.starting or today)]
    if criteria.formacode_prefix is not None:
        where.append(PublishedSession.formacodes.contains(f";{criteria.formacode_prefix}", autoescape=True))
    elif criteria.formacodes is not None:
        where.append(or_(*(PublishedSession.formacodes.contains(f";{code};") for code in criteria.formacodes)))
    place = criteria.place.strip()
    if place.isdigit():
        where.append(PublishedSession.code_postal.startswith(place, autoescape=True))
    elif place:
        where.append(_normalised(PublishedSession.commune).contains(place.lower().replace("-", " "), autoescape=True))
    return where


def search(db: DbSession, criteria: Criteria, today: date, wanted_page: int | None = None) -> Page[PublishedSession]:
    """The active published sessions matching `criteria`, soonest first."""
    if criteria.formacodes == ():
        return Page([], 0, 1)  # a domain was asked for and none matches it
    where = _conditions(criteria, today)
    total = db.scalar(select(func.count()).select_from(PublishedSession).where(*where)) or 0
    number = page_number(total, wanted_page)
    query = (
        select(PublishedSession).where(*where)
        .order_by(PublishedSession.date_debut, PublishedSession.intitule, PublishedSession.session_id)
        .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    )  # fmt: skip
    return Page(list(db.scalars(query)), total, number)
