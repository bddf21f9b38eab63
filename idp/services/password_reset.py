"""Lost password: a reset link by e-mail, valid 60 minutes, used once, void after any later change."""

from flask import current_app

from idp.models import Account, AccountStatus, AuditEventType, LinkPurpose, OAuthToken, UserSession
from idp.services import audit, backchannel_logout, links, mails, sessions
from idp.services.accounts import find_account_by_email, normalize_email, resend_activation
from idp.services.passwords import hash_password
from idp.services.tokens import revoke_where
from shared.clock import utcnow
from shared.db import DbSession


def request_reset(session: DbSession, email: str, ip: str | None = None) -> None:
    """Queue a reset e-mail when an active account has this address, an activation e-mail when its account
    was never activated, and otherwise an e-mail saying that no active account uses it. Every path writes
    an e-mail and an audit row, so that neither the page nor its time tells which addresses have an account
    (a known address once took twice as long as an unknown one)."""
    account = find_account_by_email(session, email)
    if account is not None and account.status is AccountStatus.PENDING:
        # Its owner never activated it: the activation link is what they need.
        resend_activation(session, account.email, ip)
        return
    if account is None or account.status is AccountStatus.DISABLED:
        mails.send_password_reset_no_account(session, normalize_email(email))
        audit.record(session, AuditEventType.PASSWORD_RESET_NO_ACCOUNT, account.id if account else None, ip)
    else:
        token = links.issue_link(
            session, account, LinkPurpose.PASSWORD_RESET, current_app.config["PASSWORD_RESET_LINK_LIFETIME"]
        )
        mails.send_password_reset(session, account, token)
        audit.record(session, AuditEventType.PASSWORD_RESET_REQUESTED, account.id, ip)
    session.commit()


def check_reset(session: DbSession, token: str) -> Account:
    """The account of a usable reset link (raises links.LinkError). A link older than the last
    password change is void."""
    link = links.check_link(session, token, LinkPurpose.PASSWORD_RESET)
    if link.created_at < link.account.password_changed_at:
        raise links.LinkAlreadyUsed(link.account)
    return link.account


def reset_password(session: DbSession, token: str, new_password: str, ip: str | None = None) -> Account:
    account = check_reset(session, token)
    links.consume_link(session, token, LinkPurpose.PASSWORD_RESET)
    set_password(session, account, new_password)
    audit.record(session, AuditEventType.PASSWORD_RESET, account.id, ip)
    session.commit()
    return account


def set_password(session: DbSession, account: Account, new_password: str, keep: UserSession | None = None) -> None:
    """Store a new password: other sessions and every OIDC token end, pending reset links die, the
    owner is told."""
    account.password_hash = hash_password(new_password)
    account.password_changed_at = utcnow()
    links.void_links(session, account, LinkPurpose.PASSWORD_RESET)
    # The services used through the sessions that end are told to end theirs (back-channel logout).
    for ending in sessions.open_sessions(session, account, besides=keep):
        backchannel_logout.end_login_session(session, ending, reason=backchannel_logout.Reason.PASSWORD_CHANGED)
    sessions.end_other_sessions(session, account, keep=keep)
    revoke_where(session, OAuthToken.account_id == account.id, commit=False)
    mails.send_password_changed(session, account)
