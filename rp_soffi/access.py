"""Who may see what in SOFFi (soffi.md §2, §8), from the claims alone: the « soffi » habilitations held on the
current establishment (for a delegated third party, the one it acts for: `on_behalf_of_siret`). A body is a legal
entity, so the scope is the establishment's SIREN; DGEFP agents see every body. A habilitation past its
`expires_at` counts for nothing (the session may outlive it by hours).

Objects of another body answer 404, as if they did not exist: their ids reveal nothing. Which body the SIREN is,
and whether it is referenced, the services say (`bodies.find_body`)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g

from rp_soffi.extensions import db
from rp_soffi.services import recipients
from rp_soffi.services.actor import Actor
from rp_soffi.statement.workflow import COLLECTOR_ROLES, Role
from shared.clock import utcnow
from shared.oidc_client.access import User, current_user, login_required
from shared.oidc_client.claims import HabilitationClaim
from shared.oidc_client.establishments import current_establishment
from shared.oidc_client.roles import forbidden

F = TypeVar("F", bound=Callable[..., Any])

SERVICE = "soffi"
# When several roles are held on one establishment, the one acted with: the widest.
_ROLES = frozenset(Role)
STRONGEST_FIRST = (Role.AGENT_DGEFP, Role.GESTIONNAIRE, Role.ORGANISME_COLLECTEUR, Role.CONSULTATION)


@dataclass(frozen=True)
class Scope:
    """What the logged-in user may see here, and as whom they act."""

    siren: str  # the body of the current establishment (the agent's own, for an agent)
    role: Role
    actor_sub: str
    actor_name: str

    @property
    def agent(self) -> bool:
        return self.role is Role.AGENT_DGEFP

    @property
    def actor(self) -> Actor:
        return Actor(self.actor_sub, self.actor_name, self.role)

    def sees(self, siren: str) -> bool:
        return self.agent or siren == self.siren


def scope_of(
    sub: str, name: str, siret: str, habilitations: Iterable[HabilitationClaim], now: datetime
) -> Scope | None:
    """The scope given by the habilitations held on establishment `siret` (the claims' grouping: a delegation
    counts for the SIRET it acts for); None when none of them is a live SOFFi role."""
    held = {
        Role(habilitation.role)
        for habilitation in habilitations
        if habilitation.service == SERVICE
        and habilitation.role in _ROLES
        and (habilitation.on_behalf_of_siret or habilitation.siret) == siret
        and not _expired(habilitation, now)
    }
    role = next((role for role in STRONGEST_FIRST if role in held), None)
    return Scope(siret[:9], role, sub, name) if role is not None else None


def _expired(habilitation: HabilitationClaim, now: datetime) -> bool:
    """`now` naive UTC, as stored everywhere; `expires_at` carries its offset. Unreadable: refused as expired."""
    if not habilitation.expires_at:
        return False
    try:
        expires = habilitation.expires
    except ValueError:
        return True
    assert expires is not None
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    return expires <= now.replace(tzinfo=UTC)


def remember_user(user: User) -> None:
    """At each login (the relying party's `on_login`): the bodies this person may file for, so that the e-mails of
    their statements reach them (services/recipients.py)."""
    now = utcnow()
    recipients.remember(db.session, user.sub, user.email, user.display_name, _memberships(user.habilitations, now), now)


def correct_user(sub: str, habilitations: tuple[HabilitationClaim, ...] | None) -> None:
    """The provider says this person's rights on SOFFi changed (revoked, changed, ended), with what they hold now:
    the bodies they may file for are those; when it could not say (too many habilitations for a token), none until
    their next login."""
    if habilitations is None:
        recipients.forget(db.session, sub)
    else:
        recipients.correct(db.session, sub, _memberships(habilitations, utcnow()))


def _memberships(habilitations: Iterable[HabilitationClaim], now: datetime) -> list[recipients.Membership]:
    return [
        recipients.Membership(
            (habilitation.on_behalf_of_siret or habilitation.siret)[:9], habilitation.role, _end(habilitation)
        )
        for habilitation in habilitations
        if habilitation.service == SERVICE and habilitation.role in COLLECTOR_ROLES and not _expired(habilitation, now)
    ]


def _end(habilitation: HabilitationClaim) -> datetime | None:
    """A readable `expires_at` (`_expired` refused the others) as stored times are: naive UTC."""
    expires = habilitation.expires
    if expires is None or expires.tzinfo is None:
        return expires
    return expires.astimezone(UTC).replace(tzinfo=None)


def current_scope() -> Scope | None:
    if "soffi_scope" not in g:
        user, establishment = current_user(), current_establishment()
        g.soffi_scope = (
            scope_of(user.sub, user.display_name, establishment.siret, establishment.habilitations, utcnow())
            if user and establishment
            else None
        )
    return cast(Scope | None, g.soffi_scope)


def get_scope() -> Scope:
    """The scope of a view protected by `require_soffi_role` (never None there)."""
    scope = current_scope()
    assert scope is not None
    return scope


def require_soffi_role(*roles: Role) -> Callable[[F], F]:
    """Logged in, acting with one of these roles (any SOFFi role when none is named) on the current establishment."""
    wanted = roles or tuple(Role)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            scope = current_scope()
            if scope is None or scope.role not in wanted:
                return forbidden(tuple(role.value for role in wanted))
            return view(*args, **kwargs)

        return cast(F, login_required(wrapped))

    return decorator


def check_visible(scope: Scope, siren: str) -> None:
    """404 for an object of another body."""
    if not scope.sees(siren):
        abort(404)
