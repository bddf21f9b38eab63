"""/connexion, /callback, /deconnexion and /backchannel-logout of a relying party."""

import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request

from shared.oidc_client import access, backchannel, establishments, flow, messages
from shared.web import csrf

bp = Blueprint("oidc_client", __name__)

FAILURE_TEXTS = {
    "access_denied": messages.ACCESS_DENIED,
    "login_required": messages.LOGIN_REQUIRED_AT_IDP,
    "interaction_required": messages.LOGIN_REQUIRED_AT_IDP,
}


@bp.get("/connexion")
def login() -> Any:
    extra = {}
    siret_hint = request.args.get("siret_hint") or request.args.get("siret", "")
    if re.fullmatch(r"\d{14}", siret_hint):  # passed through to the provider, which may preselect it
        extra["siret_hint"] = siret_hint
    if "choisir" in request.args:  # « Choisir une autre organisation »: the provider's list, without a password
        extra["prompt"] = "select_account"
    try:
        url = flow.authorization_url(flow.callback_uri(), access.safe_next(request.args.get("next")), extra)
    except flow.LoginFailed as failure:
        return failure_page(failure)
    establishments.remember_hint(extra.get("siret_hint"))
    return redirect(url)


@bp.get("/callback")
def callback() -> Any:
    try:
        login = flow.finish_login(request.args)
    except flow.LoginFailed as failure:
        return failure_page(failure)
    siret_hint = establishments.take_hint()  # before log_in clears the session
    relying_party = current_app.extensions["oidc_rp"]
    user = access.log_in(login.claims, login.id_token, relying_party.service_code)
    establishments.choose_at_login(user, siret_hint)
    if relying_party.on_login is not None:
        relying_party.on_login(user)
    return redirect(login.next_url or "/")


@bp.post("/deconnexion")
def logout() -> Any:
    id_token = access.log_out()
    if id_token is None:
        return redirect("/")
    try:
        return flow.logout_redirect(id_token, flow.post_logout_redirect_uri())
    except flow.LoginFailed as failure:
        return failure_page(failure)


@bp.post("/backchannel-logout")
@csrf.exempt  # a server-to-server call from the provider, authenticated by the logout token's signature
def backchannel_logout() -> Response:
    """OpenID Connect Back-Channel Logout 1.0 §2.8: 200 when the sessions are ended, 400 otherwise (no detail)."""
    token = request.form.get("logout_token", "") if _small_form() else ""
    try:
        backchannel.receive(token)
    except backchannel.InvalidLogoutToken as refusal:
        current_app.logger.warning("Back-channel logout refused: %s", refusal)
        response = jsonify(error="invalid_request")
        response.status_code = 400
    except flow.ProviderUnavailable:
        response = jsonify(error="temporarily_unavailable")  # the provider retries later
        response.status_code = 503
    else:
        response = Response(status=200)
    response.headers["Cache-Control"] = "no-store"
    return response


def _small_form() -> bool:
    """A form of known, small length: the body is never read past backchannel.MAX_BODY."""
    length = request.content_length
    form = request.mimetype == "application/x-www-form-urlencoded"
    return form and length is not None and length <= backchannel.MAX_BODY


def failure_page(failure: flow.LoginFailed) -> tuple[str, int]:
    service = current_app.config["SERVICE_NAME"]
    if isinstance(failure, flow.LoginRefused):
        text = FAILURE_TEXTS.get(failure.error, messages.IDP_REFUSED)
    elif isinstance(failure, flow.InvalidIdToken):
        text = messages.BAD_ID_TOKEN
    elif isinstance(failure, flow.ProviderUnavailable):
        text = messages.IDP_UNAVAILABLE
    else:
        text = messages.STATE_MISMATCH
    page = render_template(
        "oidc_client/error.html", title=messages.ERROR_TITLE, text=text.format(service=service), retry=messages.RETRY
    )
    return page, failure.status
