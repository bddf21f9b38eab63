"""A statement's files (soffi.md §7): its CSV, XLSX and PDF exports (every role that sees it), the XLSX template
to fill, and « Importer un fichier » from that template (or the CSV of §7) into the draft (whole file refused, each
problem listed)."""

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from rp_soffi import messages
from rp_soffi.access import require_soffi_role
from rp_soffi.forms.statements import ImportForm, uploaded, version_of
from rp_soffi.models import Statement
from rp_soffi.services import statements
from rp_soffi.services.errors import SoffiError
from rp_soffi.statement import exports
from rp_soffi.statement.attachments import extension
from rp_soffi.statement.csv_import import ImportRejected, parse_statement_csv
from rp_soffi.statement.pdf import Header, statement_pdf
from rp_soffi.statement.workflow import COLLECTOR_ROLES
from rp_soffi.statement.xlsx_import import MAX_BYTES, parse_statement_xlsx
from rp_soffi.views.common import CSV, PDF, XLSX, actor, download, flash_refusal, now, session, visible_statement
from rp_soffi.views.statement_page import render_statement

bp = Blueprint("statement_files", __name__, url_prefix="/etats")
COLLECTORS = tuple(COLLECTOR_ROLES)


def _name(statement_id: int, suffix: str) -> str:
    statement = visible_statement(statement_id)
    return f"soffi-etat-{statement.campaign.exercice}-{statement.body.siren}{suffix}"


@bp.get("/<int:statement_id>/export.csv")
@require_soffi_role()
def export_csv(statement_id: int) -> Response:
    statement = visible_statement(statement_id)
    text = exports.statement_csv(statements.data_of(statement), statement.body.name)
    return download(text.encode("utf-8"), _name(statement_id, ".csv"), CSV)


@bp.get("/<int:statement_id>/export.xlsx")
@require_soffi_role()
def export_xlsx(statement_id: int) -> Response:
    statement = visible_statement(statement_id)
    return download(
        exports.statement_xlsx(statements.data_of(statement), statement.body.name), _name(statement_id, ".xlsx"), XLSX
    )


@bp.get("/<int:statement_id>/export.pdf")
@require_soffi_role()
def export_pdf(statement_id: int) -> Response:
    statement = visible_statement(statement_id)
    return download(statement_pdf(statements.data_of(statement), _header(statement)), _name(statement_id, ".pdf"), PDF)


def _header(statement: Statement) -> Header:
    return Header(
        name=statement.body.name,
        campaign=statement.campaign.title,
        status=statement.status,
        late=statement.late,
        filing_number=statement.filing_number,
        filed_at=statement.filed_at,
        filed_by=statement.filed_by_name,
        checksum=statement.checksum,
    )


@bp.get("/<int:statement_id>/modele.xlsx")
@require_soffi_role()
def template(statement_id: int) -> Response:
    statement = visible_statement(statement_id)
    body = statement.body
    data = exports.template_xlsx(statement.campaign.exercice, body.siren, body.name, body.body_type)
    return download(data, _name(statement_id, "-modele.xlsx"), XLSX)


@bp.post("/<int:statement_id>/importer")
@require_soffi_role(*COLLECTORS)
def import_file(statement_id: int) -> tuple[str, int] | Response:
    statement = visible_statement(statement_id)
    form, body = ImportForm(), statement.body
    upload = uploaded(form.classeur)
    if not form.validate_on_submit() or upload is None:
        form.classeur.errors = [messages.IMPORT_FILE_REQUIRED]
        return render_statement(statement, status=422, import_form=form)
    try:
        # The CSV of §7 is read by its own parser; anything else must be the XLSX template.
        csv = extension(upload.filename or "") == "csv"
        parse = parse_statement_csv if csv else parse_statement_xlsx
        raw = upload.stream.read(MAX_BYTES + 1)
        data = parse(raw, statement.campaign.exercice, body.siren, body.body_type)
        statements.save_figures(session(), actor(), statement.id, version_of(request.form), data.lines, now())
    except ImportRejected as rejected:
        form.classeur.errors = [_located(error.number, error.reason) for error in rejected.errors]
        return render_statement(statement, status=422, import_form=form)
    except SoffiError as error:
        flash_refusal(error)
        return redirect(url_for("statements.show", statement_id=statement.id))
    flash(messages.IMPORTED, "success")
    return redirect(url_for("statements.show", statement_id=statement.id))


def _located(number: int, reason: str) -> str:
    return f"Ligne {number} : {reason}" if number else reason
