"""OpenID Connect clients (the relying parties): registered by the operators' commands and the demo."""

import secrets
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from idp.extensions import db
from idp.models import OAuthClient, OAuthToken, Service
from idp.services import tokens
from shared.clock import utcnow


class InvalidUri(ValueError):
    """A client URI (redirect, post-logout, back-channel logout) the provider will not send to."""


class NotHttps(InvalidUri):
    """Neither https, nor http on the loopback (development)."""


class HasFragment(InvalidUri):
    pass


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_uri(uri: str) -> str:
    """An absolute https URI without fragment (http only on the loopback, for development); InvalidUri otherwise.
    Redirect URIs are then compared as exact strings, and the back-channel logout URI is POSTed to as it is."""
    parts = urlsplit(uri)
    local = parts.hostname in LOOPBACK
    if parts.scheme not in ("https", "http") or (parts.scheme == "http" and not local) or not parts.netloc:
        raise NotHttps(uri)
    if parts.fragment:
        raise HasFragment(uri)
    return uri


def _service(code: str, name: str | None) -> Service:
    service = db.session.scalar(select(Service).where(Service.code == code))
    if service is None:
        service = Service(code=code, name=name or code)
        db.session.add(service)
        db.session.flush()
    return service


def register_client(
    name: str,
    service_code: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    auth_method: str = "client_secret_basic",
    public: bool = False,
    jwks: dict[str, Any] | None = None,
    first_party: bool = True,
    client_id: str | None = None,
    service_name: str | None = None,
    backchannel_logout_uri: str | None = None,
) -> tuple[OAuthClient, str | None]:
    """Create a client; returns it with its secret, shown this once (only its hash is kept). The back-channel
    logout URI is checked (InvalidUri), the others are the caller's to check."""
    if backchannel_logout_uri is not None:
        check_uri(backchannel_logout_uri)
    secret = None if public or auth_method == "private_key_jwt" else secrets.token_urlsafe(32)
    client = OAuthClient(
        client_id=client_id or secrets.token_hex(16),  # hex: an id starting with '-' would read as an option
        client_secret_hash=tokens.digest(secret) if secret else None,
        name=name,
        service=_service(service_code, service_name),
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=post_logout_redirect_uris,
        token_endpoint_auth_method="none" if public else auth_method,
        jwks=jwks,
        first_party=first_party,
        backchannel_logout_uri=backchannel_logout_uri,
    )
    db.session.add(client)
    db.session.commit()
    return client, secret


def rotate_secret(client: OAuthClient) -> str:
    """A new secret for the client (the old one stops working at once); returned this once."""
    secret = secrets.token_urlsafe(32)
    client.client_secret_hash = tokens.digest(secret)
    db.session.commit()
    return secret


def disable_client(client: OAuthClient) -> None:
    """No more logins through this client; its tokens are revoked."""
    client.disabled_at = utcnow()
    tokens.revoke_where(db.session, OAuthToken.client_id == client.client_id)
