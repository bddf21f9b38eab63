"""Access requests (demandes d'accès): asking a gestionnaire for a role on a service.

The other way to get one, a code sent by post, is `idp.models.activation_code`.
"""

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.extensions import db
from idp.models.account import Account
from idp.models.service import Role, Service
from shared.clock import utcnow


class AccessRequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # cancelled by the requester

    @property
    def label(self) -> str:
        return {"pending": "En attente", "accepted": "Acceptée", "refused": "Refusée", "withdrawn": "Annulée"}[self]


class AccessRequest(db.Model):  # type: ignore[name-defined]
    """Account × service × SIRET × wished role, decided by a gestionnaire of the same SIREN."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"))
    siret: Mapped[str] = mapped_column(String(14))
    siren: Mapped[str] = mapped_column(String(9))
    status: Mapped[AccessRequestStatus] = mapped_column(
        Enum(AccessRequestStatus, native_enum=False, length=16), default=AccessRequestStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)  # gestionnaires reminded after 7 days
    # Sent to the ministry agents' queue: after 15 days without an answer, or when nobody can decide.
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)
    escalation_reason: Mapped[str | None] = mapped_column(String(32))

    account: Mapped[Account] = relationship(foreign_keys=[account_id])
    decided_by: Mapped[Account | None] = relationship(foreign_keys=[decided_by_id])
    service: Mapped[Service] = relationship()
    role: Mapped[Role] = relationship()

    __table_args__ = (
        Index("ix_access_request_siren_service_id_status", "siren", "service_id", "status"),
        # One pending request per person, service and establishment: a second click does not duplicate it.
        Index(
            "uq_access_request_pending",
            "account_id",
            "service_id",
            "siret",
            unique=True,
            sqlite_where=text("status = 'PENDING'"),
            postgresql_where=text("status = 'PENDING'"),
        ),
    )

    @property
    def pending(self) -> bool:
        return self.status is AccessRequestStatus.PENDING
