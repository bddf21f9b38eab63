"""OpenID Connect endpoints: discovery, JWKS, authorization, token, userinfo, revocation,
introspection and RP-initiated logout."""

from typing import Any

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import AccessDeniedError
from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from idp import messages
from idp.auth import current_account, log_out
from idp.extensions import db
from idp.forms.confirm import ConfirmForm
from idp.forms.organisation import OrganisationForm
from idp.oidc import claims, keys
from idp.oidc import server as oidc_server
from idp.oidc.authorization import (
    CHOOSER_PARAMS,
    answer,
    authorize_url,
    code_or_organisation_choice,
    error_response,
    hinted_subject,
    issue_code,
    must_log_in_again,
    redirectable,
    requested_claims,
)
from idp.oidc.errors import bearer_error, french_error_page
from idp.services import consents, organisations, tokens
from shared.db import without_transaction
from shared.web import csrf, database_id

bp = Blueprint("oidc", __name__)


@bp.get("/.well-known/openid-configuration")
def discovery() -> Response:
    base = oidc_server.issuer()
    return jsonify(
        issuer=base,
        authorization_endpoint=f"{base}/oidc/authorize",
        token_endpoint=f"{base}/oidc/token",
        userinfo_endpoint=f"{base}/oidc/userinfo",
        jwks_uri=f"{base}/oidc/jwks",
        revocation_endpoint=f"{base}/oidc/revoke",
        introspection_endpoint=f"{base}/oidc/introspect",
        end_session_endpoint=f"{base}/oidc/logout",
        scopes_supported=["openid", "profile", "email", "phone", "habilitations"],
        response_types_supported=["code"],
        response_modes_supported=["query"],
        grant_types_supported=["authorization_code", "refresh_token"],
        subject_types_supported=["public"],
        id_token_signing_alg_values_supported=["RS256"],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        token_endpoint_auth_signing_alg_values_supported=["RS256", "ES256"],
        revocation_endpoint_auth_methods_supported=[
            "client_secret_basic",
            "client_secret_post",
            "private_key_jwt",
            "none",
        ],
        introspection_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post", "private_key_jwt"],
        code_challenge_methods_supported=["S256"],
        claims_supported=["iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "sid", *claims.SUPPORTED_CLAIMS],
        claims_parameter_supported=True,
        request_parameter_supported=False,
        request_uri_parameter_supported=False,
        authorization_response_iss_parameter_supported=True,
        prompt_values_supported=["none", "login", "consent", "select_account"],
        ui_locales_supported=["fr-FR"],
        claims_locales_supported=["fr-FR"],
        display_values_supported=["page"],
        userinfo_signing_alg_values_supported=[],
        # OpenID Connect Back-Channel Logout 1.0: logout tokens (with `sid`) to each client's registered URI.
        backchannel_logout_supported=True,
        backchannel_logout_session_supported=True,
    )


@bp.get("/oidc/jwks")
def jwks() -> Response:
    response = jsonify(keys.public_jwks(db.session))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/oidc/authorize", methods=["GET", "POST"])
@csrf.exempt  # a cross-site POST from the relying party, by design (OIDC Core 3.1.2.1)
def authorize() -> Any:
    # Reads, and at most one INSERT (the code) or one UPDATE (the session's last activity) at a time.
    without_transaction(db.session)
    params = request.values.to_dict()
    account = current_account() if not must_log_in_again(params) else None
    if account is not None and hinted_subject(params) not in (None, account.subject):
        account = None  # the service expects someone else: log in as that person (or login_required)
    return answer(params, account, oauth_request=None)


@bp.post("/oidc/authorize/consentement")
def consent() -> Any:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    params = {key: value for key, value in request.form.items() if key not in ("csrf_token", "decision")}
    account = current_account()
    # Authlib reads the authorization request from the form, posted back with the person's decision.
    try:
        grant = oidc_server.authorization_server().get_consent_grant(end_user=account)
    except OAuth2Error as error:
        return error_response(error)
    if account is None:
        return redirect(url_for("login.login", next=authorize_url(params)))
    try:
        claims_request = requested_claims(params)
    except OAuth2Error as error:
        return error_response(redirectable(error, grant, params))
    if request.form.get("decision") != "accept":
        return error_response(redirectable(AccessDeniedError("The user refused."), grant, params))
    consents.save_consent(db.session, account.id, grant.client.client_id, grant.request.scope)
    return code_or_organisation_choice(grant, account, claims_request, params)


@bp.route("/oidc/authorize/organisation", methods=["GET", "POST"])
def choose_organisation() -> Any:
    """« Pour quelle organisation agissez-vous ? »: the person's organisations on the service, a page at a time and
    searchable (an accountant may act for hundreds); the one chosen is the one the tokens speak for."""
    params = {key: value for key, value in request.values.items() if key not in CHOOSER_PARAMS}
    account = current_account()
    if account is None:
        return redirect(url_for("login.login", next=authorize_url(params)))
    try:
        grant = oidc_server.authorization_server().get_consent_grant(end_user=account)
        claims_request = requested_claims(params)
    except OAuth2Error as error:
        return error_response(error)
    service_id = grant.client.service_id
    form = OrganisationForm()
    if form.validate_on_submit():
        if organisations.holds(db.session, account.id, service_id, form.siret.data):
            return issue_code(grant, account, claims_request, form.siret.data)
        form.siret.errors = [messages.ORGANISATION_REQUIRED]
    query = (request.args.get("q") or "")[:100]
    found = organisations.search(db.session, account.id, service_id, query, request.args.get("page", type=database_id))
    hints = form.offer(found.items)
    context = {"client": grant.client, "params": params, "form": form, "found": found, "query": query, "hints": hints}
    return render_template("oidc/organisation.html", **context), 422 if form.errors else 200


@bp.post("/oidc/token")
@csrf.exempt
def token() -> Response:
    response = oidc_server.authorization_server().create_token_response()
    # One transaction per token request, committed whatever the answer: the code or refresh token
    # spent, the new tokens and any revocation for a replay are stored together.
    db.session.commit()
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.route("/oidc/userinfo", methods=["GET", "POST"])
@csrf.exempt
def userinfo() -> Response:
    if "access_token" in request.args:
        return bearer_error("invalid_request", "The access token must not be sent in the query string.", 400)
    header = request.headers.get("Authorization", "")
    access_token = header[7:].strip() if header[:7].lower() == "bearer " else None
    if access_token is None and request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        access_token = request.form.get("access_token")
    if not access_token:
        return bearer_error(None, None, 401)
    without_transaction(db.session)  # two reads
    found = tokens.find_for_userinfo(db.session, access_token)
    if found is None or not found.usable:
        return bearer_error("invalid_token", "The access token is invalid, expired or revoked.", 401)
    if "openid" not in found.scope.split():
        return bearer_error("insufficient_scope", "The access token was not granted the 'openid' scope.", 403)
    if found.client_disabled:
        return bearer_error("invalid_token", "The client of this token is disabled.", 401)
    requested = (found.claims_request or {}).get("userinfo")
    info = claims.user_info(db.session, found.account, found.service_id, found.scope, requested, found.acting_siret)
    response = jsonify(dict(info))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/oidc/revoke")
@csrf.exempt
def revoke() -> Response:
    return oidc_server.authorization_server().create_endpoint_response("revocation")


@bp.post("/oidc/introspect")
@csrf.exempt
def introspect() -> Response:
    return oidc_server.authorization_server().create_endpoint_response("introspection")


@bp.route("/oidc/logout", methods=["GET", "POST"])
@csrf.exempt
def end_session() -> Any:
    """RP-initiated logout. Without a valid id_token_hint the person confirms (a cross-site link alone
    must not log anyone out), and nobody is sent back to the service."""
    try:
        ending = oidc_server.authorization_server().validate_endpoint_request("end_session")
    except OAuth2Error as error:
        return french_error_page(error)
    account = current_account()
    hinted = ending.id_token_claims is not None
    same_person = account is None or (hinted and ending.id_token_claims.get("sub") == account.subject)
    if not same_person:
        return render_template("oidc/logout_confirm.html", form=ConfirmForm())
    if account is not None:
        log_out(initiator=ending.client.client_id if ending.client is not None else None)
    if ending.redirect_uri:
        return redirect(ending.redirect_uri)
    return render_template("oidc/logged_out.html")
