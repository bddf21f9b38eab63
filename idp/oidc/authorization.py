"""The authorization endpoint's answer to a valid request, for a visitor who is logged in or not:
the login form, the consent page, a code for the service, or an error for it. The endpoint
(idp.oidc.views) and the login POST (idp.views.login, which answers the service at once) both ask here."""

import json
from typing import Any, cast
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error, OAuth2Request
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oidc.core.errors import (
    AccountSelectionRequiredError,
    ConsentRequiredError,
    RequestNotSupportedError,
    RequestURINotSupportedError,
)
from flask import Response, g, redirect, render_template, url_for
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from idp.auth import current_session
from idp.extensions import db
from idp.forms.confirm import ConfirmForm
from idp.oidc import keys
from idp.oidc import server as oidc_server
from idp.oidc.errors import french_error_page
from idp.oidc.server import StoredAuthorizationRequest
from idp.services import consents, organisations
from idp.views.login_page import login_page
from shared.clock import utcnow


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
    if hinted_subject(params) not in (None, account.subject):
        return None  # logged in as someone else than the service expects: the endpoint asks again
    return answer(params, account, StoredAuthorizationRequest(oidc_server.issuer() + next_url, params))


def answer(params: dict[str, str], account: Any, oauth_request: OAuth2Request | None) -> Any:
    """The answer to a valid authorization request: the login form, the consent page, or a code."""
    try:
        grant = oidc_server.authorization_server().get_consent_grant(request=oauth_request, end_user=account)
    except OAuth2Error as error:
        return error_response(error)
    try:
        claims_request = requested_claims(params)
        _refuse_request_objects(params)
    except OAuth2Error as error:
        return error_response(redirectable(error, grant, params))
    if account is None:
        # The login form, here (with a session, a fresh login was asked: prompt=login, max_age); its
        # POST answers the service (continue_after_login).
        return login_page(next_url=authorize_url(params), login_hint=params.get("login_hint", ""))
    if consents.needs_consent(db.session, account.id, grant.client, grant.request.scope, params.get("prompt", "")):
        if "none" in params.get("prompt", "").split():
            return error_response(redirectable(ConsentRequiredError(), grant, params))
        return render_template(
            "oidc/consent.html",
            client=grant.client,
            scopes=(grant.request.scope or "").split(),
            params=params,
            form=ConfirmForm(),
        )
    return code_or_organisation_choice(grant, account, claims_request, params)


# Parameters of an authorization request that are ours, not the request's: the chooser's page and search.
CHOOSER_PARAMS = ("page", "q", "siret", "csrf_token", "decision")


def code_or_organisation_choice(
    grant: Any, account: Any, claims_request: dict[str, Any] | None, params: dict[str, str]
) -> Any:
    """The code, acting for the organisation the service hinted (`siret_hint`) if the person holds it; or first
    « Pour quelle organisation agissez-vous ? » when their habilitations are too many for a token, or when the
    service asks the person to choose again (`prompt=select_account`)."""
    service_id = grant.client.service_id
    hint = params.get("siret_hint", "")
    hinted = hint if hint.isascii() and hint.isdigit() and len(hint) == 14 else None
    if hinted is not None and not organisations.holds(db.session, account.id, service_id, hinted):
        hinted = None
    prompts = params.get("prompt", "").split()
    if "select_account" in prompts or (
        hinted is None and organisations.must_choose(db.session, account.id, service_id)
    ):
        if "none" in prompts:
            return error_response(redirectable(AccountSelectionRequiredError(), grant, params))
        kept = {key: value for key, value in params.items() if key not in CHOOSER_PARAMS}
        return redirect(f"{url_for('oidc.choose_organisation')}?{urlencode(kept)}")
    return issue_code(grant, account, claims_request, hinted)


def issue_code(grant: Any, account: Any, claims_request: dict[str, Any] | None, acting_siret: str | None) -> Any:
    g.oidc_claims_request, g.oidc_acting_siret = claims_request, acting_siret
    # get_consent_grant validated the request and kept its redirect URI: the server's
    # create_authorization_response would validate it all over again before asking the grant for a code.
    status, body, headers = grant.create_authorization_response(grant.redirect_uri, account)
    return _with_issuer(oidc_server.authorization_server().handle_response(status, body, headers))


def hinted_subject(params: dict[str, str]) -> str | None:
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


def must_log_in_again(params: dict[str, str]) -> bool:
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
        and max_age.isascii()
        and max_age.isdigit()
        and (utcnow() - user_session.created_at).total_seconds() > int(max_age)
    )


def authorize_url(params: dict[str, str]) -> str:
    return f"{url_for('oidc.authorize')}?{urlencode(params)}"


def requested_claims(params: dict[str, str]) -> dict[str, Any] | None:
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


def redirectable(error: OAuth2Error, grant: Any, params: dict[str, str]) -> OAuth2Error:
    """An error for the client, sent to its redirect URI (validated with the grant)."""
    error.redirect_uri = grant.request.payload.redirect_uri
    error.state = params.get("state")
    return error


def error_response(error: OAuth2Error) -> Any:
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
