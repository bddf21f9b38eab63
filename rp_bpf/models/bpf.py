"""BPFs (bpf.md §3, §4.2): one row per version of an organisation's BPF for an exercice, never deleted. A draft
keeps its content as JSON (rp_bpf.bpf.snapshot); « Transmettre » freezes it: the snapshot's canonical bytes, their
SHA-256 and the receipt's PDF are written once and never again. `lock` refuses a save from a stale page."""

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from rp_bpf.extensions import db
from shared.clock import utcnow


class BpfStatus(enum.StrEnum):
    BROUILLON = "brouillon"
    BROUILLON_RECTIFICATIF = "brouillon_rectificatif"
    TRANSMIS = "transmis"
    RECTIFIE = "rectifie"  # a transmitted version replaced by a later one

    @property
    def is_draft(self) -> bool:
        return self in (BpfStatus.BROUILLON, BpfStatus.BROUILLON_RECTIFICATIF)

    @property
    def label(self) -> str:
        return {
            "brouillon": "Brouillon",
            "brouillon_rectificatif": "Brouillon rectificatif",
            "transmis": "Transmis",
            "rectifie": "Rectifié",
        }[self]


class Bpf(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"))
    siren: Mapped[str] = mapped_column(String(9))
    exercice: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)  # 1 initial, k+1 the k-th rectificative
    status: Mapped[BpfStatus] = mapped_column(Enum(BpfStatus, native_enum=False, length=24))
    content: Mapped[str] = mapped_column(Text)  # JSON (snapshot.content_to_json); frozen once transmitted
    reopen_motif: Mapped[str | None] = mapped_column(Text)  # the control service's, when it reopened it
    # Totals kept as columns for the control services' counters and lists (computed, never typed)
    c_total: Mapped[int] = mapped_column(BigInteger, default=0)
    f1_stagiaires: Mapped[int] = mapped_column(BigInteger, default=0)
    f1_heures: Mapped[int] = mapped_column(BigInteger, default=0)
    no_activity: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    transmitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    transmitted_by_sub: Mapped[str | None] = mapped_column(String(255))
    transmitted_by_name: Mapped[str | None] = mapped_column(String(250))
    transmitted_by_siret: Mapped[str | None] = mapped_column(String(14))  # a third party's own SIRET
    on_behalf_of_siret: Mapped[str | None] = mapped_column(String(14))  # the organisation it acted for
    signataire_nom: Mapped[str | None] = mapped_column(String(250))
    signataire_qualite: Mapped[str | None] = mapped_column(String(120))
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # « Hors délai »
    receipt_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64))
    # The delegated third party who last worked on the draft and the end of its delegation, as its claims said then:
    # a delegation ending before the deadline is pointed out to the organisation (services/delegations.py).
    delegate_name: Mapped[str | None] = mapped_column(String(250))
    delegate_siret: Mapped[str | None] = mapped_column(String(14))
    delegation_ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    lock: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock}
    __table_args__ = (
        UniqueConstraint("siren", "exercice", "version"),
        # The BPFs in force of an exercice, joined by SIREN to the declarations on the control pages: read from the
        # index alone on PostgreSQL (the table's rows hold the snapshots).
        Index(
            "ix_bpf_in_force",
            "exercice",
            "status",
            "siren",
            postgresql_include=["id", "late", "no_activity", "version"],
        ),
    )


class Receipt(db.Model):  # type: ignore[name-defined]
    """The « Accusé de réception » of one transmission: the PDF's bytes, written once."""

    bpf_id: Mapped[int] = mapped_column(ForeignKey("bpf.id"), primary_key=True, autoincrement=False)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
