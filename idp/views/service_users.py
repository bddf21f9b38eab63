"""« Utilisateurs du service » (a tile's gear): a gestionnaire sees and manages who has access for their company."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from idp import messages
from idp.auth import client_ip, current_account, login_required
from idp.extensions import db
from idp.forms.confirm import ConfirmForm
from idp.forms.delegation import DelegationEndForm, past_own_end
from idp.forms.service_users import (
    AcceptForm,
    AddHabilitationForm,
    ChangeHabilitationForm,
    RefuseForm,
    add_form,
)
from idp.models import AccessRequest, AccessRequestStatus, Account, Habilitation, Role, Service
from idp.services import access_requests, delegations, habilitations, service_users
from idp.services.service_users import ManagedCompany, PersonDetail
from shared.clock import in_paris
from shared.web import database_id, render_error

bp = Blueprint("service_users", __name__, url_prefix="/portail/services/<code>/utilisateurs")

LIST_ARGS = ("siren", "q", "role", "tiers", "page")  # what the list shows, kept across the person's actions


@dataclass(frozen=True)
class Screen:
    account: Account
    service: Service
    company: ManagedCompany


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    url: str
    active: bool


@bp.errorhandler(habilitations.NotGestionnaire)
def not_gestionnaire(error: habilitations.NotGestionnaire) -> tuple[str, int]:
    service = service_users.find_service(db.session, (request.view_args or {}).get("code", ""))
    return render_error(403, messages.USERS_NOT_GESTIONNAIRE.format(service=service.name if service else ""))


def _service(code: str) -> Service:
    service = service_users.find_service(db.session, code)
    if service is None:
        abort(404)
    return service


def _account() -> Account:
    account = current_account()
    assert account is not None  # guaranteed by login_required
    return account


def _screen(service: Service, siren: str | None = None) -> Screen:
    """The company shown; NotGestionnaire (a 403, audited) for anyone who does not manage the service for it."""
    account, wanted = _account(), siren or request.args.get("siren")
    return Screen(account, service, service_users.managed_company(db.session, account, service, wanted, client_ip()))


def _list_args(**changes: Any) -> dict[str, Any]:
    args = {key: request.args[key] for key in LIST_ARGS if request.args.get(key)}
    args.update(changes)
    return {key: value for key, value in args.items() if value is not None}


def _person_url(screen: Screen, account_id: int) -> str:
    """Back to the person after an action, or to the list when they are no longer one of the company's people."""
    still_there = service_users.find_person(db.session, screen.service, screen.company.siren, account_id)
    person = account_id if still_there else None
    args = _list_args(siren=screen.company.siren, personne=person)
    return url_for("service_users.index", code=screen.service.code, **args)


def _request_screen(code: str, request_id: int) -> tuple[AccessRequest, Screen]:
    """The pending request to decide and its company's screen (404, or 403 audited, for anyone else)."""
    service = _service(code)
    decided = access_requests.get_request_to_decide(db.session, _account(), service, request_id, client_ip())
    return decided, _screen(service, decided.siren)


def _habilitation_screen(code: str, habilitation_id: int) -> tuple[Habilitation, Screen]:
    """The habilitation to change and its company's screen (404, or 403 audited, for anyone else)."""
    service = _service(code)
    habilitation = habilitations.get_managed_habilitation(db.session, _account(), service, habilitation_id, client_ip())
    return habilitation, _screen(service, habilitation.company_siren)


@contextmanager
def _unless_last_gestionnaire(screen: Screen) -> Iterator[None]:
    """Around a change to a habilitation and its « done » message: when the change would leave the company
    without a gestionnaire, say so instead (nothing is written)."""
    try:
        yield
    except habilitations.LastGestionnaire:
        flash(messages.USERS_LAST_GESTIONNAIRE.format(service=screen.service.name), "error")


def _role(service: Service, code: str) -> Role:
    return next(role for role in service.requestable_roles if role.code == code)


def _described(habilitation: Habilitation) -> str:
    return f"{habilitation.role.label} - SIRET {habilitation.siret}"


def _datetime_fr(value: datetime | None) -> str:
    return format_datetime(in_paris(value), "dd/MM/yyyy 'à' HH'h'mm", locale="fr_FR") if value else ""


def _already_decided(decided: AccessRequest) -> str:
    """« Cette demande a déjà été traitée par … le … » (or withdrawn by the requester)."""
    when = _datetime_fr(decided.decided_at)
    if decided.status is AccessRequestStatus.WITHDRAWN:
        return messages.USERS_ALREADY_WITHDRAWN.format(requester=decided.account.display_name, date=when)
    if decided.decided_by is None:
        return messages.USERS_ALREADY_DECIDED_ANONYMOUS.format(date=when)
    return messages.USERS_ALREADY_DECIDED.format(decided_by=decided.decided_by.display_name, date=when)


def _facet_links(screen: Screen, facets: service_users.Facets) -> dict[str, list[FacetLink]]:
    """The left column's filters: each link sets its filter (or removes it when set), back to page 1."""

    def link(key: str, value: str, label: str, count: int) -> FacetLink:
        active = request.args.get(key) == value
        args = _list_args(page=None, siren=screen.company.siren, **{key: None if active else value})
        return FacetLink(label, count, url_for("service_users.index", code=screen.service.code, **args), active)

    roles = [link("role", each.code, each.label, each.count) for each in facets.roles]
    roles.append(link("role", service_users.PENDING_FILTER, messages.USERS_PENDING, facets.pending))
    tiers = [
        link("tiers", "oui", messages.USERS_THIRD_PARTY_YES, facets.third_party),
        link("tiers", "non", messages.USERS_THIRD_PARTY_NO, facets.not_third_party),
    ]
    return {"role": roles, "tiers": tiers}


def _person_forms(
    screen: Screen, person: PersonDetail | None, editing: Habilitation | None, adding: bool
) -> dict[str, FlaskForm]:
    """The forms of the person's panel, as a first GET shows them (a failed POST replaces its own)."""
    roles = screen.service.requestable_roles
    forms: dict[str, FlaskForm] = {}
    for pending in person.requests if person else []:
        wished = {"role": pending.role.code}
        forms[f"valider-{pending.id}"] = AcceptForm(roles, prefix=f"valider-{pending.id}", formdata=None, data=wished)
        forms[f"refuser-{pending.id}"] = RefuseForm(prefix=f"refuser-{pending.id}", formdata=None)
    if editing is not None:
        current = {"role": editing.role.code, "expires_on": service_users.last_day(editing.expires_at)}
        forms["modifier"] = (
            DelegationEndForm(prefix="modifier", formdata=None, data=current)
            if editing.delegated
            else ChangeHabilitationForm(roles, prefix="modifier", formdata=None, data=current)
        )
    forms["supprimer"] = ConfirmForm(prefix="supprimer", formdata=None)
    if adding:
        forms["ajout"] = _add_form(screen, formdata=None, data={"email": person.account.email if person else ""})
    return forms


def _add_form(screen: Screen, **kwargs: Any) -> AddHabilitationForm:
    establishments = service_users.establishments_to_choose(db.session, screen.company.siren)
    return add_form(screen.service.requestable_roles, screen.company.siren, establishments, prefix="ajout", **kwargs)


def _page(
    screen: Screen,
    status: int = 200,
    person_id: int | None = None,
    editing_id: int | None = None,
    submitted: dict[str, FlaskForm] | None = None,
) -> tuple[str, int]:
    """The screen: filters, search and results, and the selected person's panel with its forms."""
    service, siren, args, submitted = screen.service, screen.company.siren, request.args, submitted or {}
    person = service_users.find_person(db.session, service, siren, person_id) if person_id is not None else None
    if person_id is not None and person is None:
        abort(404)  # not one of the company's people: nothing to show, whoever they are
    editing = person.find_habilitation(editing_id) if person else None
    forms = {**_person_forms(screen, person, editing, "ajouter" in args or "ajout" in submitted), **submitted}
    filters = service_users.parse_filters(service, args.get("q"), args.get("role"), args.get("tiers"))
    context = {
        "service": service,
        "company": screen.company,
        "filters": filters,
        "facets": _facet_links(screen, service_users.facets(db.session, service, siren)),
        "results": service_users.search(db.session, service, siren, filters, args.get("page", type=int)),
        "list_args": _list_args(siren=siren),
        "page_args": _list_args(siren=siren, page=None, code=service.code),
        "person": person,
        "forms": forms,
        "editing": editing,
        "deleting": person.find_habilitation(args.get("supprimer", type=database_id)) if person else None,
        "form_has_errors": any(form.errors for form in forms.values()),
    }
    return render_template("service_users/index.html", **context), status


@bp.get("")
@login_required
def index(code: str) -> tuple[str, int]:
    person_id, editing_id = (request.args.get(key, type=database_id) for key in ("personne", "modifier"))
    return _page(_screen(_service(code)), 200, person_id, editing_id)


@bp.post("/demandes/<int:request_id>/valider")
@login_required
def accept(code: str, request_id: int) -> Response | tuple[str, int]:
    decided, screen = _request_screen(code, request_id)
    form = AcceptForm(screen.service.requestable_roles, prefix=f"valider-{request_id}")
    if not form.validate_on_submit():
        return _page(screen, 422, decided.account_id, submitted={f"valider-{request_id}": form})
    role = _role(screen.service, form.role.data)
    try:
        access_requests.accept_request(db.session, screen.account, decided, role, client_ip())
    except access_requests.RequestAlreadyDecided as error:
        flash(_already_decided(error.request), "error")
    else:
        person = decided.account.display_name
        flash(messages.USERS_REQUEST_ACCEPTED.format(person=person, role=role.label, siret=decided.siret), "success")
    return redirect(_person_url(screen, decided.account_id))


@bp.post("/demandes/<int:request_id>/refuser")
@login_required
def refuse(code: str, request_id: int) -> Response | tuple[str, int]:
    decided, screen = _request_screen(code, request_id)
    form = RefuseForm(prefix=f"refuser-{request_id}")
    if form.validate_on_submit():
        try:
            access_requests.refuse_request(db.session, screen.account, decided, form.reason.data, client_ip())
        except access_requests.ReasonRequired:
            form.reason.errors = [messages.REQUIRED]
        except access_requests.RequestAlreadyDecided as error:
            flash(_already_decided(error.request), "error")
            return redirect(_person_url(screen, decided.account_id))
        else:
            flash(messages.USERS_REQUEST_REFUSED.format(person=decided.account.display_name), "success")
            return redirect(_person_url(screen, decided.account_id))
    return _page(screen, 422, decided.account_id, submitted={f"refuser-{request_id}": form})


@bp.post("/habilitations/<int:habilitation_id>/modifier")
@login_required
def change(code: str, habilitation_id: int) -> Response | tuple[str, int]:
    habilitation, screen = _habilitation_screen(code, habilitation_id)
    if habilitation.delegated:
        return _change_delegation(screen, habilitation)
    form = ChangeHabilitationForm(screen.service.requestable_roles, prefix="modifier")
    if not form.validate_on_submit():
        return _page(screen, 422, habilitation.account_id, habilitation.id, {"modifier": form})
    role = _role(screen.service, form.role.data)
    expires_at = service_users.end_instant(form.expires_on.data, habilitation.expires_at)
    unchanged = (role.id, expires_at) == (habilitation.role_id, habilitation.expires_at)
    with _unless_last_gestionnaire(screen):
        habilitations.change_habilitation(db.session, screen.account, habilitation, role, expires_at, client_ip())
        done = messages.USERS_HABILITATION_CHANGED.format(person=habilitation.account.display_name)
        flash(messages.USERS_HABILITATION_UNCHANGED if unchanged else done, "success")
    return redirect(_person_url(screen, habilitation.account_id))


def _change_delegation(screen: Screen, delegation: Habilitation) -> Response | tuple[str, int]:
    form = DelegationEndForm(prefix="modifier")
    if form.validate_on_submit():
        expires_at = service_users.end_instant(form.expires_on.data, delegation.expires_at)
        try:
            delegations.change_end(db.session, screen.account, delegation, expires_at, client_ip())
        except delegations.PastOwnEnd as error:
            form.expires_on.errors = [past_own_end(error.own_end)]
        else:
            end = f"le {in_paris(expires_at):%d/%m/%Y}" if expires_at else "sans date de fin"
            flash(messages.USERS_DELEGATION_CHANGED.format(person=delegation.account.display_name, end=end), "success")
            return redirect(_person_url(screen, delegation.account_id))
    return _page(screen, 422, delegation.account_id, delegation.id, {"modifier": form})


@bp.post("/habilitations/<int:habilitation_id>/supprimer")
@login_required
def delete(code: str, habilitation_id: int) -> Response | tuple[str, int]:
    habilitation, screen = _habilitation_screen(code, habilitation_id)
    if not ConfirmForm(prefix="supprimer").validate_on_submit():
        return render_error(400)
    described, person = _described(habilitation), habilitation.account.display_name
    with _unless_last_gestionnaire(screen):
        habilitations.revoke_habilitation(db.session, screen.account, habilitation, client_ip())
        flash(messages.USERS_HABILITATION_REVOKED.format(habilitation=described, person=person), "success")
    return redirect(_person_url(screen, habilitation.account_id))


@bp.post("/ajouter")
@login_required
def add(code: str) -> Response | tuple[str, int]:
    screen = _screen(_service(code))
    form = _add_form(screen)
    if form.validate_on_submit():
        role, expires_on = _role(screen.service, form.role.data), form.expires_on.data
        expires_at = service_users.end_of_day(expires_on) if expires_on else None
        try:
            added = habilitations.add_habilitation(
                db.session,
                screen.account,
                screen.service,
                screen.company.siren,
                form.email.data,
                role,
                form.siret.data,
                expires_at,
                client_ip(),
            )
        except habilitations.NotInCompany:
            form.email.errors = [messages.USERS_NOT_IN_COMPANY]
        except habilitations.AlreadyHabilitated:
            form.role.errors = [messages.USERS_ALREADY_HABILITATED]
        else:
            done = messages.USERS_HABILITATION_ADDED
            flash(done.format(person=added.account.display_name, role=role.label, siret=added.siret), "success")
            return redirect(_person_url(screen, added.account_id))
    return _page(screen, 422, request.args.get("personne", type=database_id), submitted={"ajout": form})
