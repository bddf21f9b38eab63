"""The agents' « Comparaison » (soffi.md §5.7): one line of the statement across every body that filed, exercice N
against N-1, with the variation in %. Read only; every parameter bounded by the form."""

from flask import Blueprint, flash, render_template, request

from rp_soffi import messages
from rp_soffi.access import require_soffi_role
from rp_soffi.forms.admin import ComparisonForm
from rp_soffi.services import campaigns, comparison
from rp_soffi.statement.catalogue import BY_CODE
from rp_soffi.statement.workflow import Role
from rp_soffi.views.common import session

bp = Blueprint("admin_comparison", __name__, url_prefix="/admin/comparaison")


@bp.get("")
@require_soffi_role(Role.AGENT_DGEFP)
def index() -> str:
    known = campaigns.campaigns(session())
    form = ComparisonForm(request.args).with_campaigns(known)
    choice, ignored = form.choice(request.args.get("page"), known)
    if ignored:
        flash(messages.FILTER_INVALID, "warning")
    page = previous = None
    if choice.campaign is not None:
        previous = campaigns.find_campaign(session(), choice.campaign.exercice - 1)
        page = comparison.comparison_page(session(), choice.code, choice.campaign, previous, choice.page)
    return render_template(
        "admin/comparison.html",
        form=form,
        choice=choice,
        line=BY_CODE[choice.code],
        previous=previous,
        page=page,
        nav="comparaison",
    )
