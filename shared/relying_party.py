"""What the ministry's services (relying parties) have in common: their settings, their app factory,
and the home page that shows who is logged in, until each service's own pages replace it."""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, render_template
from sqlalchemy import Engine

from shared import health
from shared.config import base_settings, check_production
from shared.oidc_client import RightsChanged, ended_sessions, init_rp
from shared.web import init_common

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_ISSUER = "http://127.0.0.1:5000"


@dataclass(frozen=True)
class ServiceInfo:
    code: str  # the service code of the habilitations claim, and the default client id
    name: str  # short name, in the header and the pages' titles
    title: str  # full name, the header's tagline
    description: str  # one sentence on the home page
    port: int  # development port (scripts/run)
    roles: Mapping[str, str] = field(default_factory=dict)  # role code → the guides' label


def client_secret(code: str) -> tuple[str, bool]:
    """The OpenID Connect client secret of service `code` from `<CODE>_CLIENT_SECRET`, and whether it is
    the development default (known to everyone, refused in production). The IdP's demo data registers
    the clients with the same value, so that `scripts/run` works with nothing to configure."""
    value = os.environ.get(f"{code.upper()}_CLIENT_SECRET")
    return (value, False) if value else (f"{code}-dev-secret-not-for-production", True)


def public_url(code: str, port: int) -> str:
    """Where service `code` is served (`<CODE>_PUBLIC_URL`), by default on loopback at its development port."""
    return os.environ.get(f"{code.upper()}_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/")


def rp_settings(instance_path: str, service: ServiceInfo) -> dict[str, Any]:
    prefix = service.code.upper()
    # Each service has its own database (<CODE>_DATABASE_URL): DATABASE_URL is the identity provider's. Those without
    # tables of their own keep there what back-channel logout needs (shared.oidc_client.ended_sessions).
    values = base_settings(
        instance_path, f"{service.code}.sqlite3", f"{service.code}_session", database_env=f"{prefix}_DATABASE_URL"
    )
    issuer = (os.environ.get("IDP_PUBLIC_URL") or DEFAULT_ISSUER).rstrip("/")
    secret, is_default = client_secret(service.code)
    values.update(
        SERVICE_NAME=service.name,
        SERVICE_TITLE=service.title,
        SERVICE_DESCRIPTION=service.description,
        RP_ISSUER=issuer,
        RP_PORTAL_URL=f"{issuer}/",
        RP_CLIENT_ID=os.environ.get(f"{prefix}_CLIENT_ID", service.code),
        RP_CLIENT_SECRET=secret,
        RP_CLIENT_SECRET_IS_DEFAULT=is_default,
        RP_PUBLIC_URL=public_url(service.code, service.port),
        # A service's session lasts no longer than a Mes démarches one (SESSION_ABSOLUTE_HOURS, as the provider's).
        RP_SESSION_LIFETIME=timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))),
    )
    return values


def create_relying_party(
    import_name: str,
    service: ServiceInfo,
    config: dict[str, Any] | None = None,
    engine: Callable[[], Engine] | None = None,
    on_login: Callable[[Any], None] | None = None,
    on_rights_changed: RightsChanged | None = None,
) -> Flask:
    """A service's app: settings, DSFR layout, French error pages, sign-in through Mes démarches. `engine`: the
    service's own database, if it has one (with its migrations); `on_login`: called with the user at each login;
    `on_rights_changed`: with a person's `sub` and habilitations now when the provider says their rights on the
    service changed."""
    app = Flask(import_name, instance_path=str(REPOSITORY / "instance"))
    app.config.update(rp_settings(app.instance_path, service))
    app.config.update(config or {})
    check_production(app.config)
    init_common(app)
    init_rp(
        app,
        service_code=service.code,
        roles=service.roles,
        engine=engine,
        on_login=on_login,
        on_rights_changed=on_rights_changed,
    )
    store = app.extensions[ended_sessions.EXTENSION]
    health.init_app(
        app,
        {"database": health.database(store.engine), "provider": health.provider(lambda: app.config["RP_ISSUER"])},
    )

    @app.context_processor
    def inject_service() -> dict[str, Any]:
        return {
            "site_name": app.config["SERVICE_NAME"],
            "service_title": app.config["SERVICE_NAME"],
            "service_tagline": app.config["SERVICE_TITLE"],
        }

    return app


home = Blueprint("home", __name__)


@home.get("/")
def index() -> str:
    return render_template("relying_party/home.html")
