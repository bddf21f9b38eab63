"""The Carif-Oref's « File de validation » (sofi.md §5, §9): what waits for a decision (action bundles, annuaire
records), what changed in an action since it was last validated, and the formations without Certifinfo (AIF)
the Carif-Oref enters itself. The decisions themselves are `workflow`'s and `annuaire`'s."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, String, Subquery, cast, func, literal_column, select, union_all

from rp_sofi import messages
from rp_sofi.access import Scope
from rp_sofi.lheo import tables
from rp_sofi.models import (
    Action,
    ActionStatus,
    Etablissement,
    Formation,
    JournalEntry,
    RecordStatus,
    SireneEstablishment,
    Site,
)
from rp_sofi.services import annuaire, publication
from rp_sofi.services.errors import Invalid, NotAllowed
from rp_sofi.services.transaction import transaction
from shared.clock import PARIS
from shared.db import DbSession
from shared.paging import PAGE_SIZE, Page, page_number

KINDS = ("actions", "annuaire")
SECTIONS = ("actions", "reponses", "annuaire")  # the page's three lists, each paged on its own


@dataclass(frozen=True)
class QueueFilter:
    kind: str | None = None  # "actions", "annuaire" or None for both
    departement: str | None = None  # "44"…: the first two digits of the postal code
    since: date | None = None  # submitted on or after this day (Paris time)


@dataclass(frozen=True)
class PendingAction:
    id: int
    intitule: str
    organisme: str
    siret: str
    departement: str
    submitted_at: datetime | None
    question: str | None
    answer: str | None


@dataclass(frozen=True)
class PendingRecord:
    kind: str  # "etablissement" or "site"
    id: str  # the SIRET, or the site's number
    nom: str
    organisme: str
    siret: str
    departement: str
    submitted_at: datetime | None
    new: bool  # a site never accepted yet


@dataclass(frozen=True)
class Queue:
    actions: Page[PendingAction]  # en attente de validation
    answers: Page[PendingAction]  # en attente de réponses (the organisation's turn)
    records: Page[PendingRecord]


@dataclass(frozen=True)
class Change:
    where: str  # "Formation", "Action", "Session 12"
    label: str
    before: str
    after: str


def _day_start(day: date) -> datetime:
    """The stored (naive UTC) time at which `day` begins in Paris: « submitted since » compares with it."""
    return datetime.combine(day, time(), PARIS).astimezone(UTC).replace(tzinfo=None)


def _paged(total: int, wanted: int | None) -> tuple[int, int]:
    """The page to show and its offset."""
    number = page_number(total, wanted)
    return number, (number - 1) * PAGE_SIZE


def _pending_actions(
    db: DbSession, status: ActionStatus, filters: QueueFilter, wanted: int | None
) -> Page[PendingAction]:
    """One page of the actions in `status`, oldest first: the département and « since » in SQL, the page's ids
    taken first, then only those joined to their formation, site and établissement (each action has one of each)."""
    where: list[ColumnElement[bool]] = [Action.status == status]
    if filters.departement:  # where the action is given: its « Site dispensateur »
        in_departement = Site.code_postal.startswith(filters.departement, autoescape=True)
        where.append(Action.site_dispensateur_id.in_(select(Site.id).where(in_departement)))
    if filters.since:
        where.append(Action.submitted_at >= _day_start(filters.since))
    total = db.scalar(select(func.count()).select_from(Action).where(*where)) or 0
    number, offset = _paged(total, wanted)
    order = (Action.submitted_at, Action.id)
    page_ids = select(Action.id).where(*where).order_by(*order).limit(PAGE_SIZE).offset(offset)
    query = (
        select(
            Action.id, Action.siret, Action.question, Action.answer, Action.submitted_at, Action.complement_intitule,
            Formation.intitule, Site.code_postal, Etablissement.raison_sociale,
        )
        .join(Formation, Formation.id == Action.formation_id)
        .join(Site, Site.id == Action.site_dispensateur_id)
        .join(Etablissement, Etablissement.siret == Action.siret)
        .where(Action.id.in_(page_ids))
        .order_by(*order)
    )  # fmt: skip
    asked = status is ActionStatus.EN_ATTENTE_REPONSE
    items = [
        PendingAction(
            row.id, row.intitule + (f" — {row.complement_intitule}" if row.complement_intitule else ""),
            row.raison_sociale, row.siret, row.code_postal[:2], row.submitted_at, row.question if asked else None,
            row.answer,
        )
        for row in db.execute(query)
    ]  # fmt: skip
    return Page(items, total, number)


def _pending_record_keys(filters: QueueFilter) -> Subquery:
    """The pending établissements and sites as (kind, id, submitted_at), filtered: one list from two tables."""
    pending = RecordStatus.EN_ATTENTE_VALIDATION
    etablissements = (
        select(literal_column("'etablissement'", String).label("kind"), Etablissement.siret.label("id"),
               Etablissement.submitted_at.label("submitted_at"))
        .outerjoin(SireneEstablishment, SireneEstablishment.siret == Etablissement.siret)
        .where(Etablissement.status == pending)
    )  # fmt: skip
    sites = select(literal_column("'site'", String), cast(Site.id, String), Site.submitted_at).where(
        Site.status == pending
    )
    if filters.departement:  # an établissement is where the directory says; a site, at its own address
        departement = filters.departement
        etablissements = etablissements.where(SireneEstablishment.code_postal.startswith(departement, autoescape=True))
        sites = sites.where(Site.code_postal.startswith(departement, autoescape=True))
    if filters.since:
        etablissements = etablissements.where(Etablissement.submitted_at >= _day_start(filters.since))
        sites = sites.where(Site.submitted_at >= _day_start(filters.since))
    return union_all(etablissements, sites).subquery("pending_record")


def _pending_records(db: DbSession, filters: QueueFilter, wanted: int | None) -> Page[PendingRecord]:
    """One page of the établissements and sites waiting, oldest first (never sent first), then établissements
    before sites, then by id: the page's keys from the union, then only those records loaded."""
    keys = _pending_record_keys(filters)
    total = db.scalar(select(func.count()).select_from(keys)) or 0
    number, offset = _paged(total, wanted)
    order = (keys.c.submitted_at.nulls_first(), keys.c.kind, keys.c.id)
    rows = db.execute(select(keys.c.kind, keys.c.id).order_by(*order).limit(PAGE_SIZE).offset(offset))
    page: list[tuple[str, str]] = [(row.kind, row.id) for row in rows]
    found: dict[tuple[str, str], PendingRecord] = {}
    sirets = [key for kind, key in page if kind == "etablissement"]
    if sirets:
        query = (
            select(Etablissement, SireneEstablishment.code_postal)
            .outerjoin(SireneEstablishment, SireneEstablishment.siret == Etablissement.siret)
            .where(Etablissement.siret.in_(sirets))
        )
        for etab, code_postal in db.execute(query):
            found["etablissement", etab.siret] = PendingRecord(
                "etablissement", etab.siret, etab.raison_sociale, etab.raison_sociale, etab.siret,
                (code_postal or "")[:2], etab.submitted_at, False,
            )  # fmt: skip
    site_ids = [int(key) for kind, key in page if kind == "site"]
    if site_ids:
        query = select(Site, Etablissement.raison_sociale).join(Site.etablissement).where(Site.id.in_(site_ids))
        for site, organisme in db.execute(query):
            found["site", str(site.id)] = PendingRecord(
                "site", str(site.id), site.nom_usage, organisme, site.siret, site.code_postal[:2], site.submitted_at,
                site.previous is None,
            )  # fmt: skip
    return Page([found[kind, key] for kind, key in page if (kind, key) in found], total, number)


def queue(db: DbSession, filters: QueueFilter, pages: dict[str, int | None] | None = None) -> Queue:
    """What waits for the Carif-Oref, oldest first: one page of each list (`pages`: the one wanted for each of
    SECTIONS, the first by default), the lists the type filter leaves out not read."""
    wanted = pages or {}
    nothing: Page[Any] = Page([], 0, 1)
    if filters.kind in (None, "actions"):
        actions = _pending_actions(db, ActionStatus.EN_ATTENTE_VALIDATION, filters, wanted.get("actions"))
        answers = _pending_actions(db, ActionStatus.EN_ATTENTE_REPONSE, filters, wanted.get("reponses"))
    else:
        actions = answers = nothing
    records = _pending_records(db, filters, wanted.get("annuaire")) if filters.kind in (None, "annuaire") else nothing
    return Queue(actions, answers, records)


def history(db: DbSession, object_type: str, object_id: str) -> list[JournalEntry]:
    """The journal of one action or record, newest first: who sent, asked, answered, decided, and what they said."""
    query = select(JournalEntry).where(JournalEntry.object_type == object_type, JournalEntry.object_id == object_id)
    return list(db.scalars(query.order_by(JournalEntry.at.desc(), JournalEntry.id.desc())))


# What changed since the last validation


def _shown(name: str, value: Any) -> str:
    table = DIFF_TABLES.get(name)
    if isinstance(value, list):
        return ", ".join(_shown(name, item) for item in value) or "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if table is not None:
        try:
            return tables.label(table, str(value))
        except KeyError:
            return str(value)
    if name in ("debut", "fin"):
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


DIFF_TABLES: dict[str, Any] = {
    "niveau_entree": tables.NIVEAUX, "type_parcours": tables.PARCOURS,
    "entrees_sorties": tables.MODALITES_ENTREES_SORTIES, "modalites_pedagogiques": tables.MODALITES_PEDAGOGIQUES,
    "modalites_enseignement": tables.MODALITES_ENSEIGNEMENT, "rythmes": tables.RYTHMES,
}  # fmt: skip


def _compared(where: str, before: dict[str, Any], after: dict[str, Any], names: tuple[str, ...]) -> list[Change]:
    return [
        Change(where, messages.DIFF_LABELS[name], _shown(name, before.get(name)), _shown(name, after.get(name)))
        for name in names
        if before.get(name) != after.get(name)
    ]


def _session_text(session: dict[str, Any]) -> str:
    return f"du {_shown('debut', session['debut'])} au {_shown('fin', session['fin'])}, {session['lieu']['nom']}"


def _dispositifs_text(dispositifs: list[dict[str, Any]]) -> str:
    """« Formation avec financement privé (…) : 8 places, 4200.00 € » for each, the inactive ones said so."""
    labels = {code: label for code, label, _carif_only in tables.DISPOSITIFS}
    return (
        "; ".join(
            f"{labels.get(item['code'], item['code'])} : {_shown('', item['nb_places'])} places, "
            f"{_shown('', item['cout_stagiaire'])} €{'' if item['actif'] else ' (inactif)'}"
            for item in dispositifs
        )
        or "—"
    )


def _sessions_compared(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[Change]:
    old, new = {item["id"]: item for item in before}, {item["id"]: item for item in after}
    changes: list[Change] = []
    for session_id in sorted(old.keys() | new.keys()):
        where = f"Session {session_id}"
        if session_id not in old:
            changes.append(Change(where, messages.DIFF_NEW_SESSION, "—", _session_text(new[session_id])))
        elif session_id not in new:
            changes.append(Change(where, messages.DIFF_REMOVED_SESSION, _session_text(old[session_id]), "—"))
        else:
            first, second = old[session_id], new[session_id]
            first, second = first | {"lieu_nom": first["lieu"]["nom"]}, second | {"lieu_nom": second["lieu"]["nom"]}
            changes += _compared(where, first, second, SESSION_FIELDS)
            if first["dispositifs"] != second["dispositifs"]:
                texts = _dispositifs_text(first["dispositifs"]), _dispositifs_text(second["dispositifs"])
                changes.append(Change(where, messages.DIFF_LABELS["dispositifs"], *texts))
    return changes


ACTION_FIELDS = (
    "complement_intitule", "url", "niveau_entree", "type_parcours", "modalites_pedagogiques", "entrees_sorties",
    "duree_centre", "duree_entreprise", "duree_hebdo", "commentaire_prerequis", "dispensateur_nom",
)  # fmt: skip
SESSION_FIELDS = ("debut", "fin", "lieu_nom", "capacite", "places_disponibles", "rythmes", "modalites_enseignement")


def action_changes(db: DbSession, action: Action, now: datetime) -> list[Change] | None:
    """The bundle as it is against its published version, field by field; None if it was never validated."""
    if action.published is None:
        return None
    etablissement = db.get(Etablissement, action.siret)
    assert etablissement is not None  # an action belongs to an établissement of the annuaire
    before, after = action.published, publication.snapshot(action, etablissement, now)
    changes = _compared("Formation", before["formation"], after["formation"], ("certifinfo", "intitule"))
    first = before["action"] | {"dispensateur_nom": before["action"]["dispensateur"]["nom"]}
    second = after["action"] | {"dispensateur_nom": after["action"]["dispensateur"]["nom"]}
    changes += _compared("Action", first, second, ACTION_FIELDS)
    return changes + _sessions_compared(before["sessions"], after["sessions"])


# Formations without Certifinfo (AIF)


@transaction
def create_formation(
    db: DbSession, scope: Scope, siret: str, *, intitule: str, objectif: str, programme: str,
    formacodes: list[str], niveau_sortie: str | None,
) -> Formation:  # fmt: skip
    """« Créer une formation hors Certifinfo (AIF) » for an établissement of the region: the Carif-Oref then adds
    its actions through the tunnel, as for any formation."""
    if not scope.carif:
        raise NotAllowed(messages.NOT_EDITABLE)
    try:
        etablissement = annuaire.ensure_etablissement(db, siret)
    except NotAllowed:
        raise Invalid({"siret": messages.SIRET_UNKNOWN}) from None
    if annuaire.is_closed(db, siret):
        raise Invalid({"siret": messages.CLOSED_ESTABLISHMENT})
    errors = annuaire.formacode_errors(db, formacodes, "formacodes", required=False)
    if errors:
        raise Invalid(errors)
    formation = Formation(
        siret=etablissement.siret, certifinfo=None, intitule=intitule, objectif=objectif, programme=programme,
        formacodes=formacodes, niveau_sortie=niveau_sortie or None,
    )  # fmt: skip
    db.add(formation)
    db.flush()
    return formation
