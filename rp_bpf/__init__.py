"""« Mon Activité Formation »: training organisations file their déclaration d'activité and, every year, their
bilan pédagogique et financier (cerfa 10443); the regional control services register, follow and check them.
Its users log in through Mes démarches."""

from pathlib import Path
from typing import Any

from flask import Flask

from rp_bpf.config import SERVICE
from shared import relying_party


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from rp_bpf.extensions import db, migrate

    # The sessions ended by Mes démarches (back-channel logout) are kept in the service's own database.
    app = relying_party.create_relying_party(__name__, SERVICE, config, engine=lambda: db.engine)
    Path(app.instance_path).mkdir(exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)

    from rp_bpf import models  # noqa: F401  (the tables, for the migrations)

    app.register_blueprint(relying_party.home)
    return app
