"""« Organisme collecteur » (soffi.md §3): the register DGEFP agents keep, one body per SIREN (a legal entity: its
establishments, an OPCO's regional delegations, share one statement)."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Enum, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rp_soffi.extensions import db
from rp_soffi.statement.catalogue import BodyType
from shared.clock import utcnow


class CollectingBody(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    siren: Mapped[str] = mapped_column(String(9), unique=True)
    siret_siege: Mapped[str] = mapped_column(String(14))
    name: Mapped[str] = mapped_column(String(200))  # « Raison sociale » (dénomination)
    body_type: Mapped[BodyType] = mapped_column(Enum(BodyType, native_enum=False, length=16))
    region: Mapped[str | None] = mapped_column(String(3))  # INSEE code of the head office's région
    agrement_ref: Mapped[str] = mapped_column(String(50), default="")
    branches_count: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
