"""Reminders before the campaign's deadline (issue 16): 30 and 7 days before it, each registered organisation
whose BPF of the campaign is not transmitted gets an e-mail at its declaration's address — each reminder once (the
`reminder_sent` row's primary key decides between two runs) — saying that without a BPF its déclaration d'activité
may become caduque."""

from datetime import datetime

from sqlalchemy import and_, exists, select

from rp_bpf.models import Bpf, BpfStatus, Declaration, DeclarationStatus, ReminderSent
from rp_bpf.services import campaigns, mails
from rp_bpf.services.transaction import transaction
from shared.clock import in_paris
from shared.db import DbSession

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
        mails.send_reminder(db, declaration, campaign.exercice, campaign.deadline, days_left)
        sent += 1
    return sent
