"""Habilitations: who holds which role on which service for which company, and how gestionnaires change that.

Rules every function here enforces, whoever calls it:
- a gestionnaire acts only within their company (SIREN) and service;
- a company never loses its last gestionnaire for a service by a gestionnaire's action;
- every change is audited (who, what, when, before/after) and e-mailed to the person concerned;
- a change that takes a right away (revoked, changed) ends the person's sessions at the service's clients at once
  (back-channel logout): the next login reads the new claims.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import QueryableAttribute

from idp.models import Account, AccountStatus, AuditEventType, Establishment, Habilitation, Role, Service
from idp.services import audit, backchannel_logout, mails
from idp.services.accounts import find_account_by_email
from shared.clock import utcnow
from shared.db import DbSession

BY_ACTIVATION_CODE = "par code d'activation"


class HabilitationError(Exception):
    """A change the rules refuse; the view shows the message of its kind."""


class NotGestionnaire(HabilitationError):
    """The actor does not manage this service for this company."""


class LastGestionnaire(HabilitationError):
    """The change would leave the company without a gestionnaire for the service."""


class AlreadyHabilitated(HabilitationError):
    """The person already holds this role on this establishment."""


class NotInCompany(HabilitationError):
    """The person or the establishment is not of the gestionnaire's company."""


class RoleNotGrantable(HabilitationError):
    """The role is not of the service, or only ministry agents may grant it."""


def active(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """The condition for a habilitation to count now: not revoked, not expired (`now` a time, or the parameter
    of a statement built once)."""
    return and_(
        Habilitation.revoked_at.is_(None), or_(Habilitation.expires_at.is_(None), Habilitation.expires_at > now)
    )


def _manager_of(
    account_id: int | QueryableAttribute[int], service_id: int, siren: str, now: datetime
) -> ColumnElement[bool]:
    return exists(
        select(Habilitation.id)
        .join(Role)
        .where(
            Habilitation.account_id == account_id,
            Role.service_id == service_id,
            Role.is_manager,
            Habilitation.company_siren == siren,
            Habilitation.on_behalf_of_siret.is_(None),
            active(now),
        )
    )


def is_gestionnaire(session: DbSession, account: Account, service: Service, siren: str) -> bool:
    return bool(session.scalar(select(_manager_of(account.id, service.id, siren, utcnow()))))


def managed_sirens(session: DbSession, account: Account, service: Service) -> list[str]:
    """The companies whose access to this service the account manages."""
    rows = session.scalars(
        select(Habilitation.company_siren)
        .join(Role)
        .where(
            Habilitation.account_id == account.id,
            Role.service_id == service.id,
            Role.is_manager,
            Habilitation.on_behalf_of_siret.is_(None),
            active(utcnow()),
        )
        .distinct()
        .order_by(Habilitation.company_siren)
    )
    return list(rows)


def gestionnaires(session: DbSession, service: Service, siren: str) -> Sequence[Account]:
    """The accounts that manage this service for this company, by name."""
    now = utcnow()
    return session.scalars(
        select(Account)
        .where(_manager_of(Account.id, service.id, siren, now), Account.status == AccountStatus.ACTIVE)
        .order_by(Account.nom, Account.prenom, Account.id)
    ).all()


def managed_by(session: DbSession, account: Account) -> list[tuple[Service, str]]:
    """Every (service, company SIREN) this account is a gestionnaire of now."""
    rows = session.execute(
        select(Service, Habilitation.company_siren)
        .join(Role, Role.service_id == Service.id)
        .join(Habilitation, Habilitation.role_id == Role.id)
        .where(
            Habilitation.account_id == account.id,
            Role.is_manager,
            Habilitation.on_behalf_of_siret.is_(None),
            active(utcnow()),
        )
        .distinct()
    )
    return [(service, siren) for service, siren in rows]


def companies_without_gestionnaire(session: DbSession) -> list[tuple[Service, str, int]]:
    """(service, company SIREN, how many active people) where people of the company hold roles on the service but
    no active account manages it any more: the agents name a gestionnaire. A query over the habilitations, so
    that the list is right however the last gestionnaire went (disabled, expired, revoked by an agent)."""
    now = utcnow()
    holder = (
        select(Habilitation.company_siren, Role.service_id, Habilitation.account_id)
        .join(Role)
        .join(Account, Account.id == Habilitation.account_id)
        .where(Account.status == AccountStatus.ACTIVE, active(now), ~Role.agents_only)
    )
    managed = (
        holder.where(Role.is_manager, Habilitation.on_behalf_of_siret.is_(None))
        .with_only_columns(Habilitation.company_siren, Role.service_id)
        .distinct()
        .subquery()
    )
    people = holder.subquery()
    rows = session.execute(
        select(Service, people.c.company_siren, func.count(people.c.account_id.distinct()))
        .join(people, people.c.service_id == Service.id)
        .outerjoin(
            managed, (managed.c.company_siren == people.c.company_siren) & (managed.c.service_id == people.c.service_id)
        )
        .where(managed.c.service_id.is_(None))
        .group_by(Service.id, people.c.company_siren)
        .order_by(Service.name, people.c.company_siren)
    )
    return cast(list[tuple[Service, str, int]], [tuple(row) for row in rows])


def habilitations_of(session: DbSession, account: Account, service: Service | None = None) -> Sequence[Habilitation]:
    """The account's active habilitations, on one service or all, oldest first."""
    query = select(Habilitation).join(Role).where(Habilitation.account_id == account.id, active(utcnow()))
    if service is not None:
        query = query.where(Role.service_id == service.id)
    return session.scalars(query.order_by(Habilitation.granted_at, Habilitation.id)).all()


def require_gestionnaire(
    session: DbSession, actor: Account, service: Service, siren: str, ip: str | None = None
) -> None:
    """Raise NotGestionnaire (and audit the attempt) unless the actor manages this service for this company."""
    if not is_gestionnaire(session, actor, service, siren):
        audit.record_access(session, AuditEventType.HABILITATION_DENIED, actor, ip, service, siren, None)
        session.commit()
        raise NotGestionnaire()


def _describe(habilitation: Habilitation) -> dict[str, str | None]:
    """What the audit keeps of a habilitation's state: enough to say "before" and "after"."""
    expires = habilitation.expires_at
    return {
        "role": habilitation.role.code,
        "siret": habilitation.siret,
        "expires_at": expires.isoformat() if expires else None,
    }


def _leaves_company_without_manager(
    session: DbSession, habilitation: Habilitation, new_role: Role | None, expires_at: datetime | None
) -> bool:
    """True if this change would end the last active manager habilitation of the company for the service."""
    if not habilitation.role.is_manager or habilitation.delegated:
        return False
    if new_role is not None and new_role.is_manager and expires_at is None:
        return False
    others = session.scalar(
        select(func.count(Habilitation.id))
        .join(Role)
        .join(Account, Account.id == Habilitation.account_id)
        .where(
            Habilitation.id != habilitation.id,
            Role.service_id == habilitation.role.service_id,
            Role.is_manager,
            Habilitation.company_siren == habilitation.company_siren,
            Habilitation.on_behalf_of_siret.is_(None),
            Habilitation.expires_at.is_(None),
            Habilitation.revoked_at.is_(None),
            Account.status == AccountStatus.ACTIVE,
        )
    )
    return not others


def _check_grantable(service: Service, role: Role) -> None:
    if role.service_id != service.id or role.agents_only:
        raise RoleNotGrantable()


def grant(
    session: DbSession,
    account: Account,
    role: Role,
    siret: str,
    granted_via: str,
    granted_by: Account | None = None,
    expires_at: datetime | None = None,
    ip: str | None = None,
    notify: bool = True,
) -> Habilitation:
    """Give the account this role on this establishment (added to the session, not committed)."""
    now = utcnow()
    duplicate = session.scalar(
        select(Habilitation.id).where(
            Habilitation.account_id == account.id,
            Habilitation.role_id == role.id,
            Habilitation.siret == siret,
            Habilitation.on_behalf_of_siret.is_(None),
            active(now),
        )
    )
    if duplicate is not None:
        raise AlreadyHabilitated()
    habilitation = Habilitation(
        account=account,
        role=role,
        siret=siret,
        granted_via=granted_via,
        granted_at=now,
        granted_by_id=granted_by.id if granted_by else None,
        expires_at=expires_at,
    )
    session.add(habilitation)
    audit.record_access(
        session,
        AuditEventType.HABILITATION_GRANTED,
        granted_by or account,
        ip,
        role.service,
        siret[:9],
        account,
        after=_describe(habilitation),
        granted_via=granted_via,
    )
    if notify:
        mails.send_habilitation_granted(session, habilitation)
    return habilitation


def add_habilitation(
    session: DbSession,
    actor: Account,
    service: Service,
    siren: str,
    email: str,
    role: Role,
    siret: str,
    expires_at: datetime | None,
    ip: str | None = None,
) -> Habilitation:
    """« AJOUTER UNE NOUVELLE HABILITATION »: a gestionnaire gives a role to an account of their company."""
    require_gestionnaire(session, actor, service, siren, ip)
    _check_grantable(service, role)
    account = find_account_by_email(session, email)
    establishment = session.get(Establishment, siret)
    if account is None or not account.is_active or account.siret[:9] != siren:
        raise NotInCompany()
    if establishment is None or not establishment.active or establishment.siren != siren:
        raise NotInCompany()
    habilitation = grant(session, account, role, siret, f"par {actor.display_name}", actor, expires_at, ip)
    session.commit()
    return habilitation


def get_managed_habilitation(
    session: DbSession, actor: Account, service: Service, habilitation_id: int, ip: str | None = None
) -> Habilitation:
    """The active habilitation with this id, if the actor manages it; NotGestionnaire otherwise (even if unknown).

    Operator roles are the ministry agents' to manage, never a company's gestionnaire's."""
    habilitation = session.get(Habilitation, habilitation_id)
    if (
        habilitation is None
        or habilitation.role.service_id != service.id
        or habilitation.role.agents_only
        or not habilitation.active_at(utcnow())
    ):
        raise NotGestionnaire()
    require_gestionnaire(session, actor, service, habilitation.company_siren, ip)
    return habilitation


def change_habilitation(
    session: DbSession,
    actor: Account,
    habilitation: Habilitation,
    role: Role,
    expires_at: datetime | None,
    ip: str | None = None,
) -> Habilitation:
    """« ✎ »: another role or another end date. The caller got the habilitation from get_managed_habilitation."""
    service = habilitation.role.service
    _check_grantable(service, role)
    if habilitation.delegated and role.is_manager:
        raise RoleNotGrantable()  # a third party never manages the company it acts for
    if _leaves_company_without_manager(session, habilitation, role, expires_at):
        raise LastGestionnaire()
    before = _describe(habilitation)
    habilitation.role, habilitation.expires_at = role, expires_at
    after = _describe(habilitation)
    if after != before:
        audit.record_access(
            session,
            AuditEventType.HABILITATION_CHANGED,
            actor,
            ip,
            service,
            habilitation.company_siren,
            habilitation.account,
            before=before,
            after=after,
        )
        mails.send_habilitation_changed(session, habilitation, actor)
        backchannel_logout.end_service_sessions(
            session, habilitation.account, service.id, backchannel_logout.Reason.HABILITATION_CHANGED
        )
    session.commit()
    return habilitation


def revoke_habilitation(session: DbSession, actor: Account, habilitation: Habilitation, ip: str | None = None) -> None:
    """« 🗑 »: the habilitation ends now; it disappears from the person's next token."""
    if _leaves_company_without_manager(session, habilitation, None, None):
        raise LastGestionnaire()
    habilitation.revoked_at, habilitation.revoked_by_id = utcnow(), actor.id
    audit.record_access(
        session,
        AuditEventType.HABILITATION_REVOKED,
        actor,
        ip,
        habilitation.role.service,
        habilitation.company_siren,
        habilitation.account,
        before=_describe(habilitation),
    )
    mails.send_habilitation_revoked(session, habilitation, actor)
    backchannel_logout.end_service_sessions(
        session, habilitation.account, habilitation.role.service_id, backchannel_logout.Reason.HABILITATION_REVOKED
    )
    session.commit()
