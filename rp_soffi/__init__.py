"""SOFFi « Suivi Opérateurs Formation et Financement » (« Mes collectes formation »): collecting bodies file their
yearly statement, DGEFP agents review it. Its users log in through Mes démarches. For now: its home page, the
sign-in, and its own database with its services and commands (pages come later)."""

import os
from pathlib import Path
from typing import Any

from flask import Flask

from rp_soffi.config import ATTACHMENTS_FOLDER, SERVICE
from shared import relying_party


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from rp_soffi.extensions import db, migrate

    # The sessions ended by Mes démarches (back-channel logout) are kept in SOFFi's own database.
    app = relying_party.create_relying_party(__name__, SERVICE, config, engine=lambda: db.engine)
    Path(app.instance_path).mkdir(exist_ok=True)
    # Attachments are files, outside the database (SOFFI_ATTACHMENTS_FOLDER; default under instance/).
    app.config.setdefault(
        ATTACHMENTS_FOLDER,
        os.environ.get(ATTACHMENTS_FOLDER) or str(Path(app.instance_path) / "soffi_attachments"),
    )
    from rp_soffi import models  # noqa: F401  (its tables in the metadata Flask-Migrate compares)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)

    from rp_soffi import cli

    app.register_blueprint(relying_party.home)
    cli.init_app(app)
    return app
