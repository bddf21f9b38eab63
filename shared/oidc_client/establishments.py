"""Several establishments on a relying party.

The claims carry all of the user's habilitations for the service, across SIRETs. The glue keeps one
*current establishment* in the session: at login, the one the relying party hinted (`siret_hint`, as
ProConnect does) if the user has a habilitation on it, else the only one, else the first; /etablissement
lets the user switch without logging in again. `require_role` checks the roles held on it.

A delegation counts for the establishment it acts for (`on_behalf_of_siret`): that is the one whose
procedures the third party carries out.
"""

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for
from wtforms import Field, RadioField
from wtforms.validators import StopValidation

from shared.forms import AppForm
from shared.oidc_client import messages
from shared.oidc_client.access import User, current_user, login_required, safe_next
from shared.oidc_client.claims import HabilitationClaim

CURRENT_KEY = "rp_establishment"
HINT_KEY = "rp_siret_hint"

bp = Blueprint("oidc_establishments", __name__)


@dataclass(frozen=True)
class Establishment:
    """An establishment the user works on, and the habilitations they hold on it."""

    siret: str
    siren: str
    habilitations: tuple[HabilitationClaim, ...]

    def has_role(self, *role_codes: str) -> bool:
        return any(habilitation.role in role_codes for habilitation in self.habilitations)

    @property
    def company(self) -> str:
        """The company's name when the provider gave it, else its SIREN."""
        return next((h.company for h in self.habilitations if h.company), self.siren)

    @property
    def delegation(self) -> HabilitationClaim | None:
        """The delegation this establishment is acted for through (the one ending first), if it is one."""
        delegated = [h for h in self.habilitations if h.delegated]
        return min(delegated, key=lambda h: h.expires_at or "9999") if delegated else None

    @property
    def roles_text(self) -> str:
        """« Gestionnaire, Déclarant (par délégation de Camille DEMOLOIRE) »."""
        return ", ".join(_role_text(habilitation) for habilitation in self.habilitations)


def _role_text(habilitation: HabilitationClaim) -> str:
    if not habilitation.delegated:
        return habilitation.role_label
    by = messages.DELEGATED_BY.format(name=habilitation.delegated_by) if habilitation.delegated_by else ""
    return f"{habilitation.role_label} ({messages.DELEGATED}{by})"


def _key(habilitation: HabilitationClaim) -> str:
    return habilitation.on_behalf_of_siret or habilitation.siret


def establishments_of(user: User) -> list[Establishment]:
    """The user's establishments, in the order of the claims (the provider's: oldest habilitation first)."""
    grouped: dict[str, list[HabilitationClaim]] = {}
    for habilitation in user.habilitations:
        grouped.setdefault(_key(habilitation), []).append(habilitation)
    return [Establishment(siret, siret[:9], tuple(held)) for siret, held in grouped.items()]


def remember_hint(siret_hint: str | None) -> None:
    """At /connexion: the establishment the relying party would like, chosen at the callback."""
    if siret_hint:
        session[HINT_KEY] = siret_hint
    else:
        session.pop(HINT_KEY, None)


def take_hint() -> str | None:
    """At the callback, before the login clears the session."""
    hint = session.pop(HINT_KEY, None)
    return hint if isinstance(hint, str) else None


def choose_at_login(user: User, siret_hint: str | None) -> Establishment | None:
    """The hinted establishment if the user has a habilitation on it (its own SIRET or the one acted for),
    else the first (or only) one; kept as the current establishment."""
    found = establishments_of(user)
    hinted = [item for item in found if any(siret_hint in (h.siret, _key(h)) for h in item.habilitations)]
    chosen = next(iter(hinted or found), None)
    if chosen is not None:
        session[CURRENT_KEY] = chosen.siret
    return chosen


def current_establishment() -> Establishment | None:
    """The establishment the user works on now; None when logged out or without habilitation here."""
    user = current_user()
    if user is None:
        return None
    found = establishments_of(user)
    chosen = session.get(CURRENT_KEY)
    return next((item for item in found if item.siret == chosen), found[0] if found else None)


def holds_role_here(*role_codes: str) -> bool:
    """True if the user holds one of these roles on the current establishment."""
    current = current_establishment()
    return current is not None and current.has_role(*role_codes)


def choose_another_url() -> str | None:
    """The provider's « Pour quelle organisation agissez-vous ? », when the person acts for more organisations than
    their token carries; None otherwise."""
    user = current_user()
    if user is None or user.organisations_count is None:
        return None
    return url_for("oidc_client.login", choisir=1, next=request.full_path.rstrip("?"))


def switch_url() -> str:
    """/etablissement, coming back here once switched."""
    return url_for("oidc_establishments.choose", next=request.full_path.rstrip("?"))


def _listed(form: AppForm, field: Field) -> None:
    if field.data not in {value for value, _ in field.choices}:
        raise StopValidation(messages.ESTABLISHMENT_REQUIRED)


class EstablishmentForm(AppForm):
    siret = RadioField(messages.ESTABLISHMENT_LEGEND, validators=[_listed], validate_choice=False)


@bp.route("/etablissement", methods=["GET", "POST"])
@login_required
def choose() -> Any:
    """GET: the user's establishments with their roles on each; POST: switch, without logging in again."""
    user = current_user()
    assert user is not None  # login_required
    found, current, back = establishments_of(user), current_establishment(), safe_next(request.args.get("next"))
    if not found:  # nothing to choose: the home page says how to get access
        return redirect("/")
    form = EstablishmentForm(data={"siret": current.siret if current else None})
    form.siret.choices = [
        (item.siret, messages.ESTABLISHMENT_OPTION.format(siret=item.siret, siren=item.siren)) for item in found
    ]
    if form.validate_on_submit():
        session[CURRENT_KEY] = form.siret.data
        flash(messages.ESTABLISHMENT_CHOSEN.format(siret=form.siret.data), "success")
        return redirect(back or "/")
    return render_template(
        "oidc_client/establishments.html",
        title=messages.ESTABLISHMENTS_TITLE,
        intro=messages.ESTABLISHMENTS_INTRO.format(service=current_app.config["SERVICE_NAME"]),
        submit=messages.ESTABLISHMENT_SUBMIT,
        action=url_for("oidc_establishments.choose", next=back),  # None: left out
        form=form,
        form_has_errors=bool(form.errors),
        hints={item.siret: messages.ESTABLISHMENT_ROLES.format(roles=item.roles_text) for item in found},
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def inject_establishment() -> dict[str, Any]:
        user = current_user()
        several = user is not None and len(establishments_of(user)) > 1
        return {
            "current_establishment": current_establishment(),
            "establishment_switch_url": switch_url() if several else None,
            "organisation_choice_url": choose_another_url(),
            "organisations_count": user.organisations_count if user else None,
        }
