"""The agents' « Organismes collecteurs » (soffi.md §5.6): the register, filtered and paged in SQL; « Ajouter un
organisme »; a body's page with « Modifier », « Désactiver » / « Réactiver » and its journal. Agents only."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rp_soffi import messages
from rp_soffi.access import require_soffi_role
from rp_soffi.forms.admin_bodies import ActiveForm, BodyFieldsForm, EditBodyForm, RegisterBodyForm, RegisterFilterForm
from rp_soffi.models import CollectingBody
from rp_soffi.services import bodies
from rp_soffi.services.errors import NotFound, SoffiError, Stale
from rp_soffi.statement.workflow import Role
from rp_soffi.views.common import actor, flash_refusal, now, session

bp = Blueprint("admin_bodies", __name__, url_prefix="/admin/organismes")
AGENT = Role.AGENT_DGEFP


@bp.get("")
@require_soffi_role(AGENT)
def index() -> str:
    form = RegisterFilterForm(request.args)
    filters, ignored = form.filters(request.args.get("page"))
    if ignored:
        flash(messages.FILTER_INVALID, "warning")
    page = bodies.body_page(session(), filters)
    return render_template("admin/bodies.html", form=form, filters=filters, page=page, nav="organismes")


@bp.route("/nouveau", methods=["GET", "POST"])
@require_soffi_role(AGENT)
def new() -> tuple[str, int] | Response:
    form = RegisterBodyForm()
    if form.validate_on_submit():
        try:
            body = bodies.register_body(
                session(), actor(), form.siret_siege.data, form.name.data, form.chosen_type(),
                branches_count=form.branches(), agrement_ref=form.agrement_ref.data or "", now=now(),
            )  # fmt: skip
        except SoffiError as error:
            _on_field(form, error)
        else:
            flash(messages.BODY_REGISTERED.format(name=body.name), "success")
            return redirect(url_for("admin_bodies.show", body_id=body.id))
    status = 422 if form.errors else 200
    return render_template("admin/body_new.html", form=form, nav="organismes"), status


@bp.route("/<int:body_id>", methods=["GET", "POST"])
@require_soffi_role(AGENT)
def show(body_id: int) -> tuple[str, int] | Response:
    body = _body(body_id)
    form = EditBodyForm() if request.method == "POST" else _filled(body)
    if form.validate_on_submit():
        try:
            bodies.update_body(
                session(), actor(), body.id, form.lock_value(), form.name.data, form.chosen_type(),
                form.agrement_ref.data or "", form.branches(), now(),
            )  # fmt: skip
        except Stale as error:
            flash_refusal(error)
            return redirect(url_for("admin_bodies.show", body_id=body.id))
        except SoffiError as error:
            _on_field(form, error)
        else:
            flash(messages.BODY_CHANGED, "success")
            return redirect(url_for("admin_bodies.show", body_id=body.id))
    return _body_page(body, form, 422 if form.errors else 200)


@bp.post("/<int:body_id>/desactiver")
@require_soffi_role(AGENT)
def deactivate(body_id: int) -> Response:
    return _set_active(body_id, False)


@bp.post("/<int:body_id>/reactiver")
@require_soffi_role(AGENT)
def reactivate(body_id: int) -> Response:
    return _set_active(body_id, True)


def _set_active(body_id: int, active: bool) -> Response:
    body = _body(body_id)
    form = ActiveForm()
    if form.validate_on_submit():
        try:
            bodies.set_active(session(), actor(), body.id, form.lock_value(), active, now())
        except SoffiError as error:
            flash_refusal(error)
        else:
            done = messages.BODY_REACTIVATED if active else messages.BODY_DEACTIVATED
            flash(done.format(name=body.name), "success")
    return redirect(url_for("admin_bodies.show", body_id=body.id))


def _body(body_id: int) -> CollectingBody:
    try:
        return bodies.get_body(session(), body_id)
    except NotFound:
        abort(404)


def _filled(body: CollectingBody) -> EditBodyForm:
    branches = "" if body.branches_count is None else str(body.branches_count)
    return EditBodyForm(
        formdata=None, name=body.name, body_type=body.body_type.value, agrement_ref=body.agrement_ref,
        branches_count=branches, lock=str(body.lock),
    )  # fmt: skip


def _body_page(body: CollectingBody, form: EditBodyForm, status: int) -> tuple[str, int]:
    return render_template(
        "admin/body.html",
        body=body,
        form=form,
        active_form=ActiveForm(formdata=None, lock=str(body.lock)),
        journal=bodies.journal(session(), body.id),
        nav="organismes",
    ), status


def _on_field(form: BodyFieldsForm, error: SoffiError) -> None:
    """The service's refusal next to its field (the form checked the same bounds: this is a duplicate SIREN or a
    type that can no longer change), else as an alert."""
    field = form._fields.get(error.field or "")
    if field is None:
        flash_refusal(error)
        form.form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]
