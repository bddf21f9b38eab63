"""Revocation (RFC 7009), introspection (RFC 7662) and RP-initiated logout."""

from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.rpinitiated import EndSessionEndpoint
from sqlalchemy import select

from idp.extensions import db
from idp.models import OAuthClient, OAuthToken
from idp.oidc import claims, keys
from idp.oidc.server import issuer
from idp.services import tokens
from shared.clock import epoch
from shared.oidc_client.claims import HABILITATIONS_CLAIM, HABILITATIONS_SCOPE, ORGANISATIONS_CLAIM


@dataclass(frozen=True)
class Presented:
    """A token found from the string a client presented, and which of the pair that string was."""

    row: OAuthToken
    kind: str  # "access_token" or "refresh_token"

    @property
    def active(self) -> bool:
        if self.kind == "refresh_token":
            return tokens.refresh_usable(self.row)
        return tokens.access_token_valid(self.row)


def _find(token_string: str, hint: str | None) -> Presented | None:
    """The hint says where to look first; a wrong hint must not hide the token (RFC 7009 §2.1)."""
    finders = [("access_token", tokens.find_by_access_token), ("refresh_token", tokens.find_by_refresh_token)]
    if hint == "refresh_token":
        finders.reverse()
    for kind, find in finders:
        found = find(db.session, token_string)
        if found is not None:
            return Presented(found, kind)
    return None


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> OAuthToken | None:
        found = _find(token_string, token_type_hint)
        return found.row if found else None

    def revoke_token(self, token: OAuthToken, request: Any) -> None:
        # Revoking either token of a pair ends the whole family: the grant is withdrawn.
        tokens.revoke_family(db.session, token)


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> Presented | None:
        return _find(token_string, token_type_hint)

    def check_permission(self, token: Presented, client: OAuthClient, request: Any) -> bool:
        return bool(token.row.client_id == client.client_id)  # a client introspects its own tokens only

    def create_introspection_payload(self, token: Presented | None) -> dict[str, Any]:
        # Authlib would judge a refresh token by its access token's expiry: each is judged on its own.
        if token is None or not token.active:
            return {"active": False}
        row = token.row
        access = token.kind == "access_token"
        expires = row.access_expires_at if access else row.refresh_expires_at
        payload = {
            "active": True,
            "client_id": row.client_id,
            "scope": row.scope,
            "sub": row.account.subject,
            "aud": row.client_id,
            "iss": issuer(),
            "exp": epoch(expires) if expires else None,
            "iat": epoch(row.issued_at),
        }
        if access:
            payload["token_type"] = "Bearer"
        if HABILITATIONS_SCOPE in row.scope.split():
            # Who acts for whom, as the ID token and userinfo say it (a resource server may read it here).
            of_client = select(OAuthClient.service_id).where(OAuthClient.client_id == row.client_id)
            service_id = db.session.execute(of_client).scalar_one()  # the token's client: it authenticated
            listed, organisations = claims.habilitation_claims(db.session, row.account, service_id, row.acting_siret)
            payload[HABILITATIONS_CLAIM] = listed
            if organisations is not None:
                payload[ORGANISATIONS_CLAIM] = organisations
        return payload


class EndSession(EndSessionEndpoint):
    def get_server_jwks(self) -> dict[str, Any]:
        return keys.public_jwks(db.session)

    def get_algorithms(self) -> list[str]:
        return ["RS256"]

    def end_session(self, end_session_request: Any) -> None:
        """Not called: the view validates the request, then ends the session itself (it owns the cookie)."""
