"""« Se créer un compte »: establishment, connection details, contact details — then the e-mail.

The wizard keeps its progress in the signed session cookie (the password only as its hash) and
writes nothing to the database before the last step, so a step lost never leaves half an account.
"""

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from idp import messages
from idp.auth import client_ip
from idp.extensions import configured_limit, db, limiter
from idp.forms.signup import ChooseEstablishmentForm, CoordonneesForm, CredentialsForm
from idp.models import Civilite
from idp.services import bot_check
from idp.services.accounts import SignUp, sign_up
from idp.services.directory import find_establishment, search_establishments
from idp.services.passwords import hash_password
from shared.oidc_client.access import safe_next

bp = Blueprint("signup", __name__, url_prefix="/inscription")

STATE = "signup"
# Where the person lands after activating and logging in, when the sign-up began elsewhere (« J'ai reçu une
# clé d'activation »): kept beside the wizard's state, whose first step starts afresh.
NEXT = "signup_next"
# The address an invitation was sent to (a delegation's « Se créer un compte »): the connection step shows it.
EMAIL_HINT = "signup_email"


def _state() -> dict[str, Any]:
    return dict(session.get(STATE) or {})


def _save(**values: Any) -> None:
    session[STATE] = {**_state(), **values}


def _lost() -> Response:
    flash(messages.SIGNUP_SESSION_LOST, "warning")
    return redirect(url_for("signup.establishment", next=session.get(NEXT)))


def _remember_next() -> None:
    """A safe `next` is kept until the account is created; a new start without one (no search) forgets it."""
    target = safe_next(request.args.get("next"))
    if target:
        session[NEXT] = target
    elif "q" not in request.args:
        session.pop(NEXT, None)


def _remember_email_hint() -> None:
    """Only a pre-filled value, checked as any typed address when the step is sent."""
    hint = request.args.get("email", "").strip()
    if hint and len(hint) <= 254 and hint.isprintable() and "@" in hint:
        session[EMAIL_HINT] = hint
    elif "q" not in request.args:
        session.pop(EMAIL_HINT, None)


@bp.get("")
def establishment() -> str:
    _remember_next()
    _remember_email_hint()
    query = request.args.get("q", "").strip()[:200]
    result = search_establishments(db.session, query) if query else None
    return render_template(
        "signup/establishment.html", query=query, result=result, choose_form=ChooseEstablishmentForm()
    )


@bp.post("/etablissement")
def choose_establishment() -> Response | tuple[str, int]:
    form = ChooseEstablishmentForm()
    found = find_establishment(db.session, form.siret.data or "") if form.validate_on_submit() else None
    if found is None or found.closed:
        error = messages.ESTABLISHMENT_CLOSED if found else messages.ESTABLISHMENT_UNKNOWN
        return render_template(
            "signup/establishment.html", query="", result=None, choose_form=form, choose_error=error
        ), 422
    session[STATE] = {"siret": found.siret, "email": session.get(EMAIL_HINT)}
    return redirect(url_for("signup.credentials"))


@bp.route("/identifiants", methods=["GET", "POST"])
def credentials() -> Response | str | tuple[str, int]:
    state = _state()
    if "siret" not in state:
        return _lost()
    form = CredentialsForm(data={"email": state.get("email")} if request.method == "GET" else None)
    if form.validate_on_submit():
        _save(email=form.email.data, password_hash=hash_password(form.password.data))
        return redirect(url_for("signup.coordonnees"))
    return _render_step("signup/credentials.html", form, state)


@bp.route("/coordonnees", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_SIGNUP"), methods=["POST"])
def coordonnees() -> Response | str | tuple[str, int]:
    state = _state()
    if not {"siret", "email", "password_hash"} <= state.keys():
        return _lost()
    form = CoordonneesForm()
    if form.validate_on_submit():
        if bot_check.is_human(db.session, form.altcha.data):
            data = SignUp(
                siret=state["siret"],
                email=state["email"],
                password_hash=state["password_hash"],
                civilite=Civilite(form.civilite.data),
                nom=form.nom.data,
                prenom=form.prenom.data,
                telephone=form.telephone.data,
            )
            sign_up(db.session, data, client_ip(), next_path=session.pop(NEXT, None))
            session.pop(STATE, None)
            session.pop(EMAIL_HINT, None)
            session["signup_done"] = data.email
            return redirect(url_for("signup.check_mailbox"))
        form.altcha.errors = [messages.BOT_CHECK_FAILED]
    return _render_step("signup/coordonnees.html", form, state)


@bp.get("/verifiez-votre-boite-mail")
def check_mailbox() -> str:
    return render_template("signup/check_mailbox.html", email=session.get("signup_done"))


def _render_step(template: str, form: Any, state: dict[str, Any]) -> str | tuple[str, int]:
    found = find_establishment(db.session, state["siret"])
    if found is None:
        session.pop(STATE, None)
        return render_template(
            "signup/establishment.html",
            query="",
            result=None,
            choose_form=ChooseEstablishmentForm(),
            choose_error=messages.ESTABLISHMENT_UNKNOWN,
        ), 422
    # « Précédent » goes back to the first step without forgetting where the journey leads.
    back = url_for("signup.establishment", next=session.get(NEXT))
    html = render_template(
        template, form=form, establishment=found, form_has_errors=bool(form.errors), establishment_url=back
    )
    return (html, 422) if form.errors else html
