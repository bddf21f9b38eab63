"""« Connectez-vous » and logout."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from idp import messages
from idp.auth import client_ip, current_account, log_in, log_out, redirect_next
from idp.extensions import configured_limit, db, limiter
from idp.forms.login import LoginForm
from idp.models import AuditEventType
from idp.services import audit, authentication
from idp.services.accounts import resend_activation
from shared.clock import in_paris
from shared.oidc_client.access import safe_next

bp = Blueprint("login", __name__)


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_LOGIN"), methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    if current_account() is not None and request.method == "GET":
        return redirect_next()
    next_url = safe_next(request.args.get("next"))
    form = LoginForm(data={"email": request.args.get("login_hint", "")} if request.method == "GET" else None)
    error = None
    if form.validate_on_submit():
        try:
            account = authentication.authenticate(db.session, form.email.data, form.password.data, client_ip())
        except authentication.LoginBlocked as blocked:
            error = messages.LOGIN_BLOCKED.format(until=in_paris(blocked.until).strftime("%Hh%M"))
        except authentication.AccountNotActivated as pending:
            # The new link leads where this login would have (« J'ai reçu une clé d'activation »).
            resend_activation(db.session, pending.account.email, client_ip(), next_url)
            error = messages.LOGIN_NOT_ACTIVATED
        except authentication.AccountDisabled:
            error = messages.LOGIN_DISABLED
        except authentication.InvalidCredentials:
            error = messages.LOGIN_FAILED
        else:
            log_in(account)
            # Imported here: the provider imports this module for its login form.
            from idp.oidc.views import continue_after_login

            response = continue_after_login(next_url, account) or redirect_next()
            db.session.commit()  # the login, and the service's code if there is one: one transaction
            return response
    return login_page(next_url, form=form, error=error)


def login_page(
    next_url: str | None, form: LoginForm | None = None, error: str | None = None, login_hint: str = ""
) -> tuple[str, int]:
    """« Connectez-vous », also shown by the authorization endpoint to a service's visitor who is not
    logged in: the form posts to /connexion, which then leads to `next_url`."""
    form = form or LoginForm(data={"email": login_hint})
    status = 422 if (error or form.errors) else 200
    html = render_template(
        "login/login.html",
        form=form,
        error=error,
        form_has_errors=status == 422,
        action=url_for("login.login", next=next_url),
        # « Se créer un compte » keeps where this login leads (a service's authorization, the activation-code tab).
        signup_url=url_for("signup.establishment", next=next_url),
    )
    return html, status


@bp.post("/deconnexion")
def logout() -> Response:
    account = current_account()
    if account is not None:
        audit.record(db.session, AuditEventType.LOGOUT, account.id, client_ip())
        db.session.commit()
    log_out()
    flash(messages.LOGGED_OUT, "success")
    return redirect(url_for("login.login"))
