"""Authlib's authorization server, configured for this provider's rules.

Authorization code flow only; PKCE S256 required from every client (Authlib's default accepts
`plain` and lets confidential clients skip it); codes and tokens stored hashed; refresh tokens rotated
with replay detection; a replayed code revokes what it issued.
"""

import hashlib
from datetime import timedelta
from typing import Any, cast

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.integrations.flask_oauth2.authorization_server import create_token_expires_in_generator
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.base import invalid_error_characters
from authlib.oauth2.rfc6749 import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Request,
    UnsupportedResponseTypeError,
    UnsupportedTokenTypeError,
    grants,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, current_app, g
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from idp.auth import current_session
from idp.extensions import db
from idp.models import (
    Account,
    AuthorizationCode,
    OAuthClient,
    OAuthToken,
    UsedClientAssertion,
)
from idp.oidc import claims, keys
from idp.services import tokens
from shared.clock import epoch, utcnow


def issuer() -> str:
    return str(current_app.config["PUBLIC_URL"])


def authorization_server() -> Any:
    """The app's authorization server (created by create_server)."""
    return current_app.extensions["oidc_server"]


# Built once (see idp.services.tokens): every authorization and token request looks its client up. Its
# service is not needed on the way (the habilitations query reads the service's code itself).
CLIENT_ID_MAX_LENGTH = OAuthClient.client_id.type.length
CLIENT = (
    select(OAuthClient).options(lazyload(OAuthClient.service)).where(OAuthClient.client_id == bindparam("client_id"))
)


def query_client(client_id: str) -> OAuthClient | None:
    """The enabled client with this id; looked up once per request (Authlib asks several times). An id no client can
    have (NUL, control characters, over the column's length) is no client, without asking the database: PostgreSQL
    refuses a NUL in text with an error."""
    if not (client_id.isascii() and client_id.isprintable() and len(client_id) <= CLIENT_ID_MAX_LENGTH):
        return None
    found: dict[str, OAuthClient | None] = g.setdefault("oidc_clients", {})
    if client_id not in found:
        client = db.session.scalar(CLIENT, {"client_id": client_id})
        found[client_id] = client if client is not None and client.disabled_at is None else None
    return found[client_id]


class RequiredS256(CodeChallenge):
    """PKCE with S256 for every client: a missing challenge or `plain` is refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE (S256) is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be 'S256'.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: Any, result: Any) -> None:
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier'.")
        super().validate_code_verifier(grant, result)

    def get_authorization_code_challenge(self, authorization_code: AuthorizationCode) -> str:
        return authorization_code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: AuthorizationCode) -> str:
        return authorization_code.code_challenge_method


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]

    def validate_authorization_request(self) -> str:
        # redirect_uri is required, and checked before anything else can send the user back with an error.
        if not self.request.payload.redirect_uri:
            raise InvalidRequestError("Missing 'redirect_uri'.")
        return str(super().validate_authorization_request())

    @staticmethod
    def validate_authorization_redirect_uri(request: Any, client: Any) -> str:
        # Authlib's own message quotes the URI, and refuses (with an exception, a 500) to carry a quote, a
        # backslash or a character outside ASCII in an error description: ours names no value.
        redirect_uri = request.payload.redirect_uri
        if not client.check_redirect_uri(redirect_uri):
            raise InvalidRequestError("Invalid 'redirect_uri': not registered for this client.")
        return str(redirect_uri)

    def validate_requested_scope(self) -> None:
        """Scope values not understood are ignored (OpenID Connect Core §3.1.2.1), not an error:
        OAuthClient.get_allowed_scope keeps the known ones."""

    def generate_authorization_code(self) -> str:
        return tokens.new_secret()

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        user_session = current_session()
        assert user_session is not None  # the authorization view issues codes to logged-in users only
        now = utcnow()
        tokens.save_code(
            db.session,
            {
                "code_hash": tokens.digest(code),
                "client_id": request.client.client_id,
                "account_id": request.user.id,
                "user_session_id": user_session.id,
                "redirect_uri": request.payload.redirect_uri,
                "scope": request.scope,
                "nonce": data.get("nonce"),
                "code_challenge": data["code_challenge"],
                "code_challenge_method": data["code_challenge_method"],
                "claims_request": g.get("oidc_claims_request"),
                "acting_siret": g.get("oidc_acting_siret"),
                "auth_time": user_session.created_at,
                "created_at": now,
                "expires_at": now + tokens.CODE_LIFETIME,
            },
        )

    def query_authorization_code(self, code: str, client: OAuthClient) -> AuthorizationCode | None:
        return tokens.redeem_code(db.session, code, client.client_id)

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Kept, marked used: a replay must still find it to revoke its tokens."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Account | None:
        # A code from a login session ended since (logout, password change) would give tokens that
        # the end of the session never revoked.
        found = tokens.live_session_account(db.session, authorization_code.user_session_id)
        if found is None:
            return None
        account, sid = found
        g.oidc_session_sid = (authorization_code.user_session_id, sid)  # for the ID token (get_compatible_claims)
        return account if account.is_active else None

    def save_token(self, token: dict[str, Any]) -> None:
        code = self.request.authorization_code
        origin = {
            "family": tokens.new_secret(),
            "authorization_code_id": code.id,
            "user_session_id": code.user_session_id,
            "claims_request": code.claims_request,
            "acting_siret": code.acting_siret,
            "auth_time": code.auth_time,
        }
        tokens.save_tokens(db.session, token, self.request, origin)


class RefreshGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> OAuthToken | None:
        row = tokens.find_by_refresh_token(db.session, refresh_token)
        if row is None:
            return None
        if row.rotated_at is not None:  # an old refresh token presented again: stolen, or replayed
            tokens.revoke_family(db.session, row, commit=False)
            return None
        return row if tokens.refresh_usable(row) else None

    def authenticate_user(self, refresh_token: OAuthToken) -> Account | None:
        return refresh_token.account

    def revoke_old_credential(self, refresh_token: OAuthToken) -> None:
        """Done before the new token is saved, see save_token."""

    def save_token(self, token: dict[str, Any]) -> None:
        previous: OAuthToken = self.request.refresh_token
        if not tokens.rotate(db.session, previous):
            raise InvalidGrantError("The refresh token was already used.")
        origin = {
            "family": previous.family,
            "authorization_code_id": previous.authorization_code_id,
            "user_session_id": previous.user_session_id,
            "claims_request": previous.claims_request,
            "acting_siret": previous.acting_siret,
            "auth_time": previous.auth_time,
            "refresh_expires_at": previous.refresh_expires_at,
        }
        tokens.save_tokens(db.session, token, self.request, origin)


class OpenIDConnect(OpenIDCode):
    def exists_nonce(self, nonce: str, request: Any) -> bool:
        # The relying party checks the nonce against its own session; the provider only echoes it.
        return False

    def resolve_client_private_key(self, client: OAuthClient) -> RSAKey:
        return self._signing_key()[1]

    def get_client_algorithm(self, client: OAuthClient) -> str:
        return "RS256"

    def get_encode_header(self, client: OAuthClient) -> dict[str, str]:
        return {"alg": "RS256", "kid": self._signing_key()[0], "typ": "JWT"}

    def _signing_key(self) -> tuple[str, RSAKey]:
        # One key for the header's kid and the signature, even if a rotation happens meanwhile.
        if "oidc_signing_key" not in g:
            g.oidc_signing_key = keys.signing_key(db.session)
        return cast(tuple[str, RSAKey], g.oidc_signing_key)

    def get_client_claims(self, client: OAuthClient) -> dict[str, Any]:
        # `aud` as a string: clients (and our own end-session code) compare it as one.
        return {"iss": issuer(), "aud": client.client_id}

    def encode_id_token(self, token: dict[str, Any], request: Any) -> str:
        g.oidc_token_client = request.client
        origin = request.authorization_code or request.refresh_token
        g.oidc_claims_request, g.oidc_acting_siret = origin.claims_request, origin.acting_siret
        return str(super().encode_id_token(token, request))

    def get_compatible_claims(self, request: Any) -> dict[str, Any]:
        found = super().get_compatible_claims(request)
        # From the same instant as iat (a clock read here could be a second later than Authlib's).
        found["exp"] = found["iat"] + int(tokens.ID_TOKEN_LIFETIME.total_seconds())
        # After a refresh, auth_time is still the time the user actually logged in.
        origin = request.authorization_code or request.refresh_token
        found["auth_time"] = epoch(origin.auth_time)
        # Back-Channel Logout 1.0 §2.1: the login session, as the logout token will name it.
        sid = _session_sid(origin.user_session_id)
        if sid is not None:
            found["sid"] = sid
        return found

    def generate_user_info(self, user: Account, scope: str) -> UserInfo:
        requested = (g.get("oidc_claims_request") or {}).get("id_token")
        service_id, acting_siret = g.oidc_token_client.service_id, g.get("oidc_acting_siret")
        return claims.user_info(db.session, user, service_id, scope, requested, acting_siret)


def _session_sid(user_session_id: int | None) -> str | None:
    """The login session's `sid`: read with the session's account when the code was redeemed, else (a refresh) by
    a statement of its own."""
    known = g.get("oidc_session_sid")
    if known is not None and user_session_id is not None and known[0] == user_session_id:
        return cast(str | None, known[1])
    return tokens.session_sid(db.session, user_session_id)


class PrivateKeyJWT(JWTBearerClientAssertion):
    CLIENT_AUTH_METHOD = "private_key_jwt"

    def get_audiences(self) -> list[str]:
        return [f"{issuer()}/oidc/token", issuer()]

    def resolve_client_public_key(self, client: OAuthClient) -> KeySet:
        return KeySet.import_key_set(cast(Any, client.jwks or {"keys": []}))

    def validate_jti(self, claims: Any, jti: str) -> bool:
        key = hashlib.sha256(f"{claims['sub']}:{jti}".encode()).hexdigest()
        if db.session.get(UsedClientAssertion, key) is not None:
            return False
        db.session.add(UsedClientAssertion(jti_hash=key, expires_at=utcnow() + timedelta(hours=1)))
        try:
            db.session.commit()
        except IntegrityError:  # the same assertion presented twice at the same moment
            db.session.rollback()
            return False
        return True


def save_token_unused(token: dict[str, Any], request: Any) -> None:
    """Grants save their own tokens (they know where the token comes from)."""


def random_token(**context: Any) -> str:
    return tokens.new_secret()


class StoredAuthorizationRequest(OAuth2Request):
    """An authorization request read from the address a login leads back to (its `next`), not from the
    current HTTP request: the login POST answers it at once (idp.oidc.authorization.continue_after_login)."""

    def __init__(self, uri: str, params: dict[str, str]) -> None:
        super().__init__("GET", uri)
        self.payload = BasicOAuth2Payload(params)

    @property
    def args(self) -> dict[str, str]:
        return cast(dict[str, str], self.payload.data)


class Server(AuthorizationServer):
    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        # Authlib's Flask integration always reads flask.request, whatever it is given.
        return request if isinstance(request, OAuth2Request) else super().create_oauth2_request(request)

    def get_authorization_grant(self, request: OAuth2Request) -> Any:
        # Authlib quotes an unknown response_type in its error description, and refuses (an exception, a 500)
        # a character a description cannot carry: the answer to any unknown type, without quoting it.
        if not invalid_error_characters(request.payload.response_type or ""):
            return super().get_authorization_grant(request)
        raise UnsupportedResponseTypeError(
            "", "The response type is not supported by the server.", redirect_uri=self._checked_redirect_uri(request)
        )

    def _checked_redirect_uri(self, request: OAuth2Request) -> str | None:
        """Where an error may be sent back (RFC 6749 §4.1.2.1): a URI registered for a known client, else None."""
        client = self.query_client(request.payload.client_id) if request.payload.client_id else None
        if client is None:
            return None
        requested = request.payload.redirect_uri
        if not requested:
            return cast(str | None, client.get_default_redirect_uri())
        return requested if client.check_redirect_uri(requested) else None

    def authenticate_client(self, request: Any, methods: Any, endpoint: str = "token") -> Any:
        # Authlib decodes HTTP Basic credentials as UTF-8 and lets the error out (a 500): bytes that are not
        # UTF-8 name no client of ours.
        try:
            return super().authenticate_client(request, methods, endpoint)
        except UnicodeDecodeError:
            raise InvalidClientError(description="The client credentials are not valid UTF-8.") from None

    def create_bearer_token_generator(self, config: Any) -> BearerTokenGenerator:
        # Authlib's generator draws every character with its own system call (90 for a token pair);
        # new_secret draws 256 bits at once. Access and refresh tokens are always issued together.
        expires_in = create_token_expires_in_generator(config.get("OAUTH2_TOKEN_EXPIRES_IN"))
        return BearerTokenGenerator(random_token, random_token, expires_in)

    def handle_error_response(self, request: Any, error: OAuth2Error) -> Any:
        # RFC 6749 §5.2 requires 401 + WWW-Authenticate when the client tried HTTP Basic, and allows it
        # otherwise: Authlib answers 400 to client_secret_post and private_key_jwt clients; the same
        # answer whichever way the client authenticated.
        client_error = isinstance(error, InvalidClientError) and not error.redirect_uri
        if client_error:
            error.status_code = 401
        elif isinstance(error, UnsupportedTokenTypeError):
            error.status_code = 400  # RFC 7009 §2.2.1 (Authlib answers 401, as to a missing Authorization)
        response = super().handle_error_response(request, error)
        if client_error:
            response.headers["WWW-Authenticate"] = 'Basic realm="mesdemarches", error="invalid_client"'
        return response


def create_server(app: Flask) -> AuthorizationServer:
    server = Server(app, query_client=query_client, save_token=save_token_unused)
    server.register_grant(CodeGrant, [RequiredS256(required=True), OpenIDConnect(require_nonce=False)])
    server.register_grant(RefreshGrant, [OpenIDConnect(require_nonce=False)])
    server.register_client_auth_method(PrivateKeyJWT.CLIENT_AUTH_METHOD, PrivateKeyJWT())
    return server
