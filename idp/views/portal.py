"""The services portal: « Mes démarches » and « Ajouter une démarche » (access request, activation code)."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from idp import messages
from idp.auth import client_ip, current_account, login_required
from idp.extensions import db
from idp.forms.confirm import ConfirmForm
from idp.forms.portal import ActivationCodeForm, RequestAccessForm
from idp.models import Account, Service
from idp.services import access_requests, activation_codes, habilitations, portal
from shared.clock import in_paris
from shared.identifiers import is_valid_siret
from shared.web import database_id, render_error

bp = Blueprint("portal", __name__, url_prefix="/portail")

REQUEST_TAB, CODE_TAB = "demande", "code"
# Where each refusal of the access request shows, and what it says ({service} is the service's name).
REQUEST_ERRORS: dict[type[Exception], tuple[str, str]] = {
    access_requests.EstablishmentNotFound: ("siret", messages.PORTAL_ESTABLISHMENT_UNKNOWN),
    access_requests.EstablishmentClosed: ("siret", messages.PORTAL_ESTABLISHMENT_CLOSED),
    access_requests.RequestAlreadyPending: ("siret", messages.PORTAL_REQUEST_ALREADY_PENDING),
    habilitations.AlreadyHabilitated: ("role", messages.PORTAL_REQUEST_ALREADY_HABILITATED),
    habilitations.RoleNotGrantable: ("role", messages.PORTAL_ROLE_REQUIRED),
}


def _account() -> Account:
    account = current_account()
    assert account is not None  # guaranteed by login_required
    return account


def _service(code: str, tab: str | None = None) -> Service:
    """The portal's service with this code, 404 otherwise (or when it does not offer this tab)."""
    service = portal.find_portal_service(db.session, code)
    if service is None or (tab is not None and tab not in _tabs(service)):
        abort(404)
    return service


def _tabs(service: Service) -> list[str]:
    offered = ((REQUEST_TAB, service.allows_request), (CODE_TAB, service.allows_activation_code))
    return [tab for tab, allowed in offered if allowed]


def _request_form(service: Service, account: Account) -> RequestAccessForm:
    """Empty, or pre-filled from the refused request being corrected (« Corriger et renvoyer ma demande »)."""
    data = {"siret": account.siret}
    request_id = request.args.get("demande", type=database_id)
    corrected = access_requests.find_own_request(db.session, account, request_id) if request_id else None
    if corrected is not None and corrected.service_id == service.id:
        data = {"siret": corrected.siret, "role": corrected.role.code}
    return RequestAccessForm(service.requestable_roles, formdata=None, data=data)


def _add_page(
    service: Service,
    tab: str,
    status: int = 200,
    request_form: RequestAccessForm | None = None,
    code_form: ActivationCodeForm | None = None,
) -> tuple[str, int]:
    account = _account()
    request_form = request_form or _request_form(service, account)
    code_form = code_form or ActivationCodeForm(formdata=None)
    typed = request_form.siret.data or ""
    context: dict[str, Any] = {
        "service": service,
        "tabs": _tabs(service),
        "selected": tab if tab in _tabs(service) else next(iter(_tabs(service)), None),
        "request_form": request_form,
        "code_form": code_form,
        "role_hints": {role.code: role.description for role in service.requestable_roles},
        "gestionnaires": portal.gestionnaire_lines(
            db.session, service, typed if is_valid_siret(typed) else account.siret
        ),
        "form_has_errors": bool(request_form.errors or code_form.errors),
    }
    return render_template("portal/add.html", **context), status


@bp.get("/services/")
@login_required
def index() -> str:
    return render_template("portal/index.html", portal=portal.portal_of(db.session, _account()))


@bp.get("/services/<service_code>/ajouter")
@login_required
def add(service_code: str) -> tuple[str, int]:
    return _add_page(_service(service_code), request.args.get("onglet", REQUEST_TAB))


@bp.post("/services/<service_code>/ajouter/demande")
@login_required
def ask(service_code: str) -> Response | tuple[str, int]:
    service = _service(service_code, REQUEST_TAB)
    form = RequestAccessForm(service.requestable_roles)
    if form.validate_on_submit():
        role = next(role for role in service.requestable_roles if role.code == form.role.data)
        try:
            sent = access_requests.request_access(db.session, _account(), service, form.siret.data, role, client_ip())
        except tuple(REQUEST_ERRORS) as error:
            field, message = REQUEST_ERRORS[type(error)]
            form[field].errors = [message.format(service=service.name)]
        else:
            text = messages.PORTAL_REQUEST_SENT_TO_AGENTS if sent.escalated_at else messages.PORTAL_REQUEST_SENT
            flash(text.format(service=service.name), "success")
            return redirect(url_for("portal.index"))
    return _add_page(service, REQUEST_TAB, 422, request_form=form)


@bp.post("/services/<service_code>/ajouter/code")
@login_required
def redeem(service_code: str) -> Response | tuple[str, int]:
    service = _service(service_code, CODE_TAB)
    form, status = ActivationCodeForm(), 422
    if form.validate_on_submit():
        try:
            activation_codes.redeem_code(db.session, _account(), service, form.siret.data, form.code.data, client_ip())
        except activation_codes.ActivationCodeBlocked as blocked:
            until = in_paris(blocked.until).strftime("%Hh%M")
            form.code.errors, status = [messages.PORTAL_CODE_BLOCKED.format(until=until)], 429
        except activation_codes.InvalidActivationCode:
            form.code.errors = [messages.PORTAL_CODE_INVALID]
        except habilitations.AlreadyHabilitated:
            form.siret.errors = [messages.PORTAL_CODE_ALREADY_GESTIONNAIRE.format(service=service.name)]
        else:
            flash(messages.PORTAL_CODE_REDEEMED.format(service=service.name, siret=form.siret.data), "success")
            return redirect(url_for("portal.index"))
    return _add_page(service, CODE_TAB, status, code_form=form)


@bp.post("/demandes/<int:request_id>/annuler")
@login_required
def withdraw(request_id: int) -> Response | tuple[str, int]:
    if not ConfirmForm().validate_on_submit():
        return render_error(400)
    try:
        withdrawn = access_requests.withdraw_request(db.session, _account(), request_id, client_ip())
    except access_requests.RequestNotFound:
        abort(404)
    except access_requests.RequestAlreadyDecided:
        flash(messages.PORTAL_REQUEST_ALREADY_DECIDED, "warning")
    else:
        flash(messages.PORTAL_REQUEST_WITHDRAWN.format(service=withdrawn.service.name), "success")
    return redirect(url_for("portal.index"))
