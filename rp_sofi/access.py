"""Who may see and do what in SOFI (sofi.md §2), from the roles held on the current establishment.

An organisation works on one SIRET at a time (the current establishment: for a delegated third party, the one
it acts for); the Carif-Oref's validators work region-wide. Objects of another SIRET answer 404, as if they did
not exist: their ids reveal nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g

from shared.oidc_client.access import current_user, login_required
from shared.oidc_client.establishments import current_establishment
from shared.oidc_client.roles import forbidden

F = TypeVar("F", bound=Callable[..., Any])

ROLES = ("gestionnaire", "contributeur", "consultation", "valideur_carif")
EDITORS = ("gestionnaire", "contributeur", "valideur_carif")


@dataclass(frozen=True)
class Scope:
    """What the logged-in user may do here."""

    siret: str  # the current establishment (the Carif-Oref's own, for a validator)
    roles: frozenset[str]
    actor_sub: str
    actor_name: str

    @property
    def carif(self) -> bool:
        return "valideur_carif" in self.roles

    @property
    def can_edit_offer(self) -> bool:
        return bool(self.roles & set(EDITORS))

    @property
    def can_submit(self) -> bool:
        """« Valider »: send to the Carif-Oref (which validates directly instead)."""
        return bool(self.roles & {"gestionnaire", "contributeur"})

    @property
    def can_edit_annuaire(self) -> bool:
        return bool(self.roles & {"gestionnaire", "valideur_carif"})

    def sees(self, siret: str) -> bool:
        return self.carif or siret == self.siret

    @property
    def sirets(self) -> tuple[str, ...] | None:
        """The SIRETs whose data is shown; None: all of them (the Carif-Oref)."""
        return None if self.carif else (self.siret,)


def current_scope() -> Scope | None:
    if "sofi_scope" not in g:
        user, establishment = current_user(), current_establishment()
        held = frozenset(h.role for h in establishment.habilitations) if establishment else frozenset()
        g.sofi_scope = (
            Scope(establishment.siret, held & set(ROLES), user.sub, user.display_name)
            if user and establishment and held & set(ROLES)
            else None
        )
    return cast(Scope | None, g.sofi_scope)


def get_scope() -> Scope:
    """The scope of a view protected by `require_sofi_role` (never None there)."""
    scope = current_scope()
    assert scope is not None
    return scope


def require_sofi_role(*role_codes: str) -> Callable[[F], F]:
    """Logged in, holding one of these roles (any SOFI role when none is named) on the current establishment."""
    wanted = role_codes or ROLES

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            scope = current_scope()
            if scope is None or not scope.roles & set(wanted):
                return forbidden(tuple(wanted))
            return view(*args, **kwargs)

        return cast(F, login_required(wrapped))

    return decorator


def check_visible(scope: Scope, siret: str) -> None:
    """404 for an object of another organisation."""
    if not scope.sees(siret):
        abort(404)
