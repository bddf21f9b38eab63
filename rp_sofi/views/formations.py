"""« Formations »: the organisation's formations and their actions, « Créer » (the Certifinfo code, typed or
found with « Recherche Certifinfo »), the read-only « Fiche Formation », and the « Récapitulatif » where the
bundle is sent to the Carif-Oref (« Valider ») or a question of the Carif-Oref answered (sofi.md §5).

The action, session and dispositif sheets are in rp_sofi.views.tunnel, nested in this blueprint."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from rp_sofi import messages
from rp_sofi.access import EDITORS, get_scope, require_sofi_role
from rp_sofi.extensions import db
from rp_sofi.forms.formations import AnswerForm, CarifCertifinfoForm, CertifinfoForm, SearchForm, SubmitForm
from rp_sofi.models import Action, ActionStatus, Formation
from rp_sofi.services import formations, workflow
from rp_sofi.services.errors import Invalid, NotAllowed
from rp_sofi.views import tunnel
from rp_sofi.views.tunnel import Page, load
from shared.clock import utcnow
from shared.identifiers import compact

bp = Blueprint("formations", __name__)
bp.register_blueprint(tunnel.bp)

PER_PAGE = 20
MAX_PAGE = 100_000  # a page number typed in the address stays a small offset


@bp.get("/formations")
@require_sofi_role()
def index() -> str:
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    items, total = formations.formations_of(db.session, get_scope(), page, PER_PAGE)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    rows = [{"formation": item, "actions": [tunnel.action_row(action) for action in item.actions]} for item in items]
    return render_template("formations/index.html", rows=rows, total=total, page=page, pages=pages)


def _create_page(form: CertifinfoForm, status: int = 200) -> tuple[str, int]:
    search = SearchForm(request.args if "q" in request.args else None)
    results = None
    if "q" in request.args and search.validate():
        results = formations.search_certifications(db.session, search.mode.data, search.q.data)
    has_errors = bool(form.errors or search.errors)
    html = render_template(
        "formations/create.html", form=form, search=search, results=results, form_has_errors=has_errors
    )
    return html, 422 if status == 200 and search.errors else status


@bp.route("/formations/creer", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def create() -> Page:
    """Step 1: the Certifinfo code; then the « Fiche Formation » (made once per code and organisation)."""
    scope = get_scope()
    form = CarifCertifinfoForm() if scope.carif else CertifinfoForm()
    if not form.validate_on_submit():
        return _create_page(form, 422 if request.method == "POST" else 200)
    siret = compact(form.siret.data) if isinstance(form, CarifCertifinfoForm) else scope.siret
    try:
        formation = formations.start_formation(db.session, siret, form.certifinfo.data)
    except Invalid as error:
        for key, message in error.errors.items():
            field = form[key if key in form else "certifinfo"]  # an organisation's own SIRET refused: no such field
            field.errors = [*field.errors, message]
        return _create_page(form, 422)
    return redirect(url_for(".formation", formation_id=formation.id))


@bp.get("/formations/<int:formation_id>")
@require_sofi_role()
def formation(formation_id: int) -> str:
    item = load(Formation, formation_id)
    return render_template(
        "formations/formation.html", formation=item, formacodes=formations.formacode_texts(db.session, item.formacodes),
        niveau=tunnel.niveau_sortie(item.niveau_sortie), can_add=get_scope().can_edit_offer,
        actions=[tunnel.action_row(action) for action in item.actions],
    )  # fmt: skip


def _recap(action: Action, status: int = 200, problems: list[str] | None = None, answer_form: AnswerForm | None = None
           ) -> tuple[str, int]:  # fmt: skip
    scope = get_scope()
    html = render_template(
        "formations/recap.html", action=action, formation=action.formation, sessions=tunnel.recap_sessions(action),
        dispensateur=action.site_dispensateur.text, problems=problems or [], answer_form=answer_form or AnswerForm(),
        can_submit=action.status is ActionStatus.EN_SAISIE and (scope.can_submit or scope.carif),
        can_answer=action.status is ActionStatus.EN_ATTENTE_REPONSE and scope.can_submit,
        can_add=formations.can_edit(action, scope, structure=True),
        form_has_errors=bool(problems or (answer_form and answer_form.errors)),
    )  # fmt: skip
    return html, status


@bp.get("/actions/<int:action_id>/recapitulatif")
@require_sofi_role()
def recap(action_id: int) -> tuple[str, int]:
    return _recap(load(Action, action_id))


@bp.post("/actions/<int:action_id>/valider")
@require_sofi_role(*EDITORS)
def submit(action_id: int) -> Page:
    """« Valider »: to the Carif-Oref (which, entering an offer itself, validates it at once)."""
    action, scope = load(Action, action_id), get_scope()
    if not SubmitForm().validate_on_submit():
        return _recap(action, 400)
    try:
        workflow.submit(db.session, action, scope, formations.today(), utcnow())
    except Invalid as error:
        return _recap(action, 422, list(error.errors.values()))
    except NotAllowed as error:
        flash(error.message, "error")
        return redirect(url_for(".recap", action_id=action_id))
    flash(messages.VALIDATED if scope.carif else messages.SUBMITTED, "success")
    return redirect(url_for(".recap", action_id=action_id))


@bp.post("/actions/<int:action_id>/repondre")
@require_sofi_role(*EDITORS)
def answer(action_id: int) -> Page:
    """« Répondre » to the Carif-Oref's question: the bundle goes back to its queue."""
    action, form = load(Action, action_id), AnswerForm()
    if not form.validate_on_submit():
        return _recap(action, 422, answer_form=form)
    try:
        workflow.answer(db.session, action, get_scope(), form.answer.data, formations.today())
    except Invalid as error:
        return _recap(
            action, 422, [message for key, message in error.errors.items() if key != "answer"], answer_form=form
        )
    except NotAllowed as error:
        flash(error.message, "error")
        return redirect(url_for(".recap", action_id=action_id))
    flash(messages.ANSWERED, "success")
    return redirect(url_for(".recap", action_id=action_id))
