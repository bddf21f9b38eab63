"""The Carif-Oref's « File de validation » (sofi.md §5, §9): what waits for a decision (action bundles, annuaire
records), what changed in an action since it was last validated, and the formations without Certifinfo (AIF)
the Carif-Oref enters itself. The decisions themselves are `workflow`'s and `annuaire`'s."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

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
from shared.clock import in_paris
from shared.db import DbSession

KINDS = ("actions", "annuaire")


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
    actions: list[PendingAction]  # en attente de validation
    answers: list[PendingAction]  # en attente de réponses (the organisation's turn)
    records: list[PendingRecord]


@dataclass(frozen=True)
class Change:
    where: str  # "Formation", "Action", "Session 12"
    label: str
    before: str
    after: str


def _kept(filters: QueueFilter, kind: str, departement: str, submitted_at: datetime | None) -> bool:
    if filters.kind not in (None, kind) or filters.departement not in (None, departement):
        return False
    return filters.since is None or (submitted_at is not None and in_paris(submitted_at).date() >= filters.since)


def _pending_actions(db: DbSession, filters: QueueFilter) -> list[PendingAction]:
    # Columns, not Action objects: each validated action carries its published snapshot, and building thousands
    # of objects (with that JSON) was most of the queue's second at regional scale (bench/sofi.py).
    query = (
        select(
            Action.id, Action.siret, Action.status, Action.question, Action.answer, Action.submitted_at,
            Action.complement_intitule, Formation.intitule, Site.code_postal, Etablissement.raison_sociale,
        )
        .join(Formation, Formation.id == Action.formation_id)
        .join(Site, Site.id == Action.site_dispensateur_id)
        .join(Etablissement, Etablissement.siret == Action.siret)
        .where(Action.status.in_([ActionStatus.EN_ATTENTE_VALIDATION, ActionStatus.EN_ATTENTE_REPONSE]))
        .order_by(Action.submitted_at, Action.id)
    )  # fmt: skip
    found = []
    for row in db.execute(query):
        departement = row.code_postal[:2]
        if _kept(filters, "actions", departement, row.submitted_at):
            intitule = row.intitule + (f" — {row.complement_intitule}" if row.complement_intitule else "")
            question = row.question if row.status is ActionStatus.EN_ATTENTE_REPONSE else None
            found.append(PendingAction(
                row.id, intitule, row.raison_sociale, row.siret, departement, row.submitted_at, question, row.answer,
            ))  # fmt: skip
    return found


def _pending_records(db: DbSession, filters: QueueFilter) -> list[PendingRecord]:
    pending = RecordStatus.EN_ATTENTE_VALIDATION
    query = (
        select(Etablissement, SireneEstablishment.code_postal)
        .outerjoin(SireneEstablishment, SireneEstablishment.siret == Etablissement.siret)
        .where(Etablissement.status == pending)
    )
    records = [
        PendingRecord("etablissement", etab.siret, etab.raison_sociale, etab.raison_sociale, etab.siret,
                      (code_postal or "")[:2], etab.submitted_at, False)
        for etab, code_postal in db.execute(query)
    ]  # fmt: skip
    sites = select(Site, Etablissement.raison_sociale).join(Site.etablissement).where(Site.status == pending)
    records += [
        PendingRecord("site", str(site.id), site.nom_usage, organisme, site.siret, site.code_postal[:2],
                      site.submitted_at, site.previous is None)
        for site, organisme in db.execute(sites)
    ]  # fmt: skip
    kept = [record for record in records if _kept(filters, "annuaire", record.departement, record.submitted_at)]
    return sorted(kept, key=lambda record: (record.submitted_at or datetime.min, record.kind, record.id))


def queue(db: DbSession, filters: QueueFilter) -> Queue:
    """What waits for the Carif-Oref, oldest first."""
    actions = _pending_actions(db, filters)
    waiting = [item for item in actions if item.question is None]
    answers = [item for item in actions if item.question is not None]
    return Queue(waiting, answers, _pending_records(db, filters))


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
