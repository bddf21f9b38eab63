"""Services (démarches), their roles, and the habilitations accounts hold on them.

Kept minimal here: the portal issue builds their management. The claims the tokens carry are read
from these tables.
"""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.extensions import db
from idp.models.account import Account
from shared.clock import utcnow


class Service(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)  # "soffi", "sofi", "bpf", or any app's code
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    roles: Mapped[list["Role"]] = relationship(back_populates="service", order_by="Role.id")


class Role(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_manager: Mapped[bool] = mapped_column(Boolean, default=False)

    service: Mapped[Service] = relationship(back_populates="roles")

    __table_args__ = (UniqueConstraint("service_id", "code"),)


class Habilitation(db.Model):  # type: ignore[name-defined]
    """Account × service × role × SIRET, with how and when it was granted."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), index=True)
    siret: Mapped[str] = mapped_column(String(14))
    granted_via: Mapped[str] = mapped_column(String(200))  # "par code d'activation", "par Camille DEMOLOIRE"…
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    on_behalf_of_siret: Mapped[str | None] = mapped_column(String(14))  # set for a delegation to a third party
    delegated_by: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(3))  # INSEE region code of an operator role

    account: Mapped[Account] = relationship()
    role: Mapped[Role] = relationship(lazy="joined")
