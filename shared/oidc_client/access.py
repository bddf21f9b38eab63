"""Who is logged in on a relying party: `current_user()`, `login_required`. What they may do is in
`roles.py` (`require_role(...)`, on the current establishment of `establishments.py`). Everything comes
from the ID token received at the last login, kept in the signed session cookie; a relying party
authorises from these claims alone — as long as the session lasts (RP_SESSION_LIFETIME) and the provider
has not ended it since (back-channel logout, `ended_sessions`)."""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode, urlsplit

from flask import current_app, g, has_request_context, redirect, request, session, url_for
from werkzeug.urls import iri_to_uri

from shared.clock import utcnow
from shared.oidc_client import ended_sessions
from shared.oidc_client.claims import ORGANISATIONS_CLAIM, HabilitationClaim, parse_habilitations

F = TypeVar("F", bound=Callable[..., Any])

USER_KEY = "rp_user"
ID_TOKEN_KEY = "rp_id_token"
SID_KEY = "rp_sid"  # the provider's login session (ID token `sid`), which a logout token may name
LOGIN_AT_KEY = "rp_login_at"  # when this session began (naive UTC, ISO 8601)


@dataclass(frozen=True)
class User:
    sub: str
    given_name: str
    family_name: str
    email: str
    habilitations: tuple[HabilitationClaim, ...]
    # Set when the person acts for more organisations than a token carries: the habilitations are then those of
    # the organisation chosen at the provider, and another is chosen there (establishments.choose_another_url).
    organisations_count: int | None = None

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip() or self.email

    def has_role(self, *role_codes: str) -> bool:
        return any(habilitation.role in role_codes for habilitation in self.habilitations)

    def to_session(self) -> dict[str, Any]:
        return {
            "sub": self.sub,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "email": self.email,
            "habilitations": [habilitation.to_claim() for habilitation in self.habilitations],
            ORGANISATIONS_CLAIM: self.organisations_count,
        }

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "User":
        return cls(
            sub=str(claims["sub"]),
            given_name=str(claims.get("given_name") or ""),
            family_name=str(claims.get("family_name") or ""),
            email=str(claims.get("email") or ""),
            habilitations=parse_habilitations(claims),
            organisations_count=_count(claims.get(ORGANISATIONS_CLAIM)),
        )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def log_in(claims: dict[str, Any], id_token: str, service_code: str) -> User:
    """A fresh session for the person the ID token names (nothing from before survives)."""
    user = User.from_claims(claims)
    mine = tuple(habilitation for habilitation in user.habilitations if habilitation.service == service_code)
    if len(mine) != len(user.habilitations):
        # The provider filters per client; a service never acts on another service's roles.
        current_app.logger.warning("Ignored %d habilitation(s) of other services", len(user.habilitations) - len(mine))
        user = replace(user, habilitations=mine)
    session.clear()
    session[USER_KEY] = user.to_session()
    session[ID_TOKEN_KEY] = id_token
    session[SID_KEY] = claims.get("sid") if isinstance(claims.get("sid"), str) else None
    session[LOGIN_AT_KEY] = utcnow().isoformat()
    g.rp_user = user
    return user


def log_out() -> str | None:
    """Forget the user here; returns the ID token, for the logout request at the provider."""
    id_token = session.get(ID_TOKEN_KEY)
    session.clear()
    g.rp_user = None
    return id_token


def current_user() -> User | None:
    """The person logged in; None outside a request (an e-mail rendered by a command has no one)."""
    if not has_request_context():
        return None
    if "rp_user" not in g:
        stored = session.get(USER_KEY)
        user = User.from_claims(stored) if isinstance(stored, dict) and stored.get("sub") else None
        if user is not None and not _session_lives(user):
            for key in (USER_KEY, ID_TOKEN_KEY, SID_KEY, LOGIN_AT_KEY):
                session.pop(key, None)
            user = None
        g.rp_user = user
    return cast(User | None, g.rp_user)


def _session_lives(user: User) -> bool:
    """Not older than RP_SESSION_LIFETIME, and not ended by the provider since it began."""
    try:
        login_at = datetime.fromisoformat(str(session.get(LOGIN_AT_KEY)))
    except ValueError:  # a cookie from before sessions had a start: log in again
        return False
    if utcnow() - login_at > current_app.config["RP_SESSION_LIFETIME"]:
        return False
    sid = session.get(SID_KEY)
    return not ended_sessions.is_ended(user.sub, sid if isinstance(sid, str) else None, login_at)


# Browsers drop tabs and line breaks anywhere in a URL and read a backslash as a slash: « /\t/evil » and
# « /\\evil » both lead to //evil. Any of them, or a space or other control character, refuses the target.
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f\\]")
MAX_NEXT_LENGTH = 2048


def safe_next(target: str | None) -> str | None:
    """Only a path of this site (« /… », never « //… » nor a scheme), after the folding browsers apply: an open
    redirect would make the login a phishing tool. Characters outside ASCII are percent-encoded."""
    if not target or len(target) > MAX_NEXT_LENGTH or _UNSAFE_IN_NEXT.search(target):
        return None
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return None
    return iri_to_uri(target)


def _to_login() -> Any:
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("oidc_client.login") + ("?" + urlencode({"next": back}) if back else ""))


def login_required(view: F) -> F:
    """Anonymous visitors are sent to /connexion, and come back here after signing in."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return _to_login()
        return view(*args, **kwargs)

    return cast(F, wrapped)
