"""SOFFi's commands: `demo load` (the demo collecting bodies, campaigns and statements) and `outbox work` (its
e-mails). Each reads its options, calls a service and prints what it did."""

import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from rp_soffi.config import ATTACHMENTS_FOLDER
from rp_soffi.demo import load_demo
from rp_soffi.extensions import db, mail
from rp_soffi.models import OutboxMessage
from shared.clock import utcnow
from shared.outbox import deliver_due

demo_cli = AppGroup("demo", help="Données de démonstration.")
outbox_cli = AppGroup("outbox", help="Envoi des e-mails en attente.")


def init_app(app: Flask) -> None:
    for group in (demo_cli, outbox_cli):
        app.cli.add_command(group)


@outbox_cli.command("work")
@click.option("--interval", default=5.0, help="Secondes entre deux passages.")
@click.option("--once", is_flag=True, help="Un seul passage.")
def work(interval: float, once: bool) -> None:
    """Envoyer les e-mails dus (états déposés, validés, à corriger) au relais, en continu."""
    config = current_app.config
    while True:
        sent = deliver_due(
            db.session, OutboxMessage, mail, config["MAIL_SENDER"], max_failures=config["OUTBOX_MAX_FAILURES"]
        )
        db.session.remove()
        if once:
            click.echo(f"{sent} e-mail(s) envoyé(s).")
            return
        time.sleep(interval)


@demo_cli.command("load")
def load_demo_command() -> None:
    """Charger les organismes collecteurs de démonstration, leurs campagnes et leurs états (idempotent)."""
    folder = Path(current_app.config[ATTACHMENTS_FOLDER])
    for name, count in load_demo(db.session, folder, utcnow()).items():
        click.echo(f"{name} : {count}")
