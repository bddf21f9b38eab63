"""Every state change of a déclaration or a BPF, appended and never changed: who (the `sub` and name of the ID
token, and the third party's SIRET when delegated), for which SIREN, when, what, and the reason given."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rp_bpf.extensions import db
from shared.clock import utcnow


class JournalEvent(enum.StrEnum):
    DECLARATION_DEPOSITED = "declaration:deposited"
    DECLARATION_CHANGED = "declaration:changed"
    DECLARATION_REGISTERED = "declaration:registered"
    DECLARATION_REFUSED = "declaration:refused"
    DECLARATION_CADUQUE = "declaration:caduque"
    DECLARATION_CEASED = "declaration:ceased"
    BPF_STARTED = "bpf:started"
    BPF_IMPORTED = "bpf:imported"
    BPF_TRANSMITTED = "bpf:transmitted"
    BPF_RECTIFYING = "bpf:rectifying"
    BPF_REOPENED = "bpf:reopened"
    CAMPAIGN_CHANGED = "campaign:changed"


class JournalEntry(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_sub: Mapped[str] = mapped_column(String(255))
    actor_name: Mapped[str] = mapped_column(String(250))
    actor_siret: Mapped[str | None] = mapped_column(String(14))  # a third party's own SIRET
    siren: Mapped[str | None] = mapped_column(String(9), index=True)  # None: a campaign's change
    event: Mapped[JournalEvent] = mapped_column(Enum(JournalEvent, native_enum=False, length=32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
