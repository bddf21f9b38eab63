"""The Carif-Oref's « File de validation » (sofi.md §5, §9): the pending action bundles and annuaire records, the
detail of each with what changed since it was last validated, and the decisions; and « Créer une formation hors
Certifinfo (AIF) ». For the valideurs of the Carif-Oref only."""

import contextlib
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from rp_sofi import messages
from rp_sofi.access import get_scope, require_sofi_role
from rp_sofi.extensions import db
from rp_sofi.forms.annuaire import version_of
from rp_sofi.forms.validation import (
    AskForm,
    CertifinfoForm,
    DecisionForm,
    FormationForm,
    QueueFilterForm,
    ReasonForm,
    decision_forms,
)
from rp_sofi.lheo import tables
from rp_sofi.models import Action, ActionStatus, Etablissement, Formation, Site
from rp_sofi.services import annuaire, validation, workflow
from rp_sofi.services.errors import SofiError
from shared.clock import in_paris, utcnow
from shared.refusals import refused
from shared.web import database_id

bp = Blueprint("validation", __name__, url_prefix="/validation")

CARIF = "valideur_carif"
PENDING = (ActionStatus.EN_ATTENTE_VALIDATION,)
Page = tuple[str, int]


def _endpoint_url(endpoint: str, **values: Any) -> str | None:
    """A page of another feature, when it exists."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


@bp.get("")
@require_sofi_role(CARIF)
def index() -> Page:
    form = QueueFilterForm(request.args)
    pages = {section: request.args.get(f"page_{section}", type=int) for section in validation.SECTIONS}
    queue = validation.queue(db.session, form.filters(), pages)
    # Each list's page links keep the filters and the other lists' pages.
    numbers = zip(validation.SECTIONS, (queue.actions.number, queue.answers.number, queue.records.number), strict=True)
    kept = form.args() | {f"page_{section}": number for section, number in numbers if number > 1}
    context = {"form": form, "queue": queue, "args": kept, "form_has_errors": bool(form.errors)}
    return render_template("validation/index.html", **context), 422 if form.errors else 200


def _action(action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None:
        abort(404)
    return action


def _action_page(action: Action, submitted: dict[str, FlaskForm] | None = None, status: int = 200) -> Page:
    forms = decision_forms(action.version) | (submitted or {})
    context = {
        "action": action, "etablissement": db.session.get(Etablissement, action.siret), "forms": forms,
        "changes": validation.action_changes(db.session, action, utcnow()), "pending": action.status in PENDING,
        "dispositifs": {code: label for code, label, _only in tables.DISPOSITIFS},
        "history": validation.history(db.session, "action", str(action.id)),
        "recap_url": _endpoint_url("formations.recap", action_id=action.id),
        "form_has_errors": any(form.errors for form in (submitted or {}).values()),
    }  # fmt: skip
    return render_template("validation/action.html", **context), status


@bp.get("/actions/<int:action_id>")
@require_sofi_role(CARIF)
def action(action_id: int) -> Page:
    return _action_page(_action(action_id))


def _decide(action: Action, key: str, form: FlaskForm, decision: Callable[[], object], done: str,
            states: tuple[ActionStatus, ...] = PENDING) -> Response | Page:  # fmt: skip
    """Run a decision on an action taken from the page of version `form.version`; the page again if refused."""
    if not form.validate_on_submit():
        return _action_page(action, {key: form}, 422)
    if action.status not in states:
        flash(messages.ACTION_NOT_PENDING.format(status=action.status.label), "error")
        return _action_page(action, {key: form}, 409)
    try:
        workflow.check_version(action.version, version_of(form))
        decision()
    except SofiError as error:
        return _action_page(action, {key: form}, refused(error, form))
    flash(done, "success")
    return redirect(url_for("validation.action", action_id=action.id))


@bp.post("/actions/<int:action_id>/valider")
@require_sofi_role(CARIF)
def validate_action(action_id: int) -> Response | Page:
    action, form = _action(action_id), DecisionForm(prefix="valider")
    decision = lambda: workflow.validate(db.session, action, get_scope(), in_paris(utcnow()).date(), utcnow())  # noqa: E731
    return _decide(action, "valider", form, decision, messages.VALIDATED)


@bp.post("/actions/<int:action_id>/preciser")
@require_sofi_role(CARIF)
def ask(action_id: int) -> Response | Page:
    action, form = _action(action_id), AskForm(prefix="preciser")
    decision = lambda: workflow.ask(db.session, action, get_scope(), form.question.data)  # noqa: E731
    return _decide(action, "preciser", form, decision, messages.QUESTIONED)


@bp.post("/actions/<int:action_id>/refuser")
@require_sofi_role(CARIF)
def refuse(action_id: int) -> Response | Page:
    action, form = _action(action_id), ReasonForm(prefix="refuser")
    decision = lambda: workflow.refuse(db.session, action, get_scope(), form.reason.data)  # noqa: E731
    return _decide(action, "refuser", form, decision, messages.REFUSED)


@bp.post("/actions/<int:action_id>/certifinfo")
@require_sofi_role(CARIF)
def replace_certifinfo(action_id: int) -> Response | Page:
    action, form = _action(action_id), CertifinfoForm(prefix="certifinfo")
    code, reason = form.certifinfo.data, form.reason.data
    decision = lambda: workflow.replace_certifinfo(db.session, action, get_scope(), code, reason)  # noqa: E731
    return _decide(action, "certifinfo", form, decision, messages.CERTIFINFO_SWAPPED, tuple(ActionStatus))


# Annuaire records


def _record(kind: str, record_id: str) -> Etablissement | Site:
    record: Etablissement | Site | None = None
    if kind == "etablissement":
        record = db.session.get(Etablissement, record_id)
    elif kind == "site":
        with contextlib.suppress(ValueError):  # not a site id (« ² » is a digit, but not an ASCII one; 2**31 too big)
            record = db.session.get(Site, database_id(record_id))
    if record is None:
        abort(404)
    return record


def _record_page(
    record: Etablissement | Site, submitted: dict[str, FlaskForm] | None = None, status: int = 200
) -> Page:
    data = {"version": str(record.version)}
    forms = {"valider": DecisionForm(prefix="valider", formdata=None, data=data),
             "refuser": ReasonForm(prefix="refuser", formdata=None, data=data)} | (submitted or {})  # fmt: skip
    kind, record_id = annuaire.kind(record), annuaire.record_id(record)
    context = {
        "record": record, "kind": kind, "record_id": record_id, "forms": forms,
        "changes": annuaire.record_changes(db.session, record),
        "history": validation.history(db.session, kind, record_id),
        "form_has_errors": any(form.errors for form in (submitted or {}).values()),
    }  # fmt: skip
    return render_template("validation/record.html", **context), status


@bp.get("/annuaire/<kind>/<record_id>")
@require_sofi_role(CARIF)
def record(kind: str, record_id: str) -> Page:
    return _record_page(_record(kind, record_id))


@bp.post("/annuaire/<kind>/<record_id>/<decision>")
@require_sofi_role(CARIF)
def decide_record(kind: str, record_id: str, decision: str) -> Response | Page:
    record = _record(kind, record_id)
    if decision not in ("valider", "refuser"):
        abort(404)
    form = DecisionForm(prefix="valider") if decision == "valider" else ReasonForm(prefix="refuser")
    if not form.validate_on_submit():
        return _record_page(record, {decision: form}, 422)
    try:
        if isinstance(form, ReasonForm):
            annuaire.reject_record(db.session, record, get_scope(), form.reason.data, version_of(form))
        else:
            annuaire.accept_record(db.session, record, get_scope(), version_of(form))
    except SofiError as error:
        return _record_page(record, {decision: form}, refused(error, form))
    flash(messages.RECORD_REJECTED if decision == "refuser" else messages.RECORD_ACCEPTED, "success")
    return redirect(url_for("validation.index"))


# Formations without Certifinfo (AIF)


@bp.route("/formations/creer", methods=["GET", "POST"])
@require_sofi_role(CARIF)
def create_formation() -> Response | Page:
    form = FormationForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        values = form.values(annuaire.parse_formacodes(form.formacodes.data or ""))
        try:
            formation = validation.create_formation(db.session, get_scope(), form.siret.data, **values)
        except SofiError as error:
            status = refused(error, form)
        else:
            flash(messages.FORMATION_CREATED, "success")
            return redirect(_formation_url(formation))
    context = {"form": form, "formations_url": _endpoint_url("formations.index"), "form_has_errors": bool(form.errors)}
    return render_template("validation/formation_new.html", **context), status


def _formation_url(formation: Formation) -> str:
    """Its « Fiche Formation » in the tunnel, from which the Carif-Oref adds its actions."""
    return _endpoint_url("formations.formation", formation_id=formation.id) or url_for("validation.index")
