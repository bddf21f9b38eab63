"""« Mon Activité Formation »: training organisations file their déclaration d'activité and, every year, their
bilan pédagogique et financier (cerfa 10443); the regional control services register, follow and check them.
Its users log in through Mes démarches."""

import os
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from flask import Flask

from rp_bpf.config import SERVICE
from shared import mail as relay
from shared import relying_party

# The menus: key, label, endpoint; the organisation's, then the control services'.
ORGANISATION_MENU = (("home", "Mon activité formation", "home.index"),)
CONTROL_MENU = (
    ("control", "Tableau de bord", "control.dashboard"),
    ("organisations", "Organismes", "control.organisations"),
)
MAX_UPLOAD = 2 * 1024 * 1024  # an imported BPF is at most 1 Mo (bpf.imports); a bigger request is refused (413)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from rp_bpf.extensions import db, mail, migrate

    # The sessions ended by Mes démarches (back-channel logout) are kept in the service's own database.
    app = relying_party.create_relying_party(__name__, SERVICE, config, engine=lambda: db.engine)
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_UPLOAD)
    # Where the public list of training organisations is written, and served from (BPF_PUBLIC_FOLDER).
    app.config.setdefault(
        "BPF_PUBLIC_FOLDER", os.environ.get("BPF_PUBLIC_FOLDER", str(Path(app.instance_path) / "bpf_public"))
    )
    for key, value in relay.settings().items():  # the reminders' e-mails (an explicit config wins)
        app.config.setdefault(key, value)
    relay.check(app.config)
    Path(app.instance_path).mkdir(exist_ok=True)
    db.init_app(app)
    mail.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)

    from rp_bpf import cli, messages
    from rp_bpf.views import bpf, control, declaration, home, public_list

    for module in (home, declaration, bpf, control, public_list):
        app.register_blueprint(module.bp)
    app.jinja_env.globals["messages"] = messages
    app.jinja_env.filters["number_fr"] = lambda value: format_decimal(value, locale="fr_FR")
    app.context_processor(_inject_bpf)
    cli.init_app(app)
    return app


def _inject_bpf() -> dict[str, Any]:
    from rp_bpf.access import current_scope
    from rp_bpf.messages import JOURNAL
    from shared.territory import REGIONS

    scope = current_scope()
    menu = () if scope is None else CONTROL_MENU if scope.control else ORGANISATION_MENU
    badges = {
        "deposee": "info",
        "enregistree": "success",
        "refusee": "error",
        "caduque": "warning",
        "cessee": "warning",
    }
    return {"bpf_scope": scope, "bpf_menu": menu, "regions": REGIONS, "da_badges": badges, "journal_labels": JOURNAL}
