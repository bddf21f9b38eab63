"""`flask --app idp outbox send|work|dead|retry`: the worker of the outboxes — e-mails, and back-channel logout
notices to the services — and the e-mails it gave up (dead letters), for the ministry's agents."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from idp.cli.errors import fail
from idp.extensions import db, mail
from idp.models import OutboxMessage
from idp.services import backchannel_logout
from idp.services import outbox as dead_letters
from shared import metrics
from shared.db import outliving_outages
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
        outliving_outages(db.session, _deliver, "outbox worker")
        db.session.remove()
        time.sleep(interval)


@outbox_cli.command("dead")
@click.option("--limit", default=200, show_default=True, help="Nombre maximal d'e-mails affichés.")
def dead(limit: int) -> None:
    """Lister les e-mails abandonnés (refusés trop souvent par le relais), les plus récents d'abord."""
    found = dead_letters.find_dead(db.session, limit)
    if not found:
        click.echo("Aucun e-mail abandonné.")
        return
    for message in found:
        click.echo(
            f"{message.id}\t{message.dead_at:%Y-%m-%d %H:%M} UTC\t{message.recipient}\t{message.subject}\t"
            f"{message.failures} refus\t{message.last_error or ''}"
        )
    click.echo(f"{len(found)} e-mail(s) abandonné(s). « flask --app idp outbox retry ID » pour renvoyer l'un d'eux.")


@outbox_cli.command("retry")
@click.argument("message_id", metavar="ID", type=int)
def retry(message_id: int) -> None:
    """Remettre en file d'envoi un e-mail abandonné."""
    try:
        message = dead_letters.retry(db.session, message_id)
    except dead_letters.MessageNotFound:
        fail(f"aucun e-mail n'a l'identifiant {message_id}.")
    except dead_letters.MessageNotDead:
        fail(f"l'e-mail {message_id} n'est pas abandonné (envoyé, ou encore en cours d'envoi).")
    click.echo(f"E-mail {message.id} à {message.recipient} remis en file d'envoi.")


def _deliver() -> tuple[int, int]:
    config = current_app.config
    mails = deliver_due(
        db.session, OutboxMessage, mail, config["MAIL_SENDER"], max_failures=config["OUTBOX_MAX_FAILURES"]
    )
    logouts = backchannel_logout.deliver_due(db.session, config["PUBLIC_URL"])
    return mails, logouts.sent
