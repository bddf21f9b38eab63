"""The déclaration d'activité (bpf.md §4.1): the organisation deposits it, the control service of its region
registers it (assigning its NDA), refuses it with a reason or declares it caduque; the organisation declares its
cessation. A registered declaration's changes are kept in the journal with the values they replaced."""

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, func, select

from rp_bpf import messages
from rp_bpf.models import AssignedNda, Bpf, BpfStatus, Declaration, DeclarationStatus, JournalEntry, JournalEvent
from rp_bpf.services import campaigns, mails
from rp_bpf.services.errors import Invalid, NotAllowed, NotFound, Stale
from rp_bpf.services.journal import Actor, record
from rp_bpf.services.transaction import transaction
from shared.db import DbSession
from shared.territory import REGION_OF_DEPARTEMENT, departement_of

S = DeclarationStatus
# Changing a declaration that ended (refused, caduque, ceased) deposits a new one.
ENDED = (S.REFUSEE, S.CADUQUE, S.CESSEE)
DECLARATION_EVENTS = [event for event in JournalEvent if event.startswith("declaration:")]


@dataclass(frozen=True)
class DeclarationData:
    """What the organisation types (the form has checked each field's format)."""

    siret: str
    denomination: str
    forme_juridique: str
    code_naf: str
    adresse: str
    code_postal: str
    commune: str
    adresse_publique: bool
    telephone: str
    courriel: str
    dirigeant_nom: str
    dirigeant_qualite: str
    date_debut_activite: date | None


def find(db: DbSession, siren: str) -> Declaration | None:
    return db.scalar(select(Declaration).where(Declaration.siren == siren))


def history(db: DbSession, siren: str) -> list[JournalEntry]:
    """The declaration's events, newest first."""
    query = select(JournalEntry).where(JournalEntry.siren == siren, JournalEntry.event.in_(DECLARATION_EVENTS))
    return list(db.scalars(query.order_by(JournalEntry.id.desc())))


def get_in_region(db: DbSession, declaration_id: int, region: str | None) -> Declaration:
    """A control agent's declaration: of its region (every region for national control)."""
    declaration = db.get(Declaration, declaration_id)
    if declaration is None or (region is not None and declaration.region != region):
        raise NotFound(messages.NOT_FOUND)
    return declaration


def _check(siren: str, data: DeclarationData) -> str:
    """The département of the siège, once the data fits the organisation in scope."""
    if data.siret[:9] != siren:
        raise Invalid({"siret": messages.DA_OTHER_SIREN})
    departement = departement_of(data.code_postal)
    if departement is None:
        raise Invalid({"code_postal": messages.DA_CODE_POSTAL})
    return departement


def _check_lock(declaration: Declaration, lock: int | None) -> None:
    if lock is not None and declaration.lock != lock:
        raise Stale(messages.STALE)


@transaction
def deposit(
    db: DbSession, actor: Actor, siren: str, data: DeclarationData, now: datetime, lock: int | None = None
) -> Declaration:
    """« Déposer » (or « Modifier »): a new declaration, a change of one not yet registered, a new deposit after a
    refusal or an end, or a change of a registered one, which stays registered and keeps its NDA."""
    departement = _check(siren, data)
    declaration = find(db, siren)
    if declaration is None:
        declaration = Declaration(siren=siren, status=S.DEPOSEE, deposited_at=now)
        db.add(declaration)
        event = JournalEvent.DECLARATION_DEPOSITED
        previous = None
    else:
        _check_lock(declaration, lock)
        previous = json.dumps(_values(declaration), ensure_ascii=False, default=str)
        if declaration.status in ENDED:  # a new deposit: a new NDA when registered again
            declaration.nda, declaration.motif, declaration.registered_at = None, None, None
            declaration.status, declaration.deposited_at = S.DEPOSEE, now
            event = JournalEvent.DECLARATION_DEPOSITED
        else:
            event = JournalEvent.DECLARATION_CHANGED
    for name, value in asdict(data).items():
        setattr(declaration, name, value)
    declaration.departement, declaration.region = departement, REGION_OF_DEPARTEMENT[departement]
    db.flush()
    record(db, actor, event, siren, now, declaration.id, previous)
    return declaration


def _values(declaration: Declaration) -> dict[str, object]:
    fields = DeclarationData.__dataclass_fields__
    return {name: getattr(declaration, name) for name in (*fields, "nda", "status")}


def _next_nda(db: DbSession, declaration: Declaration) -> str:
    """Région (2 digits), département (2: Corsica's 2A/2B are 20, overseas 97x are 97: the région tells them
    apart), then a 7-digit sequence in that prefix (the observed NDA's shape; its real structure is unverified)."""
    departement = declaration.departement.replace("2A", "20").replace("2B", "20")[:2]
    prefix = f"{declaration.region}{departement}"
    last = db.scalar(select(func.max(AssignedNda.nda)).where(AssignedNda.nda.startswith(prefix, autoescape=True)))
    return f"{prefix}{int(last[4:]) + 1 if last else 1:07d}"


def _control(db: DbSession, declaration_id: int, region: str | None, *sources: DeclarationStatus) -> Declaration:
    declaration = get_in_region(db, declaration_id, region)
    if declaration.status not in sources:
        raise NotAllowed(messages.DA_STATE.format(status=declaration.status.label))
    return declaration


@transaction
def register(db: DbSession, agent: Actor, declaration_id: int, region: str | None, now: datetime) -> Declaration:
    """« Enregistrer la déclaration »: the NDA is assigned."""
    declaration = _control(db, declaration_id, region, S.DEPOSEE)
    declaration.nda = _next_nda(db, declaration)
    db.add(AssignedNda(nda=declaration.nda, siren=declaration.siren, assigned_at=now))
    declaration.status, declaration.registered_at = S.ENREGISTREE, now
    record(db, agent, JournalEvent.DECLARATION_REGISTERED, declaration.siren, now, declaration.id, declaration.nda)
    mails.send_decision(db, declaration)
    return declaration


def _motif(motif: str) -> str:
    if not motif.strip():
        raise Invalid({"motif": messages.MOTIF_REQUIRED})
    return motif.strip()


@transaction
def refuse(db: DbSession, agent: Actor, declaration_id: int, region: str | None, motif: str, now: datetime) -> None:
    declaration = _control(db, declaration_id, region, S.DEPOSEE)
    declaration.status, declaration.motif = S.REFUSEE, _motif(motif)
    record(db, agent, JournalEvent.DECLARATION_REFUSED, declaration.siren, now, declaration.id, declaration.motif)
    mails.send_decision(db, declaration)


@transaction
def declare_caduque(
    db: DbSession, agent: Actor, declaration_id: int, region: str | None, motif: str, now: datetime
) -> None:
    _caduque(db, agent, _control(db, declaration_id, region, S.ENREGISTREE), _motif(motif), now)


def _caduque(db: DbSession, agent: Actor, declaration: Declaration, motif: str, now: datetime) -> None:
    declaration.status, declaration.motif = S.CADUQUE, motif
    record(db, agent, JournalEvent.DECLARATION_CADUQUE, declaration.siren, now, declaration.id, motif)
    mails.send_decision(db, declaration)


def without_bpf(exercice: int, region: str | None) -> Select[Any]:
    """The registered declarations of a région (all: national) with no BPF transmitted for the exercice."""
    transmitted = exists().where(
        Bpf.siren == Declaration.siren, Bpf.exercice == exercice, Bpf.status == BpfStatus.TRANSMIS
    )
    query = select(Declaration).where(Declaration.status == S.ENREGISTREE, ~transmitted)
    return query if region is None else query.where(Declaration.region == region)


def caducity_preview(
    db: DbSession, exercice: int, region: str | None, shown: int = 50
) -> tuple[int, list[Declaration]]:
    """How many would become caduque, and the first of them by dénomination."""
    query = without_bpf(exercice, region)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    return total, list(db.scalars(query.order_by(Declaration.denomination, Declaration.id).limit(shown)))


@transaction
def declare_caduques(
    db: DbSession, agent: Actor, exercice: int, region: str | None, expected: int, motif: str, now: datetime
) -> int:
    """« Déclarer caduques » in bulk after the campaign's deadline: each declaration without a BPF, audited and
    e-mailed. `expected` is the count the agent previewed: if it moved (a BPF transmitted meanwhile), nothing is done
    and the preview is shown again."""
    if not campaigns.settings(db, exercice).is_late(now):
        raise NotAllowed(messages.CADUCITY_BEFORE_DEADLINE)
    motif = _motif(motif)
    found = list(db.scalars(without_bpf(exercice, region).order_by(Declaration.id)))
    if len(found) != expected:
        raise Stale(messages.CADUCITY_MOVED)
    for declaration in found:
        _caduque(db, agent, declaration, motif, now)
    return len(found)


@transaction
def cease(db: DbSession, actor: Actor, siren: str, lock: int, now: datetime) -> None:
    """« Déclarer la cessation d'activité »: the organisation's own declaration, registered."""
    declaration = find(db, siren)
    if declaration is None:
        raise NotFound(messages.NOT_FOUND)
    _check_lock(declaration, lock)
    if declaration.status != S.ENREGISTREE:
        raise NotAllowed(messages.DA_STATE.format(status=declaration.status.label))
    declaration.status = S.CESSEE
    record(db, actor, JournalEvent.DECLARATION_CEASED, siren, now, declaration.id)
