"""« Campagne de collecte » (soffi.md §3): one per exercice, prepared, opened and closed by DGEFP agents; and the
journal of what agents did to it."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rp_soffi.extensions import db
from rp_soffi.models.agent_action import AgentActionMixin
from rp_soffi.statement.workflow import CampaignStatus
from shared.clock import utcnow


class Campaign(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exercice: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(120))
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)  # « Date limite de dépôt »: filed after it, a statement is late
    status: Mapped[CampaignStatus] = mapped_column(
        Enum(CampaignStatus, native_enum=False, length=16), default=CampaignStatus.PREPARATION
    )
    # The line catalogue the statements follow, frozen when the campaign opens (only version 1 exists yet).
    catalogue_version: Mapped[int] = mapped_column(Integer, default=1)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)  # when an agent opened it: the bodies may file
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)  # when an agent closed it: only agents act then
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CampaignEventType(enum.StrEnum):
    CREATED = "campaign:created"
    OPENED = "campaign:opened"
    CLOSED = "campaign:closed"
    DEADLINE_CHANGED = "campaign:deadline:changed"

    @property
    def label(self) -> str:
        return CAMPAIGN_EVENT_LABELS[self]


CAMPAIGN_EVENT_LABELS = {
    CampaignEventType.CREATED: "Création",
    CampaignEventType.OPENED: "Ouverture",
    CampaignEventType.CLOSED: "Clôture",
    CampaignEventType.DEADLINE_CHANGED: "Date limite modifiée",
}


class CampaignEvent(AgentActionMixin, db.Model):  # type: ignore[name-defined]
    """What an agent did to a campaign (soffi.md §9: every agent action is audited), appended and never changed:
    who, when, which campaign, and each field's old and new value (dates as ISO strings)."""

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    event: Mapped[CampaignEventType] = mapped_column(Enum(CampaignEventType, native_enum=False, length=32))
