"""« Campagne de collecte » (soffi.md §3): one per exercice, prepared, opened and closed by DGEFP agents."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Enum, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rp_soffi.extensions import db
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
