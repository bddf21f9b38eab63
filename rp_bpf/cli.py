"""Mon Activité Formation's commands: `flask --app rp_bpf demo load` (the demo organisations, their declarations
and BPFs), `public-list export` (the open-data list of training organisations, nightly), `reminders send` (before
the deadline, hourly) and `outbox work` (its e-mails). Each reads its options, calls a service and prints what it
did."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from rp_bpf.demo import load_demo
from rp_bpf.extensions import db, mail
from rp_bpf.models import OutboxMessage
from rp_bpf.services import public_list, reminders
from shared.clock import utcnow
from shared.db import repeat_job
from shared.outbox import worker_command

demo_cli = AppGroup("demo", help="Données de démonstration.")
public_list_cli = AppGroup("public-list", help="Liste publique des organismes de formation (données ouvertes).")
reminders_cli = AppGroup("reminders", help="Rappels avant la date limite de transmission des bilans.")
outbox_cli = AppGroup("outbox", help="Envoi des e-mails en attente.")
outbox_cli.add_command(worker_command(db, OutboxMessage, mail, "rappels, accusés de réception, décisions"))


def init_app(app: Flask) -> None:
    for group in (demo_cli, public_list_cli, reminders_cli, outbox_cli):
        app.cli.add_command(group)


@reminders_cli.command("send")
@click.option("--every", type=float, help="Recommencer toutes les SECONDES secondes (sinon une seule fois).")
def send_reminders(every: float | None) -> None:
    """Écrire les rappels dus (30 et 7 jours avant la date limite) et les avis de délégation finissant avant elle,
    chacun une fois, avec leurs e-mails."""

    def run() -> None:
        # Most organisations have nothing due: the batches loop until none is left today.
        while (sent := reminders.send_due(db.session, utcnow())) > 0:
            click.echo(f"{sent} rappel(s) écrit(s).")
        while (sent := reminders.send_delegation_notices(db.session, utcnow())) > 0:
            click.echo(f"{sent} avis de fin de délégation écrit(s).")

    repeat_job(db.session, every, run, "BPF reminders")


@public_list_cli.command("export")
@click.option("--every", type=float, help="Recommencer toutes les SECONDES secondes (sinon une seule fois).")
def export_public_list(every: float | None) -> None:
    """Écrire la liste publique des organismes de formation, servie à l'adresse publique (chaque nuit)."""

    def run() -> None:
        path = public_list.write(db.session, Path(current_app.config["BPF_PUBLIC_FOLDER"]))
        click.echo(f"Liste publique écrite : {path}")

    repeat_job(db.session, every, run, "BPF public list")


@demo_cli.command("load")
def load_demo_command() -> None:
    """Déclarations d'activité et bilans de démonstration (FORMA'LOIRE CONSEIL et soixante organismes fictifs)."""
    added = load_demo(db.session)
    click.echo(f"{added} organisme(s) de démonstration ajouté(s).")
