"""A BPF being written (bpf.md §4.2, §5.2): started from the registered déclaration d'activité (frames A and H
copied from it), saved at any step (a draft keeps whatever it holds, rules broken included), filled from an
imported file, checked against every rule of §6. Transmission and rectification are in `transmission.py`."""

import json
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select

from rp_bpf import messages
from rp_bpf.bpf import rules
from rp_bpf.bpf.content import BpfContent, Figures, content_from_json
from rp_bpf.bpf.problems import Problem
from rp_bpf.bpf.snapshot import content_to_json
from rp_bpf.models import Bpf, BpfStatus, Declaration, DeclarationStatus, JournalEvent
from rp_bpf.services import campaigns, delegations
from rp_bpf.services.errors import NotAllowed, NotFound, Stale
from rp_bpf.services.journal import Actor, record
from rp_bpf.services.transaction import transaction
from shared.db import DbSession


def content_of(bpf: Bpf) -> BpfContent:
    return content_from_json(json.loads(bpf.content))


def latest(db: DbSession, siren: str, exercice: int) -> Bpf | None:
    """The newest version of an organisation's BPF for an exercice."""
    query = select(Bpf).where(Bpf.siren == siren, Bpf.exercice == exercice).order_by(Bpf.version.desc()).limit(1)
    return db.scalar(query)


def versions(db: DbSession, siren: str, exercice: int) -> list[Bpf]:
    """Every version, newest first (nothing is ever deleted)."""
    query = select(Bpf).where(Bpf.siren == siren, Bpf.exercice == exercice).order_by(Bpf.version.desc())
    return list(db.scalars(query))


def latest_by_exercice(db: DbSession, siren: str) -> list[Bpf]:
    """The organisation's BPFs, one per exercice (the newest version), the most recent exercice first."""
    found: dict[int, Bpf] = {}
    for bpf in db.scalars(select(Bpf).where(Bpf.siren == siren).order_by(Bpf.exercice.desc(), Bpf.version.desc())):
        found.setdefault(bpf.exercice, bpf)
    return list(found.values())


def get_own(db: DbSession, siren: str, bpf_id: int) -> Bpf:
    """One of the organisation's BPFs; another organisation's id answers as if it did not exist."""
    bpf = db.get(Bpf, bpf_id)
    if bpf is None or bpf.siren != siren:
        raise NotFound(messages.NOT_FOUND)
    return bpf


def _first_content(declaration: Declaration, exercice: int) -> BpfContent:
    identification: dict[str, str | bool] = {
        "siret": declaration.siret,
        "nda": declaration.nda or "",
        "denomination": declaration.denomination,
        "forme_juridique": declaration.forme_juridique,
        "code_naf": declaration.code_naf,
        "adresse": f"{declaration.adresse} {declaration.code_postal} {declaration.commune}",
        "adresse_publique": declaration.adresse_publique,
        "telephone": declaration.telephone,
        "courriel": declaration.courriel,
    }
    return BpfContent(
        exercice=exercice,
        exercice_du=date(exercice, 1, 1),
        exercice_au=date(exercice, 12, 31),
        actions_distance=False,
        figures=Figures(),
        identification=identification,
        dirigeant={"h_nom_prenom": declaration.dirigeant_nom, "h_qualite": declaration.dirigeant_qualite},
    )


def _store(bpf: Bpf, content: BpfContent, now: datetime) -> None:
    bpf.content = json.dumps(content_to_json(content), ensure_ascii=False)
    totals = content.figures.totals
    bpf.c_total, bpf.f1_stagiaires, bpf.f1_heures = totals.c_total, totals.f1_total.count, totals.f1_total.hours
    bpf.no_activity = bool(rules.no_activity(content.figures))
    bpf.updated_at = now


@transaction
def start(db: DbSession, actor: Actor, siren: str, exercice: int, now: datetime) -> Bpf:
    """« Saisir » the BPF of an exercice whose campaign has begun, once the déclaration is registered; the draft
    already started is returned as it is."""
    declaration = db.scalar(select(Declaration).where(Declaration.siren == siren))
    if declaration is None or declaration.status != DeclarationStatus.ENREGISTREE:
        raise NotAllowed(messages.BPF_NEEDS_REGISTRATION)
    if not campaigns.is_exercice(exercice) or exercice > campaigns.current_exercice(now):
        raise NotFound(messages.NOT_FOUND)
    existing = latest(db, siren, exercice)
    if existing is not None:
        return existing
    bpf = Bpf(declaration_id=declaration.id, siren=siren, exercice=exercice, version=1, status=BpfStatus.BROUILLON)
    bpf.created_at = now
    _store(bpf, _first_content(declaration, exercice), now)
    delegations.note_delegate(bpf, actor)
    db.add(bpf)
    db.flush()
    record(db, actor, JournalEvent.BPF_STARTED, siren, now, bpf.id)
    return bpf


def editable(db: DbSession, siren: str, bpf_id: int, lock: int) -> Bpf:
    """A draft of the organisation, as the page that posts showed it."""
    bpf = get_own(db, siren, bpf_id)
    if not bpf.status.is_draft:
        raise NotAllowed(messages.BPF_NOT_DRAFT)
    if bpf.lock != lock:
        raise Stale(messages.STALE)
    return bpf


@transaction
def save(db: DbSession, actor: Actor, siren: str, bpf_id: int, lock: int, content: BpfContent, now: datetime) -> Bpf:
    """« Enregistrer »: the draft as typed, whatever rules it breaks (« Vérifier » and « Transmettre » tell). The
    exercice is the BPF's whatever the period typed says, and the NDA the declaration's."""
    bpf = editable(db, siren, bpf_id, lock)
    declaration = db.get(Declaration, bpf.declaration_id)
    assert declaration is not None
    identification = {**content.identification, "nda": declaration.nda or ""}  # assigned, never typed
    _store(bpf, replace(content, exercice=bpf.exercice, identification=identification), now)
    delegations.note_delegate(bpf, actor)
    return bpf


@transaction
def import_figures(
    db: DbSession, actor: Actor, siren: str, bpf_id: int, lock: int, figures: Figures, now: datetime
) -> Bpf:
    """« Importer un fichier »: frames C to G replaced by the file's (read by bpf.imports, refused whole if any
    line is wrong); frames A, B and H are kept."""
    bpf = editable(db, siren, bpf_id, lock)
    _store(bpf, replace(content_of(bpf), figures=figures), now)
    delegations.note_delegate(bpf, actor)
    record(db, actor, JournalEvent.BPF_IMPORTED, siren, now, bpf.id)
    return bpf


def problems(db: DbSession, bpf: Bpf) -> list[Problem]:
    """Every rule of §6 on the draft, the period's year included (the exercice is the year it ends)."""
    content = content_of(bpf)
    transmitted = db.scalars(
        select(Bpf.exercice).where(Bpf.siren == bpf.siren, Bpf.status.in_((BpfStatus.TRANSMIS, BpfStatus.RECTIFIE)))
    )
    found = rules.check(content, set(transmitted), rectification=bpf.version > 1)
    if (
        content.exercice_au is not None
        and content.exercice_au.year != bpf.exercice
        and not rules.period(content.exercice_du, content.exercice_au)
    ):
        found.insert(0, rules.period(None, None)[0])
    return found
