"""« Organismes collecteurs » (soffi.md §5.6): the register DGEFP agents keep; a body's users only ever reach their
own, by the SIREN of their habilitation (access.py)."""

from sqlalchemy import select

from rp_soffi import messages
from rp_soffi.models import CollectingBody
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import NotAllowed, NotFound
from rp_soffi.services.transaction import transaction
from rp_soffi.statement.catalogue import BodyType
from shared.db import DbSession
from shared.identifiers import compact, is_valid_siren, is_valid_siret

MAX_NAME = 200


def find_body(db: DbSession, siren: str) -> CollectingBody | None:
    """The active body of this SIREN: the one a user's habilitation selects (§8), None when not referenced."""
    if len(siren) != 9 or not is_valid_siren(siren):  # bounded before it reaches a query
        return None
    return db.scalar(select(CollectingBody).where(CollectingBody.siren == siren, CollectingBody.active.is_(True)))


def get_body(db: DbSession, body_id: int) -> CollectingBody:
    body = db.get(CollectingBody, body_id)
    if body is None:
        raise NotFound(messages.NOT_FOUND)
    return body


@transaction
def register_body(
    db: DbSession,
    actor: Actor,
    siret_siege: str,
    name: str,
    body_type: BodyType,
    region: str | None = None,
    branches_count: int | None = None,
) -> CollectingBody:
    """Add a body to the register by the SIRET of its head office (agents only; one per SIREN)."""
    if not actor.agent:
        raise NotAllowed(messages.FORBIDDEN)
    siret_siege = compact(siret_siege[:30])
    if (
        not is_valid_siret(siret_siege)
        or not name.strip()
        or len(name) > MAX_NAME
        or not _bounded(region, branches_count)
    ):
        raise NotAllowed(messages.BODY_INVALID, "siret_siege")
    if db.scalar(select(CollectingBody.id).where(CollectingBody.siren == siret_siege[:9])) is not None:
        raise NotAllowed(messages.BODY_EXISTS, "siret_siege")
    body = CollectingBody(
        siren=siret_siege[:9],
        siret_siege=siret_siege,
        name=name.strip(),
        body_type=body_type,
        region=region,
        branches_count=branches_count,
    )
    db.add(body)
    db.flush()
    return body


def _bounded(region: str | None, branches_count: int | None) -> bool:
    """An INSEE région code (2 digits, 3 for a few overseas ones) and a count that fits an INTEGER."""
    return (region is None or (region.isdigit() and len(region) in (2, 3))) and (
        branches_count is None or 0 <= branches_count < 2**31
    )
