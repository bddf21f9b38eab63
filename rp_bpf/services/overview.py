"""What the home page « Mon activité formation » shows an organisation (bpf.md §5.1): its déclaration d'activité,
one row per exercice (the campaign under way's first, even when not started) and the deadline to remind."""

from dataclasses import dataclass
from datetime import datetime

from rp_bpf.models import Bpf, BpfStatus, Declaration, DeclarationStatus
from rp_bpf.services import bpfs, campaigns, declarations, delegations
from rp_bpf.services.campaigns import Settings
from shared.db import DbSession


@dataclass(frozen=True)
class Row:
    exercice: int
    bpf: Bpf | None  # its newest version; None: not started
    transmitted: Bpf | None  # the version in force (the last transmitted), if any
    can_rectify: bool


@dataclass(frozen=True)
class Overview:
    declaration: Declaration | None
    rows: list[Row]
    campaign: Settings
    to_transmit: bool  # the campaign's BPF is due and not transmitted: the banner says by when
    past_deadline: bool  # … and the deadline has passed: it will be « Hors délai »
    ending_delegation: Bpf | None  # the campaign's draft, when its third party's delegation ends before the deadline


def overview(db: DbSession, siren: str, now: datetime) -> Overview:
    declaration = declarations.find(db, siren)
    campaign = campaigns.settings(db, campaigns.current_exercice(now))
    newest = {bpf.exercice: bpf for bpf in bpfs.latest_by_exercice(db, siren)}
    registered = declaration is not None and declaration.status == DeclarationStatus.ENREGISTREE
    exercices = sorted(set(newest) | ({campaign.exercice} if registered else set()), reverse=True)
    rows = [_row(db, siren, exercice, newest.get(exercice), now) for exercice in exercices]
    due = next((row for row in rows if row.exercice == campaign.exercice), None)
    to_transmit = registered and due is not None and due.transmitted is None
    ending = delegations.ending_too_soon(due.bpf, campaign.deadline) if to_transmit and due else None
    return Overview(declaration, rows, campaign, to_transmit, campaign.is_late(now), ending)


def _row(db: DbSession, siren: str, exercice: int, bpf: Bpf | None, now: datetime) -> Row:
    if bpf is None:
        return Row(exercice, None, None, False)
    transmitted = bpf if bpf.status == BpfStatus.TRANSMIS else None
    if bpf.status.is_draft and bpf.version > 1:  # a rectificative draft: the previous version is still in force
        transmitted = next((v for v in bpfs.versions(db, siren, exercice) if v.status == BpfStatus.TRANSMIS), None)
    can_rectify = transmitted is bpf and campaigns.settings(db, exercice).can_rectify(now)
    return Row(exercice, bpf, transmitted, can_rectify)
