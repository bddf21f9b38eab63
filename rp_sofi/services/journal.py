"""Appending to the journal of state changes."""

from rp_sofi.access import Scope
from rp_sofi.models import JournalEntry
from rp_sofi.models.journal import JournalEvent
from shared.db import DbSession


def record(
    db: DbSession, scope: Scope, event: JournalEvent, object_type: str, object_id: object, siret: str,
    comment: str | None = None,
) -> JournalEntry:  # fmt: skip
    entry = JournalEntry(
        actor_sub=scope.actor_sub, actor_name=scope.actor_name, siret=siret, event=event,
        object_type=object_type, object_id=str(object_id), comment=comment,
    )  # fmt: skip
    db.add(entry)
    return entry
