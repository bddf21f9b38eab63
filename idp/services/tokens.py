"""Storage of codes and tokens: hashed, single use, rotated, revoked by family.

The statements of every token, refresh and userinfo request are built once, their values bound at
execution: SQLAlchemy takes longer to build a statement and compute its cache key than PostgreSQL
takes to run it.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from idp.models import Account, AuthorizationCode, OAuthClient, OAuthToken, UserSession
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


# On the tables, not the mapped classes: nothing reads the new rows back, so no ORM work is needed,
# and inline(): not even their ids (SQLAlchemy would otherwise ask PostgreSQL for them, RETURNING id).
INSERT_CODE = insert(AuthorizationCode.__table__).inline()
INSERT_TOKENS = insert(OAuthToken.__table__).inline()


def save_code(session: DbSession, values: dict[str, Any]) -> None:
    """Store an authorization code (hashed by the caller) and commit."""
    session.execute(INSERT_CODE, values)
    session.commit()


def find_code(session: DbSession, code: str, client_id: str) -> AuthorizationCode | None:
    return session.scalar(
        select(AuthorizationCode).where(
            AuthorizationCode.code_hash == digest(code), AuthorizationCode.client_id == client_id
        )
    )


# On the table, the code read back as a plain row (the ORM's RETURNING costs more than the UPDATE).
# (An UPDATE may not name its parameters after the table's columns.)
CODES = AuthorizationCode.__table__
REDEEM_CODE = (
    update(CODES)
    .where(
        CODES.c.code_hash == bindparam("hash"),
        CODES.c.client_id == bindparam("client"),
        CODES.c.used_at.is_(None),
        CODES.c.expires_at >= bindparam("now"),
    )
    .values(used_at=bindparam("now"))
    .returning(*CODES.c)
)


def redeem_code(session: DbSession, code: str, client_id: str) -> AuthorizationCode | None:
    """The code, marked used by the statement that reads it; None when it is unknown, expired or
    used already. A concurrent redemption waits for this transaction, then finds the code used.

    A second use means the code leaked: every token issued from it is revoked (the caller commits).
    """
    now = utcnow()
    redeemed = session.execute(REDEEM_CODE, {"hash": digest(code), "client": client_id, "now": now}).first()
    if redeemed is None:
        row = find_code(session, code, client_id)
        if row is not None and row.used_at is not None and now <= row.expires_at:
            revoke_where(session, OAuthToken.authorization_code_id == row.id, commit=False)
        return None
    return AuthorizationCode(**redeemed._mapping)  # outside the session: Authlib calls its methods


LIVE_SESSION_ACCOUNT = (
    select(Account, UserSession.sid)
    .join(UserSession, UserSession.account_id == Account.id)
    .where(UserSession.id == bindparam("user_session_id"), UserSession.ended_at.is_(None))
)


def live_session_account(session: DbSession, user_session_id: int | None) -> tuple[Account, str | None] | None:
    """The account of a login session that has not ended (logout, password change), with the session's public
    `sid` (the ID token of a code names it: read here rather than by a statement of its own); else None."""
    found = session.execute(LIVE_SESSION_ACCOUNT, {"user_session_id": user_session_id}).first()
    return (found[0], found[1]) if found is not None else None


SESSION_SID = select(UserSession.sid).where(UserSession.id == bindparam("user_session_id"))


def session_sid(session: DbSession, user_session_id: int | None) -> str | None:
    """The public `sid` of a login session (None for no session, or one opened before sids existed)."""
    if user_session_id is None:
        return None
    return session.scalar(SESSION_SID, {"user_session_id": user_session_id})


def save_tokens(session: DbSession, token: dict[str, Any], request: Any, origin: dict[str, Any]) -> None:
    """Store a new access/refresh token pair, in the caller's transaction. `origin` says where it
    comes from (code or previous token)."""
    now = utcnow()
    session.execute(
        INSERT_TOKENS,
        {
            "family": origin["family"],
            "authorization_code_id": origin.get("authorization_code_id"),
            "user_session_id": origin.get("user_session_id"),
            "client_id": request.client.client_id,
            "account_id": request.user.id,
            "scope": token["scope"],
            "claims_request": origin.get("claims_request"),
            "acting_siret": origin.get("acting_siret"),
            "access_token_hash": digest(token["access_token"]),
            "refresh_token_hash": digest(token["refresh_token"]) if token.get("refresh_token") else None,
            "issued_at": now,
            "access_expires_at": now + timedelta(seconds=int(token["expires_in"])),
            "refresh_expires_at": origin.get("refresh_expires_at") or now + REFRESH_TOKEN_LIFETIME,
            "auth_time": origin["auth_time"],
        },
    )


@dataclass(frozen=True)
class UserinfoGrant:
    """What userinfo needs to know of an access token."""

    scope: str
    claims_request: dict[str, Any] | None
    acting_siret: str | None
    usable: bool  # neither revoked nor expired, and its account active
    client_disabled: bool
    account: Account
    service_id: int  # of the token's client: the habilitations shown are those on this service


# The token and client are read as plain columns: their ORM objects would cost more than the query.
USERINFO_GRANT = (
    select(
        OAuthToken.scope,
        OAuthToken.claims_request,
        OAuthToken.acting_siret,
        OAuthToken.revoked_at,
        OAuthToken.access_expires_at,
        OAuthClient.disabled_at,
        OAuthClient.service_id,
        Account,
    )
    .join(OAuthClient, OAuthClient.client_id == OAuthToken.client_id)
    .join(Account, Account.id == OAuthToken.account_id)
    .where(OAuthToken.access_token_hash == bindparam("hash"))
)


def find_for_userinfo(session: DbSession, access_token: str) -> UserinfoGrant | None:
    """The token with its account and its client's state, in one query (userinfo is the hottest endpoint)."""
    row = session.execute(USERINFO_GRANT, {"hash": digest(access_token)}).first()
    if row is None:
        return None
    return UserinfoGrant(
        scope=row.scope,
        claims_request=row.claims_request,
        acting_siret=row.acting_siret,
        usable=row.revoked_at is None and utcnow() < row.access_expires_at and row.Account.is_active,
        client_disabled=row.disabled_at is not None,
        account=row.Account,
        service_id=row.service_id,
    )


def find_by_access_token(session: DbSession, access_token: str) -> OAuthToken | None:
    return session.scalar(select(OAuthToken).where(OAuthToken.access_token_hash == digest(access_token)))


BY_REFRESH_TOKEN = select(OAuthToken).where(OAuthToken.refresh_token_hash == bindparam("hash"))


def find_by_refresh_token(session: DbSession, refresh_token: str) -> OAuthToken | None:
    return session.scalar(BY_REFRESH_TOKEN, {"hash": digest(refresh_token)})


ROTATE = (
    update(OAuthToken)
    .where(OAuthToken.id == bindparam("token_id"), OAuthToken.rotated_at.is_(None), OAuthToken.revoked_at.is_(None))
    .values(rotated_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)


def rotate(session: DbSession, row: OAuthToken) -> bool:
    """Use a refresh token once (in the caller's transaction). A second use is a replay: the whole
    family is revoked."""
    marked = session.execute(ROTATE, {"token_id": row.id, "now": utcnow()})
    if marked.rowcount == 1:  # type: ignore[attr-defined]
        return True
    revoke_family(session, row, commit=False)
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


def revoke_family(session: DbSession, row: OAuthToken, commit: bool = True) -> None:
    revoke_where(session, OAuthToken.family == row.family, commit=commit)


def hand_over_session_tokens(session: DbSession, previous: UserSession, account_id: int, new_session_id: int) -> None:
    """At a new login in the same browser (`account_id` logged in, session `new_session_id`): the same
    person's tokens follow the new session (a later logout ends them); another person's are revoked."""
    if previous.account_id == account_id:
        session.execute(
            update(OAuthToken)
            .where(OAuthToken.user_session_id == previous.id)
            .values(user_session_id=new_session_id)
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
