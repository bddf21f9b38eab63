"""« Tableau de bord » (sofi.md §5, guide 003 « MON TABLEAU DE BORD »), SOFI's home page: for a visitor, how to
sign in or get an activation key; for a user with a SOFI role, the counters of the organisation (region-wide for
the Carif-Oref), each with its loupe listing the items at the bottom of the page."""

from flask import Blueprint, current_app, render_template, request

from rp_sofi.access import Scope, current_scope
from rp_sofi.config import SERVICE
from rp_sofi.extensions import db
from rp_sofi.forms.dashboard import DashboardFilterForm
from rp_sofi.models import Etablissement
from rp_sofi.services import dashboard
from shared.clock import in_paris, utcnow
from shared.oidc_client.access import current_user

bp = Blueprint("dashboard", __name__)


def activation_key_url() -> str:
    """The identity provider's « J'ai reçu une clé d'activation et je veux créer mon compte » page (guide 003)."""
    return f"{current_app.config['RP_ISSUER'].rstrip('/')}/services/{SERVICE.code}/cle-activation"


def access_request_url() -> str:
    """« Je n'ai pas de clé d'activation et souhaite en faire la demande »: the portal's access request."""
    return f"{current_app.config['RP_PORTAL_URL'].rstrip('/')}/portail/services/{SERVICE.code}/ajouter"


def _home() -> str:
    """A visitor gets SOFI's home; someone without a SOFI role here, who they are and how to get one."""
    if current_user() is None:
        return render_template(
            "dashboard/home.html", activation_url=activation_key_url(), request_url=access_request_url()
        )
    return render_template("relying_party/home.html")


def _annuaire_unchecked(scope: Scope) -> bool:
    """Guide 003, « J'active mon compte » step 4: until its training domains are given, the gestionnaire is
    asked to check the establishment's information (« Rappel de mes informations ») and complete it."""
    if scope.carif or not scope.can_edit_annuaire:
        return False
    etablissement = db.session.get(Etablissement, scope.siret)
    return etablissement is None or not etablissement.domaines


@bp.get("/")
def index() -> tuple[str, int]:
    scope = current_scope()
    if scope is None:
        return _home(), 200
    form = DashboardFilterForm(request.args)
    args = form.args() if scope.carif else {}
    filters = dashboard.Filter(scope.sirets, in_paris(utcnow()).date(), args.get("departement"))
    key = request.args.get("liste", "")
    section = dashboard.section_of(key)
    listed = dashboard.items(db.session, key, filters, request.args.get("page", type=int)) if section else None
    errors = scope.carif and bool(form.errors)
    html = render_template(
        "dashboard/index.html", sections=dashboard.sections(db.session, filters), key=key, section=section,
        listed=listed, form=form, args=args, form_has_errors=errors, check_annuaire=_annuaire_unchecked(scope),
    )  # fmt: skip
    return html, 422 if errors else 200
