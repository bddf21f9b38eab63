"""« Transmettre », « Rectifier » and the control service's « Rouvrir » (bpf.md §4.2). Transmission freezes the
draft: its snapshot's canonical bytes and their SHA-256 are kept with the receipt's number; a later version
replaces it (the earlier one becomes « Rectifié ») and nothing is ever deleted."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from rp_bpf import messages
from rp_bpf.bpf import receipt
from rp_bpf.bpf.problems import Severity
from rp_bpf.bpf.snapshot import canonical_bytes, content_to_json, sha256
from rp_bpf.models import Bpf, BpfStatus, Declaration, JournalEvent, Receipt
from rp_bpf.services import bpfs, campaigns, control, mails
from rp_bpf.services.errors import Blocked, Invalid, NotAllowed, NotFound, Stale
from rp_bpf.services.journal import Actor, record
from rp_bpf.services.transaction import transaction
from shared.db import DbSession


@dataclass(frozen=True)
class Signature:
    """The last step's answers: « Je certifie l'exactitude des informations », who signs, and, for a BPF without
    any activity, « Je confirme n'avoir eu aucune activité de formation sur l'exercice »."""

    certified: bool
    signataire_nom: str
    signataire_qualite: str
    no_activity_confirmed: bool = False
    on_behalf_of_siret: str | None = None  # the organisation a third party acts for


def _check_signature(signature: Signature) -> None:
    errors = {}
    if not signature.signataire_nom.strip():
        errors["signataire_nom"] = messages.SIGNATAIRE_NOM
    if not signature.signataire_qualite.strip():
        errors["signataire_qualite"] = messages.SIGNATAIRE_QUALITE
    if not signature.certified:
        errors["certified"] = messages.CERTIFY
    if errors:
        raise Invalid(errors)


@transaction
def transmit(
    db: DbSession, actor: Actor, siren: str, bpf_id: int, lock: int, signature: Signature, now: datetime
) -> Bpf:
    """The draft becomes the transmitted BPF of its exercice, if no rule of §6 blocks it (a BPF without activity
    needs its confirmation), « Hors délai » after the campaign's deadline; the previous version is « Rectifié »."""
    bpf = bpfs.editable(db, siren, bpf_id, lock)
    found = bpfs.problems(db, bpf)
    stopping = [p for p in found if p.severity == Severity.BLOCKING]
    if not signature.no_activity_confirmed:
        stopping += [p for p in found if p.severity == Severity.CONFIRM]
    if stopping:
        raise Blocked(messages.TRANSMIT_BLOCKED, stopping)
    _check_signature(signature)
    declaration = db.get(Declaration, bpf.declaration_id)
    assert declaration is not None and declaration.nda is not None  # started from a registered declaration
    snapshot = content_to_json(bpfs.content_of(bpf))
    bpf.content = canonical_bytes(snapshot).decode()
    bpf.snapshot_sha256 = sha256(snapshot)
    bpf.status, bpf.transmitted_at = BpfStatus.TRANSMIS, now
    bpf.late = campaigns.settings(db, bpf.exercice).is_late(now)
    bpf.transmitted_by_sub, bpf.transmitted_by_name = actor.sub, actor.name
    bpf.transmitted_by_siret, bpf.on_behalf_of_siret = actor.third_party_siret, signature.on_behalf_of_siret
    bpf.signataire_nom, bpf.signataire_qualite = signature.signataire_nom.strip(), signature.signataire_qualite.strip()
    bpf.receipt_number = receipt.receipt_number(bpf.exercice, declaration.nda, bpf.version)
    for earlier in bpfs.versions(db, siren, bpf.exercice):
        if earlier.status == BpfStatus.TRANSMIS and earlier.id != bpf.id:
            earlier.status = BpfStatus.RECTIFIE
    db.add(Receipt(bpf_id=bpf.id, pdf=_receipt_pdf(bpf, snapshot), created_at=now))
    mails.send_receipt(db, declaration, bpf)
    record(db, actor, JournalEvent.BPF_TRANSMITTED, siren, now, bpf.id, bpf.receipt_number)
    return bpf


def _receipt_pdf(bpf: Bpf, snapshot: dict[str, object]) -> bytes:
    """Written once, from the frozen snapshot: a later download gives the same bytes, never a new rendering."""
    assert bpf.transmitted_at is not None and bpf.transmitted_by_name is not None
    made = receipt.receipt_from_snapshot(
        snapshot,
        version=bpf.version,
        transmitted_at=bpf.transmitted_at.replace(tzinfo=UTC),
        transmitted_by=bpf.transmitted_by_name,
        late=bpf.late,
        third_party_siret=bpf.transmitted_by_siret,
    )
    return receipt.receipt_pdf(made)


def get_receipt(db: DbSession, bpf: Bpf) -> Receipt:
    found = db.get(Receipt, bpf.id)
    if found is None:
        raise NotFound(messages.NOT_FOUND)
    return found


def snapshot_of(bpf: Bpf) -> dict[str, object]:
    """The frozen snapshot of a transmitted BPF, as its SHA-256 was computed."""
    value: dict[str, object] = json.loads(bpf.content)
    return value


def _new_version(db: DbSession, bpf: Bpf, now: datetime, motif: str | None) -> Bpf:
    newest = bpfs.latest(db, bpf.siren, bpf.exercice)
    if bpf.status != BpfStatus.TRANSMIS or newest is None or newest.id != bpf.id:
        raise NotAllowed(messages.RECTIFY_NOT_TRANSMITTED)
    copy = Bpf(
        declaration_id=bpf.declaration_id,
        siren=bpf.siren,
        exercice=bpf.exercice,
        version=bpf.version + 1,
        status=BpfStatus.BROUILLON_RECTIFICATIF,
        content=bpf.content,
        c_total=bpf.c_total,
        f1_stagiaires=bpf.f1_stagiaires,
        f1_heures=bpf.f1_heures,
        no_activity=bpf.no_activity,
        reopen_motif=motif,
        created_at=now,
        updated_at=now,
    )
    db.add(copy)
    try:
        db.flush()
    except IntegrityError as error:  # the same version made at the same moment in another tab
        raise Stale(messages.STALE) from error
    return copy


@transaction
def rectify(db: DbSession, actor: Actor, siren: str, bpf_id: int, now: datetime) -> Bpf:
    """« Rectifier »: a new draft, copy of the transmitted version, until the campaign's rectification limit."""
    bpf = bpfs.get_own(db, siren, bpf_id)
    if not campaigns.settings(db, bpf.exercice).can_rectify(now):
        raise NotAllowed(messages.RECTIFY_TOO_LATE)
    copy = _new_version(db, bpf, now, None)
    record(db, actor, JournalEvent.BPF_RECTIFYING, siren, now, copy.id)
    return copy


@transaction
def reopen(db: DbSession, agent: Actor, bpf_id: int, region: str | None, motif: str, now: datetime) -> Bpf:
    """The control service's « Rouvrir » with its reason: a rectificative draft for the organisation, whatever the
    date."""
    bpf = control.get_bpf(db, bpf_id, region)
    if not motif.strip():
        raise Invalid({"motif": messages.MOTIF_REQUIRED})
    copy = _new_version(db, bpf, now, motif.strip())
    record(db, agent, JournalEvent.BPF_REOPENED, bpf.siren, now, copy.id, motif.strip())
    return copy
