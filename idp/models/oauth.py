"""OpenID Connect clients, authorization codes, tokens, signing keys and consents.

Every secret (client secret, code, access and refresh token) is stored as its SHA-256 only: they are
random and long, so a plain hash is enough, and a database leak gives nothing usable.
"""

import hashlib
import hmac
from datetime import datetime
from typing import Any

from authlib.oauth2.rfc6749 import scope_to_list
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.extensions import db
from idp.models.account import Account
from idp.models.service import Service
from shared.clock import epoch, utcnow


class OAuthClient(db.Model):  # type: ignore[name-defined]
    __tablename__ = "oauth_client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    client_secret_hash: Mapped[str | None] = mapped_column(String(64))  # None for a public client
    name: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    post_logout_redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    # OpenID Connect Back-Channel Logout 1.0: where the provider POSTs a logout token (None: not supported).
    backchannel_logout_uri: Mapped[str | None] = mapped_column(Text)
    # client_secret_basic, client_secret_post, private_key_jwt, or none for a public client
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(40), default="client_secret_basic")
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # public keys, for private_key_jwt
    first_party: Mapped[bool] = mapped_column(Boolean, default=True)  # ministry apps skip the consent page
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime)

    service: Mapped[Service] = relationship(lazy="joined")

    SCOPES = frozenset({"openid", "profile", "email", "phone", "habilitations"})

    # Authlib's ClientMixin: authorization code flow only, exact redirect URIs.
    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # redirect_uri is always required

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(value for value in scope_to_list(scope or "") or [] if value in self.SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris  # compared as exact strings

    def check_client_secret(self, client_secret: str) -> bool:
        if not self.client_secret_hash or not client_secret:
            return False
        return hmac.compare_digest(self.client_secret_hash, hashlib.sha256(client_secret.encode()).hexdigest())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        # One method per client, chosen at registration ("none" for a public client).
        return method == self.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"post_logout_redirect_uris": self.post_logout_redirect_uris}


class AuthorizationCode(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    user_session_id: Mapped[int | None] = mapped_column(ForeignKey("user_session.id", ondelete="SET NULL"))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(Text)
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(10))
    claims_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The organisation (SIRET) the person chose to act for, when their habilitations are too many for a token.
    acting_siret: Mapped[str | None] = mapped_column(String(14))
    auth_time: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    account: Mapped[Account] = relationship()

    # Authlib's AuthorizationCodeMixin (and the OIDC claims it reads).
    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return epoch(self.auth_time)

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> list[str]:
        return ["pwd"]


class OAuthToken(db.Model):  # type: ignore[name-defined]
    """An access token and its refresh token. A refresh rotates into a new row of the same family."""

    __tablename__ = "oauth_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family: Mapped[str] = mapped_column(String(64), index=True)  # one per authorization code
    authorization_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("authorization_code.id", ondelete="SET NULL"), index=True
    )
    user_session_id: Mapped[int | None] = mapped_column(ForeignKey("user_session.id", ondelete="SET NULL"), index=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(Text)
    claims_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    acting_siret: Mapped[str | None] = mapped_column(String(14))  # the code's, kept through refreshes
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    access_expires_at: Mapped[datetime] = mapped_column(DateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(DateTime)  # absolute end of the family
    auth_time: Mapped[datetime] = mapped_column(DateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime)  # its refresh token was used
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    account: Mapped[Account] = relationship(lazy="joined")

    # What Authlib's refresh grant asks of a token (validity is judged by idp.services.tokens).
    def check_client(self, client: OAuthClient) -> bool:
        return self.client_id == client.client_id

    def get_scope(self) -> str:
        return self.scope


class SigningKey(db.Model):  # type: ignore[name-defined]
    """An RSA key signing ID tokens. A retired key stays published until its tokens have expired. Its private part
    is stored encrypted (idp/oidc/key_secret.py); its public part as the JWKS publishes it."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    sealed_private_jwk: Mapped[str] = mapped_column(Text)  # a Fernet token
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)


class Consent(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("account_id", "client_id"),)


class UsedClientAssertion(db.Model):  # type: ignore[name-defined]
    """The `jti` of private_key_jwt assertions already seen: an assertion is accepted once."""

    jti_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
