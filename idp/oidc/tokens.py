"""Storage of codes and tokens: hashed, single use, rotated, revoked by family."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from idp.models import AuthorizationCode, OAuthClient, OAuthToken, UserSession
from shared.clock import utcnow
from shared.db import DbSession

CODE_LIFETIME = timedelta(seconds=60)
ACCESS_TOKEN_LIFETIME = timedelta(minutes=10)
REFRESH_TOKEN_LIFETIME = timedelta(hours=12)  # absolute, for the whole family
ID_TOKEN_LIFETIME = timedelta(minutes=10)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """256 random bits: identifiers never collide, whatever the clock says."""
    return secrets.token_urlsafe(32)


def find_code(session: DbSession, code: str, client_id: str) -> AuthorizationCode | None:
    return session.scalar(
        select(AuthorizationCode).where(
            AuthorizationCode.code_hash == digest(code), AuthorizationCode.client_id == client_id
        )
    )


def redeem_code(session: DbSession, row: AuthorizationCode) -> bool:
    """Mark the code used; False when it was used already (or is being used by a concurrent request).

    A second use means the code leaked: every token issued from it is revoked.
    """
    if utcnow() > row.expires_at:
        return False
    marked = session.execute(
        update(AuthorizationCode)
        .where(AuthorizationCode.id == row.id, AuthorizationCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount == 1:  # type: ignore[attr-defined]
        session.commit()
        return True
    revoke_where(session, OAuthToken.authorization_code_id == row.id)
    return False


def save_tokens(session: DbSession, token: dict[str, Any], request: Any, origin: dict[str, Any]) -> OAuthToken:
    """Store a new access/refresh token pair. `origin` says where it comes from (code or previous token)."""
    now = utcnow()
    row = OAuthToken(
        family=origin["family"],
        authorization_code_id=origin.get("authorization_code_id"),
        user_session_id=origin.get("user_session_id"),
        client_id=request.client.client_id,
        account_id=request.user.id,
        scope=token["scope"],
        claims_request=origin.get("claims_request"),
        access_token_hash=digest(token["access_token"]),
        refresh_token_hash=digest(token["refresh_token"]) if token.get("refresh_token") else None,
        issued_at=now,
        access_expires_at=now + timedelta(seconds=int(token["expires_in"])),
        refresh_expires_at=origin.get("refresh_expires_at") or now + REFRESH_TOKEN_LIFETIME,
        auth_time=origin["auth_time"],
    )
    session.add(row)
    session.commit()
    return row


def find_for_userinfo(session: DbSession, access_token: str) -> tuple[OAuthToken, OAuthClient] | None:
    """The token and its client in one query (userinfo is the hottest endpoint)."""
    row = session.execute(
        select(OAuthToken, OAuthClient)
        .join(OAuthClient, OAuthClient.client_id == OAuthToken.client_id)
        .where(OAuthToken.access_token_hash == digest(access_token))
    ).first()
    return (row[0], row[1]) if row else None


def find_by_access_token(session: DbSession, access_token: str) -> OAuthToken | None:
    return session.scalar(select(OAuthToken).where(OAuthToken.access_token_hash == digest(access_token)))


def find_by_refresh_token(session: DbSession, refresh_token: str) -> OAuthToken | None:
    return session.scalar(select(OAuthToken).where(OAuthToken.refresh_token_hash == digest(refresh_token)))


def rotate(session: DbSession, row: OAuthToken) -> bool:
    """Use a refresh token once. A second use is a replay: the whole family is revoked."""
    marked = session.execute(
        update(OAuthToken)
        .where(OAuthToken.id == row.id, OAuthToken.rotated_at.is_(None), OAuthToken.revoked_at.is_(None))
        .values(rotated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount == 1:  # type: ignore[attr-defined]
        return True
    revoke_where(session, OAuthToken.family == row.family)
    return False


def refresh_usable(row: OAuthToken) -> bool:
    now = utcnow()
    return (
        row.revoked_at is None
        and row.rotated_at is None
        and row.refresh_expires_at is not None
        and now < row.refresh_expires_at
        and row.account.is_active
    )


def revoke_where(session: DbSession, *conditions: Any, commit: bool = True) -> None:
    session.execute(
        update(OAuthToken)
        .where(*conditions, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if commit:
        session.commit()


def revoke_family(session: DbSession, row: OAuthToken) -> None:
    revoke_where(session, OAuthToken.family == row.family)


def hand_over_session_tokens(session: DbSession, previous: UserSession, current: UserSession) -> None:
    """At a new login in the same browser: the same person's tokens follow the new session (a later
    logout ends them); another person's are revoked."""
    if previous.account_id == current.account_id:
        session.execute(
            update(OAuthToken)
            .where(OAuthToken.user_session_id == previous.id)
            .values(user_session_id=current.id)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    else:
        revoke_session_tokens(session, previous.id)


def revoke_session_tokens(session: DbSession, user_session_id: int) -> None:
    """At logout: the tokens obtained through that login session."""
    revoke_where(session, OAuthToken.user_session_id == user_session_id)


def access_token_valid(row: OAuthToken | None) -> bool:
    return row is not None and row.revoked_at is None and utcnow() < row.access_expires_at and row.account.is_active
