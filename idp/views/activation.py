"""Activation of a new account from the link of the e-mail (« ACTIVER MON COMPTE »).

The link may carry a `next` (a path of this site): the login offered once activated leads there.
"""

from flask import Blueprint, render_template, request, url_for
from werkzeug.wrappers import Response

from idp.auth import client_ip
from idp.extensions import configured_limit, db, limiter
from idp.forms.activation import NewActivationLinkForm
from idp.forms.confirm import ConfirmForm
from idp.services import accounts, links
from idp.views.links import refused_link
from shared.oidc_client.access import safe_next

bp = Blueprint("activation", __name__, url_prefix="/activation")


@bp.get("/<token>")
def show(token: str) -> str | tuple[str, int] | Response:
    try:
        accounts.check_activation(db.session, token)
    except links.LinkError as error:
        return refused_link(error, "activation")
    return render_template("activation/activate.html", form=ConfirmForm(), token=token, next_path=_next())


@bp.post("/<token>")
def activate(token: str) -> str | tuple[str, int] | Response:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("activation/activate.html", form=form, token=token, next_path=_next()), 400
    try:
        accounts.activate(db.session, token, client_ip())
    except links.LinkError as error:
        return refused_link(error, "activation")
    return render_template("activation/activated.html", login_url=url_for("login.login", next=_next()))


def _next() -> str | None:
    return safe_next(request.args.get("next"))


@bp.route("/nouveau-lien", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_MAIL"), methods=["POST"])
def new_link() -> str | tuple[str, int]:
    form = NewActivationLinkForm()
    if form.validate_on_submit():
        accounts.resend_activation(db.session, form.email.data, client_ip())
        return render_template("activation/link_sent.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render_template("activation/new_link.html", form=form, form_has_errors=bool(form.errors)), status
