"""The landing page: the login panel for visitors, the user's space once logged in."""

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from idp.auth import current_account

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Response | str:
    account = current_account()
    if account is None:
        return redirect(url_for("login.login"))
    return render_template("home/index.html", account=account)
