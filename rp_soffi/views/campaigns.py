"""« Mes campagnes » (soffi.md §5.2): the campaigns opened so far and, for each, the state of the body's statement,
with « Saisir l'état » (which creates the draft: collectors only, campaign open) or « Consulter l'état »."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from rp_soffi import messages
from rp_soffi.access import get_scope, require_soffi_role
from rp_soffi.forms.statements import ButtonForm
from rp_soffi.services import bodies, campaigns, statements
from rp_soffi.services.errors import NotFound, SoffiError
from rp_soffi.statement.workflow import COLLECTOR_ROLES, CampaignStatus, Role
from rp_soffi.views.common import actor, flash_refusal, now, session

bp = Blueprint("campaigns", __name__, url_prefix="/campagnes")
COLLECTORS = tuple(COLLECTOR_ROLES)


@bp.get("")
@require_soffi_role(Role.CONSULTATION, *COLLECTORS)
def index() -> str | tuple[str, int]:
    body = bodies.find_body(session(), get_scope().siren)
    if body is None:
        return render_template("campaigns/not_referenced.html", text=messages.NOT_REFERENCED), 403
    shown = [c for c in campaigns.campaigns(session()) if c.status is not CampaignStatus.PREPARATION]
    rows = [(campaign, statements.find_statement(session(), body.id, campaign.id)) for campaign in shown]
    collector = get_scope().role in COLLECTOR_ROLES
    return render_template("campaigns/index.html", body=body, rows=rows, collector=collector, form=ButtonForm())


@bp.post("/<int:campaign_id>/etat")
@require_soffi_role(*COLLECTORS)
def start(campaign_id: int) -> Response:
    body = bodies.find_body(session(), get_scope().siren)
    if body is None or not ButtonForm().validate_on_submit():
        return redirect(url_for("campaigns.index"))
    try:
        statement = statements.start_statement(session(), actor(), body.id, campaign_id, now())
    except NotFound:
        abort(404)
    except SoffiError as error:
        flash_refusal(error)
        return redirect(url_for("campaigns.index"))
    flash(messages.STARTED, "success")
    return redirect(url_for("statements.show", statement_id=statement.id))
