"""What SOFFi's views share: the database session, who acts and when, the statement a URL names (404 when it is
another body's: its id reveals nothing), the attachments' folder, and files sent as downloads, never inline."""

from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from flask import abort, current_app, flash
from werkzeug.wrappers import Response

from rp_soffi.access import check_visible, get_scope
from rp_soffi.config import ATTACHMENTS_FOLDER
from rp_soffi.extensions import db
from rp_soffi.models import Statement
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import Invalid, SoffiError
from shared.clock import utcnow
from shared.db import DbSession

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"


def session() -> DbSession:
    return db.session


def actor() -> Actor:
    return get_scope().actor


def now() -> datetime:
    return utcnow()


def folder() -> Path:
    return Path(current_app.config[ATTACHMENTS_FOLDER])


def visible_statement(statement_id: int) -> Statement:
    """The statement of this id if the user's scope sees its body; else 404, as if it did not exist."""
    statement = db.session.get(Statement, statement_id)
    if statement is None:
        abort(404)
    check_visible(get_scope(), statement.body.siren)
    return statement


def download(data: bytes, filename: str, mimetype: str) -> Response:
    """A file to save, never to render: `attachment`, the type declared, no sniffing."""
    response = Response(data, mimetype=mimetype)
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response.headers["Content-Disposition"] = disposition
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def flash_refusal(error: SoffiError) -> None:
    """Every message of a refusal, as error alerts."""
    problems = error.problems if isinstance(error, Invalid) else []
    for message in [problem.message for problem in problems] or [error.message]:
        flash(message, "error")
