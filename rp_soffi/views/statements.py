"""A collecting body's statement (soffi.md §5.3): the page, « Enregistrer » and « Vérifier » (one form: the button
says which), « Déposer l'état » with its certification, « Retirer le dépôt », and « Historique ». A refused save
keeps what was typed on the page, its messages next to the lines; a save from a stale tab is refused (the
statement's `version`) with what was typed kept as well."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rp_soffi import messages
from rp_soffi.access import require_soffi_role
from rp_soffi.forms.statements import DepositForm, VersionForm, parse_figures, version_of
from rp_soffi.services import history, statements
from rp_soffi.services.errors import Invalid, SoffiError, Stale
from rp_soffi.statement.rules import Kind, Problem
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import COLLECTOR_ROLES
from rp_soffi.views.common import actor, flash_refusal, now, session, visible_statement
from rp_soffi.views.statement_page import render_statement

bp = Blueprint("statements", __name__, url_prefix="/etats")
COLLECTORS = tuple(COLLECTOR_ROLES)
Page = tuple[str, int]


@bp.get("/<int:statement_id>")
@require_soffi_role()
def show(statement_id: int) -> Page:
    return render_statement(visible_statement(statement_id))


@bp.post("/<int:statement_id>")
@require_soffi_role(*COLLECTORS)
def save(statement_id: int) -> Page | Response:
    statement = visible_statement(statement_id)
    body = statement.body
    typed = parse_figures(request.form, body.body_type)
    data = StatementData(statement.campaign.exercice, body.siren, body.body_type, typed.lines)
    if typed.errors:
        flash(messages.SAVED_WITH_ERRORS, "error")
        problems = [Problem("format", Kind.FORMAT, (code,), m) for code, found in typed.errors.items() for m in found]
        return render_statement(statement, data, typed.texts, problems, 422)
    try:
        statements.save_figures(session(), actor(), statement.id, version_of(request.form), typed.lines, now())
    except (Stale, Invalid) as error:
        flash_refusal(error)
        status = 409 if isinstance(error, Stale) else 422
        return render_statement(statement, data, typed.texts, getattr(error, "problems", []), status)
    except SoffiError as error:
        flash_refusal(error)
        return redirect(url_for("statements.show", statement_id=statement.id))
    if request.form.get("action") == "verifier":
        return _verified(statement_id)
    flash(messages.SAVED, "success")
    return redirect(url_for("statements.show", statement_id=statement.id))


def _verified(statement_id: int) -> Page:
    statement = visible_statement(statement_id)
    problems = statements.verify(session(), statement.id)
    text = messages.VERIFIED_PROBLEMS.format(count=len(problems)) if problems else messages.VERIFIED_OK
    flash(text, "warning" if problems else "success")
    return render_statement(statement, problems=problems)


@bp.post("/<int:statement_id>/deposer")
@require_soffi_role(*COLLECTORS)
def deposit(statement_id: int) -> Page | Response:
    statement = visible_statement(statement_id)
    form = DepositForm()
    if not form.validate_on_submit():
        return redirect(url_for("statements.show", statement_id=statement.id))
    try:
        statements.deposit(
            session(),
            actor(),
            statement.id,
            version_of(request.form),
            now(),
            certified=form.certified.data,
            alerts_acknowledged=form.alerts.data,
        )
    except Invalid as error:
        flash_refusal(error)
        return render_statement(statement, problems=error.problems, status=422, deposit_form=form)
    except SoffiError as error:
        flash_refusal(error)
        return redirect(url_for("statements.show", statement_id=statement.id))
    flash(messages.DEPOSITED, "success")
    return redirect(url_for("statements.show", statement_id=statement.id))


@bp.post("/<int:statement_id>/retirer")
@require_soffi_role(*COLLECTORS)
def withdraw(statement_id: int) -> Response:
    statement = visible_statement(statement_id)
    if VersionForm().validate_on_submit():
        try:
            statements.withdraw(session(), actor(), statement.id, version_of(request.form), now())
            flash(messages.WITHDRAWN, "success")
        except SoffiError as error:
            flash_refusal(error)
    return redirect(url_for("statements.show", statement_id=statement.id))


@bp.get("/<int:statement_id>/historique")
@require_soffi_role()
def history_page(statement_id: int) -> str:
    statement = visible_statement(statement_id)
    return render_template(
        "statements/history.html",
        statement=statement,
        events=history.events(session(), statement.id),
        versions=statements.versions(session(), statement.id),
    )
