"""SOFI's commands: `flask --app rp_sofi reference load` (Certifinfo, Formacode, SIRENE extract), `lheo export`
(the nightly Lhéo file), `demo load` (demo organisations and their offer). Each reads its options, calls a
service and prints what it did."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from rp_sofi.demo import load_demo
from rp_sofi.extensions import db
from rp_sofi.lheo.export import LheoInvalid
from rp_sofi.reference import DEMO_DATA, load_all
from rp_sofi.services import export
from shared.clock import in_paris, utcnow

reference_cli = AppGroup("reference", help="Tables de référence (Certifinfo, Formacode, SIRENE).")
lheo_cli = AppGroup("lheo", help="Export Lhéo de l'offre validée.")
demo_cli = AppGroup("demo", help="Données de démonstration.")


def init_app(app: Flask) -> None:
    app.cli.add_command(reference_cli)
    app.cli.add_command(lheo_cli)
    app.cli.add_command(demo_cli)


@reference_cli.command("load")
@click.option("--folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=DEMO_DATA)
def load_references(folder: Path) -> None:
    """Charger Certifinfo, Formacode et les établissements SIRENE des Pays de la Loire depuis FOLDER."""
    for name, count in load_all(db.session, folder).items():
        click.echo(f"{name} : {count} ligne(s).")


@lheo_cli.command("export")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier à écrire (défaut : sofi-lheo-AAAAMMJJ.xml).",
)
def export_command(output: Path | None) -> None:
    """Écrire l'offre validée de toute la région au format Lhéo (le fichier de la nuit)."""
    today = in_paris(utcnow()).date()
    target = output or Path(export.filename(today))
    try:
        export.write_region_file(db.session, target, today)
    except LheoInvalid as error:  # the previous night's file stays in place
        raise click.ClickException(f"Export Lhéo invalide, fichier non écrit :\n{error}") from error
    click.echo(f"Export Lhéo écrit dans {target}.")


@demo_cli.command("load")
def load_demo_command() -> None:
    """Charger les tables de référence et les organismes de démonstration avec leur offre (idempotent)."""
    for name, count in load_demo(db.session).items():
        click.echo(f"{name} : {count}")
