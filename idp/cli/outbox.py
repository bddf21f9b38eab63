"""`flask --app idp outbox send|work`: the worker of the outboxes — e-mails, and back-channel logout notices to the
services."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from idp.extensions import db, mail
from idp.models import OutboxMessage
from idp.services import backchannel_logout
from shared import metrics
from shared.outbox import deliver_due

outbox_cli = AppGroup("outbox", help="Envoi des e-mails et des avis de déconnexion en attente.")

DONE = "{mails} e-mail(s) envoyé(s), {logouts} avis de déconnexion transmis aux services."


@outbox_cli.command("send")
def send() -> None:
    """Envoyer une fois les e-mails et les avis de déconnexion dus."""
    mails, logouts = _deliver()
    click.echo(DONE.format(mails=mails, logouts=logouts))


@outbox_cli.command("work")
@click.option("--interval", default=1.0, help="Secondes entre deux passages.")
@click.option(
    "--metrics-bind",
    metavar="HÔTE:PORT",
    help="Où servir /metrics (seulement si METRICS_TOKEN est défini) : les compteurs d'envoi de ce processus.",
)
def work(interval: float, metrics_bind: str | None) -> None:
    """Envoyer en continu (le processus d'envoi des e-mails et des avis de déconnexion)."""
    # The e-mails sent and failed are counted here, in this process: without it, no scrape would see them.
    if metrics_bind and current_app.config.get("METRICS_TOKEN"):
        host, _, port = metrics_bind.rpartition(":")
        metrics.serve_in_background(current_app._get_current_object(), host, int(port))  # type: ignore[attr-defined]
    click.echo("Envoi des e-mails et des avis de déconnexion en attente… (Ctrl-C pour arrêter)")
    while True:
        _deliver()
        db.session.remove()
        time.sleep(interval)


def _deliver() -> tuple[int, int]:
    config = current_app.config
    mails = deliver_due(db.session, OutboxMessage, mail, config["MAIL_SENDER"])
    logouts = backchannel_logout.deliver_due(db.session, config["PUBLIC_URL"])
    return mails, logouts.sent
