"""The landing page: the login panel for visitors, the services portal « Mes démarches » once logged in."""

from flask import Blueprint, redirect, url_for
from werkzeug.wrappers import Response

from idp.auth import current_account

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Response:
    return redirect(url_for("login.login" if current_account() is None else "portal.index"))
