"""« État statistique et financier » (soffi.md §3): one statement per collecting body and campaign, the version
frozen at each filing, its history, the agents' comments on its lines and its attachments.

The figures are one JSON document in `statement/values.py`'s shape (integer cents, never floats) rather than one
row per line: a statement is always read and written whole (the rules of §6 need every line, « Enregistrer »
sends every field), the frozen versions keep the very same document, and values.py already refuses any other
shape when it is read back. A save is then one UPDATE of one row, which `version` guards (optimistic locking:
SQLAlchemy refuses a save from a stale page). The sector's figures (the agents' dashboard) are added up by the
database from `StatementTotal`, the totals of each validated statement kept beside it."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rp_soffi.extensions import db
from rp_soffi.models.campaign import Campaign
from rp_soffi.models.collecting_body import CollectingBody
from rp_soffi.statement.attachments import AttachmentKind
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.workflow import Action, Status
from shared.clock import utcnow

_STATUS = Enum(Status, native_enum=False, length=16)


class Statement(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("collecting_body.id"))  # indexed by the unique pair
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    status: Mapped[Status] = mapped_column(_STATUS, default=Status.BROUILLON)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)  # values.StatementData.to_json()
    filing_number: Mapped[int] = mapped_column(Integer, default=0)  # §3 `version`: +1 at each filing
    filed_at: Mapped[datetime | None] = mapped_column(DateTime)
    filed_by_sub: Mapped[str | None] = mapped_column(String(255))
    filed_by_name: Mapped[str | None] = mapped_column(String(250))
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # « Hors délai »
    checksum: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the last filed snapshot
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewer_sub: Mapped[str | None] = mapped_column(String(255))
    reviewer_name: Mapped[str | None] = mapped_column(String(250))
    review_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    body: Mapped[CollectingBody] = relationship()
    campaign: Mapped[Campaign] = relationship()
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="statement", order_by="Attachment.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("body_id", "campaign_id"),)


class StatementVersion(db.Model):  # type: ignore[name-defined]
    """What was filed, frozen: the figures, the alerts acknowledged and the attachments' hashes. Never changed nor
    deleted: the agent reviews this, and a re-filing adds the next one."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    filed_at: Mapped[datetime] = mapped_column(DateTime)
    filed_by_sub: Mapped[str] = mapped_column(String(255))
    filed_by_name: Mapped[str] = mapped_column(String(250))
    late: Mapped[bool] = mapped_column(Boolean)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)  # figures, totals, alerts, attachments
    checksum: Mapped[str] = mapped_column(String(64))  # SHA-256 of the snapshot's canonical bytes

    __table_args__ = (UniqueConstraint("statement_id", "number"),)


class StatementEvent(db.Model):  # type: ignore[name-defined]
    """« Historique »: each transition of §4, appended and never changed."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_sub: Mapped[str] = mapped_column(String(255))
    actor_name: Mapped[str] = mapped_column(String(250))
    actor_role: Mapped[str] = mapped_column(String(32))
    action: Mapped[Action] = mapped_column(Enum(Action, native_enum=False, length=32))
    from_status: Mapped[Status | None] = mapped_column(_STATUS)
    to_status: Mapped[Status] = mapped_column(_STATUS)
    comment: Mapped[str | None] = mapped_column(Text)


class StatementTotal(db.Model):  # type: ignore[name-defined]
    """A total line of a validated statement (RT, ET, S2: what the agents' dashboard adds up), its amount as
    `StatementData.amount` computes it, so that the dashboard sums them in SQL instead of reading every JSON
    document. Written in the transaction that moves the statement to « Validé », deleted in the one that moves it
    out (« Rouvrir »): a statement has these rows exactly while it is validated, and its figures cannot change
    meanwhile. Its campaign and body type are copied here (neither changes while the statement is validated: a
    body's type is locked once it has filed) so that the sums read this narrow table alone."""

    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), primary_key=True)
    line_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    body_type: Mapped[BodyType] = mapped_column(Enum(BodyType, native_enum=False, length=16))  # the statement's
    amount_cents: Mapped[int] = mapped_column(BigInteger)


class LineComment(db.Model):  # type: ignore[name-defined]
    """An agent's comment on one line, for one review round (the filing it was written on)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), index=True)
    line_code: Mapped[str] = mapped_column(String(4))
    round: Mapped[int] = mapped_column(Integer)  # the statement's filing_number when written
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)
    author_sub: Mapped[str] = mapped_column(String(255))
    author_name: Mapped[str] = mapped_column(String(250))


class Attachment(db.Model):  # type: ignore[name-defined]
    """« Pièce jointe »: the file itself is stored under the attachments folder, named by its SHA-256 (never by the
    name the user gave, kept here only to be shown)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(Enum(AttachmentKind, native_enum=False, length=24))
    original_name: Mapped[str] = mapped_column(String(255))  # sanitised
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_path: Mapped[str] = mapped_column(String(80))  # relative to the folder: "ab/abcdef…"
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    uploaded_by_sub: Mapped[str] = mapped_column(String(255))
    uploaded_by_name: Mapped[str] = mapped_column(String(250))

    statement: Mapped[Statement] = relationship(back_populates="attachments")
