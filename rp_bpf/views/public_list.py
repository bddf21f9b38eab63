"""The public list of training organisations, open data: anyone downloads the file the nightly command wrote."""

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file
from werkzeug.wrappers import Response

from rp_bpf.services.public_list import FILENAME

bp = Blueprint("public_list", __name__)


def folder() -> Path:
    return Path(current_app.config["BPF_PUBLIC_FOLDER"])


@bp.get(f"/{FILENAME}")
def download() -> Response:
    path = folder() / FILENAME
    if not path.is_file():
        abort(404)  # not published yet: `flask --app rp_bpf public-list export` writes it
    return send_file(path, mimetype="text/csv; charset=utf-8", as_attachment=True, download_name=FILENAME, max_age=3600)
