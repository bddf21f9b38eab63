"""OpenID Connect Back-Channel Logout 1.0: a revocation reaches the services at once.

When a person loses a right on a service (a habilitation or delegation revoked, changed or ended), when an account is
disabled, or when a person logs out here, the clients concerned are told through their `backchannel_logout_uri`, and
their refresh tokens for that person are revoked. The notices are rows of an outbox (`BackchannelLogout`) written in
the transaction of the change: never lost, never blocking the request. The worker (`flask --app idp outbox work`)
signs each logout token when it sends it, so that its short `exp` is fresh, and retries until a 2xx answer.

A notice queued because the person's rights on the service changed (`Reason.RIGHTS`) also carries
`RIGHTS_CHANGED_EVENT` with their habilitations on the service when it is sent (as an ID token would), so that a
service that keeps something of the person's last claims (SOFFi: the addresses its e-mails go to) corrects it, even
with no session open there.

Which clients: those of the service (or every client, for an account or a login session) that have a back-channel
URI and that the person has used, i.e. that obtained tokens for them (through that login session, for a logout).
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from joserfc import jwt
from sqlalchemy import ColumnElement, bindparam, select

from idp.models import Account, AuditEventType, BackchannelLogout, OAuthClient, OAuthToken, UserSession
from idp.oidc import keys
from idp.oidc.claims import habilitation_claims
from idp.services import audit
from idp.services.tokens import revoke_where
from shared.clock import epoch, utcnow
from shared.db import DbSession
from shared.oidc_client.claims import HABILITATIONS_CLAIM, RIGHTS_CHANGED_EVENT
from shared.outbox import retry_delay

log = logging.getLogger(__name__)

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
TOKEN_LIFETIME = timedelta(minutes=2)  # counted from the moment it is sent, not queued
HTTP_TIMEOUT = 5  # seconds: a service that hangs delays the other notices (and the e-mails) this long at most
BATCH = 20  # notices per pass of the worker


class Reason:
    """Why a notice was queued (kept in the row and its audit row)."""

    HABILITATION_REVOKED = "habilitation_revoked"
    HABILITATION_CHANGED = "habilitation_changed"
    HABILITATION_ENDED = "habilitation_ended"
    ACCOUNT_DISABLED = "account_disabled"
    LOGOUT = "logout"
    PASSWORD_CHANGED = "password_changed"
    # The person's rights on the service changed — a disabled account has none left: the logout token says so too
    # (RIGHTS_CHANGED_EVENT).
    RIGHTS = frozenset({HABILITATION_REVOKED, HABILITATION_CHANGED, HABILITATION_ENDED, ACCOUNT_DISABLED})


# --- queueing, in the caller's transaction ----------------------------------------------------------------------


def _queue(session: DbSession, account_id: int, used: ColumnElement[bool], reason: str, sid: str | None) -> int:
    """A notice for each enabled client with a back-channel URI among the tokens matching `used`."""
    clients = session.scalars(
        select(OAuthClient.client_id)
        .where(
            OAuthClient.backchannel_logout_uri.is_not(None),
            OAuthClient.disabled_at.is_(None),
            OAuthClient.client_id.in_(select(OAuthToken.client_id).where(OAuthToken.account_id == account_id, used)),
        )
        .order_by(OAuthClient.client_id)
    ).all()
    for client_id in clients:
        session.add(BackchannelLogout(client_id=client_id, account_id=account_id, sid=sid, reason=reason))
    return len(clients)


def end_service_sessions(session: DbSession, account: Account, service_id: int, reason: str) -> int:
    """The person's rights on this service changed: their sessions at its clients end (the next login reads the new
    claims) and those clients' tokens for them are revoked. Returns how many notices were queued."""
    of_service = OAuthToken.client_id.in_(select(OAuthClient.client_id).where(OAuthClient.service_id == service_id))
    queued = _queue(session, account.id, of_service, reason, None)
    revoke_where(session, OAuthToken.account_id == account.id, of_service, commit=False)
    return queued


def end_account_sessions(session: DbSession, account: Account, reason: str) -> int:
    """The account can no longer be used: every client it used is told, every token of it revoked."""
    queued = _queue(session, account.id, OAuthToken.account_id == account.id, reason, None)
    revoke_where(session, OAuthToken.account_id == account.id, commit=False)
    return queued


def end_login_session(
    session: DbSession, ended: UserSession, initiator: str | None = None, reason: str = Reason.LOGOUT
) -> int:
    """A login session ended here (logout, a new password): the clients used through it, but the one that asked for
    the logout (`initiator`, which has ended its own session already), end theirs. The caller revokes the session's
    tokens."""
    used = OAuthToken.user_session_id == ended.id
    if initiator is not None:
        used = used & (OAuthToken.client_id != initiator)
    return _queue(session, ended.account_id, used, reason, ended.sid)


# --- the logout token -----------------------------------------------------------------------------------------


def logout_token(
    session: DbSession,
    issuer: str,
    client_id: str,
    subject: str,
    sid: str | None,
    rights_now: dict[str, Any] | None = None,
) -> str:
    """A logout token (Back-Channel Logout 1.0 §2.4), signed now with the provider's current ID-token key; with
    RIGHTS_CHANGED_EVENT beside the logout event, its payload `rights_now`, when the person's rights changed."""
    kid, key = keys.signing_key(session)
    now = utcnow()
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": client_id,
        "iat": epoch(now),
        "exp": epoch(now + TOKEN_LIFETIME),
        "jti": secrets.token_urlsafe(24),
        "sub": subject,
        "events": {LOGOUT_EVENT: {}, **({RIGHTS_CHANGED_EVENT: rights_now} if rights_now is not None else {})},
    }
    if sid is not None:
        claims["sid"] = sid
    return jwt.encode({"alg": "RS256", "kid": kid, "typ": "logout+jwt"}, claims, key)


# --- delivery, by the worker ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    sent: int
    failed: int  # to be tried again later
    given_up: int


DUE = (
    select(BackchannelLogout)
    .where(
        BackchannelLogout.sent_at.is_(None),
        BackchannelLogout.given_up_at.is_(None),
        BackchannelLogout.next_attempt_at <= bindparam("now"),
    )
    .order_by(BackchannelLogout.next_attempt_at, BackchannelLogout.id)
    .limit(1)
    .with_for_update(skip_locked=True)
)


def deliver_due(session: DbSession, issuer: str, limit: int = BATCH) -> Delivered:
    """Send the due notices, one transaction each: a row stays locked (other workers skip it) while its relying
    party answers, and a worker that dies mid-run leaves the row it was sending pending, to be sent again."""
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    for _ in range(limit):
        row = session.scalar(DUE, {"now": utcnow()})
        if row is None:
            break
        counts[_deliver(session, row, issuer)] += 1
        session.commit()
    session.commit()  # the last, empty, look
    return Delivered(**counts)


def _deliver(session: DbSession, row: BackchannelLogout, issuer: str) -> str:
    client = session.scalar(select(OAuthClient).where(OAuthClient.client_id == row.client_id))
    account = session.get(Account, row.account_id)
    if client is None or client.disabled_at is not None or client.backchannel_logout_uri is None or account is None:
        return _give_up(session, row, "the client is gone, disabled, or has no back-channel logout URI any more")
    uri = client.backchannel_logout_uri
    row.attempts += 1
    rights = _rights_now(session, account, client.service_id) if row.reason in Reason.RIGHTS else None
    error = _post(uri, logout_token(session, issuer, row.client_id, account.subject, row.sid, rights))
    if error is None:
        row.sent_at, row.last_error = utcnow(), None
        audit.record(
            session, AuditEventType.BACKCHANNEL_LOGOUT_SENT, row.account_id, None,
            client_id=row.client_id, reason=row.reason, sid=row.sid,
        )  # fmt: skip
        return "sent"
    row.last_error = error[:500]
    if row.attempts >= BackchannelLogout.MAX_ATTEMPTS:
        return _give_up(session, row, error)
    row.next_attempt_at = utcnow() + retry_delay(row.attempts)
    log.warning("Back-channel logout %s to %s failed (attempt %s): %s", row.id, row.client_id, row.attempts, error)
    return "failed"


def _rights_now(session: DbSession, account: Account, service_id: int) -> dict[str, Any]:
    """The rights event's payload: the person's habilitations on the service now (none for a disabled account), or
    nothing when they are more than a token holds (the service then forgets what it knew until their next login)."""
    if not account.is_active:
        return {HABILITATIONS_CLAIM: []}
    held, organisations = habilitation_claims(session, account, service_id)
    return {HABILITATIONS_CLAIM: held} if organisations is None else {}


def _post(uri: str, token: str) -> str | None:
    """POST the token (§2.5); None when the relying party answered 2xx, else what went wrong. Redirects are not
    followed: the registered URI answers, or the notice failed."""
    try:
        with requests.post(
            uri, data={"logout_token": token}, timeout=HTTP_TIMEOUT, allow_redirects=False, stream=True
        ) as response:
            return None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    except requests.RequestException as error:
        return f"{type(error).__name__}: {error}"


def _give_up(session: DbSession, row: BackchannelLogout, error: str) -> str:
    row.given_up_at, row.last_error = utcnow(), error[:500]
    log.error(
        "Back-channel logout %s to %s given up after %s attempt(s): %s (the person's sessions there may live on)",
        row.id, row.client_id, row.attempts, error,
    )  # fmt: skip
    audit.record(
        session, AuditEventType.BACKCHANNEL_LOGOUT_GIVEN_UP, row.account_id, None,
        client_id=row.client_id, reason=row.reason, attempts=row.attempts, error=row.last_error,
    )  # fmt: skip
    return "given_up"
