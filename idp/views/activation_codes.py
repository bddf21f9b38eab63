"""« J'ai reçu une clé d'activation »: the public entry point a service links to for people who received an
activation code (« clé d'activation ») by post. Logged in, they go straight to the code tab of « Ajouter une
démarche »; otherwise the page explains the three steps and carries that tab as `next` through sign-up,
e-mail activation and login."""

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from idp import messages
from idp.auth import current_account
from idp.extensions import db
from idp.models import Service
from idp.services import portal
from idp.views.portal import CODE_TAB

bp = Blueprint("activation_codes", __name__, url_prefix="/services")


def _service(code: str) -> Service:
    """The portal's service with this code, if it accepts activation codes; 404 otherwise."""
    service = portal.find_portal_service(db.session, code)
    if service is None or not service.allows_activation_code:
        abort(404)
    return service


@bp.get("/<service_code>/cle-activation")
def index(service_code: str) -> Response | str:
    service = _service(service_code)
    code_tab = url_for("portal.add", service_code=service.code, onglet=CODE_TAB)
    if current_account() is not None:
        return redirect(code_tab)
    manager = service.manager_role
    return render_template(
        "activation_codes/index.html",
        service=service,
        role=manager.label if manager else messages.ACTIVATION_CODE_DEFAULT_ROLE,
        signup_url=url_for("signup.establishment", next=code_tab),
        login_url=url_for("login.login", next=code_tab),
    )
