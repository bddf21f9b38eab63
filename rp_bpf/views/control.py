"""The control services (bpf.md §5.4, §9): « Tableau de bord » of a campaign, the organisations of their région
filtered and paged, the campaign CSV, a declaration's detail with its decisions (« Enregistrer la déclaration »,
« Refuser », « Déclarer caduque »), a BPF read-only with « Rouvrir », and national control's campaign dates."""

from flask import Blueprint, abort, flash, redirect, render_template, request, stream_with_context, url_for
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from rp_bpf import messages
from rp_bpf.access import get_scope, require_control
from rp_bpf.bpf import exports
from rp_bpf.bpf.lines import LINES
from rp_bpf.extensions import db
from rp_bpf.forms.control import CaducityForm, CampaignForm, DecisionForm, FiltersForm, MotifForm, page_of
from rp_bpf.services import bpfs, campaigns, control, declarations, transmission
from rp_bpf.services.errors import BpfError
from rp_bpf.views import downloads
from rp_bpf.views.refusals import refused
from shared.clock import utcnow
from shared.forms import lock_of
from shared.territory import REGIONS

bp = Blueprint("control", __name__, url_prefix="/controle")


def _filters_form() -> FiltersForm:
    form = FiltersForm(request.args)
    current = campaigns.current_exercice(utcnow())
    form.exercice.choices = [SelectChoice(str(year), str(year)) for year in range(current, current - 6, -1)]
    form.exercice.data = form.exercice.data or str(current)
    return form


def _area() -> str:
    region = get_scope().region
    return f"Région {REGIONS.get(region, region)}" if region else "Toutes les régions (national)"


@bp.get("")
@require_control
def dashboard() -> str:
    form = _filters_form()
    filters = form.filters(get_scope().region, campaigns.current_exercice(utcnow()))
    counters = control.counters(db.session, filters.exercice, filters.region)
    campaign = campaigns.settings(db.session, filters.exercice)
    return render_template(
        "control/dashboard.html", form=form, filters=filters, counters=counters, campaign=campaign, area=_area()
    )


@bp.get("/organismes")
@require_control
def organisations() -> str:
    form = _filters_form()
    filters = form.filters(get_scope().region, campaigns.current_exercice(utcnow()))
    page = control.organisations(db.session, filters, page_of(request.args.get("page")))
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("control/organisations.html", form=form, filters=filters, page=page, args=args, area=_area())


@bp.get("/organismes.csv")
@require_control
def export_csv() -> Response:
    filters = _filters_form().filters(get_scope().region, campaigns.current_exercice(utcnow()))
    rows = control.export_rows(db.session, filters)
    response = Response(stream_with_context(exports.campaign_csv(rows)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="bpf-{filters.exercice}-organismes.csv"'
    return response


@bp.get("/declarations/<int:declaration_id>")
@require_control
def declaration(declaration_id: int) -> str:
    found = declarations.get_in_region(db.session, declaration_id, get_scope().region)
    return render_template(
        "control/declaration.html",
        declaration=found,
        history=declarations.history(db.session, found.siren),
        bpfs=control.bpfs_of(db.session, found.siren),
        decision=DecisionForm(),
        motif_form=MotifForm(),
    )


def _decide(declaration_id: int, decision: str) -> Response:
    scope, now = get_scope(), utcnow()
    form = MotifForm() if decision != "enregistrer" else DecisionForm()
    try:
        if decision == "enregistrer":
            registered = declarations.register(db.session, scope.actor, declaration_id, scope.region, now)
            flash(messages.DA_REGISTERED.format(nda=registered.nda), "success")
        elif not form.validate():
            flash(messages.MOTIF_REQUIRED, "error")
        elif decision == "refuser":
            declarations.refuse(db.session, scope.actor, declaration_id, scope.region, form.motif.data, now)
            flash(messages.DA_REFUSED, "success")
        else:
            declarations.declare_caduque(db.session, scope.actor, declaration_id, scope.region, form.motif.data, now)
            flash(messages.DA_CADUQUE, "success")
    except BpfError as error:
        refused(error)
    return redirect(url_for("control.declaration", declaration_id=declaration_id))


@bp.post("/declarations/<int:declaration_id>/enregistrer")
@require_control
def register(declaration_id: int) -> Response:
    return _decide(declaration_id, "enregistrer")


@bp.post("/declarations/<int:declaration_id>/refuser")
@require_control
def refuse(declaration_id: int) -> Response:
    return _decide(declaration_id, "refuser")


@bp.post("/declarations/<int:declaration_id>/caducite")
@require_control
def caduque(declaration_id: int) -> Response:
    return _decide(declaration_id, "caducite")


@bp.get("/bilans/<int:bpf_id>")
@require_control
def bpf(bpf_id: int) -> str:
    found = control.get_bpf(db.session, bpf_id, get_scope().region)
    newest = bpfs.latest(db.session, found.siren, found.exercice)
    return render_template(
        "control/bpf.html",
        bpf=found,
        content=bpfs.content_of(found),
        versions=bpfs.versions(db.session, found.siren, found.exercice),
        lines=[line for line in LINES if line.code != "nda"],
        can_reopen=found.status == "transmis" and newest is not None and newest.id == found.id,
        motif_form=MotifForm(),
    )


@bp.post("/bilans/<int:bpf_id>/rouvrir")
@require_control
def reopen(bpf_id: int) -> Response:
    scope, form = get_scope(), MotifForm()
    if not form.validate():
        flash(messages.MOTIF_REQUIRED, "error")
        return redirect(url_for("control.bpf", bpf_id=bpf_id))
    try:
        transmission.reopen(db.session, scope.actor, bpf_id, scope.region, form.motif.data, utcnow())
    except BpfError as error:
        refused(error)
        return redirect(url_for("control.bpf", bpf_id=bpf_id))
    flash(messages.BPF_REOPENED, "success")
    return redirect(url_for("control.bpf", bpf_id=bpf_id))


@bp.get("/bilans/<int:bpf_id>/accuse-de-reception.pdf")
@require_control
def receipt(bpf_id: int) -> Response:
    return downloads.receipt(control.get_bpf(db.session, bpf_id, get_scope().region))


@bp.get("/bilans/<int:bpf_id>/export.<fmt>")
@require_control
def export(bpf_id: int, fmt: str) -> Response:
    found = control.get_bpf(db.session, bpf_id, get_scope().region)
    return downloads.export(found, fmt)


@bp.route("/caducite", methods=["GET", "POST"])
@require_control
def caducity() -> str | tuple[str, int] | Response:
    """« Déclarer caduques » the declarations without a BPF after the deadline: a preview, then the confirmation."""
    scope = get_scope()
    filters = _filters_form().filters(scope.region, campaigns.current_exercice(utcnow()))
    form = CaducityForm()
    if request.method == "POST" and form.validate():
        try:
            count = declarations.declare_caduques(
                db.session, scope.actor, filters.exercice, scope.region, lock_of(form.expected.data) or 0,
                form.motif.data or "", utcnow(),
            )  # fmt: skip
        except BpfError as error:
            status = refused(error, form)
        else:
            flash(messages.CADUCITY_DONE.format(count=count), "success")
            return redirect(url_for("control.dashboard", exercice=filters.exercice))
    else:
        status = 422 if request.method == "POST" else 200
    total, first = declarations.caducity_preview(db.session, filters.exercice, scope.region)
    campaign = campaigns.settings(db.session, filters.exercice)
    page = render_template(
        "control/caducity.html", form=form, total=total, first=first, campaign=campaign, area=_area(),
        late=campaign.is_late(utcnow()),
    )  # fmt: skip
    return page, status


@bp.route("/campagnes/<int:exercice>", methods=["GET", "POST"])
@require_control
def campaign(exercice: int) -> str | tuple[str, int] | Response:
    scope = get_scope()
    if not scope.national or not campaigns.is_exercice(exercice):
        abort(404)
    settings = campaigns.settings(db.session, exercice)
    form = CampaignForm(data={"deadline": settings.deadline, "rectification_limit": settings.rectification_limit})
    if request.method == "POST":
        if not form.validate():
            return render_template("control/campaign.html", form=form, exercice=exercice), 422
        try:
            campaigns.update(
                db.session, scope.actor, exercice, form.deadline.data, form.rectification_limit.data, utcnow()
            )
        except BpfError as error:
            status = refused(error, form)  # first: the page shows the reason
            return render_template("control/campaign.html", form=form, exercice=exercice), status
        flash(messages.CAMPAIGN_SAVED, "success")
        return redirect(url_for("control.dashboard", exercice=exercice))
    return render_template("control/campaign.html", form=form, exercice=exercice)
