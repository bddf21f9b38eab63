"""« Connectez-vous » and logout."""

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from idp import messages
from idp.auth import client_ip, current_account, log_in, log_out, redirect_next
from idp.extensions import configured_limit, db, limiter
from idp.forms.login import LoginForm
from idp.models import AuditEventType
from idp.oidc.authorization import continue_after_login
from idp.services import audit, authentication
from idp.services.accounts import resend_activation
from idp.views.login_page import login_page
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
            response = continue_after_login(next_url, account) or redirect_next()
            db.session.commit()  # the login, and the service's code if there is one: one transaction
            return response
    return login_page(next_url, form=form, error=error)


@bp.post("/deconnexion")
def logout() -> Response:
    account = current_account()
    if account is not None:
        audit.record(db.session, AuditEventType.LOGOUT, account.id, client_ip())  # committed with the logout
    log_out()
    flash(messages.LOGGED_OUT, "success")
    return redirect(url_for("login.login"))
