"""« Déléguer une habilitation à un tiers » (guide 004): the gestionnaire's form, its confirmation, the
invitations' follow-up; then the third party's page, reached from the e-mail's link, to accept or decline."""

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from idp import messages
from idp.auth import client_ip, current_account, login_required
from idp.extensions import db
from idp.forms.confirm import ConfirmForm
from idp.forms.delegation import DelegationForm, HandOverForm, delegation_form, past_own_end
from idp.models import Account, DelegationInvitation, Service
from idp.services import delegations, habilitations, service_users
from idp.services.directory import find_establishment
from idp.services.service_users import ManagedCompany
from shared.clock import utcnow
from shared.web import database_id, render_error

bp = Blueprint("delegation", __name__)

USERS = "/portail/services/<code>/utilisateurs"
DRAFT = "delegation_draft"  # the form's values between « Continuer » and « Confirmer »


@bp.errorhandler(habilitations.NotGestionnaire)
def not_gestionnaire(error: habilitations.NotGestionnaire) -> tuple[str, int]:
    service = service_users.find_service(db.session, (request.view_args or {}).get("code", ""))
    return render_error(403, messages.USERS_NOT_GESTIONNAIRE.format(service=service.name if service else ""))


# --- the gestionnaire -----------------------------------------------------------------------------------


def _managed(code: str) -> tuple[Account, Service, ManagedCompany]:
    """The gestionnaire, the service and the company (NotGestionnaire, a 403 audited, for anyone else)."""
    service = service_users.find_service(db.session, code)
    if service is None:
        abort(404)
    account = current_account()
    assert account is not None  # login_required
    siren = request.args.get("siren")
    return account, service, service_users.managed_company(db.session, account, service, siren, client_ip())


def _form(service: Service, company: ManagedCompany, **kwargs: Any) -> DelegationForm:
    establishments = service_users.establishments_to_choose(db.session, company.siren)
    return delegation_form(delegations.delegable_roles(service), company.siren, establishments, **kwargs)


def _proposal(service: Service, draft: dict[str, str]) -> delegations.Proposal:
    role = next(role for role in delegations.delegable_roles(service) if role.code == draft["role"])
    expires_on = date.fromisoformat(draft["expires_on"]) if draft.get("expires_on") else None
    expires_at = service_users.end_of_day(expires_on) if expires_on else None
    return delegations.Proposal(draft["tiers_siret"], draft["email"], role, draft["siret"], expires_at)


def _refused(form: DelegationForm, error: delegations.DelegationError) -> None:
    """Each rule's message next to the field it is about."""
    match error:
        case delegations.OwnCompany():
            form.tiers_siret.errors = [messages.DELEGATION_OWN_COMPANY]
        case delegations.TiersUnknown():
            form.tiers_siret.errors = [messages.DELEGATION_TIERS_UNKNOWN]
        case delegations.TiersClosed():
            form.tiers_siret.errors = [messages.DELEGATION_TIERS_CLOSED]
        case delegations.NotOwnEstablishment():
            form.siret.errors = [messages.USERS_SIRET_OTHER_COMPANY]
        case delegations.RoleNotDelegable():
            form.role.errors = [messages.USERS_ROLE_REQUIRED]
        case delegations.PastOwnEnd(own_end=own_end):
            form.expires_on.errors = [past_own_end(own_end)]


def _draft(code: str, siren: str) -> dict[str, str] | None:
    draft = session.get(DRAFT)
    if isinstance(draft, dict) and draft.get("service") == code and draft.get("siren") == siren:
        return draft
    return None


@bp.route(f"{USERS}/deleguer", methods=["GET", "POST"])
@login_required
def new(code: str) -> Response | tuple[str, int]:
    account, service, company = _managed(code)
    back = _draft(code, company.siren) if request.method == "GET" and "retour" in request.args else None
    form = _form(service, company, data=back)
    if not form.role.choices:
        flash(messages.DELEGATION_NO_ROLE, "info")
        return redirect(url_for("service_users.index", code=code, siren=company.siren))
    if form.validate_on_submit():
        expires_on = form.expires_on.data
        draft = {
            "service": code,
            "siren": company.siren,
            "tiers_siret": form.tiers_siret.data,
            "email": form.email.data,
            "role": form.role.data,
            "siret": form.siret.data,
            "expires_on": expires_on.isoformat() if expires_on else "",
        }
        try:
            delegations.check_proposal(db.session, account, service, company.siren, _proposal(service, draft))
        except delegations.DelegationError as error:
            _refused(form, error)
        else:
            session[DRAFT] = draft
            return redirect(url_for("delegation.confirm", code=code, siren=company.siren))
    status = 422 if form.errors else 200
    context = {"service": service, "company": company, "form": form, "form_has_errors": bool(form.errors)}
    return render_template("delegation/new.html", **context), status


@bp.route(f"{USERS}/deleguer/confirmer", methods=["GET", "POST"])
@login_required
def confirm(code: str) -> Response | tuple[str, int]:
    account, service, company = _managed(code)
    draft = _draft(code, company.siren)
    if draft is None:
        flash(messages.DELEGATION_DRAFT_LOST, "warning")
        return redirect(url_for("delegation.new", code=code, siren=company.siren))
    proposal, form = _proposal(service, draft), ConfirmForm()
    if form.validate_on_submit():
        try:
            delegations.invite(db.session, account, service, company.siren, proposal, client_ip())
        except delegations.DelegationError:  # the rules changed since « Continuer » (an end date, a closure)
            return redirect(url_for("delegation.new", code=code, siren=company.siren, retour=1))
        session.pop(DRAFT, None)
        flash(messages.DELEGATION_INVITED.format(email=proposal.email), "success")
        return redirect(url_for("service_users.index", code=code, siren=company.siren))
    context = {
        "service": service, "company": company, "proposal": proposal, "form": form, "inviter": account,
        "tiers": find_establishment(db.session, proposal.tiers_siret),
    }  # fmt: skip
    return render_template("delegation/confirm.html", **context), 200


def _invitation_action(code: str, invitation_id: int, act: Any, done: str) -> Response:
    account, service, company = _managed(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        invitation = delegations.managed_invitation(db.session, account, service, company.siren, invitation_id)
    except delegations.InvitationUnusable:
        abort(404)
    try:
        act(db.session, account, invitation, client_ip())
    except delegations.InvitationNotPending:
        flash(messages.DELEGATION_NOT_PENDING, "warning")
    else:
        flash(done.format(email=invitation.email), "success")
    return redirect(url_for("delegation.invitations", code=code, siren=company.siren))


@bp.get(f"{USERS}/invitations")
@login_required
def invitations(code: str) -> tuple[str, int]:
    """The company's invitations with their state and dates, and « Renvoyer » / « Annuler » while pending."""
    _, service, company = _managed(code)
    context = {
        "service": service, "company": company, "now": utcnow(), "form": ConfirmForm(),
        "invitations": delegations.invitations_of(db.session, service, company.siren),
    }  # fmt: skip
    return render_template("delegation/invitations.html", **context), 200


@bp.post(f"{USERS}/invitations/<int:invitation_id>/renvoyer")
@login_required
def resend(code: str, invitation_id: int) -> Response:
    return _invitation_action(code, invitation_id, delegations.resend, messages.DELEGATION_RESENT)


@bp.post(f"{USERS}/invitations/<int:invitation_id>/annuler")
@login_required
def cancel(code: str, invitation_id: int) -> Response:
    return _invitation_action(code, invitation_id, delegations.cancel, messages.DELEGATION_CANCELLED)


# --- the third party --------------------------------------------------------------------------------------


def _invitation(token: str) -> DelegationInvitation | tuple[str, int]:
    try:
        return delegations.find_invitation(db.session, token)
    except delegations.InvitationUnusable:
        return render_template("delegation/unusable.html"), 404


@bp.get("/delegation/<token>")
def show(token: str) -> tuple[str, int]:
    found = _invitation(token)
    if not isinstance(found, DelegationInvitation):
        return found
    account, problem, status = current_account(), None, 200
    if account is not None:
        try:
            delegations.check_invitee(db.session, found, account, client_ip())
        except delegations.NotTheInvitee:
            problem, status = messages.INVITATION_OTHER_PERSON, 403
        except delegations.NotTheTiersCompany:
            problem, status = messages.INVITATION_OTHER_COMPANY.format(siret=found.tiers_siret), 403
    context = {
        "invitation": found, "account": account, "problem": problem, "form": ConfirmForm(), "token": token,
        "company": delegations.company_name(db.session, found.company_siren),
    }  # fmt: skip
    return render_template("delegation/invitation.html", **context), status


def _answer(token: str, act: Any) -> Response | tuple[str, int]:
    account = current_account()
    assert account is not None  # login_required
    if not ConfirmForm().validate_on_submit():
        abort(400)
    found = _invitation(token)
    if not isinstance(found, DelegationInvitation):
        return found
    company, service = delegations.company_name(db.session, found.company_siren), found.service.name
    try:
        act(db.session, account, token, client_ip())
    except (delegations.NotTheInvitee, delegations.NotTheTiersCompany):
        return redirect(url_for("delegation.show", token=token))
    except delegations.AlreadyDelegated:
        flash(messages.DELEGATION_ALREADY_HELD, "info")
        return redirect(url_for("portal.index"))
    done = messages.INVITATION_ACCEPTED if act is delegations.accept else messages.INVITATION_DECLINED
    flash(done.format(company=company, service=service), "success")
    return redirect(url_for("portal.index"))


@bp.post("/delegation/<token>/accepter")
@login_required
def accept(token: str) -> Response | tuple[str, int]:
    return _answer(token, delegations.accept)


@bp.post("/delegation/<token>/refuser")
@login_required
def decline(token: str) -> Response | tuple[str, int]:
    return _answer(token, delegations.decline)


# --- « Mes clients » ----------------------------------------------------------------------------------------


@bp.get("/portail/mes-clients")
@login_required
def clients() -> tuple[str, int]:
    """Every organisation the person acts for, by service, with role and end, a page at a time; « Renoncer »."""
    account = current_account()
    assert account is not None  # login_required
    page = delegations.clients_of(db.session, account, request.args.get("page", type=database_id))
    renouncing = request.args.get("renoncer", type=database_id)
    context: dict[str, Any] = {"clients": page, "renouncing": renouncing, "form": ConfirmForm(), "page_args": {}}
    return render_template("delegation/clients.html", **context), 200


@bp.post("/portail/mes-clients/<int:habilitation_id>/renoncer")
@login_required
def renounce(habilitation_id: int) -> Response:
    account = current_account()
    assert account is not None  # login_required
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        client = delegations.renounce(db.session, account, habilitation_id, client_ip())
    except delegations.InvitationUnusable:
        abort(404)
    flash(messages.CLIENTS_RENOUNCED.format(company=client.company, service=client.service.name), "success")
    return redirect(url_for("delegation.clients"))


# --- « Délégations reçues » (the third party's firm) ----------------------------------------------------------


def _received_page(
    code: str, form: HandOverForm | None = None, status: int = 200, handing: int | None = None
) -> tuple[str, int]:
    account, service, company = _managed(code)
    handing = handing or request.args.get("confier", type=database_id)
    page = delegations.received(db.session, account, service, company.siren, request.args.get("page", type=database_id))
    context = {
        "service": service, "company": company, "received": page, "handing": handing,
        "form": form or HandOverForm(), "form_has_errors": bool(form and form.errors),
        "page_args": {"code": code, "siren": company.siren},
    }  # fmt: skip
    return render_template("delegation/received.html", **context), status


@bp.get(f"{USERS}/delegations-recues")
@login_required
def received(code: str) -> tuple[str, int]:
    """The delegations the firm's people hold for clients on the service, and « Confier à un collègue »."""
    return _received_page(code)


@bp.post(f"{USERS}/delegations-recues/<int:habilitation_id>/confier")
@login_required
def hand_over(code: str, habilitation_id: int) -> Response | tuple[str, int]:
    account, service, company = _managed(code)
    form = HandOverForm()
    if form.validate_on_submit():
        try:
            handed = delegations.hand_over(
                db.session, account, service, company.siren, habilitation_id, form.email.data, client_ip()
            )
        except delegations.InvitationUnusable:
            abort(404)
        except delegations.NotTheTiersCompany:
            form.email.errors = [messages.RECEIVED_NOT_COLLEAGUE]
        except delegations.AlreadyDelegated:
            form.email.errors = [messages.RECEIVED_SAME_HOLDER]
        else:
            client = delegations.company_name(db.session, handed.company_siren)
            flash(messages.RECEIVED_HANDED_OVER.format(client=client, person=handed.account.display_name), "success")
            return redirect(url_for("delegation.received", code=code, siren=company.siren))
    return _received_page(code, form, 422, habilitation_id)
