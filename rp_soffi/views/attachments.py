"""« Pièces jointes » (soffi.md §5.4): add a file to a statement being edited (type and size checked by the
service, stored under its SHA-256), download it — always as an attachment, never rendered inline —, remove it."""

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from werkzeug.wrappers import Response

from rp_soffi import messages
from rp_soffi.access import check_visible, get_scope, require_soffi_role
from rp_soffi.antivirus import SCANNER
from rp_soffi.forms.statements import AttachmentForm, ButtonForm, uploaded
from rp_soffi.services import attachments
from rp_soffi.services.errors import Invalid, NotFound, SoffiError
from rp_soffi.statement.attachments import MAX_BYTES, AttachmentKind, extension
from rp_soffi.statement.workflow import COLLECTOR_ROLES
from rp_soffi.views.common import CSV, XLSX, actor, download, flash_refusal, folder, now, session, visible_statement
from rp_soffi.views.statement_page import render_statement

bp = Blueprint("attachments", __name__)
COLLECTORS = tuple(COLLECTOR_ROLES)
TYPES = {"pdf": "application/pdf", "xlsx": XLSX, "csv": CSV}


@bp.post("/etats/<int:statement_id>/pieces-jointes")
@require_soffi_role(*COLLECTORS)
def upload(statement_id: int) -> tuple[str, int] | Response:
    statement = visible_statement(statement_id)
    form = AttachmentForm()
    sent = uploaded(form.fichier)
    if _checked(form) and sent is not None:
        try:
            # One byte past the limit is enough to refuse: a huge upload is never read whole.
            data = sent.stream.read(MAX_BYTES + 1)
            attachments.add_attachment(
                session(),
                actor(),
                statement.id,
                AttachmentKind(form.kind.data),
                sent.filename or "",
                data,
                folder(),
                now(),
                current_app.extensions[SCANNER],
            )
        except Invalid as error:
            form.fichier.errors = [error.message]
        except SoffiError as error:
            flash_refusal(error)
            return redirect(url_for("statements.show", statement_id=statement.id))
        else:
            flash(messages.ATTACHMENT_ADDED, "success")
            return redirect(url_for("statements.show", statement_id=statement.id, _anchor="pieces-jointes"))
    return render_statement(statement, status=422, attachment_form=form)


def _checked(form: AttachmentForm) -> bool:
    if not form.validate_on_submit():
        return False
    if form.kind.data not in {kind.value for kind in AttachmentKind}:
        form.kind.errors = [messages.ATTACHMENT_KIND_REQUIRED]
        return False
    if uploaded(form.fichier) is None:
        form.fichier.errors = [messages.ATTACHMENT_FILE_REQUIRED]
        return False
    return True


@bp.get("/pieces-jointes/<int:attachment_id>")
@require_soffi_role()
def download_file(attachment_id: int) -> Response:
    try:
        attachment = attachments.get_attachment(session(), attachment_id)
        check_visible(get_scope(), attachment.statement.body.siren)
        data = attachments.read_attachment(attachment, folder())
    except NotFound as error:
        current_app.logger.warning("attachment %s unreadable: %s", attachment_id, error.message)
        abort(404)
    mimetype = TYPES.get(extension(attachment.original_name), "application/octet-stream")
    return download(data, attachment.original_name, mimetype)


@bp.post("/pieces-jointes/<int:attachment_id>/supprimer")
@require_soffi_role(*COLLECTORS)
def delete(attachment_id: int) -> Response:
    try:
        attachment = attachments.get_attachment(session(), attachment_id)
    except NotFound:
        abort(404)
    statement_id = attachment.statement_id
    check_visible(get_scope(), attachment.statement.body.siren)
    if ButtonForm().validate_on_submit():
        try:
            attachments.delete_attachment(session(), actor(), attachment_id)
            flash(messages.ATTACHMENT_DELETED, "success")
        except SoffiError as error:
            flash_refusal(error)
    return redirect(url_for("statements.show", statement_id=statement_id, _anchor="pieces-jointes"))
