"""SOFI « Système de l'Offre de Formation Informatisé » (Carif-Oref Pays de la Loire): training organisations
enter their offer (formation → action → session → dispositif) and their annuaire; the Carif-Oref validates it
and publishes it (public catalogue, Lhéo export). Its users log in through Mes démarches."""

from pathlib import Path
from typing import Any

from flask import Flask

from rp_sofi.config import SERVICE
from shared import relying_party

# The menu (sofi.md §5): key, label, endpoint, for the Carif-Oref only.
MENU = (
    ("dashboard", "Tableau de bord", "dashboard.index", False),
    ("annuaire", "Annuaire", "annuaire.index", False),
    ("formations", "Formations", "formations.index", False),
    ("validation", "File de validation", "validation.index", True),
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from rp_sofi.extensions import db, migrate

    # The sessions ended by Mes démarches (back-channel logout) are kept in SOFI's own database.
    app = relying_party.create_relying_party(__name__, SERVICE, config, engine=lambda: db.engine)
    Path(app.instance_path).mkdir(exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)

    from rp_sofi import cli, messages
    from rp_sofi.views import annuaire, catalogue, dashboard, export, formations, validation

    for module in (dashboard, annuaire, formations, validation, catalogue, export):
        app.register_blueprint(module.bp)
    app.jinja_env.globals["messages"] = messages
    app.context_processor(_inject_sofi)
    cli.init_app(app)
    return app


def _inject_sofi() -> dict[str, Any]:
    from flask import current_app

    from rp_sofi.access import current_scope
    from rp_sofi.extensions import db
    from rp_sofi.models import Etablissement, SireneEstablishment

    scope = current_scope()
    registered = current_app.view_functions
    menu = [
        (key, label, endpoint)
        for key, label, endpoint, carif_only in MENU
        if endpoint in registered and scope is not None and (scope.carif or not carif_only)
    ]
    organisation = None
    if scope is not None:
        # The Carif-Oref's own establishment has no annuaire record: SIRENE names it.
        known = db.session.get(Etablissement, scope.siret) or db.session.get(SireneEstablishment, scope.siret)
        organisation = f"{known.raison_sociale} ({scope.siret})" if known else scope.siret
    return {
        "sofi_scope": scope,
        "sofi_menu": menu,
        "sofi_organisation": organisation,
        "catalogue_url": "/catalogue" if "catalogue.index" in registered else None,
    }
