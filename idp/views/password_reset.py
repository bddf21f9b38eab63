"""« Mot de passe oublié ? »: the request, then the new password from the e-mailed link."""

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from idp import messages
from idp.auth import client_ip, log_out
from idp.extensions import configured_limit, db, limiter
from idp.forms.password_reset import RequestResetForm, ResetPasswordForm
from idp.services import links, password_reset
from idp.views.links import refused_link

bp = Blueprint("password_reset", __name__, url_prefix="/mot-de-passe")


@bp.route("/oublie", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_MAIL"), methods=["POST"])
def request_reset() -> str | tuple[str, int]:
    form = RequestResetForm()
    if form.validate_on_submit():
        password_reset.request_reset(db.session, form.email.data, client_ip())
        return render_template("password_reset/requested.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render_template("password_reset/request.html", form=form, form_has_errors=bool(form.errors)), status


@bp.route("/reinitialisation/<token>", methods=["GET", "POST"])
def reset(token: str) -> Response | str | tuple[str, int]:
    try:
        account = password_reset.check_reset(db.session, token)
    except links.LinkError as error:
        return refused_link(error, "password_reset")
    form = ResetPasswordForm()
    form.account_email = account.email  # so that the policy refuses a password made of it
    if form.validate_on_submit():
        try:
            password_reset.reset_password(db.session, token, form.password.data, client_ip())
        except links.LinkError as error:
            return refused_link(error, "password_reset")
        log_out()
        flash(messages.PASSWORD_RESET_DONE, "success")
        return redirect(url_for("login.login", login_hint=account.email))
    status = 422 if form.errors else 200
    return render_template(
        "password_reset/reset.html", form=form, token=token, form_has_errors=bool(form.errors)
    ), status
