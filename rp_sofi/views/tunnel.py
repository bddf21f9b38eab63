"""The sheets of the tunnel FASD: « Fiche Action », « Fiche Session », « Fiche Dispositif » (sofi.md §5, seed 002
steps 3 to 6 and 9). Nested in the `formations` blueprint: endpoints `formations.tunnel.*`.

Each sheet is a page to create the object and a page to see or change it; « Enregistrer » saves and stays,
the second button saves and goes on to the next sheet. Whoever may not change the bundle sees the values."""

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from babel.numbers import format_decimal
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from rp_sofi import messages
from rp_sofi.access import EDITORS, check_visible, get_scope, require_sofi_role
from rp_sofi.extensions import db
from rp_sofi.forms.formations import ActionForm, DispositifForm, SessionForm
from rp_sofi.lheo import tables
from rp_sofi.models import Action, Dispositif, Formation, Session, Site
from rp_sofi.services import formations
from rp_sofi.services.errors import Invalid, NotAllowed, Stale

bp = Blueprint("tunnel", __name__)

T = TypeVar("T", Formation, Action, Session, Dispositif)
Page = Response | tuple[str, int]
# A rule's error key when no field has that name: on the first control of the group.
FIELD_OF = {"periodes": "periode_1_debut"}


def siret_of(item: Formation | Action | Session | Dispositif) -> str:
    if isinstance(item, Dispositif):
        return item.session.action.siret
    return item.action.siret if isinstance(item, Session) else item.siret


def load(model: type[T], object_id: int) -> T:
    """The object, or 404 when it does not exist or belongs to another organisation."""
    item = db.session.get(model, object_id)
    if item is None:
        abort(404)
    check_visible(get_scope(), siret_of(item))
    return item


def render(template: str, form: FlaskForm, status: int = 200, alert: str | None = None, **context: Any) -> Page:
    has_errors = bool(form.errors or alert)
    return render_template(template, form=form, alert=alert, form_has_errors=has_errors, **context), status


def save(form: Any, page: Callable[..., Page], store: Callable[[Any, int | None], Any], stay: Callable[[Any], str],
         following: Callable[[Any], str], bundle: Action | None, structure: bool = False) -> Page:  # fmt: skip
    """The save of every sheet: a bundle this person may not change now → its recap with the reason; field errors
    or the rules' → the page again (422), nothing written; a stale page → 409 with the message."""
    refusal = formations.edit_refusal(bundle, get_scope(), structure) if bundle else None
    if bundle is not None and refusal:
        flash(refusal, "error")
        return redirect(recap_url(bundle))
    if not form.validate_on_submit():
        return page(form, 422)
    try:
        saved = store(form.to_data(), form.version.data)
        db.session.commit()
    except Invalid as error:
        db.session.rollback()
        for key, message in error.errors.items():
            field = form[FIELD_OF.get(key, key)]
            field.errors = [*field.errors, message]
        return page(form, 422)
    except (Stale, StaleDataError):
        db.session.rollback()
        return page(form, 409, alert=messages.STALE)
    except NotAllowed as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(recap_url(bundle) if bundle else url_for("formations.index"))
    flash(messages.SAVED, "success")
    return redirect(following(saved) if "suivant" in request.form else stay(saved))


def site_choices(field: Any, siret: str, role: formations.SiteRole, current: Site | None) -> None:
    field.choices = [
        SelectChoice(str(site.id), site.text) for site in formations.sites_for(db.session, siret, role, current)
    ]


def recap_url(action: Action) -> str:
    return url_for("formations.recap", action_id=action.id)


# What the pages show of the stored values


def niveau_sortie(code: str | None) -> str:
    """Certifinfo's level (national framework of 2019) with its Lhéo equivalent, when there is one."""
    if not code:
        return "Non renseigné"
    lheo = tables.NIVEAU_FROM_CADRE_NATIONAL.get(code)
    return f"Niveau {code} ({tables.label(tables.NIVEAUX, lheo)})" if lheo else f"Niveau {code}"


def label(table: Any, code: str) -> str:
    try:
        return tables.label(table, code)
    except KeyError:
        return code  # a code the current table no longer holds: shown as stored


def euros(amount: Decimal | None) -> str:
    return "" if amount is None else format_decimal(amount, format="#,##0.00", locale="fr_FR") + " €"


def dispositif_row(item: Dispositif) -> dict[str, Any]:
    return {
        "id": item.id, "label": label(tables.DISPOSITIFS, item.dispositif), "codes_externes": item.codes_externes,
        "nb_remuneres": "" if item.nb_remuneres is None else item.nb_remuneres, "cout": euros(item.cout_stagiaire),
        "frais_peda": "Oui" if item.prise_en_charge_frais_peda else "Non", "etat": "Actif" if item.actif else "Inactif",
    }  # fmt: skip


def action_row(action: Action) -> dict[str, Any]:
    return {
        "id": action.id, "status": action.status.label, "sessions": len(action.sessions), "public": action.public,
        "complement": action.complement_intitule, "certifinfo_remplace": action.certifinfo_remplace,
    }  # fmt: skip


def recap_sessions(action: Action) -> list[dict[str, Any]]:
    """« Rappel session » of each session, with its table of dispositifs."""
    return [
        {
            "id": session.id, "lieu": session.site_lieu.text, "commune": session.site_lieu.commune,
            "debut": session.date_debut, "fin": session.date_fin,
            "dispositifs": [dispositif_row(item) for item in session.dispositifs],
        }
        for session in action.sessions
    ]  # fmt: skip


def refused_new(action: Action) -> Response | None:
    """A sheet to add under a bundle this person may not change now: back to its recap, saying why."""
    refusal = formations.edit_refusal(action, get_scope(), structure=True)
    if refusal is None:
        return None
    flash(refusal, "error")
    return redirect(recap_url(action))


# « Fiche Action »


def action_url(action: Action) -> str:
    return url_for(".action", action_id=action.id)


def after_action(action: Action) -> str:
    if action.sessions:
        return url_for(".session", session_id=action.sessions[0].id)
    return url_for(".new_session", action_id=action.id)


def action_form(formation: Formation, action: Action | None) -> ActionForm:
    form = ActionForm(obj=action) if action and request.method == "GET" else ActionForm()
    site_choices(form.site_dispensateur_id, formation.siret, "dispensateur", action and action.site_dispensateur)
    return form


def action_page(form: ActionForm, status: int = 200, alert: str | None = None, *, formation: Formation,
                action: Action | None) -> Page:  # fmt: skip
    scope = get_scope()
    return render(
        "formations/action.html", form, status, alert, formation=formation, action=action,
        sessions=recap_sessions(action) if action else [],
        refusal=action and formations.edit_refusal(action, scope),
        can_add=action is not None and formations.can_edit(action, scope, structure=True),
    )  # fmt: skip


@bp.route("/formations/<int:formation_id>/actions/nouvelle", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def new_action(formation_id: int) -> Page:
    formation = load(Formation, formation_id)
    page = partial(action_page, formation=formation, action=None)
    if request.method == "GET":
        return page(action_form(formation, None))
    store = partial(formations.save_action, db.session, get_scope(), formation, None)
    return save(action_form(formation, None), page, store, action_url, after_action, None)


@bp.get("/actions/<int:action_id>")
@require_sofi_role()
def action(action_id: int) -> Page:
    item = load(Action, action_id)
    return action_page(action_form(item.formation, item), formation=item.formation, action=item)


@bp.post("/actions/<int:action_id>")
@require_sofi_role(*EDITORS)
def save_action(action_id: int) -> Page:
    item = load(Action, action_id)
    page = partial(action_page, formation=item.formation, action=item)
    store = partial(formations.save_action, db.session, get_scope(), item.formation, item)
    return save(action_form(item.formation, item), page, store, action_url, after_action, item)


# « Fiche Session »


def session_url(session: Session) -> str:
    return url_for(".session", session_id=session.id)


def after_session(session: Session) -> str:
    if session.dispositifs:
        return url_for(".dispositif", dispositif_id=session.dispositifs[0].id)
    return url_for(".new_dispositif", session_id=session.id)


def session_form(action: Action, session: Session | None) -> SessionForm:
    form = SessionForm.of(session) if session and request.method == "GET" else SessionForm()
    site_choices(form.site_lieu_id, action.siret, "lieu", session and session.site_lieu)
    return form


def session_page(form: SessionForm, status: int = 200, alert: str | None = None, *, action: Action,
                 session: Session | None) -> Page:  # fmt: skip
    scope = get_scope()
    return render(
        "formations/session.html", form, status, alert, formation=action.formation, action=action, session=session,
        dispositifs=[dispositif_row(item) for item in session.dispositifs] if session else [],
        refusal=session and formations.edit_refusal(action, scope, structure=not session.public),
        can_add=session is not None and formations.can_edit(action, scope, structure=True),
    )  # fmt: skip


@bp.route("/actions/<int:action_id>/sessions/nouvelle", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def new_session(action_id: int) -> Page:
    item = load(Action, action_id)
    page = partial(session_page, action=item, session=None)
    if request.method == "GET":
        return refused_new(item) or page(session_form(item, None))
    store = partial(formations.save_session, db.session, get_scope(), item, None)
    return save(session_form(item, None), page, store, session_url, after_session, item, structure=True)


@bp.get("/sessions/<int:session_id>")
@require_sofi_role()
def session(session_id: int) -> Page:
    item = load(Session, session_id)
    return session_page(session_form(item.action, item), action=item.action, session=item)


@bp.post("/sessions/<int:session_id>")
@require_sofi_role(*EDITORS)
def save_session(session_id: int) -> Page:
    item = load(Session, session_id)
    page = partial(session_page, action=item.action, session=item)
    store = partial(formations.save_session, db.session, get_scope(), item.action, item)
    return save(session_form(item.action, item), page, store, session_url, after_session, item.action, not item.public)


# « Fiche Session Dispositif »


def dispositif_url(dispositif: Dispositif) -> str:
    return url_for(".dispositif", dispositif_id=dispositif.id)


def after_dispositif(dispositif: Dispositif) -> str:
    return recap_url(dispositif.session.action)


def dispositif_form(session: Session, dispositif: Dispositif | None) -> DispositifForm:
    """The dispositifs this person may choose: the Carif-Oref's own only for it, « financement privé » only under
    a public action; and the one already chosen, to show it."""
    form = DispositifForm.of(dispositif) if dispositif and request.method == "GET" else DispositifForm()
    carif, public, current = get_scope().carif, session.action.public, dispositif and dispositif.dispositif
    form.dispositif.choices = [
        SelectChoice(code, label) for code, label, carif_only in tables.DISPOSITIFS
        if carif or code == current or (not carif_only and (not public or code == "PRIVE"))
    ]  # fmt: skip
    return form


def dispositif_page(form: DispositifForm, status: int = 200, alert: str | None = None, *, session: Session,
                    dispositif: Dispositif | None) -> Page:  # fmt: skip
    scope, action = get_scope(), session.action
    return render(
        "formations/dispositif.html", form, status, alert, formation=action.formation, action=action,
        session=session, dispositif=dispositif,
        refusal=dispositif and formations.edit_refusal(action, scope, structure=not dispositif.public),
        can_add=dispositif is not None and formations.can_edit(action, scope, structure=True),
    )  # fmt: skip


@bp.route("/sessions/<int:session_id>/dispositifs/nouveau", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def new_dispositif(session_id: int) -> Page:
    item = load(Session, session_id)
    page = partial(dispositif_page, session=item, dispositif=None)
    if request.method == "GET":
        return refused_new(item.action) or page(dispositif_form(item, None))
    store = partial(formations.save_dispositif, db.session, get_scope(), item, None)
    return save(dispositif_form(item, None), page, store, dispositif_url, after_dispositif, item.action, structure=True)


@bp.get("/dispositifs/<int:dispositif_id>")
@require_sofi_role()
def dispositif(dispositif_id: int) -> Page:
    item = load(Dispositif, dispositif_id)
    return dispositif_page(dispositif_form(item.session, item), session=item.session, dispositif=item)


@bp.post("/dispositifs/<int:dispositif_id>")
@require_sofi_role(*EDITORS)
def save_dispositif(dispositif_id: int) -> Page:
    item = load(Dispositif, dispositif_id)
    page = partial(dispositif_page, session=item.session, dispositif=item)
    store = partial(formations.save_dispositif, db.session, get_scope(), item.session, item)
    bundle = item.session.action
    return save(
        dispositif_form(item.session, item), page, store, dispositif_url, after_dispositif, bundle, not item.public
    )
