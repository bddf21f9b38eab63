"""Mon Activité Formation's commands: `flask --app rp_bpf demo load` (the demo organisations, their declarations
and BPFs). Each reads its options, calls a service and prints what it did."""

import click
from flask import Flask
from flask.cli import AppGroup

from rp_bpf.demo import load_demo
from rp_bpf.extensions import db

demo_cli = AppGroup("demo", help="Données de démonstration.")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)


@demo_cli.command("load")
def load_demo_command() -> None:
    """Déclarations d'activité et bilans de démonstration (FORMA'LOIRE CONSEIL et soixante organismes fictifs)."""
    added = load_demo(db.session)
    click.echo(f"{added} organisme(s) de démonstration ajouté(s).")
