"""SOFFi's commands: `demo load` (the demo collecting bodies, campaigns and statements). Each reads its options,
calls a service and prints what it did."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from rp_soffi.config import ATTACHMENTS_FOLDER
from rp_soffi.demo import load_demo
from rp_soffi.extensions import db
from shared.clock import utcnow

demo_cli = AppGroup("demo", help="Données de démonstration.")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)


@demo_cli.command("load")
def load_demo_command() -> None:
    """Charger les organismes collecteurs de démonstration, leurs campagnes et leurs états (idempotent)."""
    folder = Path(current_app.config[ATTACHMENTS_FOLDER])
    for name, count in load_demo(db.session, folder, utcnow()).items():
        click.echo(f"{name} : {count}")
