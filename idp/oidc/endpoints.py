"""Revocation (RFC 7009), introspection (RFC 7662) and RP-initiated logout."""

from typing import Any

from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.rpinitiated import EndSessionEndpoint

from idp.extensions import db
from idp.models import OAuthClient, OAuthToken
from idp.oidc import keys, tokens
from idp.oidc.server import issuer
from shared.clock import epoch


def _find(token_string: str, hint: str | None) -> OAuthToken | None:
    if hint != "refresh_token":
        found = tokens.find_by_access_token(db.session, token_string)
        if found is not None or hint == "access_token":
            return found
    return tokens.find_by_refresh_token(db.session, token_string)


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> OAuthToken | None:
        return _find(token_string, token_type_hint)

    def revoke_token(self, token: OAuthToken, request: Any) -> None:
        # Revoking either token of a pair ends the whole family: the grant is withdrawn.
        tokens.revoke_family(db.session, token)


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> OAuthToken | None:
        return _find(token_string, token_type_hint)

    def check_permission(self, token: OAuthToken, client: OAuthClient, request: Any) -> bool:
        return bool(token.client_id == client.client_id)  # a client introspects its own tokens only

    def introspect_token(self, token: OAuthToken) -> dict[str, Any]:
        if not tokens.access_token_valid(token):
            return {"active": False}
        return {
            "active": True,
            "client_id": token.client_id,
            "token_type": "Bearer",
            "scope": token.scope,
            "sub": token.account.subject,
            "aud": token.client_id,
            "iss": issuer(),
            "exp": epoch(token.access_expires_at),
            "iat": epoch(token.issued_at),
        }


class EndSession(EndSessionEndpoint):
    def get_server_jwks(self) -> dict[str, Any]:
        return keys.public_jwks(db.session)

    def get_algorithms(self) -> list[str]:
        return ["RS256"]

    def end_session(self, end_session_request: Any) -> None:
        """Not called: the view validates the request, then ends the session itself (it owns the cookie)."""
