"""Every state change of the offer and the annuaire, appended and never changed: who (the `sub` and name of the
ID token), on which SIRET, when, what, and the comment that went with it."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rp_sofi.extensions import db
from shared.clock import utcnow


class JournalEvent(enum.StrEnum):
    ACTION_SUBMITTED = "action:submitted"
    ACTION_VALIDATED = "action:validated"
    ACTION_QUESTIONED = "action:questioned"
    ACTION_ANSWERED = "action:answered"
    ACTION_REFUSED = "action:refused"
    ACTION_REOPENED = "action:reopened"  # a validated action edited: back to « en cours de saisie »
    CERTIFINFO_REPLACED = "action:certifinfo:replaced"
    RECORD_SUBMITTED = "annuaire:submitted"
    RECORD_ACCEPTED = "annuaire:accepted"
    RECORD_REJECTED = "annuaire:rejected"


class JournalEntry(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_sub: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(250))
    siret: Mapped[str] = mapped_column(String(14), index=True)
    event: Mapped[JournalEvent] = mapped_column(Enum(JournalEvent, native_enum=False, length=40))
    object_type: Mapped[str] = mapped_column(String(16))  # "action", "etablissement", "site"
    object_id: Mapped[str] = mapped_column(String(14))
    comment: Mapped[str | None] = mapped_column(Text)
