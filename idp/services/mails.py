"""One send_<name>() per e-mail: renders the three templates and writes the outbox row.

The row joins the caller's transaction, so the e-mail exists if and only if the change that
causes it is committed.
"""

from typing import Any
from urllib.parse import urlencode

from flask import current_app

from idp.models import (
    AccessRequest,
    Account,
    DelegationInvitation,
    Establishment,
    Habilitation,
    OutboxMessage,
    Role,
)
from shared.db import DbSession
from shared.outbox import queue_mail


def _queue(session: DbSession, name: str, recipient: str, **context: Any) -> dict[str, Any]:
    return queue_mail(session, OutboxMessage, name, recipient, current_app.config["PUBLIC_URL"], **context)


def link(path: str, token: str) -> str:
    return f"{current_app.config['PUBLIC_URL']}{path}/{token}"


def send_activation(session: DbSession, account: Account, token: str, next_path: str | None = None) -> dict[str, Any]:
    """`next_path`: where to land after activating and logging in (a path of this site, checked by the caller)."""
    url = link("/activation", token) + (f"?{urlencode({'next': next_path})}" if next_path else "")
    return _queue(session, "activation", account.email, account=account, url=url)


def send_already_registered(session: DbSession, account: Account) -> dict[str, Any]:
    return _queue(session, "already_registered", account.email, account=account)


def send_password_reset(session: DbSession, account: Account, token: str) -> dict[str, Any]:
    return _queue(
        session, "password_reset", account.email, account=account, url=link("/mot-de-passe/reinitialisation", token)
    )


def send_password_reset_no_account(session: DbSession, email: str) -> dict[str, Any]:
    return _queue(session, "password_reset_no_account", email, email=email)


def send_password_changed(session: DbSession, account: Account) -> dict[str, Any]:
    return _queue(session, "password_changed", account.email, account=account)


def send_email_change(session: DbSession, account: Account, new_email: str, token: str) -> dict[str, Any]:
    return _queue(
        session, "email_change", new_email, account=account, url=link("/mon-compte/adresse-electronique", token)
    )


def send_email_changed(session: DbSession, account: Account, old_email: str, new_email: str) -> dict[str, Any]:
    return _queue(session, "email_changed", old_email, account=account, new_email=new_email)


def _users_url(service_code: str, **query: str) -> str:
    suffix = "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else ""
    return f"{current_app.config['PUBLIC_URL']}/portail/services/{service_code}/utilisateurs{suffix}"


def _portal_url() -> str:
    return f"{current_app.config['PUBLIC_URL']}/portail/services/"


def _to_gestionnaire(session: DbSession, name: str, request: AccessRequest, manager: Account) -> dict[str, Any]:
    establishment = session.get(Establishment, request.siret)
    return _queue(
        session,
        name,
        manager.email,
        request=request,
        structure=establishment.name if establishment else request.siret,
        url=_users_url(request.service.code, role="en-attente"),
    )


def send_access_request(session: DbSession, request: AccessRequest, manager: Account) -> dict[str, Any]:
    """Guide 001's e-mail to each gestionnaire of the company."""
    return _to_gestionnaire(session, "access_request", request, manager)


def send_access_request_reminder(session: DbSession, request: AccessRequest, manager: Account) -> dict[str, Any]:
    return _to_gestionnaire(session, "access_request_reminder", request, manager)


def send_access_request_accepted(session: DbSession, request: AccessRequest, role: Role) -> dict[str, Any]:
    return _queue(
        session, "access_request_accepted", request.account.email, request=request, role=role, url=_portal_url()
    )


def send_access_request_refused(session: DbSession, request: AccessRequest) -> dict[str, Any]:
    return _queue(session, "access_request_refused", request.account.email, request=request, url=_portal_url())


def send_habilitation_granted(session: DbSession, habilitation: Habilitation) -> dict[str, Any]:
    return _queue(
        session, "habilitation_granted", habilitation.account.email, habilitation=habilitation, url=_portal_url()
    )


def send_habilitation_changed(session: DbSession, habilitation: Habilitation, actor: Account) -> dict[str, Any]:
    return _queue(
        session,
        "habilitation_changed",
        habilitation.account.email,
        habilitation=habilitation,
        actor=actor,
        url=_portal_url(),
    )


def send_habilitation_revoked(session: DbSession, habilitation: Habilitation, actor: Account) -> dict[str, Any]:
    return _queue(session, "habilitation_revoked", habilitation.account.email, habilitation=habilitation, actor=actor)


def send_delegation_invitation(
    session: DbSession, invitation: DelegationInvitation, inviter: Account, company: str, token: str
) -> dict[str, Any]:
    """« Invitation à rejoindre la démarche … pour le compte de … » (guide 004), with its single-use link."""
    return _queue(
        session, "delegation_invitation", invitation.email,
        invitation=invitation, inviter=inviter, company=company, url=link("/delegation", token),
    )  # fmt: skip


def send_delegation_answered(
    session: DbSession, invitation: DelegationInvitation, inviter: Account, accepted: bool
) -> dict[str, Any]:
    """The inviting gestionnaire learns that the third party accepted or declined."""
    return _queue(
        session, "delegation_answered", inviter.email,
        invitation=invitation, inviter=inviter, accepted=accepted,
        users_url=_users_url(invitation.service.code, siren=invitation.company_siren),
    )  # fmt: skip


def send_delegation_renounced(
    session: DbSession, habilitation: Habilitation, service_name: str, delegator: Account
) -> dict[str, Any]:
    """The gestionnaire who delegated learns that the third party gave the delegation up."""
    return _queue(
        session, "delegation_renounced", delegator.email,
        habilitation=habilitation, service_name=service_name, holder=habilitation.account, delegator=delegator,
        users_url=_users_url(habilitation.role.service.code, siren=habilitation.company_siren),
    )  # fmt: skip


def send_expiry_reminder(session: DbSession, habilitation: Habilitation, days: int) -> dict[str, Any]:
    """To the holder, 30 and 7 days before the end of a habilitation or a delegation."""
    return _queue(
        session, "expiry_reminder", habilitation.account.email,
        habilitation=habilitation, days=days, portal_url=_portal_url(),
    )  # fmt: skip


def send_expiry_reminder_to_gestionnaire(
    session: DbSession, habilitation: Habilitation, days: int, manager: Account
) -> dict[str, Any]:
    """To each gestionnaire of the company: « Prolonger » opens the change form of that habilitation or delegation,
    in the person's panel."""
    query = {
        "siren": habilitation.company_siren,
        "personne": str(habilitation.account_id),
        "modifier": str(habilitation.id),
    }
    anchor = f"delegation-{habilitation.id}" if habilitation.delegated else f"habilitation-{habilitation.id}"
    extend = f"{_users_url(habilitation.role.service.code, **query)}#{anchor}"
    return _queue(
        session, "expiry_reminder_gestionnaire", manager.email,
        habilitation=habilitation, days=days, manager=manager, extend_url=extend,
    )  # fmt: skip


def send_delegation_handed_over(
    session: DbSession, handed: Habilitation, previous: Account, manager: Account
) -> dict[str, Any]:
    """The client company's gestionnaire learns that the third party's firm moved a delegation to a colleague."""
    return _queue(
        session, "delegation_handed_over", manager.email,
        handed=handed, previous=previous, manager=manager,
        users_url=_users_url(handed.role.service.code, siren=handed.company_siren),
    )  # fmt: skip
