"""« Bilan pédagogique et financier {N} » (bpf.md §5.2–5.3): « Saisir » starts it, the stepper saves each step
(« Enregistrer », « Étape suivante », « Vérifier »), « Importer un fichier » fills C to G, the last step lists
what blocks or warns and « Transmettre »; « Rectifier » starts a new version; receipts and exports download."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from rp_bpf import messages
from rp_bpf.access import get_scope, require_declarant
from rp_bpf.bpf.imports import ImportRefused, import_file
from rp_bpf.extensions import db
from rp_bpf.forms.bpf import BY_SLUG, STEPS, ImportForm, TransmitForm
from rp_bpf.models import Bpf
from rp_bpf.services import bpfs, campaigns, transmission
from rp_bpf.services.errors import Blocked, BpfError
from rp_bpf.services.transmission import Signature
from rp_bpf.views import downloads, stepper
from rp_bpf.views.refusals import refused
from shared.clock import utcnow
from shared.forms import lock_of

bp = Blueprint("bpf", __name__, url_prefix="/bilans")

Page = str | tuple[str, int] | Response


def _siren() -> str:
    siren = get_scope().siren
    assert siren is not None  # require_declarant
    return siren


def _own(bpf_id: int) -> Bpf:
    return bpfs.get_own(db.session, _siren(), bpf_id)  # NotFound → 404 (require_declarant)


@bp.post("/exercices/<int:exercice>")
@require_declarant
def start(exercice: int) -> Response:
    if not campaigns.is_exercice(exercice):
        abort(404)
    try:
        bpf = bpfs.start(db.session, get_scope().actor, _siren(), exercice, utcnow())
    except BpfError as error:
        refused(error)
        return redirect(url_for("home.index"))
    return redirect(url_for("bpf.step", bpf_id=bpf.id, step=STEPS[0].slug))


@bp.route("/<int:bpf_id>/etapes/<step>", methods=["GET", "POST"])
@require_declarant
def step(bpf_id: int, step: str) -> Page:
    current = BY_SLUG.get(step)
    if current is None or current.slug == "verification":
        abort(404)
    bpf = _own(bpf_id)
    if not bpf.status.is_draft:
        return redirect(url_for("bpf.show", bpf_id=bpf.id))
    if request.method == "GET":
        return stepper.render_step(bpf, current)
    return stepper.save_step(bpf, current)


@bp.get("/<int:bpf_id>/verification")
@require_declarant
def verification(bpf_id: int) -> Page:
    bpf = _own(bpf_id)
    if not bpf.status.is_draft:
        return redirect(url_for("bpf.show", bpf_id=bpf.id))
    return stepper.render_verification(bpf, TransmitForm.of(bpf, get_scope().signataire))


@bp.post("/<int:bpf_id>/import")
@require_declarant
def import_(bpf_id: int) -> Page:
    bpf = _own(bpf_id)
    form = ImportForm()
    upload = request.files.get("fichier")
    if upload is None or not upload.filename:
        flash(messages.IMPORT_NO_FILE, "error")
        return redirect(url_for("bpf.verification", bpf_id=bpf.id))
    try:
        figures = import_file(upload.filename, upload.stream.read(1_000_001))
        bpfs.import_figures(
            db.session, get_scope().actor, _siren(), bpf.id, lock_of(form.lock.data) or 0, figures, utcnow()
        )
    except ImportRefused as error:
        return stepper.render_verification(bpf, TransmitForm.of(bpf, get_scope().signataire), import_error=error), 422
    except BpfError as error:
        refused(error)
        return redirect(url_for("bpf.verification", bpf_id=bpf.id))
    flash(messages.IMPORTED, "success")
    return redirect(url_for("bpf.verification", bpf_id=bpf.id))


@bp.post("/<int:bpf_id>/transmettre")
@require_declarant
def transmit(bpf_id: int) -> Page:
    bpf = _own(bpf_id)
    form = TransmitForm()
    if not form.validate():
        return stepper.render_verification(bpf, form), 422
    scope = get_scope()
    signature = Signature(
        certified=bool(form.certified.data),
        signataire_nom=form.signataire_nom.data or "",
        signataire_qualite=form.signataire_qualite.data or "",
        no_activity_confirmed=bool(form.no_activity_confirmed.data),
        on_behalf_of_siret=scope.siret if scope.delegation else None,
    )
    try:
        sent = transmission.transmit(
            db.session, scope.actor, _siren(), bpf.id, lock_of(form.lock.data) or 0, signature, utcnow()
        )
    except Blocked:
        return stepper.render_verification(bpf, form), 422
    except BpfError as error:
        status = refused(error, form)  # first: the page shows the reason
        return stepper.render_verification(bpf, form), status
    flash(messages.TRANSMITTED.format(number=sent.receipt_number), "success")
    return redirect(url_for("bpf.show", bpf_id=sent.id))


@bp.post("/<int:bpf_id>/rectifier")
@require_declarant
def rectify(bpf_id: int) -> Response:
    bpf = _own(bpf_id)
    try:
        draft = transmission.rectify(db.session, get_scope().actor, _siren(), bpf.id, utcnow())
    except BpfError as error:
        refused(error)
        return redirect(url_for("home.index"))
    flash(messages.RECTIFYING, "success")
    return redirect(url_for("bpf.step", bpf_id=draft.id, step=STEPS[0].slug))


@bp.get("/<int:bpf_id>")
@require_declarant
def show(bpf_id: int) -> str:
    bpf = _own(bpf_id)
    return stepper.render_summary(bpf, bpfs.versions(db.session, bpf.siren, bpf.exercice))


@bp.get("/<int:bpf_id>/accuse-de-reception.pdf")
@require_declarant
def receipt(bpf_id: int) -> Response:
    return downloads.receipt(_own(bpf_id))


@bp.get("/<int:bpf_id>/export.<fmt>")
@require_declarant
def export(bpf_id: int, fmt: str) -> Response:
    bpf = _own(bpf_id)
    return downloads.export(bpf, fmt, stepper.mention(bpf))
