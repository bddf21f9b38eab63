"""The annuaire (sofi.md §3, §4.3): an établissement and its sites, as the Carif-Oref knows them.

The gestionnaire saves changes (« Enregistrer »), then submits them (« Valider »): the record is locked until the
Carif-Oref accepts them, or rejects them and gets back the values it had accepted. `previous` holds those
accepted values from the first change after an acceptance; a new site has none (it was never accepted).
Contacts are not validated: the gestionnaire adds and removes them freely."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from rp_sofi import messages
from rp_sofi.access import Scope
from rp_sofi.models import (
    Action,
    Contact,
    Etablissement,
    Formacode,
    JournalEntry,
    JournalEvent,
    RecordStatus,
    Session,
    SireneEstablishment,
    Site,
)
from rp_sofi.services import journal
from rp_sofi.services.errors import Invalid, NotAllowed
from rp_sofi.services.transaction import transaction
from rp_sofi.services.workflow import check_version
from shared.db import DbSession

Record = Etablissement | Site

# What the Carif-Oref validates, and what a refusal restores. `is_main` is not here: it is a choice among the
# sites (exactly one), which restoring one site alone could break.
ETABLISSEMENT_FIELDS = ("nda", "description", "domaines")
SITE_FIELDS = ("nom_usage", "adresse", "code_postal", "commune", "telephone", "courriel", "url", "dispensateur", "lieu")


def ensure_etablissement(db: DbSession, siret: str) -> Etablissement:
    """The établissement of `siret`; at the first visit, created from SIRENE with its main site (the INSEE
    address), active at once: the Carif-Oref sent the activation key to that address. Refused outside the
    Pays de la Loire (no SIRENE record here)."""
    found = db.get(Etablissement, siret)
    if found is not None:
        return found
    insee = db.get(SireneEstablishment, siret)
    if insee is None:
        raise NotAllowed(messages.OUTSIDE_REGION)
    etablissement = Etablissement(siret=siret, raison_sociale=insee.raison_sociale, status=RecordStatus.ACTIF)
    main = Site(
        nom_usage=insee.raison_sociale[:120], is_main=True, adresse=insee.adresse, code_postal=insee.code_postal,
        commune=insee.commune, status=RecordStatus.ACTIF,
    )  # fmt: skip
    etablissement.sites.append(main)
    db.add(etablissement)
    db.flush()
    return etablissement


@transaction
def open_etablissement(db: DbSession, siret: str) -> Etablissement:
    """The établissement whose annuaire page opens: `ensure_etablissement`, a first visit's creation committed."""
    return ensure_etablissement(db, siret)


def kind(record: Record) -> str:
    return "etablissement" if isinstance(record, Etablissement) else "site"


def record_id(record: Record) -> str:
    return record.siret if isinstance(record, Etablissement) else str(record.id)


def values(record: Record) -> dict[str, Any]:
    """The validated fields of a record, as `previous` keeps them."""
    names = ETABLISSEMENT_FIELDS if isinstance(record, Etablissement) else SITE_FIELDS
    return {name: list(value) if isinstance(value := getattr(record, name), list) else value for name in names}


def has_changes(record: Record) -> bool:
    """Whether the record holds saved changes the Carif-Oref has not accepted yet."""
    return record.previous is not None and record.previous != values(record)


@dataclass(frozen=True)
class FieldChange:
    """One validated field as accepted (`before`; None for a new site) and as saved (`after`), shown as text."""

    name: str
    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def shown(db: DbSession, name: str, value: Any) -> str:
    if name == "domaines":
        return formacodes_text(db, value or [])
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    return str(value) if value not in (None, "") else "—"


def record_changes(db: DbSession, record: Record) -> list[FieldChange]:
    """Every validated field, before and after the changes waiting for (or about to go to) the Carif-Oref."""
    current = values(record)
    new_site = isinstance(record, Site) and record.previous is None and record.locked
    before = record.previous or current
    return [
        FieldChange(name, None if new_site else shown(db, name, before.get(name)), shown(db, name, value))
        for name, value in current.items()
    ]


def find_sirene(db: DbSession, siret: str) -> SireneEstablishment | None:
    return db.get(SireneEstablishment, siret)


def is_closed(db: DbSession, siret: str) -> bool:
    """Closed according to INSEE (« F »): the annuaire is read-only until the Carif-Oref sorts it out."""
    insee = find_sirene(db, siret)
    return insee is not None and not insee.open


def parse_formacodes(text: str) -> list[str]:
    """« 14201 - Culture civilisation, 14207 » → ["14201", "14207"]: codes typed alone or as the page shows them."""
    codes: list[str] = []
    for item in re.split(r"[,;\n]+", text or ""):
        code = item.strip().split(" - ", 1)[0].strip()
        if code and code not in codes:
            codes.append(code)
    return codes


def formacode_errors(db: DbSession, codes: list[str], field: str = "domaines", required: bool = True) -> dict[str, str]:
    if not codes:
        return {field: messages.NO_DOMAIN} if required else {}
    known = set(db.scalars(select(Formacode.code).where(Formacode.code.in_(codes))))
    return {field: messages.FORMACODE_UNKNOWN} if set(codes) - known else {}


def formacodes_text(db: DbSession, codes: list[str]) -> str:
    """« 14201 - Culture civilisation, 14207 - Archéologie », as the annuaire shows the domains."""
    found = {item.code: item for item in db.scalars(select(Formacode).where(Formacode.code.in_(codes)))}
    return ", ".join(found[code].text if code in found else code for code in codes)


def _check_may_edit(db: DbSession, siret: str, scope: Scope) -> None:
    if not scope.can_edit_annuaire or not scope.sees(siret):
        raise NotAllowed(messages.ANNUAIRE_READ_ONLY)
    if is_closed(db, siret):
        raise NotAllowed(messages.CLOSED_ESTABLISHMENT)


def _check_editable(db: DbSession, record: Record, scope: Scope, version: int | None) -> None:
    _check_may_edit(db, record.siret, scope)
    if record.locked:
        raise NotAllowed(messages.LOCKED)
    check_version(record.version, version)


def _change(record: Record, changes: dict[str, Any]) -> None:
    """Apply the changes; the first one since the last acceptance keeps the accepted values in `previous`."""
    current = values(record)
    if all(current[name] == value for name, value in changes.items()):
        return
    if record.previous is None:
        record.previous = current
    for name, value in changes.items():
        setattr(record, name, value)


@transaction
def update_etablissement(
    db: DbSession, etablissement: Etablissement, scope: Scope, version: int | None, *, nda: str | None,
    description: str, domaines: list[str],
) -> None:  # fmt: skip
    """« Enregistrer » on the block « Etablissement »."""
    _check_editable(db, etablissement, scope, version)
    errors = formacode_errors(db, domaines)
    if nda and not re.fullmatch(r"\d{11}", nda):
        errors["nda"] = messages.NDA_FORMAT
    if errors:
        raise Invalid(errors)
    _change(etablissement, {"nda": nda or None, "description": description, "domaines": domaines})


def _set_main(site: Site, wanted: bool) -> None:
    """Exactly one main site: choosing this one takes the flag from the other; the main one cannot drop it."""
    if wanted == site.is_main:
        return
    if not wanted:
        raise Invalid({"is_main": messages.MAIN_SITE})
    for other in site.etablissement.sites:
        other.is_main = other is site


@transaction
def update_site(
    db: DbSession, site: Site, scope: Scope, version: int | None, changes: dict[str, Any], is_main: bool
) -> None:
    """« Enregistrer » on the block « Site »: `changes` maps fields of SITE_FIELDS to their new values."""
    _check_editable(db, site, scope, version)
    _set_main(site, is_main)
    _change(site, changes)


@transaction
def create_site(
    db: DbSession, etablissement: Etablissement, scope: Scope, now: datetime, fields: dict[str, Any]
) -> Site:
    """« Créer un site »: waiting for the Carif-Oref at once, unusable as site lieu or dispensateur until then."""
    _check_may_edit(db, etablissement.siret, scope)
    site = Site(siret=etablissement.siret, is_main=False, status=RecordStatus.EN_ATTENTE_VALIDATION, submitted_at=now)
    for name in SITE_FIELDS:
        setattr(site, name, fields[name])
    etablissement.sites.append(site)
    db.flush()
    journal.record(db, scope, JournalEvent.RECORD_SUBMITTED, "site", site.id, site.siret)
    if scope.carif:
        accept_record(db, site, scope)
    return site


@transaction
def submit_record(db: DbSession, record: Record, scope: Scope, version: int | None, now: datetime) -> None:
    """« Valider »: the changes go to the Carif-Oref and the record is locked; the Carif-Oref's own are accepted."""
    _check_editable(db, record, scope, version)
    if not has_changes(record):
        raise NotAllowed(messages.NOTHING_TO_SUBMIT)
    if isinstance(record, Etablissement) and (errors := formacode_errors(db, record.domaines)):
        raise Invalid(errors)
    record.status, record.submitted_at = RecordStatus.EN_ATTENTE_VALIDATION, now
    journal.record(db, scope, JournalEvent.RECORD_SUBMITTED, kind(record), record_id(record), record.siret)
    if scope.carif:
        accept_record(db, record, scope)


def _check_decision(record: Record, scope: Scope, version: int | None = None) -> None:
    if not scope.carif:
        raise NotAllowed(messages.ANNUAIRE_READ_ONLY)
    if record.status is not RecordStatus.EN_ATTENTE_VALIDATION:
        raise NotAllowed(messages.RECORD_NOT_PENDING)
    if version is not None:
        check_version(record.version, version)


@transaction
def accept_record(db: DbSession, record: Record, scope: Scope, version: int | None = None) -> None:
    """The Carif-Oref accepts: the record is active and unlocked, its values the accepted ones."""
    _check_decision(record, scope, version)
    record.status, record.previous = RecordStatus.ACTIF, None
    journal.record(db, scope, JournalEvent.RECORD_ACCEPTED, kind(record), record_id(record), record.siret)


def _site_in_use(db: DbSession, site: Site) -> bool:
    used_by_action = select(Action.id).where(Action.site_dispensateur_id == site.id)
    used_by_session = select(Session.id).where(Session.site_lieu_id == site.id)
    return db.scalar(select(func.count()).where(or_(used_by_action.exists(), used_by_session.exists()))) != 0


@transaction
def reject_record(db: DbSession, record: Record, scope: Scope, reason: str, version: int | None = None) -> None:
    """The Carif-Oref rejects with a reason: the accepted values come back; a new site is removed."""
    _check_decision(record, scope, version)
    if not reason.strip():
        raise Invalid({"reason": messages.REASON_REQUIRED})
    if isinstance(record, Site) and record.previous is None:
        if _site_in_use(db, record):
            raise NotAllowed(messages.SITE_IN_USE)
        for contact in list(record.contacts):
            db.delete(contact)
        db.delete(record)
    else:
        for name, value in (record.previous or {}).items():
            setattr(record, name, value)
        record.status, record.previous = RecordStatus.ACTIF, None
    journal.record(
        db, scope, JournalEvent.RECORD_REJECTED, kind(record), record_id(record), record.siret, reason.strip()
    )


@transaction
def add_contact(db: DbSession, site: Site, scope: Scope, fields: dict[str, str]) -> Contact:
    """« Créer un contact » on a site."""
    _check_may_edit(db, site.siret, scope)
    contact = Contact(**fields)
    site.contacts.append(contact)
    db.flush()
    return contact


@transaction
def delete_contact(db: DbSession, contact: Contact, scope: Scope) -> None:
    _check_may_edit(db, contact.site.siret, scope)
    db.delete(contact)


def recent_rejections(db: DbSession, siret: str, limit: int = 3) -> list[JournalEntry]:
    """The Carif-Oref's last refusals on this annuaire, with their reasons, for the gestionnaire to read."""
    query = (
        select(JournalEntry)
        .where(JournalEntry.siret == siret, JournalEntry.event == JournalEvent.RECORD_REJECTED)
        .order_by(JournalEntry.at.desc(), JournalEntry.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))
