"""The DGEFP's pages (soffi.md §5.5): the bodies and their statements of a campaign, with states and filters (paged
in SQL),
the sector « Tableau de bord » (counters, totals by section and body type, year over year with its chart drawn on
the server) and the cross-body exports (CSV and XLSX). Agents only; every parameter bounded by the forms."""

from flask import Blueprint, abort, flash, render_template, request
from werkzeug.wrappers import Response

from rp_soffi import messages
from rp_soffi.access import require_soffi_role
from rp_soffi.forms.admin import ListFilterForm, campaign_choice
from rp_soffi.services import campaigns, dashboard
from rp_soffi.statement import exports
from rp_soffi.statement.workflow import Role, Status
from rp_soffi.views.common import CSV, XLSX, download, session
from rp_soffi.views.dashboard_chart import chart_of

bp = Blueprint("admin", __name__, url_prefix="/admin")
AGENT = Role.AGENT_DGEFP


@bp.get("/etats")
@require_soffi_role(AGENT)
def statements() -> str:
    known = campaigns.campaigns(session())
    form = ListFilterForm(request.args).with_campaigns(known)
    filters, ignored = form.filters(request.args.get("page"), known[0].id if known else None)
    if ignored:
        flash(messages.FILTER_INVALID, "warning")
    page = dashboard.body_page(session(), filters)
    return render_template("admin/statements.html", form=form, page=page, filters=filters, nav="etats")


@bp.get("")
@require_soffi_role(AGENT)
def index() -> str:
    known = campaigns.campaigns(session())
    campaign = campaign_choice(request.args.get("campagne"), known)
    if campaign is None:
        return render_template("admin/dashboard.html", campaign=None, known=known, nav="tableau")
    totals = dashboard.totals(session(), campaign.id)
    yearly = dashboard.year_over_year(session())
    return render_template(
        "admin/dashboard.html",
        campaign=campaign,
        known=known,
        counters=dashboard.counters(session(), campaign.id),
        totals=totals,
        yearly=yearly,
        chart=chart_of(yearly),
        Status=Status,
        nav="tableau",
    )


def _campaign_or_404() -> tuple[int, int]:
    campaign = campaign_choice(request.args.get("campagne"), campaigns.campaigns(session()))
    if campaign is None:
        abort(404)
    return campaign.id, campaign.exercice


@bp.get("/export.csv")
@require_soffi_role(AGENT)
def export_csv() -> Response:
    campaign_id, exercice = _campaign_or_404()
    text = exports.cross_body_csv(dashboard.export_rows(session(), campaign_id))
    return download(text.encode("utf-8"), f"soffi-etats-{exercice}.csv", CSV)


@bp.get("/export.xlsx")
@require_soffi_role(AGENT)
def export_xlsx() -> Response:
    campaign_id, exercice = _campaign_or_404()
    data = exports.cross_body_xlsx(dashboard.export_rows(session(), campaign_id))
    return download(data, f"soffi-etats-{exercice}.xlsx", XLSX)
