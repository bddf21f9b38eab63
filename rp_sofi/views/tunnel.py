"""The sheets of the tunnel FASD: « Fiche Action », « Fiche Session », « Fiche Dispositif » (sofi.md §5, seed 002
steps 3 to 6 and 9). Nested in the `formations` blueprint: endpoints `formations.tunnel.*`.

Each sheet is a page to create the object and a page to see or change it; « Enregistrer » saves and stays,
the second button saves and goes on to the next sheet. Whoever may not change the bundle sees the values."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from babel.numbers import format_decimal
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
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


# The three sheets: one table, one way to show, add and save them


@dataclass(frozen=True)
class Sheet:
    """One sheet of the tunnel. `name` is its object's: the template `formations/<name>.html`, the endpoints
    `.<name>`, `.new_<name>` and `.save_<name>`, and the object's name in the page. `form(parent, item)` the form
    (filled from `item` on GET), `store` the service saving it, `rows(item)` what the page lists under it, and
    `following(saved)` the page « suivant » leads to."""

    name: str
    form: Callable[[Any, Any], Any]
    store: Callable[..., Any]
    rows: Callable[[Any], dict[str, Any]]
    following: Callable[[Any], str]


def parent_of(item: Action | Session | Dispositif) -> Formation | Action | Session:
    if isinstance(item, Dispositif):
        return item.session
    return item.action if isinstance(item, Session) else item.formation


def lineage(item: Formation | Action | Session | Dispositif) -> dict[str, Any]:
    """The object and those above it, by the names the pages use: formation, action, session, dispositif."""
    found: dict[str, Any] = {}
    current: Formation | Action | Session | Dispositif = item
    while not isinstance(current, Formation):
        found[type(current).__name__.lower()] = current
        current = parent_of(current)
    return found | {"formation": current}


def is_structure(item: Action | Session | Dispositif) -> bool:
    """Whether changing `item` counts as changing the bundle's structure, which an organisation may do under an
    action of the regional programme: a session or dispositif of its own (not the programme's)."""
    return not isinstance(item, Action) and not item.public


def sheet_url(sheet: Sheet, item: Any) -> str:
    return url_for(f".{sheet.name}", **{f"{sheet.name}_id": item.id})


def page(sheet: Sheet, parent: Any, item: Any, form: Any, status: int = 200, alert: str | None = None) -> Page:
    """The sheet's page: the objects above it, the form, what it lists; a sheet already saved says why this person
    may not change it, and whether one may add under it."""
    scope, refusal, can_add = get_scope(), None, False
    if item is not None:
        bundle = lineage(item)["action"]
        refusal = formations.edit_refusal(bundle, scope, structure=is_structure(item))
        can_add = formations.can_edit(bundle, scope, structure=True)
    return render(
        f"formations/{sheet.name}.html", form, status, alert, **lineage(parent), **{sheet.name: item},
        **sheet.rows(item), refusal=refusal, can_add=can_add,
    )  # fmt: skip


def new(sheet: Sheet, parent: Formation | Action | Session) -> Page:
    """The page to add a sheet under `parent` (refused, on GET already, under a bundle this person may not
    change now), and its save."""
    bundle = lineage(parent).get("action")
    if request.method == "GET":
        return (bundle and refused_new(bundle)) or page(sheet, parent, None, sheet.form(parent, None))
    return save(sheet, parent, None)


def show(sheet: Sheet, item: Action | Session | Dispositif) -> Page:
    parent = parent_of(item)
    return page(sheet, parent, item, sheet.form(parent, item))


def edit(sheet: Sheet, item: Action | Session | Dispositif) -> Page:
    return save(sheet, parent_of(item), item)


def save(sheet: Sheet, parent: Any, item: Any) -> Page:
    """The save of every sheet: a bundle this person may not change now → its recap with the reason; field errors
    or the rules' → the page again (422), nothing written; a stale page → 409 with the message."""
    form, bundle = sheet.form(parent, item), lineage(item or parent).get("action")
    refusal = formations.edit_refusal(bundle, get_scope(), item is None or is_structure(item)) if bundle else None
    if bundle is not None and refusal:
        flash(refusal, "error")
        return redirect(recap_url(bundle))
    if not form.validate_on_submit():
        return page(sheet, parent, item, form, 422)
    try:
        saved = sheet.store(db.session, get_scope(), parent, item, form.to_data(), form.version.data)
    except Invalid as error:
        for key, message in error.errors.items():
            field = form[FIELD_OF.get(key, key)]
            field.errors = [*field.errors, message]
        return page(sheet, parent, item, form, 422)
    except Stale:
        return page(sheet, parent, item, form, 409, alert=messages.STALE)
    except NotAllowed as error:
        flash(error.message, "error")
        return redirect(recap_url(bundle) if bundle else url_for("formations.index"))
    flash(messages.SAVED, "success")
    return redirect(sheet.following(saved) if "suivant" in request.form else sheet_url(sheet, saved))


# What each sheet shows, and where « suivant » leads


def action_form(formation: Formation, action: Action | None) -> ActionForm:
    form = ActionForm(obj=action) if action and request.method == "GET" else ActionForm()
    site_choices(form.site_dispensateur_id, formation.siret, "dispensateur", action and action.site_dispensateur)
    return form


def action_rows(action: Action | None) -> dict[str, Any]:
    return {"sessions": recap_sessions(action) if action else []}


def after_action(action: Action) -> str:
    if action.sessions:
        return url_for(".session", session_id=action.sessions[0].id)
    return url_for(".new_session", action_id=action.id)


def session_form(action: Action, session: Session | None) -> SessionForm:
    form = SessionForm.of(session) if session and request.method == "GET" else SessionForm()
    site_choices(form.site_lieu_id, action.siret, "lieu", session and session.site_lieu)
    return form


def session_rows(session: Session | None) -> dict[str, Any]:
    return {"dispositifs": [dispositif_row(item) for item in session.dispositifs] if session else []}


def after_session(session: Session) -> str:
    if session.dispositifs:
        return url_for(".dispositif", dispositif_id=session.dispositifs[0].id)
    return url_for(".new_dispositif", session_id=session.id)


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


def no_rows(dispositif: Dispositif | None) -> dict[str, Any]:
    return {}


def after_dispositif(dispositif: Dispositif) -> str:
    return recap_url(dispositif.session.action)


ACTION = Sheet("action", action_form, formations.save_action, action_rows, after_action)
SESSION = Sheet("session", session_form, formations.save_session, session_rows, after_session)
DISPOSITIF = Sheet("dispositif", dispositif_form, formations.save_dispositif, no_rows, after_dispositif)


# The routes: « Fiche Action », « Fiche Session », « Fiche Session Dispositif »


@bp.route("/formations/<int:formation_id>/actions/nouvelle", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def new_action(formation_id: int) -> Page:
    return new(ACTION, load(Formation, formation_id))


@bp.get("/actions/<int:action_id>")
@require_sofi_role()
def action(action_id: int) -> Page:
    return show(ACTION, load(Action, action_id))


@bp.post("/actions/<int:action_id>")
@require_sofi_role(*EDITORS)
def save_action(action_id: int) -> Page:
    return edit(ACTION, load(Action, action_id))


@bp.route("/actions/<int:action_id>/sessions/nouvelle", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def new_session(action_id: int) -> Page:
    return new(SESSION, load(Action, action_id))


@bp.get("/sessions/<int:session_id>")
@require_sofi_role()
def session(session_id: int) -> Page:
    return show(SESSION, load(Session, session_id))


@bp.post("/sessions/<int:session_id>")
@require_sofi_role(*EDITORS)
def save_session(session_id: int) -> Page:
    return edit(SESSION, load(Session, session_id))


@bp.route("/sessions/<int:session_id>/dispositifs/nouveau", methods=["GET", "POST"])
@require_sofi_role(*EDITORS)
def new_dispositif(session_id: int) -> Page:
    return new(DISPOSITIF, load(Session, session_id))


@bp.get("/dispositifs/<int:dispositif_id>")
@require_sofi_role()
def dispositif(dispositif_id: int) -> Page:
    return show(DISPOSITIF, load(Dispositif, dispositif_id))


@bp.post("/dispositifs/<int:dispositif_id>")
@require_sofi_role(*EDITORS)
def save_dispositif(dispositif_id: int) -> Page:
    return edit(DISPOSITIF, load(Dispositif, dispositif_id))
