"""Reminders before the campaign's deadline (issue 16): 30 and 7 days before it, each registered organisation
whose BPF of the campaign is not transmitted gets an e-mail at its declaration's address — each reminder once (the
`reminder_sent` row's primary key decides between two runs) — saying that without a BPF its déclaration d'activité
may become caduque, and whether the third party preparing its BPF loses its delegation before the deadline. That
last fact also gets its own e-mail as soon as it is known (`send_delegation_notices`), once per campaign."""

from datetime import datetime

from sqlalchemy import and_, exists, select

from rp_bpf.models import Bpf, BpfStatus, Declaration, DeclarationStatus, ReminderSent
from rp_bpf.services import bpfs, campaigns, delegations, mails
from rp_bpf.services.transaction import transaction
from shared.clock import in_paris
from shared.db import DbSession

DELEGATION_ENDING = "deleg"  # reminder_sent's kind of the delegation notice
DAYS_BEFORE = (7, 30)  # the nearest first: 5 days before the deadline is the 7 days' reminder
BATCH = 500


def kind_on(days_left: int) -> str | None:
    """Which reminder is due with `days_left` days before the deadline (0: its day); None outside the window."""
    return next((f"j-{days}" for days in DAYS_BEFORE if 0 <= days_left <= days), None)


@transaction
def send_due(db: DbSession, now: datetime) -> int:
    """The reminders due today (in Paris) not sent yet, written with their e-mails; returns how many."""
    campaign = campaigns.settings(db, campaigns.current_exercice(now))
    days_left = (campaign.deadline - in_paris(now).date()).days
    kind = kind_on(days_left)
    if kind is None:
        return 0
    transmitted = exists().where(
        Bpf.siren == Declaration.siren, Bpf.exercice == campaign.exercice, Bpf.status == BpfStatus.TRANSMIS
    )
    reminded = exists().where(
        and_(ReminderSent.siren == Declaration.siren, ReminderSent.exercice == campaign.exercice),
        ReminderSent.kind == kind,
    )
    due = select(Declaration).where(Declaration.status == DeclarationStatus.ENREGISTREE, ~transmitted, ~reminded)
    sent = 0
    for declaration in db.scalars(due.order_by(Declaration.id).limit(BATCH)):
        db.add(ReminderSent(siren=declaration.siren, exercice=campaign.exercice, kind=kind, sent_at=now))
        ending = delegations.ending_too_soon(bpfs.latest(db, declaration.siren, campaign.exercice), campaign.deadline)
        mails.send_reminder(db, declaration, campaign.exercice, campaign.deadline, days_left, ending)
        sent += 1
    return sent


@transaction
def send_delegation_notices(db: DbSession, now: datetime) -> int:
    """The campaign's first drafts whose third party's delegation, still running, ends before the deadline: the
    organisation is told once (its gestionnaire may extend it at Mes démarches); returns how many."""
    campaign = campaigns.settings(db, campaigns.current_exercice(now))
    ends = Bpf.delegation_ends_at
    noticed = exists().where(
        and_(ReminderSent.siren == Bpf.siren, ReminderSent.exercice == Bpf.exercice),
        ReminderSent.kind == DELEGATION_ENDING,
    )
    due = (
        select(Bpf, Declaration)
        .join(Declaration, Declaration.id == Bpf.declaration_id)
        .where(
            Bpf.exercice == campaign.exercice,
            Bpf.version == 1,  # a rectificative draft follows a BPF transmitted: no deadline to miss
            Bpf.status == BpfStatus.BROUILLON,
            ends > now,
            ends < delegations.deadline_end(campaign.deadline),
            ~noticed,
        )
    )
    sent = 0
    for bpf, declaration in db.execute(due.order_by(Bpf.id).limit(BATCH)):
        db.add(ReminderSent(siren=bpf.siren, exercice=bpf.exercice, kind=DELEGATION_ENDING, sent_at=now))
        mails.send_delegation_ending(db, declaration, bpf, campaign.deadline)
        sent += 1
    return sent
