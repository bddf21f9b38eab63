"""« Mon activité formation » (bpf.md §5.1): the organisation, its déclaration d'activité and its BPFs; a control
agent is sent to its dashboard."""

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from rp_bpf.access import current_scope, get_scope, require_declarant
from rp_bpf.extensions import db
from rp_bpf.services import delegations
from rp_bpf.services.overview import overview
from shared.clock import utcnow
from shared.oidc_client.access import current_user

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str | Response:
    scope = current_scope()
    if current_user() is None or scope is None:
        return render_template("relying_party/home.html")  # signing in, or no role here: the shared page says so
    if scope.control:
        return redirect(url_for("control.dashboard"))
    return _organisation()


@require_declarant
def _organisation() -> str:
    scope = get_scope()
    assert scope.siren is not None
    view = overview(db.session, scope.siren, utcnow())
    # A third party whose own delegation ends before the deadline is told so, and whom to ask.
    ends = scope.actor.delegation_ends_at
    my_delegation_ends = ends if view.to_transmit and delegations.ends_before(ends, view.campaign.deadline) else None
    return render_template("home/index.html", view=view, scope=scope, my_delegation_ends=my_delegation_ends)
