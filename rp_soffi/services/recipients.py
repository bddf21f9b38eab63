"""Who SOFFi's e-mails go to (soffi.md §4): a body's « Organisme Collecteur » and « Gestionnaire » users, as their
last login told — the service knows a person only once they have logged in, and each login replaces what it knew of
them. An ended habilitation is skipped by its date; when the provider announces that a person's rights changed
(a habilitation withdrawn, changed or ended: back-channel logout, even with no session open here), their bodies are
replaced by those the announcement gives — a person who left a body receives nothing more of it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select

from rp_soffi.models import BodyUser
from rp_soffi.services.transaction import transaction
from shared.db import DbSession

MAX_RECIPIENTS = 100  # a body's filers are a handful; past this many, the most recently seen


@dataclass(frozen=True)
class Membership:
    """One body a person may file for: its SIREN, the role, and when that habilitation ends (naive UTC)."""

    siren: str
    role: str
    expires_at: datetime | None


@transaction
def remember(db: DbSession, sub: str, email: str, name: str, memberships: Iterable[Membership], now: datetime) -> None:
    """At each login: the person's rows replaced by the bodies they may file for now."""
    db.execute(delete(BodyUser).where(BodyUser.sub == sub))
    _add(db, sub, email, name, memberships, now)


@transaction
def correct(db: DbSession, sub: str, memberships: Iterable[Membership]) -> None:
    """The provider's word on the bodies the person may file for now: their rows replaced, with the address and name
    of their last login (a person SOFFi has not seen stays unknown until they log in)."""
    # Every row of a person comes from the same login: any one of them says who they are.
    known = db.execute(
        select(BodyUser.email, BodyUser.name, BodyUser.seen_at).where(BodyUser.sub == sub).limit(1)
    ).first()
    db.execute(delete(BodyUser).where(BodyUser.sub == sub))
    if known is not None:
        email, name, seen_at = known
        _add(db, sub, email, name, memberships, seen_at)


def _add(db: DbSession, sub: str, email: str, name: str, memberships: Iterable[Membership], seen_at: datetime) -> None:
    for membership in {membership.siren: membership for membership in memberships}.values():
        db.add(
            BodyUser(
                sub=sub,
                siren=membership.siren,
                email=email[:320],
                name=name[:250],
                role=membership.role,
                expires_at=membership.expires_at,
                seen_at=seen_at,
            )
        )


@transaction
def forget(db: DbSession, sub: str) -> None:
    """Nothing is known of the person's rights now: no e-mails to them until their next login."""
    db.execute(delete(BodyUser).where(BodyUser.sub == sub))


def addresses(db: DbSession, siren: str, now: datetime) -> list[str]:
    """The body's users' addresses whose habilitation still runs, each once."""
    query = (
        select(BodyUser.email)
        .where(BodyUser.siren == siren, or_(BodyUser.expires_at.is_(None), BodyUser.expires_at > now))
        .order_by(BodyUser.seen_at.desc(), BodyUser.sub)
        .limit(MAX_RECIPIENTS)
    )
    return list(dict.fromkeys(db.scalars(query)))
