import enum
import secrets
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.extensions import db
from idp.models.establishment import Establishment
from shared.clock import utcnow


class AccountStatus(enum.StrEnum):
    PENDING = "pending"  # created, activation link not used yet
    ACTIVE = "active"
    DISABLED = "disabled"  # by an operator


class Civilite(enum.StrEnum):
    MADAME = "Mme"
    MONSIEUR = "M"

    @property
    def label(self) -> str:
        return "Madame" if self is Civilite.MADAME else "Monsieur"


def new_subject() -> str:
    """The OIDC `sub`: random and opaque, never the database id nor the e-mail."""
    return secrets.token_urlsafe(24)


class Account(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), unique=True, default=new_subject)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-cased
    password_hash: Mapped[str] = mapped_column(String(255))
    civilite: Mapped[Civilite] = mapped_column(Enum(Civilite, native_enum=False, length=8))
    nom: Mapped[str] = mapped_column(String(100))
    prenom: Mapped[str] = mapped_column(String(100))
    telephone: Mapped[str | None] = mapped_column(String(32))  # E.164
    siret: Mapped[str] = mapped_column(ForeignKey("establishment.siret"), index=True)
    status: Mapped[AccountStatus] = mapped_column(
        Enum(AccountStatus, native_enum=False, length=16), default=AccountStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # When what the `profile` and `email` claims say last changed (not at every login): set by the services.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    establishment: Mapped[Establishment] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.prenom} {self.nom}"

    @property
    def is_active(self) -> bool:
        return self.status is AccountStatus.ACTIVE
