"""« Mon compte »: contact details, password and e-mail address changes."""

from dataclasses import dataclass

from flask import current_app

from idp.models import Account, AuditEventType, Civilite, LinkPurpose, UserSession
from idp.services import audit, links, mails
from idp.services.accounts import find_account_by_email, normalize_email
from idp.services.password_reset import set_password
from idp.services.passwords import verify_password
from shared.clock import utcnow
from shared.db import DbSession


class WrongPassword(Exception):
    pass


class SameEmail(Exception):
    pass


@dataclass(frozen=True)
class Coordonnees:
    civilite: Civilite
    nom: str
    prenom: str
    telephone: str | None


def update_coordonnees(session: DbSession, account: Account, data: Coordonnees, ip: str | None = None) -> None:
    before = {
        "civilite": account.civilite.value,
        "nom": account.nom,
        "prenom": account.prenom,
        "telephone": account.telephone,
    }
    account.civilite, account.nom, account.prenom, account.telephone = (
        data.civilite,
        data.nom,
        data.prenom,
        data.telephone,
    )
    after = {"civilite": data.civilite.value, "nom": data.nom, "prenom": data.prenom, "telephone": data.telephone}
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changed:
        account.updated_at = utcnow()
        audit.record(session, AuditEventType.PROFILE_UPDATED, account.id, ip, changed=changed)
    session.commit()


def change_password(
    session: DbSession, account: Account, current: str, new: str, keep: UserSession | None, ip: str | None = None
) -> None:
    if not verify_password(current, account.password_hash)[0]:
        raise WrongPassword()
    set_password(session, account, new, keep=keep)
    audit.record(session, AuditEventType.PASSWORD_CHANGED, account.id, ip)
    session.commit()


def request_email_change(
    session: DbSession, account: Account, password: str, new_email: str, ip: str | None = None
) -> None:
    """Send a confirmation link to the new address. When that address already has an account, its
    owner is told instead and nothing changes, the page saying the same either way."""
    if not verify_password(password, account.password_hash)[0]:
        raise WrongPassword()
    new_email = normalize_email(new_email)
    if new_email == account.email:
        raise SameEmail()
    # Only the latest request counts: a mistyped address must not keep a link that takes the account.
    links.void_links(session, account, LinkPurpose.EMAIL_CHANGE)
    other = find_account_by_email(session, new_email)
    if other is not None:
        mails.send_already_registered(session, other)
    else:
        token = links.issue_link(
            session, account, LinkPurpose.EMAIL_CHANGE, current_app.config["EMAIL_CHANGE_LINK_LIFETIME"], new_email
        )
        mails.send_email_change(session, account, new_email, token)
    audit.record(session, AuditEventType.EMAIL_CHANGE_REQUESTED, account.id, ip)
    session.commit()


def confirm_email_change(session: DbSession, token: str, ip: str | None = None) -> Account:
    link = links.consume_link(session, token, LinkPurpose.EMAIL_CHANGE)
    account, old_email, new_email = link.account, link.account.email, link.new_email
    assert new_email is not None
    if find_account_by_email(session, new_email) is not None:  # taken since the link was sent
        session.rollback()
        raise links.LinkInvalid(account)
    account.email, account.updated_at = new_email, utcnow()
    links.void_links(session, account, LinkPurpose.EMAIL_CHANGE)
    links.void_links(session, account, LinkPurpose.PASSWORD_RESET)
    mails.send_email_changed(session, account, old_email, new_email)
    audit.record(session, AuditEventType.EMAIL_CHANGED, account.id, ip, old=old_email, new=new_email)
    session.commit()
    return account
