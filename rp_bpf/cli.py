"""Mon Activité Formation's commands: `flask --app rp_bpf demo load` (the demo organisations, their declarations
and BPFs), `public-list export` (the open-data list of training organisations, nightly). Each reads its options,
calls a service and prints what it did."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from rp_bpf.demo import load_demo
from rp_bpf.extensions import db
from rp_bpf.services import public_list

demo_cli = AppGroup("demo", help="Données de démonstration.")
public_list_cli = AppGroup("public-list", help="Liste publique des organismes de formation (données ouvertes).")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(public_list_cli)


@public_list_cli.command("export")
def export_public_list() -> None:
    """Écrire la liste publique des organismes de formation, servie à l'adresse publique (chaque nuit)."""
    path = public_list.write(db.session, Path(current_app.config["BPF_PUBLIC_FOLDER"]))
    click.echo(f"Liste publique écrite : {path}")


@demo_cli.command("load")
def load_demo_command() -> None:
    """Déclarations d'activité et bilans de démonstration (FORMA'LOIRE CONSEIL et soixante organismes fictifs)."""
    added = load_demo(db.session)
    click.echo(f"{added} organisme(s) de démonstration ajouté(s).")
