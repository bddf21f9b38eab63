"""Habilitations: the roles accounts hold on services, for a SIRET, with how and when they were granted.

The company ("entreprise") is the SIREN: a habilitation belongs to the company of its establishment,
or for a delegation to a third party, to the company it acts for (`company_siren`).
"""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.extensions import db
from idp.models.account import Account
from idp.models.service import Role
from shared.clock import utcnow


def _company_siren(context: DefaultExecutionContext) -> str:
    values = context.get_current_parameters()
    return str(values["on_behalf_of_siret"] or values["siret"])[:9]


class Habilitation(db.Model):  # type: ignore[name-defined]
    """Account × service × role × SIRET, with how and when it was granted.

    Never deleted: removing one sets `revoked_at`, so that the access journal keeps its history.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), index=True)
    siret: Mapped[str] = mapped_column(String(14))
    # The SIREN of the company whose gestionnaires manage it: siret[:9], or on_behalf_of_siret[:9].
    company_siren: Mapped[str] = mapped_column(String(9), default=_company_siren)
    granted_via: Mapped[str] = mapped_column(String(200))  # "par code d'activation", "par Camille DEMOLOIRE"…
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    on_behalf_of_siret: Mapped[str | None] = mapped_column(String(14))  # set for a delegation to a third party
    delegated_by: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(3))  # INSEE region code of an operator role

    account: Mapped[Account] = relationship(foreign_keys=[account_id])
    role: Mapped[Role] = relationship(lazy="joined")

    __table_args__ = (Index("ix_habilitation_company_siren_role_id", "company_siren", "role_id"),)

    @property
    def delegated(self) -> bool:
        return self.on_behalf_of_siret is not None

    def active_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
