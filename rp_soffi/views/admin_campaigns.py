"""The agents' « Campagnes » (soffi.md §5.6): every campaign with its state and date limite; « Ouvrir » (the bodies
may then file), « Clore », and a new « Date limite de dépôt »; the journal of the latest agents' actions on them."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from rp_soffi import messages
from rp_soffi.access import require_soffi_role
from rp_soffi.forms.admin import DeadlineForm
from rp_soffi.forms.statements import ButtonForm
from rp_soffi.models import Campaign
from rp_soffi.services import campaigns
from rp_soffi.services.errors import NotFound, SoffiError
from rp_soffi.statement.workflow import Role
from rp_soffi.views.common import actor, flash_refusal, now, session

bp = Blueprint("admin_campaigns", __name__, url_prefix="/admin/campagnes")
AGENT = Role.AGENT_DGEFP


def _page(forms: dict[int, DeadlineForm] | None = None, status: int = 200) -> tuple[str, int]:
    known = campaigns.campaigns(session())
    deadline = {
        c.id: (forms or {}).get(c.id) or DeadlineForm(prefix=f"c{c.id}", due_on=c.due_on.strftime("%d/%m/%Y"))
        for c in known
    }
    return render_template(
        "admin/campaigns.html",
        known=known,
        deadline=deadline,
        button=ButtonForm(),
        labels=campaigns.STATUS_LABELS,
        journal=campaigns.journal(session()),
        journal_size=campaigns.JOURNAL_SIZE,
        nav="campagnes",
        form_has_errors=status >= 400,
    ), status


def _campaign(campaign_id: int) -> Campaign:
    try:
        return campaigns.get_campaign(session(), campaign_id)
    except NotFound:
        abort(404)


@bp.get("")
@require_soffi_role(AGENT)
def index() -> tuple[str, int]:
    return _page()


@bp.post("/<int:campaign_id>/ouvrir")
@require_soffi_role(AGENT)
def open_(campaign_id: int) -> Response:
    campaign = _campaign(campaign_id)
    if ButtonForm().validate_on_submit():
        try:
            campaigns.open_campaign(session(), actor(), campaign.id, now())
            flash(messages.CAMPAIGN_OPENED.format(exercice=campaign.exercice), "success")
        except SoffiError as error:
            flash_refusal(error)
    return redirect(url_for("admin_campaigns.index"))


@bp.post("/<int:campaign_id>/clore")
@require_soffi_role(AGENT)
def close(campaign_id: int) -> Response:
    campaign = _campaign(campaign_id)
    if ButtonForm().validate_on_submit():
        try:
            campaigns.close_campaign(session(), actor(), campaign.id, now())
            flash(messages.CAMPAIGN_CLOSED_DONE.format(exercice=campaign.exercice), "success")
        except SoffiError as error:
            flash_refusal(error)
    return redirect(url_for("admin_campaigns.index"))


@bp.post("/<int:campaign_id>/date-limite")
@require_soffi_role(AGENT)
def deadline(campaign_id: int) -> tuple[str, int] | Response:
    campaign = _campaign(campaign_id)
    form = DeadlineForm(prefix=f"c{campaign.id}")
    due_on = form.parsed() if form.validate_on_submit() else None
    if due_on is not None:
        try:
            campaigns.set_deadline(session(), actor(), campaign.id, due_on, now())
        except SoffiError as error:
            form.due_on.errors = [error.message]
        else:
            flash(messages.DEADLINE_SET.format(exercice=campaign.exercice, date=form.due_on.data.strip()), "success")
            return redirect(url_for("admin_campaigns.index"))
    return _page({campaign.id: form}, 422)
