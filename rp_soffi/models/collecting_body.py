"""« Organisme collecteur » (soffi.md §3): the register DGEFP agents keep, one body per SIREN (a legal entity: its
establishments, an OPCO's regional delegations, share one statement), and the journal of what agents did to it."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rp_soffi.extensions import db
from rp_soffi.models.agent_action import AgentActionMixin
from rp_soffi.statement.catalogue import BodyType
from shared.clock import utcnow


class CollectingBody(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    siren: Mapped[str] = mapped_column(String(9), unique=True)
    siret_siege: Mapped[str] = mapped_column(String(14))
    name: Mapped[str] = mapped_column(String(200))  # « Raison sociale » (dénomination)
    body_type: Mapped[BodyType] = mapped_column(Enum(BodyType, native_enum=False, length=16))
    region: Mapped[str | None] = mapped_column(String(3))  # INSEE code of the head office's région
    agrement_ref: Mapped[str] = mapped_column(String(50), default="")
    branches_count: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Optimistic locking: an agent's « Modifier » built from an older page is refused, not silently merged.
    lock: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock}


class BodyEventType(enum.StrEnum):
    REGISTERED = "body:registered"
    CHANGED = "body:changed"
    DEACTIVATED = "body:deactivated"
    REACTIVATED = "body:reactivated"

    @property
    def label(self) -> str:
        return BODY_EVENT_LABELS[self]


BODY_EVENT_LABELS = {
    BodyEventType.REGISTERED: "Ajout au registre",
    BodyEventType.CHANGED: "Modification",
    BodyEventType.DEACTIVATED: "Désactivation",
    BodyEventType.REACTIVATED: "Réactivation",
}


class BodyEvent(AgentActionMixin, db.Model):  # type: ignore[name-defined]
    """What an agent did to the register (soffi.md §9: every agent action is audited), appended and never changed:
    who, when, which body, and for a change each field's old and new value."""

    body_id: Mapped[int] = mapped_column(ForeignKey("collecting_body.id"), index=True)
    event: Mapped[BodyEventType] = mapped_column(Enum(BodyEventType, native_enum=False, length=32))
