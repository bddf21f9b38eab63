"""Lhéo export of the validated offer (sofi.md §7): the organisation's own, the whole region's for the
Carif-Oref; on demand here, nightly with `flask --app rp_sofi lheo export`."""

from flask import Blueprint, Response

from rp_sofi.access import get_scope, require_sofi_role
from rp_sofi.extensions import db
from rp_sofi.lheo.export import build, validate
from rp_sofi.services import export
from shared.clock import in_paris, utcnow

bp = Blueprint("export", __name__, url_prefix="/export")


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
