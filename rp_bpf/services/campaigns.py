"""Campaigns: the BPFs of exercice N are due by 30 April N+1 and rectifiable until 31 December N+1 unless national
control set other dates (bpf.md §1, §4.2). The campaign under way on a day is that of the year before."""

from dataclasses import dataclass
from datetime import date, datetime

from rp_bpf import messages
from rp_bpf.models import Campaign, JournalEvent
from rp_bpf.services.errors import Invalid
from rp_bpf.services.journal import Actor, record
from rp_bpf.services.transaction import transaction
from shared.clock import in_paris
from shared.db import DbSession

FIRST_EXERCICE = 2000  # an exercice outside these years is no campaign's (and never reaches a query)
LAST_EXERCICE = 2100


@dataclass(frozen=True)
class Settings:
    exercice: int
    deadline: date
    rectification_limit: date

    def is_late(self, at: datetime) -> bool:
        """Transmitted after the deadline's day, in France: « Hors délai » (still accepted)."""
        return in_paris(at).date() > self.deadline

    def can_rectify(self, at: datetime) -> bool:
        return in_paris(at).date() <= self.rectification_limit


def is_exercice(value: int) -> bool:
    return FIRST_EXERCICE <= value <= LAST_EXERCICE


def current_exercice(now: datetime) -> int:
    return in_paris(now).year - 1


def default_settings(exercice: int) -> Settings:
    return Settings(exercice, date(exercice + 1, 4, 30), date(exercice + 1, 12, 31))


def settings(db: DbSession, exercice: int) -> Settings:
    stored = db.get(Campaign, exercice)
    if stored is None:
        return default_settings(exercice)
    return Settings(exercice, stored.deadline, stored.rectification_limit)


@transaction
def update(
    db: DbSession, actor: Actor, exercice: int, deadline: date, rectification_limit: date, now: datetime
) -> None:
    """National control's settings: a deadline after the exercice, a rectification limit not before it."""
    if deadline <= date(exercice, 12, 31):
        raise Invalid({"deadline": messages.CAMPAIGN_DEADLINE})
    if rectification_limit < deadline:
        raise Invalid({"rectification_limit": messages.CAMPAIGN_RECTIFICATION})
    stored = db.get(Campaign, exercice) or Campaign(exercice=exercice)
    stored.deadline, stored.rectification_limit = deadline, rectification_limit
    stored.updated_at, stored.updated_by = now, actor.name
    db.add(stored)
    record(db, actor, JournalEvent.CAMPAIGN_CHANGED, None, now, exercice, f"{deadline} {rectification_limit}")
