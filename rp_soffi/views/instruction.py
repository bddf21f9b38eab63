"""A filed statement on the DGEFP's side (soffi.md §4, §5.5, §9): « Prendre en instruction », a comment on one line,
« Valider », « Renvoyer pour correction » (its comment required), « Rouvrir » a validated one (exceptional, a reason
required). Agents never edit amounts."""

from collections.abc import Callable

from flask import Blueprint, flash, redirect, url_for
from werkzeug.wrappers import Response

from rp_soffi import messages
from rp_soffi.access import require_soffi_role
from rp_soffi.forms.instruction import LineCommentForm, ReopenForm, SendBackForm, ValidateForm
from rp_soffi.forms.statements import ButtonForm
from rp_soffi.services import instruction
from rp_soffi.services.errors import SoffiError
from rp_soffi.statement.workflow import Role
from rp_soffi.views.common import actor, flash_refusal, now, session, visible_statement
from rp_soffi.views.statement_page import render_statement
from shared.forms import AppForm

bp = Blueprint("instruction", __name__, url_prefix="/etats")
Page = tuple[str, int]


def _act(statement_id: int, service: Callable[[], object], done: str, form: AppForm | None = None) -> Response | None:
    """Run the service; on a refusal show it next to the form's field it is about (else as an alert) and return
    None: the caller shows the page again."""
    try:
        service()
    except SoffiError as error:
        name = error.field or ("comment" if error.message == messages.COMMENT_REQUIRED else None)
        if form is not None and name is not None and name in form:
            form[name].errors = [error.message]
        else:
            flash_refusal(error)
        return None
    flash(done, "success")
    return redirect(url_for("statements.show", statement_id=statement_id))


@bp.post("/<int:statement_id>/instruire")
@require_soffi_role(Role.AGENT_DGEFP)
def take(statement_id: int) -> Page | Response:
    statement = visible_statement(statement_id)
    if not ButtonForm().validate_on_submit():
        return render_statement(statement, status=400)
    done = _act(
        statement.id, lambda: instruction.take_for_instruction(session(), actor(), statement.id, now()), messages.TAKEN
    )
    return done or render_statement(statement, status=409)


@bp.post("/<int:statement_id>/commentaires")
@require_soffi_role(Role.AGENT_DGEFP)
def comment(statement_id: int) -> Page | Response:
    statement = visible_statement(statement_id)
    form = LineCommentForm().for_body(statement.body.body_type)
    code, text = form.clipped()
    if form.validate_on_submit():
        done = _act(
            statement.id,
            lambda: instruction.comment_line(session(), actor(), statement.id, code, text, now()),
            messages.LINE_COMMENTED.format(code=code),
            form,
        )
        if done:
            return done
    return render_statement(statement, status=422, comment_form=form)


@bp.post("/<int:statement_id>/valider")
@require_soffi_role(Role.AGENT_DGEFP)
def validate(statement_id: int) -> Page | Response:
    statement = visible_statement(statement_id)
    form = ValidateForm(prefix="valider")
    if form.validate_on_submit():
        done = _act(
            statement.id,
            lambda: instruction.validate(session(), actor(), statement.id, now(), form.clipped()),
            messages.VALIDATED,
            form,
        )
        if done:
            return done
    return render_statement(statement, status=422, validate_form=form)


@bp.post("/<int:statement_id>/corriger")
@require_soffi_role(Role.AGENT_DGEFP)
def send_back(statement_id: int) -> Page | Response:
    statement = visible_statement(statement_id)
    form = SendBackForm(prefix="corriger")
    if form.validate_on_submit():
        done = _act(
            statement.id,
            lambda: instruction.request_correction(session(), actor(), statement.id, form.clipped(), now()),
            messages.SENT_BACK,
            form,
        )
        if done:
            return done
    return render_statement(statement, status=422, send_back_form=form)


@bp.post("/<int:statement_id>/rouvrir")
@require_soffi_role(Role.AGENT_DGEFP)
def reopen(statement_id: int) -> Page | Response:
    statement = visible_statement(statement_id)
    form = ReopenForm(prefix="rouvrir")
    if form.validate_on_submit():
        done = _act(
            statement.id,
            lambda: instruction.reopen(session(), actor(), statement.id, form.clipped(), now()),
            messages.REOPENED,
            form,
        )
        if done:
            return done
    return render_statement(statement, status=422, reopen_form=form)
