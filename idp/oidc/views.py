"""OpenID Connect endpoints: discovery, JWKS, authorization, token, userinfo, revocation,
introspection and RP-initiated logout."""

import json
from typing import Any, cast
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error, OAuth2Request
from authlib.oauth2.rfc6749 import AccessDeniedError, InvalidRequestError
from authlib.oidc.core.errors import ConsentRequiredError, RequestNotSupportedError, RequestURINotSupportedError
from flask import Blueprint, Response, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from idp.auth import current_account, current_session, log_out
from idp.extensions import db
from idp.forms.activation import ActivateForm
from idp.models import Consent
from idp.oidc import claims, keys, tokens
from idp.oidc import server as oidc_server
from idp.oidc.errors import bearer_error, french_error_page
from idp.oidc.server import StoredAuthorizationRequest
from idp.views.login import login_page
from shared.clock import utcnow
from shared.db import without_transaction
from shared.web import csrf

bp = Blueprint("oidc", __name__)


def _server() -> Any:
    return current_app.extensions["oidc_server"]


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
        claims_supported=["iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", *claims.SUPPORTED_CLAIMS],
        claims_parameter_supported=True,
        request_parameter_supported=False,
        request_uri_parameter_supported=False,
        authorization_response_iss_parameter_supported=True,
        prompt_values_supported=["none", "login", "consent"],
        ui_locales_supported=["fr-FR"],
        claims_locales_supported=["fr-FR"],
        display_values_supported=["page"],
        userinfo_signing_alg_values_supported=[],
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
    account = current_account() if not _must_log_in_again(params) else None
    if account is not None and _hinted_subject(params) not in (None, account.subject):
        account = None  # the service expects someone else: log in as that person (or login_required)
    return _answer(params, account, oauth_request=None)


def continue_after_login(next_url: str | None, account: Any) -> Any | None:
    """The login POST's answer when the login was for a service's authorization request: the code (or
    the consent page, or an error for the service) at once, instead of a redirect to the authorization
    endpoint that would only say the same thing one request later. None otherwise."""
    if next_url is None:
        return None
    parts = urlsplit(next_url)
    if parts.path != url_for("oidc.authorize") or parts.netloc:
        return None
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if _hinted_subject(params) not in (None, account.subject):
        return None  # logged in as someone else than the service expects: the endpoint asks again
    return _answer(params, account, StoredAuthorizationRequest(oidc_server.issuer() + next_url, params))


def _answer(params: dict[str, str], account: Any, oauth_request: OAuth2Request | None) -> Any:
    """The answer to a valid authorization request: the login form, the consent page, or a code."""
    try:
        grant = _server().get_consent_grant(request=oauth_request, end_user=account)
    except OAuth2Error as error:
        return _error_response(error)
    try:
        claims_request = _claims_request(params)
        _refuse_request_objects(params)
    except OAuth2Error as error:
        return _error_response(_redirectable(error, grant, params))
    if account is None:
        # The login form, here (with a session, a fresh login was asked: prompt=login, max_age); its
        # POST answers the service (continue_after_login).
        return login_page(next_url=_authorize_url(params), login_hint=params.get("login_hint", ""))
    if _needs_consent(grant.client, grant.request.scope, params, account):
        if "none" in params.get("prompt", "").split():
            return _error_response(_redirectable(ConsentRequiredError(), grant, params))
        return render_template(
            "oidc/consent.html",
            client=grant.client,
            scopes=(grant.request.scope or "").split(),
            params=params,
            form=ActivateForm(),
        )
    return _issue_code(grant, account, claims_request)


@bp.post("/oidc/authorize/consentement")
def consent() -> Any:
    if not ActivateForm().validate_on_submit():
        abort(400)
    params = {key: value for key, value in request.form.items() if key not in ("csrf_token", "decision")}
    account = current_account()
    # Authlib reads the authorization request from the form, posted back with the person's decision.
    try:
        grant = _server().get_consent_grant(end_user=account)
    except OAuth2Error as error:
        return _error_response(error)
    if account is None:
        return redirect(url_for("login.login", next=_authorize_url(params)))
    try:
        claims_request = _claims_request(params)
    except OAuth2Error as error:
        return _error_response(_redirectable(error, grant, params))
    if request.form.get("decision") != "accept":
        return _error_response(_redirectable(AccessDeniedError("The user refused."), grant, params))
    _save_consent(account.id, grant.client.client_id, grant.request.scope)
    return _issue_code(grant, account, claims_request)


def _issue_code(grant: Any, account: Any, claims_request: dict[str, Any] | None) -> Any:
    g.oidc_claims_request = claims_request
    # get_consent_grant validated the request and kept its redirect URI: the server's
    # create_authorization_response would validate it all over again before asking the grant for a code.
    status, body, headers = grant.create_authorization_response(grant.redirect_uri, account)
    return _with_issuer(_server().handle_response(status, body, headers))


def _hinted_subject(params: dict[str, str]) -> str | None:
    """The `sub` of a genuine id_token_hint (expired ones too, as the spec allows); None otherwise."""
    hint = params.get("id_token_hint")
    if not hint:
        return None
    try:
        token = jwt.decode(hint, KeySet.import_key_set(cast(Any, keys.public_jwks(db.session))), algorithms=["RS256"])
    except (JoseError, ValueError):
        return None
    subject = token.claims.get("sub")
    return subject if isinstance(subject, str) else None


def _must_log_in_again(params: dict[str, str]) -> bool:
    """prompt=login and max_age ask for a fresh login. The login's own answer is the service's code
    (continue_after_login): the request never comes back here to be asked again."""
    user_session = current_session()
    if user_session is None:
        return False
    if "login" in params.get("prompt", "").split():
        return True
    max_age = params.get("max_age")
    return (
        max_age is not None
        and max_age.isdigit()
        and (utcnow() - user_session.created_at).total_seconds() > int(max_age)
    )


def _authorize_url(params: dict[str, str]) -> str:
    return f"{url_for('oidc.authorize')}?{urlencode(params)}"


def _needs_consent(client: Any, scope: str, params: dict[str, str], account: Any) -> bool:
    prompt = params.get("prompt", "").split()
    if "consent" in prompt:
        return True
    if client.first_party:
        return False
    given = db.session.query(Consent).filter_by(account_id=account.id, client_id=client.client_id).first()
    return given is None or not set(scope.split()) <= set(given.scope.split())


def _save_consent(account_id: int, client_id: str, scope: str) -> None:
    given = db.session.query(Consent).filter_by(account_id=account_id, client_id=client_id).first()
    if given is None:
        db.session.add(Consent(account_id=account_id, client_id=client_id, scope=scope))
    else:
        given.scope, given.granted_at = " ".join(sorted(set(given.scope.split()) | set(scope.split()))), utcnow()
    db.session.commit()


def _claims_request(params: dict[str, str]) -> dict[str, Any] | None:
    """The `claims` request parameter: a JSON object whose `userinfo` and `id_token` members are
    objects (OpenID Connect Core §5.5)."""
    if not params.get("claims"):
        return None
    try:
        value = json.loads(params["claims"])
    except ValueError:
        value = None
    if not isinstance(value, dict) or any(
        not isinstance(value.get(member), dict | None) for member in ("userinfo", "id_token")
    ):
        raise InvalidRequestError("Invalid 'claims' parameter.")
    return value


def _refuse_request_objects(params: dict[str, str]) -> None:
    """Discovery says request objects are not supported; OpenID Connect Core §6 wants it said."""
    if "request" in params:
        raise RequestNotSupportedError()
    if "request_uri" in params:
        raise RequestURINotSupportedError()


def _redirectable(error: OAuth2Error, grant: Any, params: dict[str, str]) -> OAuth2Error:
    """An error for the client, sent to its redirect URI (validated with the grant)."""
    error.redirect_uri = grant.request.payload.redirect_uri
    error.state = params.get("state")
    return error


def _error_response(error: OAuth2Error) -> Any:
    """Back to the client with the error when its redirect URI is known to be registered; otherwise
    a French page, never a redirect to an unverified address."""
    if not error.redirect_uri:
        return french_error_page(error)
    location = add_params_to_uri(error.redirect_uri, [*error.get_body(), ("iss", oidc_server.issuer())])
    return redirect(location)


def _with_issuer(response: Response) -> Response:
    """RFC 9207: the issuer on every authorization response."""
    location = response.headers.get("Location")
    # By parameter name: a registered redirect URI may hold "kiss=1", a state may hold "iss=".
    if location and "iss" not in parse_qs(urlsplit(location).query):
        response.headers["Location"] = add_params_to_uri(location, [("iss", oidc_server.issuer())])
    return response


@bp.post("/oidc/token")
@csrf.exempt
def token() -> Response:
    response = _server().create_token_response()
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
    response = jsonify(dict(claims.user_info(db.session, found.account, found.service_id, found.scope, requested)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/oidc/revoke")
@csrf.exempt
def revoke() -> Response:
    return _server().create_endpoint_response("revocation")


@bp.post("/oidc/introspect")
@csrf.exempt
def introspect() -> Response:
    return _server().create_endpoint_response("introspection")


@bp.route("/oidc/logout", methods=["GET", "POST"])
@csrf.exempt
def end_session() -> Any:
    """RP-initiated logout. Without a valid id_token_hint the person confirms (a cross-site link alone
    must not log anyone out), and nobody is sent back to the service."""
    try:
        ending = _server().validate_endpoint_request("end_session")
    except OAuth2Error as error:
        return french_error_page(error)
    account = current_account()
    hinted = ending.id_token_claims is not None
    same_person = account is None or (hinted and ending.id_token_claims.get("sub") == account.subject)
    if not same_person:
        return render_template("oidc/logout_confirm.html", form=ActivateForm())
    if account is not None:
        log_out()
    if ending.redirect_uri:
        return redirect(ending.redirect_uri)
    return render_template("oidc/logged_out.html")
