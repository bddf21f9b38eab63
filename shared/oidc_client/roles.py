"""What the user logged in on a relying party may do: `require_role(...)` checks the roles they hold on
their current establishment (`establishments.py`), and `forbidden(...)` is the 403 page that says how to
get them."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, render_template

from shared.oidc_client import establishments, messages
from shared.oidc_client.access import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])


def forbidden(role_codes: tuple[str, ...]) -> tuple[str, int]:
    """The 403 page: which role is needed here, and how to get it (the portal's « Ajouter une démarche » page of
    this service, or another of the user's establishments where they hold it)."""
    config, rp = current_app.config, current_app.extensions["oidc_rp"]
    labels = [f"« {rp.role_label(code)} »" for code in role_codes]
    text = messages.FORBIDDEN_ROLE.format(roles=" ou ".join(labels), service=config["SERVICE_NAME"])
    user = current_user()
    elsewhere = user is not None and user.has_role(*role_codes)
    page = render_template(
        "oidc_client/forbidden.html",
        title=messages.FORBIDDEN_TITLE,
        text=text,
        how=messages.FORBIDDEN_HOW,
        portal_label=messages.FORBIDDEN_PORTAL,
        add_url=f"{config['RP_PORTAL_URL'].rstrip('/')}/portail/services/{rp.service_code}/ajouter",
        other_establishment=messages.FORBIDDEN_OTHER_ESTABLISHMENT if elsewhere else None,
        switch_url=establishments.switch_url(),
        switch_label=messages.ESTABLISHMENTS_TITLE,
    )
    return page, 403


def require_role(*role_codes: str) -> Callable[[F], F]:
    """Only users holding one of these roles (of this service) on their current establishment see the page."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not establishments.holds_role_here(*role_codes):
                return forbidden(role_codes)
            return view(*args, **kwargs)

        return login_required(cast(F, wrapped))  # anonymous visitors: to /connexion first

    return decorator
