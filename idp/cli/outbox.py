"""`flask --app idp outbox send|work`: the e-mail worker."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from idp.extensions import db
from idp.models import OutboxMessage
from shared.outbox import deliver_due

outbox_cli = AppGroup("outbox", help="Envoi des e-mails en attente.")


@outbox_cli.command("send")
def send() -> None:
    """Envoyer une fois les e-mails dus."""
    click.echo(f"{_deliver()} e-mail(s) envoyé(s).")


@outbox_cli.command("work")
@click.option("--interval", default=1.0, help="Secondes entre deux passages.")
def work(interval: float) -> None:
    """Envoyer les e-mails en continu (le processus d'envoi des e-mails)."""
    click.echo("Envoi des e-mails en attente… (Ctrl-C pour arrêter)")
    while True:
        _deliver()
        db.session.remove()
        time.sleep(interval)


def _deliver() -> int:
    config = current_app.config
    return deliver_due(db.session, OutboxMessage, config["SMTP_HOST"], config["SMTP_PORT"], config["MAIL_SENDER"])
