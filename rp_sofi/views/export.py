"""Lhéo export of the validated offer (sofi.md §7): the organisation's own, the whole region's for the
Carif-Oref; on demand here, nightly with `flask --app rp_sofi lheo export`."""

import os
import tempfile
from pathlib import Path

import click
from flask import Blueprint, Response
from flask.cli import AppGroup

from rp_sofi.access import get_scope, require_sofi_role
from rp_sofi.extensions import db
from rp_sofi.lheo.export import LheoInvalid, build, validate, write
from rp_sofi.services import export
from shared.clock import in_paris, utcnow

bp = Blueprint("export", __name__, url_prefix="/export")
lheo_cli = AppGroup("lheo", help="Export Lhéo de l'offre validée.")


@bp.get("/lheo.xml")
@require_sofi_role()
def lheo() -> Response:
    scope, today = get_scope(), in_paris(utcnow()).date()
    xml = build(export.formations(db.session, scope.sirets, today))
    validate(xml)  # an invalid file is a bug: better an error than a file partners reject
    return Response(
        xml,
        content_type="application/xml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export.filename(today)}"'},
    )


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
    # Written next to the target, checked, then renamed: partners never read a half-written or invalid file.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".lheo-", suffix=".xml")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(export.formations(db.session, None, today), stream)
        try:
            validate(Path(temporary).read_bytes())
        except LheoInvalid as error:  # the previous night's file stays in place
            raise click.ClickException(f"Export Lhéo invalide, fichier non écrit :\n{error}") from error
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the file is meant for the partners' transfer
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    click.echo(f"Export Lhéo écrit dans {target}.")
