"""« Annuaire » (sofi.md §3, §4.3, §5; guide 003 « Je vérifie les informations de mon établissement »): the
établissement, its sites and their contacts. Everyone with a SOFI role reads; the gestionnaire (and the
Carif-Oref) saves, then « Valider » sends the changes to the Carif-Oref, which locks the record until it decides."""

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rp_sofi import messages
from rp_sofi.access import check_visible, get_scope, require_sofi_role
from rp_sofi.extensions import db
from rp_sofi.forms.annuaire import ConfirmForm, ContactForm, DeleteForm, EtablissementForm, SiteForm, version_of
from rp_sofi.models import Contact, Etablissement, Site
from rp_sofi.services import annuaire
from rp_sofi.services.errors import NotAllowed, SofiError
from shared.clock import utcnow
from shared.refusals import refused
from shared.web import database_id

bp = Blueprint("annuaire", __name__, url_prefix="/annuaire")

EDITORS = ("gestionnaire", "valideur_carif")
Page = tuple[str, int]


def _etablissement(siret: str | None = None, *, opening: bool = False) -> Etablissement:
    """The établissement shown (the current one; any for the Carif-Oref); outside the region, a page saying so.
    Made from SIRENE at the first visit: kept at once when the page is `opening`, else with the save's changes."""
    scope = get_scope()
    siret = siret or scope.siret
    check_visible(scope, siret)
    ensure = annuaire.open_etablissement if opening else annuaire.ensure_etablissement
    try:
        return ensure(db.session, siret)
    except NotAllowed as error:
        abort(make_response(render_template("annuaire/outside_region.html", text=error.message), 200))


def _site(site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    if site is None:
        abort(404)
    check_visible(get_scope(), site.siret)
    return site


def _index_url(siret: str, site_id: int | None = None) -> str:
    other = siret if siret != get_scope().siret else None
    return url_for("annuaire.index", siret=other, site=site_id)


def _page(
    etablissement: Etablissement, site: Site | None = None, etab_form: EtablissementForm | None = None,
    site_form: SiteForm | None = None, status: int = 200,
) -> Page:  # fmt: skip
    scope, siret = get_scope(), etablissement.siret
    site = site or next((each for each in etablissement.sites if each.is_main), None)
    domaines = annuaire.formacodes_text(db.session, etablissement.domaines)
    context = {
        "etablissement": etablissement, "insee": annuaire.find_sirene(db.session, siret), "site": site,
        "closed": annuaire.is_closed(db.session, siret), "can_edit": scope.can_edit_annuaire, "domaines": domaines,
        "etab_form": etab_form or EtablissementForm.of(etablissement, domaines),
        "site_form": site_form or (SiteForm.of(site) if site else None), "delete_form": DeleteForm(prefix="contact"),
        "rejections": annuaire.recent_rejections(db.session, siret), "other_siret": siret != scope.siret,
        "form_has_errors": bool((etab_form and etab_form.errors) or (site_form and site_form.errors)),
    }  # fmt: skip
    return render_template("annuaire/index.html", **context), status


@bp.get("")
@require_sofi_role()
def index() -> Page:
    etablissement = _etablissement(request.args.get("siret"), opening=True)
    site_id = request.args.get("site", type=database_id)
    site = next((each for each in etablissement.sites if each.id == site_id), None)
    if site_id is not None and site is None:
        abort(404)
    return _page(etablissement, site)


@bp.post("/<siret>/etablissement")
@require_sofi_role(*EDITORS)
def save_etablissement(siret: str) -> Response | Page:
    etablissement = _etablissement(siret)
    form = EtablissementForm(prefix="etab")
    if not form.validate_on_submit():
        return _page(etablissement, etab_form=form, status=422)
    values: dict[str, Any] = {"nda": form.nda.data or None, "description": form.description.data or "",
              "domaines": annuaire.parse_formacodes(form.domaines.data)}  # fmt: skip
    try:
        annuaire.update_etablissement(db.session, etablissement, get_scope(), version_of(form), **values)
    except SofiError as error:
        return _page(etablissement, etab_form=form, status=refused(error, form))
    flash(messages.SAVED, "success")
    if "valider" in request.form:
        return redirect(url_for("annuaire.confirm_etablissement", siret=siret))
    return redirect(_index_url(siret))


@bp.post("/sites/<int:site_id>")
@require_sofi_role(*EDITORS)
def save_site(site_id: int) -> Response | Page:
    site = _site(site_id)
    form = SiteForm(prefix="site")
    if not form.validate_on_submit():
        return _page(site.etablissement, site, site_form=form, status=422)
    try:
        annuaire.update_site(db.session, site, get_scope(), version_of(form), form.changes(), form.is_main.data)
    except SofiError as error:
        return _page(site.etablissement, site, site_form=form, status=refused(error, form))
    flash(messages.SAVED, "success")
    if "valider" in request.form:
        return redirect(url_for("annuaire.confirm_site", site_id=site.id))
    return redirect(_index_url(site.siret, site.id))


def _confirm(record: Etablissement | Site, back: str) -> Response | Page:
    """The warning before « Valider », then the submission of the saved changes."""
    form, status = ConfirmForm(prefix="confirmer"), 200
    if form.validate_on_submit():
        try:
            annuaire.submit_record(db.session, record, get_scope(), version_of(form), utcnow())
        except SofiError as error:
            status = refused(error)
        else:
            flash(messages.RECORD_ACCEPTED if get_scope().carif else messages.RECORD_SUBMITTED, "success")
            return redirect(back)
    form.version.data = str(record.version)
    changes = annuaire.record_changes(db.session, record)
    context = {"record": record, "kind": annuaire.kind(record), "changes": changes, "form": form, "back": back}
    return render_template("annuaire/confirm.html", **context), status


@bp.route("/<siret>/valider", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def confirm_etablissement(siret: str) -> Response | Page:
    return _confirm(_etablissement(siret), _index_url(siret))


@bp.route("/sites/<int:site_id>/valider", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def confirm_site(site_id: int) -> Response | Page:
    site = _site(site_id)
    return _confirm(site, _index_url(site.siret, site.id))


@bp.route("/<siret>/sites/nouveau", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def create_site(siret: str) -> Response | Page:
    etablissement = _etablissement(siret)
    form = SiteForm(prefix="site") if request.method == "POST" else SiteForm.new()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            site = annuaire.create_site(db.session, etablissement, get_scope(), utcnow(), form.changes())
        except SofiError as error:
            status = refused(error, form)
        else:
            flash(messages.SITE_CREATED, "success")
            return redirect(_index_url(siret, site.id))
    context = {
        "etablissement": etablissement,
        "form": form,
        "back": _index_url(siret),
        "form_has_errors": bool(form.errors),
    }
    return render_template("annuaire/site_new.html", **context), status


@bp.route("/sites/<int:site_id>/contacts/nouveau", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def create_contact(site_id: int) -> Response | Page:
    site = _site(site_id)
    form, back = ContactForm(prefix="contact"), _index_url(site.siret, site.id)
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            annuaire.add_contact(db.session, site, get_scope(), form.fields())
        except SofiError as error:
            status = refused(error, form)
        else:
            flash(messages.CONTACT_CREATED, "success")
            return redirect(back)
    context = {"site": site, "form": form, "back": back, "form_has_errors": bool(form.errors)}
    return render_template("annuaire/contact_new.html", **context), status


@bp.post("/contacts/<int:contact_id>/supprimer")
@require_sofi_role(*EDITORS)
def delete_contact(contact_id: int) -> Response:
    contact = db.session.get(Contact, contact_id)
    if contact is None or not get_scope().sees(contact.site.siret):
        abort(404)
    back = _index_url(contact.site.siret, contact.site_id)
    try:
        annuaire.delete_contact(db.session, contact, get_scope())
    except SofiError as error:
        refused(error)
    else:
        flash(messages.CONTACT_DELETED, "success")
    return redirect(back)
