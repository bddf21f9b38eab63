"""The published offer: one row per session of a validated action, rebuilt when the Carif-Oref validates it.

The public catalogue and the session counters read it; an action edited after its validation stays published
as validated until the Carif-Oref validates it again."""

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rp_sofi.extensions import db


class PublishedSession(db.Model):  # type: ignore[name-defined]
    session_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    siret: Mapped[str] = mapped_column(String(14), index=True)
    organisme: Mapped[str] = mapped_column(String(250))
    intitule: Mapped[str] = mapped_column(Text)
    certifinfo: Mapped[int | None] = mapped_column(Integer)
    formacodes: Mapped[str] = mapped_column(String(200), default="")  # ";14201;14207;": searchable with LIKE
    lieu: Mapped[str] = mapped_column(String(120))
    code_postal: Mapped[str] = mapped_column(String(5))
    commune: Mapped[str] = mapped_column(String(120))
    date_debut: Mapped[date] = mapped_column(Date)
    date_fin: Mapped[date] = mapped_column(Date)
    public: Mapped[bool] = mapped_column(Boolean, default=False)

    # Every count and search starts with the sessions still running; with the public flag and the postal code
    # in the index, the region's and a département's session counters are index-only scans.
    __table_args__ = (Index("ix_published_session_date_fin", "date_fin", "public", "code_postal"),)
