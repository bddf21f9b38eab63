"""A campaign: the BPFs of one exercice, due by its deadline (30 April N+1 by default), rectifiable until its
rectification limit (31 December N+1 by default: the real rule is unknown, bpf.md §4.2). National control edits
both; a campaign nobody edited has no row and uses the defaults (services/campaigns.py)."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rp_bpf.extensions import db
from shared.clock import utcnow


class Campaign(db.Model):  # type: ignore[name-defined]
    exercice: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    deadline: Mapped[date] = mapped_column(Date)
    rectification_limit: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(250))
