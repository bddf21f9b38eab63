"""Who may see and do what in Mon Activité Formation (bpf.md §2, §8), from the claims only.

A déclarant or gestionnaire works for one organisation: the SIREN of the current establishment (for a delegated
third party, the one of `on_behalf_of_siret`, until its `expires_at`). A control agent (`controle_srf`) works on the
organisations of its `region` claim, every region when it has none. Another organisation's ids answer 404."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g

from rp_bpf.services.errors import NotFound
from rp_bpf.services.journal import Actor
from shared.oidc_client.access import current_user, login_required
from shared.oidc_client.claims import HabilitationClaim
from shared.oidc_client.establishments import Establishment, current_establishment
from shared.oidc_client.roles import forbidden

F = TypeVar("F", bound=Callable[..., Any])

DECLARANTS = ("declarant", "gestionnaire")
CONTROL = "controle_srf"


@dataclass(frozen=True)
class Scope:
    actor: Actor
    siret: str  # the current establishment (the organisation's, or the control service's own)
    siren: str | None  # the organisation declared for; None for a control agent
    control: bool
    region: str | None  # a control agent's région (INSEE code); None: national
    delegation: HabilitationClaim | None  # the delegation a third party acts through
    signataire: str  # « Prénom NOM », to pre-fill the signataire

    @property
    def national(self) -> bool:
        return self.control and self.region is None


def _expired(habilitation: HabilitationClaim, now: datetime) -> bool:
    ends = habilitation.expires
    return ends is not None and ends <= now


def _naive_utc(value: datetime | None) -> datetime | None:
    """A claim's time (with its offset) as the databases store times."""
    return value.astimezone(UTC).replace(tzinfo=None) if value else None


def _scope(establishment: Establishment, now: datetime) -> Scope | None:
    user = current_user()
    assert user is not None
    # A delegation past its end gives nothing, even before the next login re-reads the claims.
    held = [h for h in establishment.habilitations if not (h.delegated and _expired(h, now))]
    roles = {h.role for h in held}
    delegation = next((h for h in held if h.delegated and h.role in DECLARANTS), None)
    actor = Actor(user.sub, user.display_name)
    if delegation is not None:
        actor = Actor(user.sub, user.display_name, delegation.siret, _naive_utc(delegation.expires))
    signataire = f"{user.given_name} {user.family_name}".strip()
    if CONTROL in roles:
        regions = {h.region for h in held if h.role == CONTROL}
        region = None if None in regions else min(r for r in regions if r)
        return Scope(actor, establishment.siret, None, True, region, None, signataire)
    if roles & set(DECLARANTS):
        return Scope(actor, establishment.siret, establishment.siren, False, None, delegation, signataire)
    return None


def current_scope() -> Scope | None:
    if "bpf_scope" not in g:
        establishment = current_establishment()
        g.bpf_scope = _scope(establishment, datetime.now(UTC)) if establishment else None
    return cast(Scope | None, g.bpf_scope)


def get_scope() -> Scope:
    """The scope of a view protected by `require_declarant` or `require_control` (never None there)."""
    scope = current_scope()
    assert scope is not None
    return scope


def _require(control: bool, roles: tuple[str, ...]) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            scope = current_scope()
            if scope is None or scope.control != control:
                return forbidden(roles)
            try:
                return view(*args, **kwargs)
            except NotFound:
                abort(404)

        return cast(F, login_required(wrapped))

    return decorator


def require_declarant(view: F) -> F:
    """Logged in as déclarant or gestionnaire of the current establishment (a delegation still running)."""
    return _require(False, DECLARANTS)(view)


def require_control(view: F) -> F:
    """Logged in as a regional (or national) control agent."""
    return _require(True, (CONTROL,))(view)
