"""SOFFi's commands: `demo load` (the demo collecting bodies, campaigns and statements) and `outbox work` (its
e-mails). Each reads its options, calls a service and prints what it did."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from rp_soffi.config import ATTACHMENTS_FOLDER
from rp_soffi.demo import load_demo
from rp_soffi.extensions import db, mail
from rp_soffi.models import OutboxMessage
from shared.clock import utcnow
from shared.outbox import worker_command

demo_cli = AppGroup("demo", help="Données de démonstration.")
outbox_cli = AppGroup("outbox", help="Envoi des e-mails en attente.")
outbox_cli.add_command(worker_command(db, OutboxMessage, mail, "états déposés, validés, à corriger"))


def init_app(app: Flask) -> None:
    for group in (demo_cli, outbox_cli):
        app.cli.add_command(group)


@demo_cli.command("load")
def load_demo_command() -> None:
    """Charger les organismes collecteurs de démonstration, leurs campagnes et leurs états (idempotent)."""
    folder = Path(current_app.config[ATTACHMENTS_FOLDER])
    for name, count in load_demo(db.session, folder, utcnow()).items():
        click.echo(f"{name} : {count}")
