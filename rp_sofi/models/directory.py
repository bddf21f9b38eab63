"""The annuaire: an établissement (one SIRET) with its sites and their contacts.

A record changed by its gestionnaire and submitted is locked until the Carif-Oref decides; `previous` keeps
the values it had when it was last accepted, so that a refusal puts them back."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rp_sofi.extensions import db
from shared.clock import utcnow


class RecordStatus(enum.StrEnum):
    ACTIF = "actif"
    EN_ATTENTE_VALIDATION = "en_attente_validation"


class Etablissement(db.Model):  # type: ignore[name-defined]
    siret: Mapped[str] = mapped_column(String(14), primary_key=True)
    raison_sociale: Mapped[str] = mapped_column(String(250))  # from SIRENE, read-only
    nda: Mapped[str | None] = mapped_column(String(11))  # N° de déclaration d'activité
    description: Mapped[str] = mapped_column(Text, default="")
    domaines: Mapped[list[str]] = mapped_column(JSON, default=list)  # Formacodes
    status: Mapped[RecordStatus] = mapped_column(Enum(RecordStatus, native_enum=False, length=32))
    previous: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    sites: Mapped[list["Site"]] = relationship(back_populates="etablissement", order_by="Site.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def locked(self) -> bool:
        return self.status is RecordStatus.EN_ATTENTE_VALIDATION


class Site(db.Model):  # type: ignore[name-defined]
    """« Site 36231 - IFAS LA ROCHE/YON »: ids are a 5-digit sequence, as SOFI shows them."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    siret: Mapped[str] = mapped_column(ForeignKey("etablissement.siret"), index=True)
    nom_usage: Mapped[str] = mapped_column(String(120))
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)
    adresse: Mapped[str] = mapped_column(String(250))
    code_postal: Mapped[str] = mapped_column(String(5))
    commune: Mapped[str] = mapped_column(String(120))
    telephone: Mapped[str] = mapped_column(String(20), default="")
    courriel: Mapped[str] = mapped_column(String(254), default="")
    url: Mapped[str] = mapped_column(String(250), default="")
    dispensateur: Mapped[bool] = mapped_column(Boolean, default=True)  # may be an action's « Site dispensateur »
    lieu: Mapped[bool] = mapped_column(Boolean, default=True)  # may be a session's « Site lieu »
    status: Mapped[RecordStatus] = mapped_column(Enum(RecordStatus, native_enum=False, length=32))
    previous: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # None for a site never accepted yet
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    etablissement: Mapped[Etablissement] = relationship(back_populates="sites")
    contacts: Mapped[list["Contact"]] = relationship(back_populates="site", order_by="Contact.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def locked(self) -> bool:
        return self.status is RecordStatus.EN_ATTENTE_VALIDATION

    @property
    def text(self) -> str:
        return f"{self.id} {self.nom_usage}"


class Contact(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    civilite: Mapped[str] = mapped_column(String(8), default="")
    nom: Mapped[str] = mapped_column(String(120))
    prenom: Mapped[str] = mapped_column(String(120), default="")
    fonction: Mapped[str] = mapped_column(String(120), default="")
    telephone: Mapped[str] = mapped_column(String(20), default="")
    courriel: Mapped[str] = mapped_column(String(254), default="")

    site: Mapped[Site] = relationship(back_populates="contacts")
