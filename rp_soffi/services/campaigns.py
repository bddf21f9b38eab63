"""« Campagnes » (soffi.md §5.6), for DGEFP agents only: create a campaign for an exercice, open it (the bodies may
then file), move its « Date limite de dépôt », close it (only agents act on its statements then); each action
written to the campaigns' journal in the same transaction, a refused one writes nothing."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from rp_soffi import messages
from rp_soffi.models import Campaign, CampaignEvent, CampaignEventType
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import NotAllowed, NotFound
from rp_soffi.services.transaction import transaction
from rp_soffi.statement.workflow import CampaignStatus
from shared.db import DbSession

FIRST_EXERCICE = 2019  # the OPCO were approved in 2019 (soffi.md §1, §3)
CATALOGUE_VERSION = 1  # the only catalogue yet (statement/catalogue.py)
JOURNAL_SIZE = 50  # the latest events the « Campagnes » page shows
STATUS_LABELS = {
    CampaignStatus.PREPARATION: "En préparation",
    CampaignStatus.OUVERTE: "Ouverte",
    CampaignStatus.CLOSE: "Close",
}


def default_due_on(exercice: int) -> date:
    """30 June of the next year (soffi.md §3, design: the real date is unknown)."""
    return date(exercice + 1, 6, 30)


def find_campaign(db: DbSession, exercice: int) -> Campaign | None:
    return db.scalar(select(Campaign).where(Campaign.exercice == exercice))


def get_campaign(db: DbSession, campaign_id: int) -> Campaign:
    campaign = db.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(messages.NOT_FOUND)
    return campaign


def campaigns(db: DbSession) -> list[Campaign]:
    """Every campaign, the latest exercice first."""
    return list(db.scalars(select(Campaign).order_by(Campaign.exercice.desc())))


@transaction
def create_campaign(
    db: DbSession, actor: Actor, exercice: int, opens_on: date, now: datetime, due_on: date | None = None
) -> Campaign:
    """A campaign « En préparation » for `exercice` (2019 to the current year, one per exercice)."""
    _require_agent(actor)
    if not FIRST_EXERCICE <= exercice <= now.year:
        raise NotAllowed(messages.CAMPAIGN_EXERCICE.format(first=FIRST_EXERCICE, last=now.year), "exercice")
    if find_campaign(db, exercice) is not None:
        raise NotAllowed(messages.CAMPAIGN_EXISTS.format(exercice=exercice), "exercice")
    due = due_on or default_due_on(exercice)
    _check_dates(opens_on, due)
    campaign = Campaign(exercice=exercice, title=f"Campagne {exercice}", opens_on=opens_on, due_on=due, created_at=now)
    db.add(campaign)
    db.flush()
    created = {"status": [None, campaign.status.value], "opens_on": [None, opens_on.isoformat()]}
    _record(db, actor, campaign, CampaignEventType.CREATED, now, created | {"due_on": [None, due.isoformat()]})
    return campaign


@transaction
def open_campaign(db: DbSession, actor: Actor, campaign_id: int, now: datetime) -> Campaign:
    """« En préparation » → « Ouverte »: the catalogue its statements follow is frozen now."""
    campaign = _moving(db, actor, campaign_id, CampaignStatus.PREPARATION)
    campaign.status, campaign.catalogue_version, campaign.opened_at = CampaignStatus.OUVERTE, CATALOGUE_VERSION, now
    _record(db, actor, campaign, CampaignEventType.OPENED, now, _status_change(CampaignStatus.PREPARATION, campaign))
    return campaign


@transaction
def close_campaign(db: DbSession, actor: Actor, campaign_id: int, now: datetime) -> Campaign:
    """« Ouverte » → « Close »: the bodies can no longer file nor edit (workflow: agents still act)."""
    campaign = _moving(db, actor, campaign_id, CampaignStatus.OUVERTE)
    campaign.status, campaign.closed_at = CampaignStatus.CLOSE, now
    _record(db, actor, campaign, CampaignEventType.CLOSED, now, _status_change(CampaignStatus.OUVERTE, campaign))
    return campaign


@transaction
def set_deadline(db: DbSession, actor: Actor, campaign_id: int, due_on: date, now: datetime) -> Campaign:
    """Move the « Date limite de dépôt » of a campaign not closed yet (statements filed before keep their flag); the
    same date again changes nothing and is not journaled."""
    _require_agent(actor)
    campaign = get_campaign(db, campaign_id)
    if campaign.status is CampaignStatus.CLOSE:
        raise NotAllowed(messages.CAMPAIGN_WRONG_STATE.format(status=STATUS_LABELS[campaign.status]))
    _check_dates(campaign.opens_on, due_on)
    if due_on != campaign.due_on:
        changes = {"due_on": [campaign.due_on.isoformat(), due_on.isoformat()]}
        campaign.due_on = due_on
        _record(db, actor, campaign, CampaignEventType.DEADLINE_CHANGED, now, changes)
    return campaign


@dataclass(frozen=True)
class JournalRow:
    at: datetime
    campaign: str  # its title, « Campagne 2024 »
    actor_name: str
    label: str
    detail: str  # « 30/06/2025 → 15/07/2025 » for a new date limite


def journal(db: DbSession, size: int = JOURNAL_SIZE) -> list[JournalRow]:
    """The latest `size` events of every campaign, as the agents read them, latest first."""
    query = (
        select(CampaignEvent, Campaign.title)
        .join(Campaign, Campaign.id == CampaignEvent.campaign_id)
        .order_by(CampaignEvent.at.desc(), CampaignEvent.id.desc())
        .limit(size)
    )
    return [JournalRow(e.at, title, e.actor_name, e.event.label, _detail(e)) for e, title in db.execute(query)]


def _detail(event: CampaignEvent) -> str:
    changes = event.changes
    if event.event is CampaignEventType.DEADLINE_CHANGED:
        return f"{_shown(changes['due_on'][0])} → {_shown(changes['due_on'][1])}"
    if event.event is CampaignEventType.CREATED:
        return f"ouverture le {_shown(changes['opens_on'][1])}, date limite de dépôt le {_shown(changes['due_on'][1])}"
    return ""


def _shown(value: str | None) -> str:
    return "—" if value is None else date.fromisoformat(value).strftime("%d/%m/%Y")


def _status_change(before: CampaignStatus, campaign: Campaign) -> dict[str, Any]:
    return {"status": [before.value, campaign.status.value]}


def _record(
    db: DbSession, actor: Actor, campaign: Campaign, event: CampaignEventType, now: datetime, changes: dict[str, Any]
) -> None:
    db.add(CampaignEvent(campaign_id=campaign.id, at=now, event=event, changes=changes, **actor.author))
    db.flush()


def _moving(db: DbSession, actor: Actor, campaign_id: int, expected: CampaignStatus) -> Campaign:
    _require_agent(actor)
    campaign = get_campaign(db, campaign_id)
    if campaign.status is not expected:
        raise NotAllowed(messages.CAMPAIGN_WRONG_STATE.format(status=STATUS_LABELS[campaign.status]))
    return campaign


def _check_dates(opens_on: date, due_on: date) -> None:
    if opens_on >= due_on:
        raise NotAllowed(messages.CAMPAIGN_DATES, "due_on")


def _require_agent(actor: Actor) -> None:
    if not actor.agent:
        raise NotAllowed(messages.FORBIDDEN)
