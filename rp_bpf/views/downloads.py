"""Files a BPF downloads as (receipt, PDF, CSV, JSON), for the organisation and the control services alike: always
as an attachment, never shown inline."""

from flask import abort
from werkzeug.wrappers import Response

from rp_bpf.bpf import exports
from rp_bpf.extensions import db
from rp_bpf.models import Bpf
from rp_bpf.services import bpfs, transmission


def download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def receipt(bpf: Bpf) -> Response:
    pdf = transmission.get_receipt(db.session, bpf).pdf  # NotFound for a draft: the caller's decorator gives 404
    return download(pdf, "application/pdf", f"accuse-de-reception-{bpf.receipt_number}.pdf")


def export(bpf: Bpf, fmt: str, mention: str = "") -> Response:
    content = bpfs.content_of(bpf)
    name = f"bpf-{bpf.exercice}-{bpf.siren}-v{bpf.version}"
    if fmt == "pdf":
        return download(exports.bpf_pdf(content, mention=mention), "application/pdf", f"{name}.pdf")
    if fmt == "csv":
        return download(exports.bpf_csv(content.figures), "text/csv; charset=utf-8", f"{name}.csv")
    if fmt == "json":
        return download(exports.bpf_json(content), "application/json", f"{name}.json")
    abort(404)
