import enum
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Enum, ForeignKey, Index, Integer, String, event
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.extensions import db
from idp.models.establishment import Establishment
from shared.clock import utcnow
from shared.text import fold


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


def search_text(prenom: str, nom: str, email: str) -> str:
    """What the gestionnaires' searches read: names and address, folded once when written, not at each search."""
    return fold(f"{prenom} {nom} {email}")


def _search_text_default(context: DefaultExecutionContext) -> str:
    values = context.get_current_parameters()
    return search_text(values["prenom"], values["nom"], values["email"])


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
    search_text: Mapped[str] = mapped_column(String(600), default=_search_text_default)

    establishment: Mapped[Establishment] = relationship()

    __table_args__ = (
        # On PostgreSQL a trigram index answers "contains" searches without reading every account.
        Index(
            "ix_account_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    @property
    def display_name(self) -> str:
        return f"{self.prenom} {self.nom}"

    @property
    def is_active(self) -> bool:
        return self.status is AccountStatus.ACTIVE


@event.listens_for(Account, "before_update")
def _refold(mapper: Any, connection: Any, account: Account) -> None:
    """A name or address changed through the ORM (profile, e-mail change): its search text follows."""
    account.search_text = search_text(account.prenom, account.nom, account.email)
