"""« Tableau de bord » (sofi.md §5, guide 003): how many actions, sessions, établissements and sites are in each
state, for the current SIRET (region-wide for the Carif-Oref, optionally one département), and the items behind
each count (« En cliquant sur la loupe, elles apparaissent en bas de la page »).

Each row is one SQL condition, used both to count (one COUNT … FILTER query per table) and to list, so that a
list always holds exactly what its row counts. Session rows read the published catalogue (sofi.md §4.2: the
visibility of validated sessions); a public session (regional programme) counts in « publiques actives » only."""

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from rp_sofi import messages
from rp_sofi.models import Action, ActionStatus, Etablissement, Formation, PublishedSession, RecordStatus, Site
from shared.db import DbSession
from shared.paging import Page, page_number

LIST_SIZE = 50
AnySelect = Select[*tuple[Any, ...]]
DEPARTEMENTS = (
    ("44", "Loire-Atlantique"),
    ("49", "Maine-et-Loire"),
    ("53", "Mayenne"),
    ("72", "Sarthe"),
    ("85", "Vendée"),
)


@dataclass(frozen=True)
class Filter:
    """Whose data: `sirets` None for the whole region; `departement` narrows it to one (Carif-Oref)."""

    sirets: tuple[str, ...] | None
    today: date
    departement: str | None = None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class ActionItem:
    id: int
    intitule: str
    organisme: str
    siret: str
    site: str
    status: str


@dataclass(frozen=True)
class RecordItem:
    """An établissement or a site of the annuaire."""

    kind: str  # "Etablissement" or "Site"
    id: str
    nom: str
    siret: str
    commune: str
    status: str
    site_id: int | None = None  # a site's id, None for an établissement


def add_one_month(day: date) -> date:
    """The same day next month (the last day of a shorter month: 31 January → 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _action_conditions() -> dict[str, ColumnElement[bool]]:
    return {
        "en-saisie": Action.status == ActionStatus.EN_SAISIE,
        "attente-validation": Action.status == ActionStatus.EN_ATTENTE_VALIDATION,
        "attente-reponses": Action.status == ActionStatus.EN_ATTENTE_REPONSE,
        "certifinfo-remplace": Action.certifinfo_remplace.is_(True),
    }


def _session_conditions(today: date) -> dict[str, ColumnElement[bool]]:
    private, running = PublishedSession.public.is_(False), PublishedSession.date_fin >= today
    return {
        "sessions-actives": private & running,
        "sessions-bientot-inactives": private & running & (PublishedSession.date_fin < add_one_month(today)),
        "sessions-inactives": private & (PublishedSession.date_fin < today),
        "sessions-publiques": PublishedSession.public.is_(True) & running,
    }


RECORD_KEYS = {"annuaire-attente": RecordStatus.EN_ATTENTE_VALIDATION, "annuaire-actifs": RecordStatus.ACTIF}


def _in_departement(departement: str) -> Any:
    return Site.code_postal.startswith(departement, autoescape=True)


def _action_scope(f: Filter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [] if f.sirets is None else [Action.siret.in_(f.sirets)]
    if f.departement:  # where the action is given: its « Site dispensateur »
        where.append(Action.site_dispensateur_id.in_(select(Site.id).where(_in_departement(f.departement))))
    return where


def _session_scope(f: Filter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [] if f.sirets is None else [PublishedSession.siret.in_(f.sirets)]
    if f.departement:  # where the session takes place
        where.append(PublishedSession.code_postal.startswith(f.departement, autoescape=True))
    return where


def _site_scope(f: Filter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [] if f.sirets is None else [Site.siret.in_(f.sirets)]
    if f.departement:
        where.append(_in_departement(f.departement))
    return where


def _etablissement_scope(f: Filter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [] if f.sirets is None else [Etablissement.siret.in_(f.sirets)]
    if f.departement:  # an établissement is where its main site is
        main = select(Site.siret).where(Site.is_main.is_(True), _in_departement(f.departement))
        where.append(Etablissement.siret.in_(main))
    return where


def _counts(db: DbSession, model: Any, conditions: dict[str, ColumnElement[bool]], where: list[Any]) -> dict[str, int]:
    """One query: COUNT(*) FILTER (WHERE …) for each condition."""
    columns = [func.count().filter(condition) for condition in conditions.values()]
    values = db.execute(select(*columns).select_from(model).where(*where)).one()
    return {key: int(value) for key, value in zip(conditions, values, strict=True)}


def counts(db: DbSession, f: Filter) -> dict[str, int]:
    """Every row's count, in four queries."""
    found = _counts(db, Action, _action_conditions(), _action_scope(f))
    found |= _counts(db, PublishedSession, _session_conditions(f.today), _session_scope(f))
    record_conditions = {key: Site.status == status for key, status in RECORD_KEYS.items()}
    sites = _counts(db, Site, record_conditions, _site_scope(f))
    record_conditions = {key: Etablissement.status == status for key, status in RECORD_KEYS.items()}
    etablissements = _counts(db, Etablissement, record_conditions, _etablissement_scope(f))
    return found | {key: sites[key] + etablissements[key] for key in RECORD_KEYS}


SECTION_ROWS = {
    "actions": ("en-saisie", "attente-validation", "attente-reponses", "certifinfo-remplace"),
    "sessions": ("sessions-actives", "sessions-bientot-inactives", "sessions-inactives", "sessions-publiques"),
    "sites": ("annuaire-attente", "annuaire-actifs"),
}


def sections(db: DbSession, f: Filter) -> list[Section]:
    """The dashboard's three blocks, each row with its count (sofi.md §5)."""
    found = counts(db, f)
    return [
        Section(
            key, messages.DASHBOARD_SECTIONS[key], [Row(row, messages.DASHBOARD_ROWS[row], found[row]) for row in keys]
        )
        for key, keys in SECTION_ROWS.items()
    ]


def section_of(key: str) -> str | None:
    """Which block a row belongs to; None for a key that is no row."""
    return next((section for section, keys in SECTION_ROWS.items() if key in keys), None)


def _total(db: DbSession, query: AnySelect) -> int:
    return db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def _paged(db: DbSession, query: AnySelect, wanted: int | None) -> tuple[list[Any], int, int]:
    total = _total(db, query)
    number = page_number(total, wanted, LIST_SIZE)
    rows = list(db.execute(query.limit(LIST_SIZE).offset((number - 1) * LIST_SIZE)).all())
    return rows, total, number


def _action_items(db: DbSession, key: str, f: Filter, wanted: int | None) -> Page[ActionItem]:
    # An action has exactly one formation, site and établissement: the actions alone are counted (as the row
    # counts them) and paged, and only the page's ids are joined, not the thousands before a deep page.
    where = [_action_conditions()[key], *_action_scope(f)]
    total = db.scalar(select(func.count()).select_from(Action).where(*where)) or 0
    number = page_number(total, wanted, LIST_SIZE)
    page_ids = select(Action.id).where(*where).order_by(Action.id).limit(LIST_SIZE).offset((number - 1) * LIST_SIZE)
    query = (
        select(Action.id, Formation.intitule, Action.complement_intitule, Etablissement.raison_sociale, Action.siret,
               Site.nom_usage, Action.status)
        .join(Formation, Action.formation).join(Site, Action.site_dispensateur)
        .join(Etablissement, Etablissement.siret == Action.siret)
        .where(Action.id.in_(page_ids)).order_by(Action.id)
    )  # fmt: skip
    rows = db.execute(query).all()
    items = [
        ActionItem(row.id, row.intitule + (f" — {row.complement_intitule}" if row.complement_intitule else ""),
                   row.raison_sociale, row.siret, row.nom_usage, ActionStatus(row.status).label)
        for row in rows
    ]  # fmt: skip
    return Page(items, total, number, LIST_SIZE)


def _session_items(db: DbSession, key: str, f: Filter, wanted: int | None) -> Page[PublishedSession]:
    query = (
        select(PublishedSession)
        .where(_session_conditions(f.today)[key], *_session_scope(f))
        .order_by(PublishedSession.date_fin, PublishedSession.session_id)
    )
    rows, total, number = _paged(db, query, wanted)
    return Page([row[0] for row in rows], total, number, LIST_SIZE)


def _record_items(db: DbSession, key: str, f: Filter, wanted: int | None) -> Page[RecordItem]:
    """Établissements first, then sites: two queries, one page across both."""
    status, label = RECORD_KEYS[key], messages.RECORD_STATUS[RECORD_KEYS[key]]
    main_commune = (
        select(Site.code_postal + " " + Site.commune)
        .where(Site.siret == Etablissement.siret, Site.is_main.is_(True)).limit(1).scalar_subquery().label("commune")
    )  # fmt: skip
    etablissements = (
        select(Etablissement.siret, Etablissement.raison_sociale, main_commune)
        .where(Etablissement.status == status, *_etablissement_scope(f)).order_by(Etablissement.siret)
    )  # fmt: skip
    sites = select(Site).where(Site.status == status, *_site_scope(f)).order_by(Site.id)
    first, second = _total(db, etablissements), _total(db, sites)
    number = page_number(first + second, wanted, LIST_SIZE)
    offset = (number - 1) * LIST_SIZE
    items = [
        RecordItem("Etablissement", row.siret, row.raison_sociale, row.siret, row.commune or "", label)
        for row in db.execute(etablissements.limit(LIST_SIZE).offset(offset))
    ]
    if len(items) < LIST_SIZE:
        for site in db.scalars(sites.limit(LIST_SIZE - len(items)).offset(max(0, offset - first))):
            items.append(
                RecordItem(
                    "Site",
                    str(site.id),
                    site.nom_usage,
                    site.siret,
                    f"{site.code_postal} {site.commune}",
                    label,
                    site.id,
                )
            )
    return Page(items, first + second, number, LIST_SIZE)


def items(db: DbSession, key: str, f: Filter, wanted_page: int | None = None) -> Page[Any]:
    """What the loupe of row `key` shows: exactly the items its count counts, a page at a time."""
    section = section_of(key)
    if section == "actions":
        return _action_items(db, key, f, wanted_page)
    if section == "sessions":
        return _session_items(db, key, f, wanted_page)
    if section == "sites":
        return _record_items(db, key, f, wanted_page)
    raise KeyError(key)
