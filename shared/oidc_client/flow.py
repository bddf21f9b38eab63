"""The relying party's side of the OpenID Connect exchange, on Authlib's Flask client.

Sign-in request (PKCE S256, state, nonce), callback (state, RFC 9207 `iss`, code exchange, ID token
checked: signature by `kid` through the JWKS, `iss`, `aud`, `exp`, `nonce`) and the logout request.
Views call these functions and turn their exceptions into French pages.
"""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth, OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask, current_app, session
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from shared.request_log import propagated

CLIENT_NAME = "mesdemarches"
SCOPE = "openid profile email habilitations"
DISCOVERY_PATH = "/.well-known/openid-configuration"
HTTP_TIMEOUT = 10  # seconds: a provider that hangs must not hold a worker for ever
# Sign-ins started and not finished, kept in the session cookie: the newest, within this many bytes of JSON, so that
# the cookie stays under the 4 KB a browser keeps (base64 adds a third) whatever the `next` addresses.
PENDING_SIGN_INS_BYTES = 2400
# Errors after which the person, not the request, is the reason: they get a 403 page.
REFUSALS = {"access_denied", "login_required", "interaction_required", "consent_required", "account_selection_required"}


class LoginFailed(Exception):
    """The sign-in could not complete. `status` is the HTTP status of the page that says so."""

    status = 400


class StateMismatch(LoginFailed):
    """No sign-in started from this browser matches the answer (forged, replayed or expired)."""


class LoginRefused(LoginFailed):
    """The provider answered with an OAuth error instead of a code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error
        self.status = 403 if error in REFUSALS else 400


class InvalidIdToken(LoginFailed):
    """The ID token is missing, or fails a check: it is not trusted."""


class ProviderUnavailable(LoginFailed):
    """The provider could not be reached, or its metadata are not those of the configured issuer."""

    status = 503


@dataclass(frozen=True)
class Login:
    claims: dict[str, Any]  # the verified ID token's claims
    id_token: str  # kept for the logout request (id_token_hint)
    next_url: str | None


def callback_uri() -> str:
    return f"{current_app.config['RP_PUBLIC_URL']}/callback"


def post_logout_redirect_uri() -> str:
    return f"{current_app.config['RP_PUBLIC_URL']}/"


class _Session(OAuth2Session):
    """Authlib's HTTP session for the calls to the provider (discovery, token, JWKS), sending the id of the request
    being served: the provider logs its answer under the same id as the service's page that needed it."""

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        kwargs["headers"] = propagated(kwargs.get("headers"))
        return super().request(method, url, *args, **kwargs)


class _ProviderApp(FlaskOAuth2App):
    client_cls = _Session


def init_app(app: Flask) -> None:
    OAuth(app)  # kept in app.extensions; the client is registered at first use, from the settings


def client() -> FlaskOAuth2App:
    """This app's Authlib client, registered on first use from the RP_* settings."""
    oauth: OAuth = current_app.extensions["authlib.integrations.flask_client"]
    found = oauth.create_client(CLIENT_NAME)
    if found is None:
        config = current_app.config
        found = oauth.register(
            CLIENT_NAME,
            client_cls=_ProviderApp,
            client_id=config["RP_CLIENT_ID"],
            client_secret=config["RP_CLIENT_SECRET"],
            server_metadata_url=config["RP_ISSUER"] + DISCOVERY_PATH,
            client_kwargs={
                "scope": SCOPE,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": "client_secret_basic",
                "default_timeout": HTTP_TIMEOUT,
            },
        )
    return found


@contextmanager
def provider_call() -> Iterator[None]:
    try:
        yield
    except (requests.RequestException, ValueError) as error:
        current_app.logger.warning("Identity provider unreachable or answering badly: %s", error)
        raise ProviderUnavailable() from error


def server_metadata(rp: FlaskOAuth2App) -> dict[str, Any]:
    """The provider's discovery document, refused unless it names the configured issuer (Discovery §4.3)."""
    metadata: dict[str, Any] = rp.load_server_metadata()
    if metadata.get("issuer") != current_app.config["RP_ISSUER"]:
        current_app.logger.error("Discovery issuer %r is not RP_ISSUER", metadata.get("issuer"))
        raise ProviderUnavailable()
    return metadata


def authorization_url(redirect_uri: str, next_url: str | None, extra: Mapping[str, str]) -> str:
    """Where to send the browser to sign in; state, nonce and PKCE verifier stay in its session."""
    rp = client()
    with provider_call():
        server_metadata(rp)
        found = rp.create_authorization_url(redirect_uri, **extra)
    rp.save_authorize_data(
        redirect_uri=redirect_uri,
        state=found["state"],
        nonce=found["nonce"],
        code_verifier=found["code_verifier"],
        next=next_url,
    )
    _forget_older_sign_ins()
    return str(found["url"])


def _forget_older_sign_ins() -> None:
    """Each sign-in started keeps its state in the session until its callback, and Authlib drops the expired ones
    only then: a browser that starts sign-ins and leaves them would grow its cookie past 4 KB, the browser would
    stop storing it, and every later sign-in would be refused as expired. The newest are kept (several tabs may be
    signing in at once), as many as fit in PENDING_SIGN_INS_BYTES; the newest always."""
    prefix = f"_state_{CLIENT_NAME}_"
    pending = sorted(
        (key for key in session if key.startswith(prefix)), key=lambda key: session[key].get("exp", 0), reverse=True
    )
    size = 0
    for index, key in enumerate(pending):
        size += len(json.dumps(session[key]))
        if index > 0 and size > PENDING_SIGN_INS_BYTES:
            session.pop(key)


def finish_login(args: Mapping[str, str]) -> Login:
    """Check the provider's answer at the callback and exchange the code; raises LoginFailed."""
    rp = client()
    state = args.get("state") or ""
    started = rp.framework.get_state_data(session, state) if state else None
    if started is not None:
        rp.framework.clear_state_data(session, state)  # single use, whatever happens next
    if args.get("error"):
        raise LoginRefused(args["error"])
    if started is None:
        raise StateMismatch()
    with provider_call():
        metadata = server_metadata(rp)
        # RFC 9207: an answer signed by another issuer is a mix-up attack, not ours to redeem.
        if metadata.get("authorization_response_iss_parameter_supported") and args.get("iss") != metadata["issuer"]:
            raise StateMismatch()
        try:
            token = rp.fetch_access_token(
                redirect_uri=started["redirect_uri"], code=args.get("code", ""), code_verifier=started["code_verifier"]
            )
        except OAuthError as error:
            raise LoginRefused(error.error or "invalid_grant") from error
        if "id_token" not in token:
            raise InvalidIdToken()
        claims = _verified_claims(rp, token, started["nonce"], metadata["issuer"])
    return Login(claims=claims, id_token=token["id_token"], next_url=started.get("next"))


def _verified_claims(rp: FlaskOAuth2App, token: dict[str, Any], nonce: str, issuer: str) -> dict[str, Any]:
    """Signature (key chosen by `kid` in the JWKS, algorithms the provider advertises), then the claims."""
    options = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": rp.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "nonce": {"essential": True, "value": nonce},
    }
    try:
        # Authlib compares the nonce too (given here, it is required in the token); `options` say it again.
        claims = rp.parse_id_token(token, nonce=nonce, claims_options=options, leeway=60)
    except (JoseError, ValueError, KeyError) as error:
        current_app.logger.warning("ID token refused: %r", error)
        raise InvalidIdToken() from error
    return dict(claims)


def logout_redirect(id_token: str | None, post_logout_redirect_uri: str) -> Response:
    """RP-initiated logout at the provider, which comes back to us with the `state` kept here."""
    rp = client()
    with provider_call():
        server_metadata(rp)
        return rp.logout_redirect(
            post_logout_redirect_uri=post_logout_redirect_uri,
            id_token_hint=id_token,
            client_id=rp.client_id,
        )


def logout_confirmed(state: str) -> bool:
    """True when `state` is the one of a logout this browser asked for (used once)."""
    rp = client()
    started = rp.framework.get_state_data(session, state)
    rp.framework.clear_state_data(session, state)
    return started is not None
