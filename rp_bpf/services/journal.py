"""Who acts (from the ID token's claims) and the journal rows every state change appends."""

from dataclasses import dataclass
from datetime import datetime

from rp_bpf.models import JournalEntry, JournalEvent
from shared.db import DbSession


@dataclass(frozen=True)
class Actor:
    sub: str
    name: str
    third_party_siret: str | None = None  # a delegated déclarant's own firm
    delegation_ends_at: datetime | None = None  # … and when its delegation ends (naive UTC), if it does


def record(
    db: DbSession,
    actor: Actor,
    event: JournalEvent,
    siren: str | None,
    now: datetime,
    object_id: int | None = None,
    comment: str | None = None,
) -> None:
    db.add(
        JournalEntry(
            at=now,
            actor_sub=actor.sub,
            actor_name=actor.name,
            actor_siret=actor.third_party_siret,
            siren=siren,
            event=event,
            object_id=object_id,
            comment=comment,
        )
    )
