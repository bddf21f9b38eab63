"""The déclaration d'activité (bpf.md §3, §4.1): one per SIREN, whose NDA the control service assigns when it
registers it. Its fields mirror the BPF's frames A and H. `lock` refuses a save from a stale page."""

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Enum, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rp_bpf.extensions import db
from shared.clock import utcnow


class DeclarationStatus(enum.StrEnum):
    DEPOSEE = "deposee"
    ENREGISTREE = "enregistree"
    REFUSEE = "refusee"
    CADUQUE = "caduque"
    CESSEE = "cessee"

    @property
    def label(self) -> str:
        return {
            "deposee": "Déposée",
            "enregistree": "Enregistrée",
            "refusee": "Refusée",
            "caduque": "Caduque",
            "cessee": "Cessation d'activité",
        }[self]


class Declaration(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    siren: Mapped[str] = mapped_column(String(9), unique=True)
    siret: Mapped[str] = mapped_column(String(14))  # the siège's: the OF may update it (same SIREN)
    nda: Mapped[str | None] = mapped_column(String(11), unique=True)
    region: Mapped[str] = mapped_column(String(2))  # INSEE code, from the département (indexed below)
    departement: Mapped[str] = mapped_column(String(3), index=True)  # from the postal code: "44", "2A", "971"
    denomination: Mapped[str] = mapped_column(String(250))
    forme_juridique: Mapped[str] = mapped_column(String(120))
    code_naf: Mapped[str] = mapped_column(String(6), index=True)
    adresse: Mapped[str] = mapped_column(String(250))
    code_postal: Mapped[str] = mapped_column(String(5))
    commune: Mapped[str] = mapped_column(String(120))
    adresse_publique: Mapped[bool] = mapped_column(Boolean)
    telephone: Mapped[str] = mapped_column(String(20))
    courriel: Mapped[str] = mapped_column(String(254))
    dirigeant_nom: Mapped[str] = mapped_column(String(250))
    dirigeant_qualite: Mapped[str] = mapped_column(String(120))
    date_debut_activite: Mapped[date | None] = mapped_column(Date)
    status: Mapped[DeclarationStatus] = mapped_column(Enum(DeclarationStatus, native_enum=False, length=16))
    motif: Mapped[str | None] = mapped_column(Text)  # of the refusal or the caducité
    deposited_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    registered_at: Mapped[datetime | None] = mapped_column(DateTime)
    lock: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock}
    # The control services' list is sorted by dénomination: read in that order, not sorted whole at each page.
    # The counters read the status and SIREN of every declaration (of a région): from this index alone on PostgreSQL.
    __table_args__ = (
        Index("ix_declaration_denomination_id", "denomination", "id"),
        Index("ix_declaration_region_status", "region", "status", postgresql_include=["siren", "id"]),
    )


class AssignedNda(db.Model):  # type: ignore[name-defined]
    """Every NDA ever assigned, kept when its declaration ends: a number is never given twice, and a receipt's
    NDA always names the organisation it was assigned to."""

    nda: Mapped[str] = mapped_column(String(11), primary_key=True)
    siren: Mapped[str] = mapped_column(String(9), index=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
