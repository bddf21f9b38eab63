"""Relying-party side of OpenID Connect, shared by the ministry's services.

`init_rp(app, service_code=…)` gives an app /connexion, /callback, /deconnexion, /etablissement and
/backchannel-logout against the identity provider named by its settings (RP_ISSUER, RP_CLIENT_ID, RP_CLIENT_SECRET,
RP_PUBLIC_URL, RP_PORTAL_URL, RP_SESSION_LIFETIME), and `current_user` and `current_establishment` in its templates.
Access rules are in `access.py`, the user's establishments in `establishments.py`, the sessions the provider ended
(back-channel logout) in `ended_sessions.py` — in the app's database: `engine` gives it, or the tables are created in
SQLALCHEMY_DATABASE_URI.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, request
from sqlalchemy import Engine

from shared.config import UnsafeConfiguration
from shared.oidc_client import ended_sessions, flow, messages
from shared.oidc_client.claims import HabilitationClaim

DEFAULT_SESSION_LIFETIME = timedelta(hours=12)
# Given a person's `sub` and their habilitations now (None: not all given) when the provider says their rights on the
# service changed (back-channel logout with RIGHTS_CHANGED_EVENT).
RightsChanged = Callable[[str, tuple[HabilitationClaim, ...] | None], None]


@dataclass(frozen=True)
class RelyingParty:
    service_code: str  # the `service` of the habilitations this app acts on
    roles: Mapping[str, str] = field(default_factory=dict)  # role code → the guides' label
    # Called with the user once a login completes: a service that must reach its users later (SOFFi's e-mails)
    # keeps their address; the others keep nothing.
    on_login: Callable[[Any], None] | None = None
    # To correct what on_login kept when the provider says the person's rights changed.
    on_rights_changed: RightsChanged | None = None

    def role_label(self, code: str) -> str:
        return self.roles.get(code, code)


def init_rp(
    app: Flask,
    *,
    service_code: str,
    roles: Mapping[str, str] | None = None,
    engine: Callable[[], Engine] | None = None,
    on_login: Callable[[Any], None] | None = None,
    on_rights_changed: RightsChanged | None = None,
) -> None:
    """Wire OpenID Connect sign-in and logout into a relying-party app. `engine`: the app's own database, where its
    migrations created the tables of `ended_sessions`; `on_login`: called with the user at each login;
    `on_rights_changed`: with a person's `sub` and habilitations now when the provider says their rights on the
    service changed."""
    # Imported by the factory (the conventions' rule for blueprints): the identity provider imports claims.py and
    # access.py from this package and must not load the relying party's views and their establishment store.
    from shared.oidc_client import access, establishments, views

    check_rp_settings(app.config)
    app.config.setdefault("RP_SESSION_LIFETIME", DEFAULT_SESSION_LIFETIME)
    app.extensions["oidc_rp"] = RelyingParty(service_code, dict(roles or {}), on_login, on_rights_changed)
    flow.init_app(app)
    ended_sessions.init_app(app, engine)
    app.register_blueprint(views.bp)
    establishments.init_app(app)
    app.before_request(_post_logout_landing)

    @app.context_processor
    def inject_user() -> dict[str, Any]:
        return {"current_user": access.current_user(), "portal_url": app.config["RP_PORTAL_URL"]}


def check_rp_settings(config: Mapping[str, Any]) -> None:
    """In production: a real client secret and https everywhere, or no start."""
    if not config.get("ENV_PRODUCTION"):
        return
    if not config.get("RP_CLIENT_SECRET") or config.get("RP_CLIENT_SECRET_IS_DEFAULT"):
        raise UnsafeConfiguration("The OpenID Connect client secret must be set in production.")
    for key in ("RP_ISSUER", "RP_PUBLIC_URL"):
        if urlsplit(str(config.get(key, ""))).scheme != "https":
            raise UnsafeConfiguration(f"{key} must be an https URL in production.")


def _post_logout_landing() -> Any:
    """Back from the provider's logout with our `state`: say so, and drop the parameter from the address."""
    if request.method != "GET" or "state" not in request.args:
        return None
    if request.path != (urlsplit(flow.post_logout_redirect_uri()).path or "/"):
        return None
    if flow.logout_confirmed(request.args["state"]):
        flash(messages.LOGGED_OUT.format(service=current_app.config["SERVICE_NAME"]), "success")
    return redirect(request.path)
