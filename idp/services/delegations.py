"""Delegation to a third party (« Déléguer une habilitation à un tiers », guide 004).

A gestionnaire invites a third party — an establishment (SIRET) and a person (e-mail) — to hold one of the
service's delegable roles for one open establishment of their own company, until an end date or not. The
invitation e-mail carries a single-use link (stored hashed, valid DELEGATION_INVITATION_LIFETIME); only an
active account with the invited address, on an establishment of the tiers' company, may accept it, which
creates the delegated habilitation (`siret` the third party's, `on_behalf_of_siret` the client's) in the
same transaction. Rules enforced here, whatever the form sent:
- the inviter manages the service for the company; the establishment is one of its open ones;
- the role is delegable (neither the manager role nor an agents' role);
- never to an establishment of one's own company (a colleague gets a role with « + »);
- never past the end of the inviter's own gestionnaire habilitation, when it has one.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import Select, func, select

from idp.models import (
    Account,
    AuditEventType,
    Company,
    DelegationInvitation,
    Establishment,
    Habilitation,
    InvitationStatus,
    Role,
    Service,
)
from idp.services import audit, backchannel_logout, habilitations, mails
from idp.services.accounts import find_account_by_email, normalize_email
from shared.clock import utcnow
from shared.db import DbSession
from shared.paging import PAGE_SIZE, Page, page_number


class DelegationError(Exception):
    """A delegation the rules refuse; the view shows the message of its kind next to the field."""


class RoleNotDelegable(DelegationError):
    pass


class NotOwnEstablishment(DelegationError):
    """The establishment delegated is not an open one of the gestionnaire's company."""


class OwnCompany(DelegationError):
    """The third party is of the gestionnaire's own company."""


class TiersUnknown(DelegationError):
    pass


class TiersClosed(DelegationError):
    pass


class PastOwnEnd(DelegationError):
    def __init__(self, own_end: datetime) -> None:
        super().__init__()
        self.own_end = own_end


class InvitationUnusable(DelegationError):
    """Unknown, replaced, cancelled, already decided or expired link."""


class NotTheInvitee(DelegationError):
    """The logged-in account is not the invited address."""


class NotTheTiersCompany(DelegationError):
    """The logged-in account is not on an establishment of the invited company."""


class InvitationNotPending(DelegationError):
    pass


class AlreadyDelegated(DelegationError):
    """The third party already holds this role for this establishment of the client."""


@dataclass(frozen=True)
class Proposal:
    """What « Continuer » carries to the confirmation page, and « Confirmer » to `invite`."""

    tiers_siret: str
    email: str
    role: Role
    siret: str
    expires_at: datetime | None


def delegable_roles(service: Service) -> list[Role]:
    return [role for role in service.roles if not role.is_manager and not role.agents_only]


def company_name(session: DbSession, siren: str) -> str:
    return session.scalar(select(Company.name).where(Company.siren == siren)) or siren


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _own_end(session: DbSession, actor: Account, service: Service, siren: str) -> datetime | None:
    """When the actor's gestionnaire right for this company ends (None: it does not, or one of them never does)."""
    ends = session.scalars(
        select(Habilitation.expires_at)
        .join(Role)
        .where(
            Habilitation.account_id == actor.id,
            Role.service_id == service.id,
            Role.is_manager,
            Habilitation.company_siren == siren,
            Habilitation.on_behalf_of_siret.is_(None),
            habilitations.active(utcnow()),
        )
    ).all()
    return None if not ends or None in ends else max(end for end in ends if end is not None)


def change_end(
    session: DbSession, actor: Account, delegation: Habilitation, expires_at: datetime | None, ip: str | None = None
) -> Habilitation:
    """« ✎ » on a delegation: another end date, never past the end of the gestionnaire's own right. The caller got
    the delegation from habilitations.get_managed_habilitation."""
    own_end = _own_end(session, actor, delegation.role.service, delegation.company_siren)
    if own_end is not None and (expires_at is None or expires_at > own_end):
        raise PastOwnEnd(own_end)
    return habilitations.change_habilitation(session, actor, delegation, delegation.role, expires_at, ip)


def check_proposal(session: DbSession, actor: Account, service: Service, siren: str, proposal: Proposal) -> None:
    """Every rule of a delegation, before the confirmation page and again when it is confirmed."""
    habilitations.require_gestionnaire(session, actor, service, siren)
    if proposal.role not in delegable_roles(service):
        raise RoleNotDelegable()
    establishment = session.get(Establishment, proposal.siret)
    if establishment is None or not establishment.active or establishment.siren != siren:
        raise NotOwnEstablishment()
    if proposal.tiers_siret[:9] == siren:
        raise OwnCompany()
    tiers = session.get(Establishment, proposal.tiers_siret)
    if tiers is None:
        raise TiersUnknown()
    if not tiers.active:
        raise TiersClosed()
    own_end = _own_end(session, actor, service, siren)
    if own_end is not None and (proposal.expires_at is None or proposal.expires_at > own_end):
        raise PastOwnEnd(own_end)


def _send(session: DbSession, invitation: DelegationInvitation, inviter: Account) -> None:
    """A new link (the previous one, if any, dies with its hash) and the invitation e-mail."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.invited_at = utcnow()
    invitation.link_expires_at = invitation.invited_at + current_app.config["DELEGATION_INVITATION_LIFETIME"]
    mails.send_delegation_invitation(
        session, invitation, inviter, company_name(session, invitation.company_siren), token
    )


def _audit(
    session: DbSession, event: AuditEventType, actor: Account | None, invitation: DelegationInvitation, ip: str | None
) -> None:
    """A row of the client company's access journal: the role, its establishment and end, and to whom."""
    expires = invitation.expires_at.isoformat() if invitation.expires_at else None
    state = {"role": invitation.role.code, "siret": invitation.siret, "expires_at": expires}
    audit.record_access(
        session, event, actor, ip, invitation.service, invitation.company_siren, None,
        after=state, tiers_siret=invitation.tiers_siret, email=invitation.email,
    )  # fmt: skip


def invite(
    session: DbSession, actor: Account, service: Service, siren: str, proposal: Proposal, ip: str | None = None
) -> DelegationInvitation:
    """« Confirmer »: the invitation is stored, audited and e-mailed to the third party."""
    check_proposal(session, actor, service, siren, proposal)
    invitation = DelegationInvitation(
        service=service,
        role=proposal.role,
        siret=proposal.siret,
        company_siren=siren,
        tiers_siret=proposal.tiers_siret,
        email=normalize_email(proposal.email),
        expires_at=proposal.expires_at,
        invited_by_id=actor.id,
    )
    session.add(invitation)
    _send(session, invitation, actor)
    _audit(session, AuditEventType.DELEGATION_INVITED, actor, invitation, ip)
    session.commit()
    return invitation


def invitations_of(session: DbSession, service: Service, siren: str, limit: int = 50) -> list[DelegationInvitation]:
    """The company's invitations on the service, newest first (the screen shows the latest ones)."""
    query = (
        select(DelegationInvitation)
        .where(DelegationInvitation.company_siren == siren, DelegationInvitation.service_id == service.id)
        .order_by(DelegationInvitation.invited_at.desc(), DelegationInvitation.id.desc())
    )
    return list(session.scalars(query.limit(limit)))


def managed_invitation(
    session: DbSession, actor: Account, service: Service, siren: str, invitation_id: int
) -> DelegationInvitation:
    """An invitation of this company on this service, for its gestionnaire (NotGestionnaire otherwise)."""
    habilitations.require_gestionnaire(session, actor, service, siren)
    invitation = session.get(DelegationInvitation, invitation_id)
    if invitation is None or invitation.company_siren != siren or invitation.service_id != service.id:
        raise InvitationUnusable()
    return invitation


def resend(session: DbSession, actor: Account, invitation: DelegationInvitation, ip: str | None = None) -> None:
    """A sent (or expired) invitation again, with a new link and a new lifetime: the old link dies."""
    if invitation.status is not InvitationStatus.SENT:
        raise InvitationNotPending()
    _send(session, invitation, actor)
    _audit(session, AuditEventType.DELEGATION_INVITATION_RESENT, actor, invitation, ip)
    session.commit()


def cancel(session: DbSession, actor: Account, invitation: DelegationInvitation, ip: str | None = None) -> None:
    if invitation.status is not InvitationStatus.SENT:
        raise InvitationNotPending()
    invitation.status, invitation.decided_at, invitation.decided_by_id = InvitationStatus.CANCELLED, utcnow(), actor.id
    _audit(session, AuditEventType.DELEGATION_INVITATION_CANCELLED, actor, invitation, ip)
    session.commit()


def find_invitation(session: DbSession, token: str) -> DelegationInvitation:
    """The invitation of a usable link: sent, not replaced, not expired (InvitationUnusable otherwise)."""
    invitation = session.scalar(
        select(DelegationInvitation).where(DelegationInvitation.token_hash == token_hash(token[:200]))
    )
    if invitation is None or invitation.status is not InvitationStatus.SENT or invitation.link_expires_at <= utcnow():
        raise InvitationUnusable()
    return invitation


def check_invitee(
    session: DbSession, invitation: DelegationInvitation, account: Account, ip: str | None = None
) -> None:
    """Only the invited person, on an establishment of the invited company, may answer: a link forwarded to
    someone else, or opened while logged in as someone else, grants nothing (and the attempt is audited)."""
    if account.is_active and account.email == invitation.email and account.siret[:9] == invitation.tiers_siret[:9]:
        return
    _audit(session, AuditEventType.DELEGATION_REFUSED_TO, account, invitation, ip)
    session.commit()
    if account.email != invitation.email:
        raise NotTheInvitee()
    raise NotTheTiersCompany()


def accept(session: DbSession, account: Account, token: str, ip: str | None = None) -> Habilitation:
    """The third party accepts: the delegated habilitation exists from now, in the same transaction."""
    invitation = find_invitation(session, token)
    check_invitee(session, invitation, account, ip)
    if _holds(session, account, invitation):
        raise AlreadyDelegated()
    inviter = invitation.invited_by
    delegated_by = inviter.display_name if inviter else company_name(session, invitation.company_siren)
    habilitation = Habilitation(
        account=account,
        role=invitation.role,
        siret=account.siret,
        on_behalf_of_siret=invitation.siret,
        company_siren=invitation.company_siren,
        delegated_by=delegated_by,
        granted_via=f"par délégation de {delegated_by}",
        granted_at=utcnow(),
        granted_by_id=invitation.invited_by_id,
        expires_at=invitation.expires_at,
    )
    session.add(habilitation)
    invitation.status, invitation.decided_at, invitation.decided_by_id = InvitationStatus.ACCEPTED, utcnow(), account.id
    invitation.habilitation = habilitation
    _audit(session, AuditEventType.DELEGATION_ACCEPTED, account, invitation, ip)
    if inviter is not None:
        mails.send_delegation_answered(session, invitation, inviter, accepted=True)
    session.commit()
    return habilitation


def _holds(session: DbSession, account: Account, invitation: DelegationInvitation) -> bool:
    held = select(Habilitation.id).where(
        Habilitation.account_id == account.id,
        Habilitation.role_id == invitation.role_id,
        Habilitation.on_behalf_of_siret == invitation.siret,
        habilitations.active(utcnow()),
    )
    return session.scalar(held) is not None


def decline(session: DbSession, account: Account, token: str, ip: str | None = None) -> DelegationInvitation:
    invitation = find_invitation(session, token)
    check_invitee(session, invitation, account, ip)
    invitation.status, invitation.decided_at, invitation.decided_by_id = InvitationStatus.DECLINED, utcnow(), account.id
    _audit(session, AuditEventType.DELEGATION_DECLINED, account, invitation, ip)
    if invitation.invited_by is not None:
        mails.send_delegation_answered(session, invitation, invitation.invited_by, accepted=False)
    session.commit()
    return invitation


# --- the third party's side: « Mes clients » ---------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    """One organisation a third party acts for, on one service."""

    habilitation: Habilitation
    service: Service
    company: str


def _clients_query(account: Account) -> Select[Habilitation, Service, str]:
    return (
        select(Habilitation, Service, Company.name)
        .join(Role, Role.id == Habilitation.role_id)
        .join(Service, Service.id == Role.service_id)
        .outerjoin(Company, Company.siren == Habilitation.company_siren)
        .where(
            Habilitation.account_id == account.id,
            Habilitation.on_behalf_of_siret.is_not(None),
            habilitations.active(utcnow()),
        )
    )


def clients_of(session: DbSession, account: Account, wanted_page: int | None = None) -> Page[Client]:
    """The organisations the account acts for, by service and name, one page at a time (an accountant may
    have hundreds)."""
    query = _clients_query(account)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = page_number(total, wanted_page)
    ordered = query.order_by(Service.name, Company.name, Habilitation.on_behalf_of_siret, Habilitation.id)
    rows = session.execute(ordered.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    clients = [
        Client(habilitation, service, name or habilitation.company_siren) for habilitation, service, name in rows
    ]
    return Page(clients, total, number)


def renounce(session: DbSession, account: Account, habilitation_id: int, ip: str | None = None) -> Client:
    """The third party gives a delegation up: it ends now, the client's journal says so, and the gestionnaire
    who delegated it is told."""
    found = session.execute(_clients_query(account).where(Habilitation.id == habilitation_id)).first()
    if found is None:
        raise InvitationUnusable()
    habilitation, service, name = found
    habilitation.revoked_at, habilitation.revoked_by_id = utcnow(), account.id
    before = {"role": habilitation.role.code, "siret": habilitation.on_behalf_of_siret, "expires_at": None}
    audit.record_access(
        session, AuditEventType.DELEGATION_RENOUNCED, account, ip, service, habilitation.company_siren, account,
        before=before,
    )  # fmt: skip
    client = Client(habilitation, service, name or habilitation.company_siren)
    delegator = session.get(Account, habilitation.granted_by_id) if habilitation.granted_by_id else None
    if delegator is not None and delegator.is_active:
        mails.send_delegation_renounced(session, habilitation, service.name, delegator)
    revoked = backchannel_logout.Reason.HABILITATION_REVOKED
    backchannel_logout.end_service_sessions(session, account, service.id, revoked)
    session.commit()
    return client


# --- the third party's firm: « Délégations reçues » -------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """A delegation held by someone of the firm, for a client."""

    habilitation: Habilitation
    holder: Account
    client: str


def _received_query(service: Service, firm_siren: str) -> Select[Habilitation, Account, str]:
    return (
        select(Habilitation, Account, Company.name)
        .join(Role, Role.id == Habilitation.role_id)
        .join(Account, Account.id == Habilitation.account_id)
        .outerjoin(Company, Company.siren == Habilitation.company_siren)
        .where(
            Role.service_id == service.id,
            Habilitation.on_behalf_of_siret.is_not(None),
            func.substr(Habilitation.siret, 1, 9) == firm_siren,
            habilitations.active(utcnow()),
        )
    )


def received(
    session: DbSession, actor: Account, service: Service, firm_siren: str, wanted_page: int | None = None
) -> Page[Received]:
    """The delegations the firm's people hold on the service, by client: for the firm's gestionnaire only."""
    habilitations.require_gestionnaire(session, actor, service, firm_siren)
    query = _received_query(service, firm_siren)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = page_number(total, wanted_page)
    ordered = query.order_by(Company.name, Habilitation.on_behalf_of_siret, Account.nom, Habilitation.id)
    rows = session.execute(ordered.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    items = [Received(habilitation, holder, name or habilitation.company_siren) for habilitation, holder, name in rows]
    return Page(items, total, number)


def hand_over(
    session: DbSession,
    actor: Account,
    service: Service,
    firm_siren: str,
    habilitation_id: int,
    colleague_email: str,
    ip: str | None = None,
) -> Habilitation:
    """« Confier à un collègue »: the firm's gestionnaire moves a delegation to another person of the firm, so
    that a client's access does not leave with an employee. Role, client and end date stay; the client
    company's gestionnaires are told, and the journal of both companies keeps it."""
    habilitations.require_gestionnaire(session, actor, service, firm_siren, ip)
    found = session.execute(_received_query(service, firm_siren).where(Habilitation.id == habilitation_id)).first()
    if found is None:
        raise InvitationUnusable()
    current, holder, _ = found
    colleague = find_account_by_email(session, colleague_email)
    if colleague is None or not colleague.is_active or colleague.siret[:9] != firm_siren:
        raise NotTheTiersCompany()
    if colleague.id == holder.id:
        raise AlreadyDelegated()
    now = utcnow()
    current.revoked_at, current.revoked_by_id = now, actor.id
    handed = Habilitation(
        account=colleague, role=current.role, siret=colleague.siret, on_behalf_of_siret=current.on_behalf_of_siret,
        company_siren=current.company_siren, delegated_by=current.delegated_by, expires_at=current.expires_at,
        granted_via=f"par transfert de {holder.display_name}", granted_at=now, granted_by_id=actor.id,
    )  # fmt: skip
    session.add(handed)
    expires = current.expires_at.isoformat() if current.expires_at else None
    state = {"role": current.role.code, "siret": current.on_behalf_of_siret, "expires_at": expires}
    for siren in (current.company_siren, firm_siren):
        audit.record_access(
            session, AuditEventType.DELEGATION_HANDED_OVER, actor, ip, service, siren, colleague,
            after=state, previous_holder=holder.email,
        )  # fmt: skip
    for manager in habilitations.gestionnaires(session, service, current.company_siren):
        mails.send_delegation_handed_over(session, handed, holder, manager)
    mails.send_habilitation_granted(session, handed)
    backchannel_logout.end_service_sessions(session, holder, service.id, backchannel_logout.Reason.HABILITATION_REVOKED)
    session.commit()
    return handed
