"""Invitations to act for a company on a service (« Déléguer une habilitation à un tiers », guide 004)."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.extensions import db
from idp.models.account import Account
from idp.models.habilitation import Habilitation
from idp.models.service import Role, Service
from shared.clock import utcnow


class InvitationStatus(enum.StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class DelegationInvitation(db.Model):  # type: ignore[name-defined]
    """A gestionnaire invites a third party (a SIRET and an e-mail) to hold a role for one establishment of their
    company, until an end date or not. Its link is single use and stored hashed; accepting it creates the
    delegated habilitation. « Expirée » is a sent invitation whose link is past `link_expires_at`."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"))
    siret: Mapped[str] = mapped_column(String(14))  # the client's establishment the third party acts for
    company_siren: Mapped[str] = mapped_column(String(9))  # the client company, whose gestionnaires manage it
    tiers_siret: Mapped[str] = mapped_column(String(14))  # the third party's establishment
    email: Mapped[str] = mapped_column(String(254))  # the invited address, normalised
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)  # the delegation's end (« Fin d'habilitation »)
    status: Mapped[InvitationStatus] = mapped_column(
        Enum(InvitationStatus, native_enum=False, length=16), default=InvitationStatus.SENT
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the link's token
    link_expires_at: Mapped[datetime] = mapped_column(DateTime)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # the last sending (resent: renewed)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    habilitation_id: Mapped[int | None] = mapped_column(ForeignKey("habilitation.id", ondelete="SET NULL"))

    service: Mapped[Service] = relationship()
    role: Mapped[Role] = relationship(lazy="joined")
    invited_by: Mapped[Account | None] = relationship(foreign_keys=[invited_by_id])
    decided_by: Mapped[Account | None] = relationship(foreign_keys=[decided_by_id])
    habilitation: Mapped[Habilitation | None] = relationship()

    __table_args__ = (Index("ix_delegation_invitation_company", "company_siren", "service_id", "status"),)

    def state(self, now: datetime) -> str:
        """The state the screens show: envoyée, acceptée, refusée, expirée, annulée."""
        if self.status is InvitationStatus.SENT and self.link_expires_at <= now:
            return "expirée"
        return {"sent": "envoyée", "accepted": "acceptée", "declined": "refusée", "cancelled": "annulée"}[self.status]
