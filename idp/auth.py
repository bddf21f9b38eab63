"""Who is logged in: the session token in the signed cookie, checked against the database."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, flash, g, has_request_context, redirect, request, session, url_for
from werkzeug.wrappers import Response

from idp import messages
from idp.extensions import db
from idp.models import Account, OAuthToken, UserSession
from idp.services import backchannel_logout, sessions
from idp.services.tokens import hand_over_session_tokens, revoke_where
from shared.oidc_client.access import safe_next

# The login session's secret token in the signed cookie (its SHA-256 in the database). Not the OpenID Connect `sid`,
# the session's public id that ID and logout tokens carry (UserSession.sid).
LOGIN_TOKEN = "login_token"

F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_account() -> dict[str, Any]:
        return {"current_account": current_account()}


def client_ip() -> str | None:
    return request.remote_addr


def current_session() -> UserSession | None:
    """The browser's login session, looked up once per request and only when something asks
    (the token and userinfo endpoints never do: they authenticate clients, not browsers)."""
    if not has_request_context():  # e-mails rendered by commands and workers
        return None
    if "user_session" not in g:
        g.user_session = _load_session()
    return cast(UserSession | None, g.user_session)


def _load_session() -> UserSession | None:
    token = session.get(LOGIN_TOKEN)
    if not token:
        return None
    user_session = sessions.load_session(
        db.session,
        token,
        current_app.config["SESSION_IDLE_TIMEOUT"],
        current_app.config["SESSION_ABSOLUTE_TIMEOUT"],
    )
    if user_session is None:
        session.pop(LOGIN_TOKEN, None)
        g.session_expired = True
    return user_session


def current_account() -> Account | None:
    user_session = current_session()
    return user_session.account if user_session else None


def log_in(account: Account) -> None:
    """A fresh cookie session (no fixation: nothing from before the login survives) and a new token,
    in the request's transaction: the caller commits."""
    previous_token = session.get(LOGIN_TOKEN)
    previous = sessions.end_session(db.session, previous_token) if previous_token else None
    session.clear()
    # Flask-WTF keeps this request's CSRF token in g: a form on this response (the consent page of a
    # service) must carry a token of the new session, not of the one just cleared.
    g.pop("csrf_token", None)
    same_person = previous is not None and previous.account_id == account.id
    sid = previous.sid if previous is not None and same_person else None
    session[LOGIN_TOKEN], g.user_session = sessions.start_session(db.session, account, client_ip(), sid)
    session.permanent = False
    if previous is not None:
        if not same_person:  # someone else logs in in this browser: the previous person's services log them out
            backchannel_logout.end_login_session(db.session, previous)
        # A logout must still end what services obtained before a re-login (prompt=login, max_age).
        hand_over_session_tokens(db.session, previous, account.id, g.user_session.id)


def log_out(initiator: str | None = None) -> None:
    """End the login session and what relying parties obtained through it; the services used through it but
    `initiator` (the client asking for this logout) are told to end theirs (back-channel logout), in the same
    transaction."""
    token = session.get(LOGIN_TOKEN)
    if token:
        ended = sessions.end_session(db.session, token, commit=False)
        if ended is not None:
            backchannel_logout.end_login_session(db.session, ended, initiator)
            revoke_where(db.session, OAuthToken.user_session_id == ended.id, commit=False)
        db.session.commit()
    session.clear()


def login_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_account() is None:
            flash(messages.SESSION_EXPIRED if g.get("session_expired") else messages.LOGIN_REQUIRED, "info")
            # A form's POST-only address cannot be come back to: a GET on it after login would be a 405.
            back = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("login.login", next=back))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def redirect_next(default_endpoint: str = "home.index") -> Response:
    # 303 after a form: the browser follows with a GET, never re-posting the form.
    status = 303 if request.method == "POST" else 302
    return redirect(safe_next(request.args.get("next")) or url_for(default_endpoint), code=status)
