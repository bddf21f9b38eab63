"""The relying party's end of OpenID Connect Back-Channel Logout 1.0: the provider POSTs a logout token to
`/backchannel-logout`; a valid one ends the sessions it names (`ended_sessions`), at once. When it also says that
the person's rights on the service changed (`RIGHTS_CHANGED_EVENT`), the app's `on_rights_changed` is given their
habilitations now (None when the token could not hold them all), to correct what it kept from their last login's
claims (SOFFi: the addresses its e-mails go to).

The token is checked as §2.6 asks: signature by the JWKS key its `kid` names, with an algorithm the provider
advertises; `typ` (when present) `logout+jwt`; `iss` the provider; `aud` this client; `iat` neither in the future nor
too old; `exp` not passed; the back-channel logout event; `sub` or `sid`; no `nonce`; a `jti` never seen before.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from shared.clock import epoch, utcnow
from shared.oidc_client import ended_sessions, flow
from shared.oidc_client.claims import HABILITATIONS_CLAIM, RIGHTS_CHANGED_EVENT, HabilitationClaim, parse_habilitations

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# Bytes: a logout token is about 1 KB, 7.2 KB at most with a rights event (five habilitations, every field at its
# longest: tests/integration/test_backchannel_logout.py sends one).
MAX_BODY = 16 * 1024
MAX_AGE = timedelta(minutes=5)  # the provider signs the token when it sends it
LEEWAY = timedelta(seconds=60)  # clocks of two machines
JWKS_REFRESH_INTERVAL = 60  # seconds: an unknown kid fetches the JWKS again at most this often (forged tokens)
TYPES = ("logout+jwt", "application/logout+jwt")


class InvalidLogoutToken(Exception):
    """The token is not one to act on. Its message is for the log, never for the sender."""


@dataclass(frozen=True)
class LogoutToken:
    sub: str | None
    sid: str | None
    jti: str
    iat: datetime
    rights_changed: bool = False
    rights_now: tuple[HabilitationClaim, ...] | None = None  # with rights_changed: None when not all given


def _key_set(force: bool) -> KeySet:
    rp = flow.client()
    if force:
        last: float = current_app.extensions.get("oidc_rp_jwks_fetched", 0.0)
        if time.monotonic() - last < JWKS_REFRESH_INTERVAL:
            raise InvalidLogoutToken("unknown kid (the JWKS was fetched less than a minute ago)")
        current_app.extensions["oidc_rp_jwks_fetched"] = time.monotonic()
    return KeySet.import_key_set(rp.fetch_jwk_set(force=force))


def _decode(token: str, algorithms: list[str]) -> jwt.Token:
    registry = JWSRegistry(algorithms=algorithms)
    try:
        try:
            return jwt.decode(token, _key_set(force=False), registry=registry)
        except InvalidKeyIdError:  # a key the provider published since: its JWKS again, once in a while
            return jwt.decode(token, _key_set(force=True), registry=registry)
    except (JoseError, ValueError, TypeError) as error:
        raise InvalidLogoutToken(f"signature or format: {error!r}") from error


def _number(claims: dict[str, Any], name: str) -> int:
    value = claims.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidLogoutToken(f"`{name}` missing or not a number")
    return value


def _optional_text(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 255:
        raise InvalidLogoutToken(f"`{name}` is not a string")
    return value


def validate(token: str, now: datetime) -> LogoutToken:
    """The logout token's content, once every check of §2.6 passed (InvalidLogoutToken otherwise;
    flow.ProviderUnavailable when the provider's metadata or keys cannot be read)."""
    if token.count(".") != 2:  # not even a signed JWT: no need to ask the provider anything
        raise InvalidLogoutToken("not a compact JWS")
    rp = flow.client()
    with flow.provider_call():
        metadata = flow.server_metadata(rp)
        decoded = _decode(token, list(metadata.get("id_token_signing_alg_values_supported") or ["RS256"]))
    typ = decoded.header.get("typ")
    if typ is not None and str(typ).lower() not in TYPES:
        raise InvalidLogoutToken(f"typ {typ!r}")
    claims = decoded.claims
    if claims.get("iss") != metadata["issuer"]:
        raise InvalidLogoutToken("iss")
    audience = claims.get("aud")
    if audience != rp.client_id and not (isinstance(audience, list) and rp.client_id in audience):
        raise InvalidLogoutToken("aud")
    now_epoch = epoch(now)
    issued = _number(claims, "iat")
    if issued > now_epoch + LEEWAY.total_seconds() or issued < now_epoch - (MAX_AGE + LEEWAY).total_seconds():
        raise InvalidLogoutToken("iat in the future or too old")
    if _number(claims, "exp") < now_epoch - LEEWAY.total_seconds():
        raise InvalidLogoutToken("expired")
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(LOGOUT_EVENT), dict):
        raise InvalidLogoutToken("no back-channel logout event")
    if "nonce" in claims:
        raise InvalidLogoutToken("nonce (an ID token, not a logout token)")
    sub, sid, jti = _optional_text(claims, "sub"), _optional_text(claims, "sid"), _optional_text(claims, "jti")
    if sub is None and sid is None:
        raise InvalidLogoutToken("neither sub nor sid")
    if jti is None:
        raise InvalidLogoutToken("no jti")
    issued_at = datetime.fromtimestamp(issued, UTC).replace(tzinfo=None)
    rights = events.get(RIGHTS_CHANGED_EVENT)
    if not isinstance(rights, dict):
        return LogoutToken(sub, sid, jti, issued_at)
    held = parse_habilitations(rights) if isinstance(rights.get(HABILITATIONS_CLAIM), list) else None
    return LogoutToken(sub, sid, jti, issued_at, rights_changed=True, rights_now=held)


def receive(token: str) -> None:
    """Validate the token and end the sessions it names; InvalidLogoutToken for a bad or replayed one."""
    now = utcnow()
    found = validate(token, now)
    on_rights_changed = current_app.extensions["oidc_rp"].on_rights_changed
    if found.rights_changed and found.sub is not None and on_rights_changed is not None:
        # A replay must not bring back rights a later token took away; a token seen for the first time is applied
        # before its jti is recorded: if this fails, the provider sends the notice again and it is not a replay.
        if ended_sessions.seen(found.jti):
            raise InvalidLogoutToken("jti seen before (replay)")
        on_rights_changed(found.sub, found.rights_now)
    # Its jti is kept as long as the token could pass the iat check; a second time, it is refused.
    keep_until = found.iat + MAX_AGE + LEEWAY * 2
    if not ended_sessions.end(found.sub, found.sid, now, found.jti, keep_until):
        raise InvalidLogoutToken("jti seen before (replay)")
    current_app.logger.info("Back-channel logout: sessions of sub=%s sid=%s ended", found.sub, found.sid)
    ended_sessions.purge(now, current_app.config["RP_SESSION_LIFETIME"])
