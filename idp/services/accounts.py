"""Accounts: sign-up and activation, and the operators' creation, disabling and enabling."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from idp.models import Account, AccountStatus, AuditEventType, Civilite, LinkPurpose
from idp.services import audit, backchannel_logout, links, mails
from idp.services.sessions import end_other_sessions
from shared.clock import utcnow
from shared.db import DbSession


@dataclass(frozen=True)
class SignUp:
    """What the three steps of the sign-up wizard collected."""

    siret: str
    email: str
    password_hash: str
    civilite: Civilite
    nom: str
    prenom: str
    telephone: str | None


def normalize_email(email: str) -> str:
    return email.strip().lower()


# Built once: every login runs it (building a statement costs SQLAlchemy more than running it).
ACCOUNT_BY_EMAIL = select(Account).where(Account.email == bindparam("email"))


def find_account_by_email(session: DbSession, email: str) -> Account | None:
    return session.scalar(ACCOUNT_BY_EMAIL, {"email": normalize_email(email)})


def new_account(data: SignUp, active: bool = False) -> Account:
    """The account sign-up collected, not yet added to the session: pending its activation link, or already active
    (operators and demo data only)."""
    return Account(
        email=normalize_email(data.email),
        password_hash=data.password_hash,
        civilite=data.civilite,
        nom=data.nom,
        prenom=data.prenom,
        telephone=data.telephone,
        siret=data.siret,
        status=AccountStatus.ACTIVE if active else AccountStatus.PENDING,
        activated_at=utcnow() if active else None,
    )


def sign_up(session: DbSession, data: SignUp, ip: str | None = None, next_path: str | None = None) -> Account | None:
    """Create a pending account and queue its activation e-mail (whose link carries `next_path`, if any).

    An address that already has an account gets an e-mail telling its owner so, and the caller shows
    the same page as for a new account: nobody learns which addresses are registered.
    Returns the new account, or None when the address was taken.
    """
    existing = find_account_by_email(session, data.email)
    if existing is not None:
        mails.send_already_registered(session, existing)
        audit.record(session, AuditEventType.SIGNUP_EXISTING_EMAIL, existing.id, ip)
        session.commit()
        return None
    account = new_account(data)
    session.add(account)
    try:
        session.flush()
    except IntegrityError:  # the same address signed up twice at the same instant
        session.rollback()
        return sign_up(session, data, ip, next_path)
    send_activation_link(session, account, next_path)
    audit.record(session, AuditEventType.SIGNUP, account.id, ip, siret=data.siret)
    session.commit()
    return account


def send_activation_link(session: DbSession, account: Account, next_path: str | None = None) -> None:
    token = links.issue_link(session, account, LinkPurpose.ACTIVATION, current_app.config["ACTIVATION_LINK_LIFETIME"])
    mails.send_activation(session, account, token, next_path)


def resend_activation(session: DbSession, email: str, ip: str | None = None, next_path: str | None = None) -> None:
    """A new activation link, for a pending account only; silent for any other address."""
    account = find_account_by_email(session, email)
    if account is None or account.status is not AccountStatus.PENDING:
        return
    links.void_links(session, account, LinkPurpose.ACTIVATION)
    send_activation_link(session, account, next_path)
    audit.record(session, AuditEventType.ACTIVATION_LINK_SENT, account.id, ip)
    session.commit()


def check_activation(session: DbSession, token: str) -> Account:
    """The account a genuine, unused, unexpired activation link is for (raises links.LinkError)."""
    return links.check_link(session, token, LinkPurpose.ACTIVATION).account


def activate(session: DbSession, token: str, ip: str | None = None) -> Account:
    link = links.consume_link(session, token, LinkPurpose.ACTIVATION)
    account = link.account
    if account.status is AccountStatus.PENDING:
        account.status = AccountStatus.ACTIVE
        account.activated_at = utcnow()
    audit.record(session, AuditEventType.ACTIVATION, account.id, ip)
    session.commit()
    return account


def create_account(session: DbSession, data: SignUp, active: bool = False, send_mail: bool = True) -> Account:
    """Operators' creation (CLI, demo data): the same rules as sign-up, no e-mail enumeration concern."""
    account = new_account(data, active)
    session.add(account)
    session.flush()
    if not active and send_mail:
        send_activation_link(session, account)
    audit.record(session, AuditEventType.SIGNUP, account.id, None, siret=data.siret, by="operator")
    session.commit()
    return account


def set_disabled(session: DbSession, account: Account, disabled: bool) -> None:
    """An operator disables an account (it can no longer log in, its sessions end here and at the services it
    used, its tokens are revoked) or enables it again (active if it was ever activated, else pending); audited
    either way."""
    if disabled:
        account.status = AccountStatus.DISABLED
        end_other_sessions(session, account)
        backchannel_logout.end_account_sessions(session, account, backchannel_logout.Reason.ACCOUNT_DISABLED)
    else:
        account.status = AccountStatus.ACTIVE if account.activated_at else AccountStatus.PENDING
    event = AuditEventType.DISABLED if disabled else AuditEventType.ENABLED
    audit.record(session, event, account.id, None, by="operator")
    session.commit()
