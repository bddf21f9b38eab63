"""SOFFi « Suivi Opérateurs Formation et Financement » (« Mes collectes formation »): collecting bodies file their
yearly statement, DGEFP agents review it. Its users log in through Mes démarches. For now: its home page, the
sign-in, its own database with its services and commands, and its pages (views/, templates/)."""

import os
from pathlib import Path
from typing import Any

from flask import Flask

from rp_soffi import antivirus
from rp_soffi.config import ATTACHMENTS_FOLDER, SERVICE
from rp_soffi.statement.amounts import format_amount, format_variation
from shared import mail as relay
from shared import relying_party
from shared.config import UnsafeConfiguration

DEMO_DGEFP_MAILBOX = "soffi@dgefp-demo.example"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from rp_soffi.access import correct_user, remember_user
    from rp_soffi.extensions import db, mail, migrate
    from rp_soffi.services.mails import DGEFP_MAILBOX

    # The sessions ended by Mes démarches (back-channel logout) are kept in SOFFi's own database; each login tells
    # which bodies the person files for (the recipients of their statements' e-mails), and a change of their rights
    # announced by the provider corrects it.
    app = relying_party.create_relying_party(
        __name__, SERVICE, config, engine=lambda: db.engine, on_login=remember_user, on_rights_changed=correct_user
    )
    for key, value in relay.settings().items():  # the statements' e-mails (an explicit config wins)
        app.config.setdefault(key, value)
    relay.check(app.config)
    # Where a statement filed is announced (soffi.md §4); the demo's fictional DGEFP address unless set.
    app.config.setdefault(DGEFP_MAILBOX, os.environ.get(DGEFP_MAILBOX) or DEMO_DGEFP_MAILBOX)
    if app.config.get("ENV_PRODUCTION") and app.config[DGEFP_MAILBOX] == DEMO_DGEFP_MAILBOX:
        raise UnsafeConfiguration(f"{DGEFP_MAILBOX}: the DGEFP's address for the statements filed is not set.")
    # Each attachment is scanned by ClamAV's daemon when SOFFI_CLAMD_ADDRESS names one (rp_soffi/antivirus.py).
    app.config.setdefault(antivirus.SETTING, os.environ.get(antivirus.SETTING, ""))
    app.extensions[antivirus.SCANNER] = antivirus.scanner_from(app.config[antivirus.SETTING])
    Path(app.instance_path).mkdir(exist_ok=True)
    # Attachments are files, outside the database (SOFFI_ATTACHMENTS_FOLDER; default under instance/).
    app.config.setdefault(
        ATTACHMENTS_FOLDER,
        os.environ.get(ATTACHMENTS_FOLDER) or str(Path(app.instance_path) / "soffi_attachments"),
    )
    from rp_soffi import models  # noqa: F401  (its tables in the metadata Flask-Migrate compares)

    db.init_app(app)
    mail.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)

    from rp_soffi import cli, messages
    from rp_soffi.views import (
        admin,
        admin_bodies,
        admin_campaigns,
        admin_comparison,
        attachments,
        campaigns,
        home,
        instruction,
        statement_files,
        statements,
    )

    blueprints = (home, campaigns, statements, statement_files, attachments, instruction)
    for module in (*blueprints, admin, admin_campaigns, admin_bodies, admin_comparison):
        app.register_blueprint(module.bp)
    app.jinja_env.globals["messages"] = messages
    app.jinja_env.filters["euros"] = format_amount
    app.jinja_env.filters["variation"] = format_variation
    app.context_processor(_inject_soffi)
    cli.init_app(app)
    return app


# The menu (soffi.md §5): label, endpoint, for agents or for the bodies' users.
MENU = (
    ("campagnes", "Mes campagnes", "campaigns.index", False),
    ("tableau", "Tableau de bord", "admin.index", True),
    ("etats", "États", "admin.statements", True),
    ("campagnes", "Campagnes", "admin_campaigns.index", True),
    ("organismes", "Organismes collecteurs", "admin_bodies.index", True),
    ("comparaison", "Comparaison", "admin_comparison.index", True),
)


def _inject_soffi() -> dict[str, Any]:
    from flask import current_app

    from rp_soffi.access import current_scope
    from rp_soffi.extensions import db
    from rp_soffi.services.bodies import find_body
    from rp_soffi.statement.workflow import Role

    scope = current_scope()
    menu = [(key, label, endpoint) for key, label, endpoint, agent in MENU if scope and scope.agent == agent]
    body = find_body(db.session, scope.siren) if scope is not None and not scope.agent else None
    portal = current_app.config["RP_PORTAL_URL"].rstrip("/")
    return {
        "soffi_scope": scope,
        "soffi_menu": menu,
        "soffi_body": body,
        # The gestionnaire manages its colleagues' access at Mes démarches: the gear of SOFFi's tile (guide 001).
        "soffi_users_url": f"{portal}/portail/services/soffi/utilisateurs"
        if scope is not None and scope.role is Role.GESTIONNAIRE
        else None,
    }
