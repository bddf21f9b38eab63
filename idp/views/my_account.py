"""« Mon compte »: contact details, password, e-mail address."""

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from idp import messages
from idp.auth import client_ip, current_account, current_session, login_required
from idp.extensions import db
from idp.forms.confirm import ConfirmForm
from idp.forms.my_account import ChangeEmailForm, ChangePasswordForm, CoordonneesForm
from idp.models import Account, Civilite, LinkPurpose
from idp.services import links, my_account
from idp.views.links import refused_link
from shared.web import render_error

bp = Blueprint("my_account", __name__, url_prefix="/mon-compte")


def _account() -> Account:
    account = current_account()
    assert account is not None  # guaranteed by login_required
    return account


def _page(status: int = 200, **forms: Any) -> tuple[str, int]:
    account = _account()
    forms.setdefault(
        "coordonnees_form",
        CoordonneesForm(
            data={
                "civilite": account.civilite.value,
                "nom": account.nom,
                "prenom": account.prenom,
                "telephone": account.telephone,
            }
        ),
    )
    forms.setdefault("password_form", ChangePasswordForm())
    forms.setdefault("email_form", ChangeEmailForm())
    has_errors = any(form.errors for form in forms.values())
    return render_template("my_account/index.html", account=account, form_has_errors=has_errors, **forms), status


@bp.get("")
@login_required
def index() -> tuple[str, int]:
    return _page()


@bp.post("/coordonnees")
@login_required
def coordonnees() -> Response | tuple[str, int]:
    form = CoordonneesForm()
    if not form.validate_on_submit():
        return _page(422, coordonnees_form=form)
    data = my_account.Coordonnees(Civilite(form.civilite.data), form.nom.data, form.prenom.data, form.telephone.data)
    my_account.update_coordonnees(db.session, _account(), data, client_ip())
    flash(messages.PROFILE_UPDATED, "success")
    return redirect(url_for("my_account.index"))


@bp.post("/mot-de-passe")
@login_required
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    form.account_email = _account().email
    if form.validate_on_submit():
        try:
            my_account.change_password(
                db.session, _account(), form.current.data, form.password.data, current_session(), client_ip()
            )
        except my_account.WrongPassword:
            form.current.errors = [messages.CURRENT_PASSWORD_WRONG]
        else:
            flash(messages.PASSWORD_CHANGED, "success")
            return redirect(url_for("my_account.index"))
    return _page(422, password_form=form)


@bp.post("/adresse-electronique")
@login_required
def change_email() -> Response | tuple[str, int]:
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            my_account.request_email_change(db.session, _account(), form.current.data, form.email.data, client_ip())
        except my_account.WrongPassword:
            form.current.errors = [messages.CURRENT_PASSWORD_WRONG]
        except my_account.SameEmail:
            form.email.errors = [messages.EMAIL_SAME]
        else:
            flash(messages.EMAIL_CHANGE_SENT.format(email=form.email.data), "info")
            return redirect(url_for("my_account.index"))
    return _page(422, email_form=form)


@bp.get("/adresse-electronique/<token>")
def show_email_confirmation(token: str) -> str | tuple[str, int]:
    try:
        link = links.check_link(db.session, token, LinkPurpose.EMAIL_CHANGE)
    except links.LinkError as error:
        return refused_link(error, "email_change")
    return render_template("my_account/confirm_email.html", form=ConfirmForm(), new_email=link.new_email)


@bp.post("/adresse-electronique/<token>")
def confirm_email(token: str) -> Response | tuple[str, int]:
    if not ConfirmForm().validate_on_submit():
        return render_error(400)
    try:
        my_account.confirm_email_change(db.session, token, client_ip())
    except links.LinkError as error:
        return refused_link(error, "email_change")
    flash(messages.EMAIL_CHANGED, "success")
    return redirect(url_for("my_account.index") if current_account() else url_for("login.login"))
