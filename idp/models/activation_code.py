"""Activation codes (codes d'activation): a code sent by post gives its holder a role on a service."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.extensions import db
from idp.models.service import Service
from shared.clock import utcnow


class ActivationCode(db.Model):  # type: ignore[name-defined]
    """A code sent by post for one service and SIRET: stored hashed, single use, expiring."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    siret: Mapped[str] = mapped_column(String(14), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))  # an agent's name, or "ligne de commande"
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))

    service: Mapped[Service] = relationship()
