"""`flask --app idp directory import-companies|import`: the SIRENE stock files (idp/directory_import.py)."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from idp.directory_import import ImportInterrupted, ImportReport, import_path
from idp.extensions import db

directory_cli = AppGroup("directory", help="Répertoire des établissements (SIRENE).")


def _print_report(report: ImportReport) -> None:
    for line, reason in report.rejected[:100]:
        click.echo(f"Ligne {line} ignorée : {reason}", err=True)
    if len(report.rejected) > 100:
        click.echo(f"… et {len(report.rejected) - 100} autres lignes ignorées.", err=True)
    click.echo(f"{report.imported} ligne(s) importée(s), {len(report.rejected)} ignorée(s).")


def _run(path: Path, kind: str) -> None:
    try:
        report = import_path(db.session, path, kind, progress=True)
    except ImportInterrupted as error:
        _print_report(error.report)
        # The operator resumes from this line: the import is idempotent, earlier batches may be imported again.
        click.echo(
            f"Erreur : la base de données a refusé le lot commençant à la ligne {error.first_line}, "
            f"qui n'a pas été importé ; import arrêté. Cause : {error.reason}",
            err=True,
        )
        sys.exit(1)
    _print_report(report)


@directory_cli.command("import-companies")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_companies(path: Path) -> None:
    """Importer un fichier StockUniteLegale (CSV) : à faire avant les établissements."""
    _run(path, "companies")


@directory_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_establishments(path: Path) -> None:
    """Importer un fichier StockEtablissement (CSV)."""
    _run(path, "establishments")
