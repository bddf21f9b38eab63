"""Access requests (« DEMANDER L'ACCÈS À UN GESTIONNAIRE »): asked by a person, decided by a gestionnaire.

A decision is one conditional UPDATE (`WHERE status = 'pending'`): when two gestionnaires decide the
same request at once, the database lets exactly one of them change it, the other is told it was
decided already.

Every audit row about a request carries its `request_id`, so that its history can be told apart from the
same person's other requests (the agents' queue shows it).
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from idp.models import (
    AccessRequest,
    AccessRequestStatus,
    Account,
    AuditEvent,
    AuditEventType,
    Establishment,
    Role,
    Service,
)
from idp.services import audit, habilitations, mails
from shared.clock import utcnow
from shared.db import DbSession

REMIND_AFTER = timedelta(days=7)
ESCALATE_AFTER = timedelta(days=15)
REFUSAL_REASON_MAX = 1000


class AccessRequestError(Exception):
    pass


class EstablishmentNotFound(AccessRequestError):
    pass


class EstablishmentClosed(AccessRequestError):
    pass


class RequestAlreadyPending(AccessRequestError):
    pass


class RequestAlreadyDecided(AccessRequestError):
    """Someone else decided it first (or the requester withdrew it)."""

    def __init__(self, request: AccessRequest) -> None:
        super().__init__()
        self.request = request


class RequestNotFound(AccessRequestError):
    pass


class ReasonRequired(AccessRequestError):
    pass


def request_access(
    session: DbSession, account: Account, service: Service, siret: str, role: Role, ip: str | None = None
) -> AccessRequest:
    """Ask the company's gestionnaires for a role; they are e-mailed, or the agents when there are none."""
    establishment = session.get(Establishment, siret)
    if establishment is None:
        raise EstablishmentNotFound()
    if not establishment.active:
        raise EstablishmentClosed()
    if role.service_id != service.id or role.agents_only:
        raise habilitations.RoleNotGrantable()
    if any(h.role_id == role.id and h.siret == siret for h in habilitations.habilitations_of(session, account)):
        raise habilitations.AlreadyHabilitated()
    request = AccessRequest(account=account, service=service, role=role, siret=siret, siren=siret[:9])
    try:
        with session.begin_nested():
            session.add(request)
    except IntegrityError:  # the unique index on pending requests: one is already waiting
        raise RequestAlreadyPending() from None
    audit.record_access(
        session,
        AuditEventType.ACCESS_REQUESTED,
        account,
        ip,
        service,
        request.siren,
        account,
        role=role.code,
        siret=siret,
        request_id=request.id,
    )
    managers = habilitations.gestionnaires(session, service, request.siren)
    for manager in managers:
        mails.send_access_request(session, request, manager)
    if not managers:
        _escalate(session, request, "no_gestionnaire", utcnow())
    session.commit()
    return request


def find_own_request(session: DbSession, account: Account, request_id: int) -> AccessRequest | None:
    request = session.get(AccessRequest, request_id)
    return request if request is not None and request.account_id == account.id else None


def withdraw_request(session: DbSession, account: Account, request_id: int, ip: str | None = None) -> AccessRequest:
    """The requester cancels their pending request."""
    request = find_own_request(session, account, request_id)
    if request is None:
        raise RequestNotFound()
    _decide(session, request, AccessRequestStatus.WITHDRAWN, None)
    audit.record_access(
        session,
        AuditEventType.ACCESS_REQUEST_WITHDRAWN,
        account,
        ip,
        request.service,
        request.siren,
        account,
        request_id=request.id,
    )
    session.commit()
    return request


def get_request_to_decide(
    session: DbSession, actor: Account, service: Service, request_id: int, ip: str | None = None
) -> AccessRequest:
    """The request, if the actor manages its company for this service; NotGestionnaire otherwise."""
    request = session.get(AccessRequest, request_id)
    if request is None or request.service_id != service.id:
        raise habilitations.NotGestionnaire()
    habilitations.require_gestionnaire(session, actor, service, request.siren, ip)
    return request


def accept_request(
    session: DbSession, actor: Account, request: AccessRequest, role: Role | None = None, ip: str | None = None
) -> AccessRequest:
    """✓: the requester gets the wished role (or the one the gestionnaire chose) and is e-mailed."""
    role = role or request.role
    if role.service_id != request.service_id or role.agents_only:
        raise habilitations.RoleNotGrantable()
    _decide(session, request, AccessRequestStatus.ACCEPTED, actor)
    audit.record_access(
        session,
        AuditEventType.ACCESS_REQUEST_ACCEPTED,
        actor,
        ip,
        request.service,
        request.siren,
        request.account,
        role=role.code,
        siret=request.siret,
        request_id=request.id,
    )
    # Granted meanwhile by another path: accepting the request then changes nothing more.
    with contextlib.suppress(habilitations.AlreadyHabilitated):
        habilitations.grant(
            session, request.account, role, request.siret, f"par {actor.display_name}", actor, ip=ip, notify=False
        )
    mails.send_access_request_accepted(session, request, role)
    session.commit()
    return request


def refuse_request(
    session: DbSession, actor: Account, request: AccessRequest, reason: str, ip: str | None = None
) -> AccessRequest:
    """✗: refusing asks for a reason, which the requester reads in the e-mail and on the portal."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    _decide(session, request, AccessRequestStatus.REFUSED, actor)
    request.refusal_reason = reason[:REFUSAL_REASON_MAX]
    audit.record_access(
        session,
        AuditEventType.ACCESS_REQUEST_REFUSED,
        actor,
        ip,
        request.service,
        request.siren,
        request.account,
        role=request.role.code,
        siret=request.siret,
        request_id=request.id,
    )
    mails.send_access_request_refused(session, request)
    session.commit()
    return request


def _decide(session: DbSession, request: AccessRequest, status: AccessRequestStatus, actor: Account | None) -> None:
    """Move a pending request to its decision, or raise RequestAlreadyDecided if it is no longer pending."""
    now = utcnow()
    changed = session.execute(
        update(AccessRequest)
        .where(AccessRequest.id == request.id, AccessRequest.status == AccessRequestStatus.PENDING)
        .values(status=status, decided_at=now, decided_by_id=actor.id if actor else None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
    if changed != 1:
        session.rollback()
        session.refresh(request)
        raise RequestAlreadyDecided(request)
    request.status, request.decided_at, request.decided_by = status, now, actor


def pending_requests(session: DbSession, service: Service, siren: str) -> list[AccessRequest]:
    return list(
        session.scalars(
            select(AccessRequest)
            .where(
                AccessRequest.service_id == service.id,
                AccessRequest.siren == siren,
                AccessRequest.status == AccessRequestStatus.PENDING,
            )
            .order_by(AccessRequest.created_at, AccessRequest.id)
        )
    )


def waiting_people(session: DbSession, service: Service, sirens: list[str]) -> int:
    """People whose requests to these companies await a decision: the « En attente X personnes » of the tile."""
    if not sirens:
        return 0
    return (
        session.scalar(
            select(func.count(func.distinct(AccessRequest.account_id))).where(
                AccessRequest.service_id == service.id,
                AccessRequest.siren.in_(sirens),
                AccessRequest.status == AccessRequestStatus.PENDING,
            )
        )
        or 0
    )


def requests_of(session: DbSession, account: Account) -> list[AccessRequest]:
    """The account's requests still worth showing on the portal: pending, or refused and not sent again."""
    rows = session.scalars(
        select(AccessRequest)
        .where(
            AccessRequest.account_id == account.id,
            AccessRequest.status.in_([AccessRequestStatus.PENDING, AccessRequestStatus.REFUSED]),
        )
        .order_by(AccessRequest.created_at.desc(), AccessRequest.id.desc())
    )
    shown: dict[tuple[int, str], AccessRequest] = {}
    for request in rows:  # the newest per service and establishment
        shown.setdefault((request.service_id, request.siret), request)
    return list(shown.values())


@dataclass(frozen=True)
class FollowUp:
    reminded: int
    escalated: int


def follow_up(session: DbSession, now: datetime | None = None) -> FollowUp:
    """The scheduled job: remind the gestionnaires after 7 days, hand over to the agents after 15.

    Idempotent: each request is reminded once and escalated once, whenever and however often it runs — even two
    runs at once (two instances): each request is claimed by a conditional UPDATE, which only one of them wins.
    """
    now = now or utcnow()
    pending = AccessRequest.status == AccessRequestStatus.PENDING
    to_escalate = session.scalars(
        select(AccessRequest).where(
            pending, AccessRequest.escalated_at.is_(None), AccessRequest.created_at <= now - ESCALATE_AFTER
        )
    ).all()
    escalated = [request for request in to_escalate if _claim(session, request, AccessRequest.escalated_at, now)]
    for request in escalated:
        _escalate(session, request, "no_answer", now)
    to_remind = session.scalars(
        select(AccessRequest).where(
            pending,
            AccessRequest.reminded_at.is_(None),
            AccessRequest.escalated_at.is_(None),
            AccessRequest.created_at <= now - REMIND_AFTER,
        )
    ).all()
    reminded = [request for request in to_remind if _claim(session, request, AccessRequest.reminded_at, now)]
    for request in reminded:
        request.reminded_at = now
        for manager in habilitations.gestionnaires(session, request.service, request.siren):
            mails.send_access_request_reminder(session, request, manager)
        audit.record_access(
            session,
            AuditEventType.ACCESS_REQUEST_REMINDED,
            None,
            None,
            request.service,
            request.siren,
            request.account,
            request_id=request.id,
        )
    session.commit()
    return FollowUp(reminded=len(reminded), escalated=len(escalated))


def _claim(
    session: DbSession, request: AccessRequest, mark: InstrumentedAttribute[datetime | None], now: datetime
) -> bool:
    """Set `mark` on the request unless another run did first: the loser's UPDATE waits for the winner's commit,
    then finds the mark set and changes nothing."""
    claimed = session.execute(
        update(AccessRequest)
        .where(AccessRequest.id == request.id, mark.is_(None))
        .values({mark: now})
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def escalate_without_gestionnaire(session: DbSession, managed: list[tuple[Service, str]]) -> int:
    """After a gestionnaire's account was disabled (`managed`: what it managed): each of those companies left with
    no active gestionnaire goes to the agents — its pending requests now, as a new request would (nobody is left
    to answer them). Committed; how many requests went."""
    now, sent = utcnow(), 0
    for service, siren in managed:
        if habilitations.gestionnaires(session, service, siren):
            continue
        waiting = session.scalars(
            select(AccessRequest).where(
                AccessRequest.service_id == service.id,
                AccessRequest.siren == siren,
                AccessRequest.status == AccessRequestStatus.PENDING,
                AccessRequest.escalated_at.is_(None),
            )
        ).all()
        for request in waiting:
            _escalate(session, request, "no_gestionnaire", now)
        sent += len(waiting)
    session.commit()
    return sent


def _escalate(session: DbSession, request: AccessRequest, reason: str, now: datetime) -> None:
    request.escalated_at, request.escalation_reason = now, reason
    audit.record_access(
        session,
        AuditEventType.ACCESS_REQUEST_ESCALATED,
        None,
        None,
        request.service,
        request.siren,
        request.account,
        reason=reason,
        request_id=request.id,
    )


REQUEST_EVENTS = (
    AuditEventType.ACCESS_REQUESTED,
    AuditEventType.ACCESS_REQUEST_REMINDED,
    AuditEventType.ACCESS_REQUEST_ESCALATED,
    AuditEventType.ACCESS_REQUEST_WITHDRAWN,
    AuditEventType.ACCESS_REQUEST_ACCEPTED,
    AuditEventType.ACCESS_REQUEST_REFUSED,
)


def history(session: DbSession, request: AccessRequest) -> list[AuditEvent]:
    """The request's audit rows, oldest first: asked, reminded, escalated, decided."""
    rows = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.siren == request.siren,
            AuditEvent.service_id == request.service_id,
            AuditEvent.subject_account_id == request.account_id,
            AuditEvent.event.in_(REQUEST_EVENTS),
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    return [row for row in rows if row.data.get("request_id") == request.id]


def agents_queue(session: DbSession) -> list[AccessRequest]:
    """Requests the ministry agents must look at: pending and escalated, oldest first."""
    return list(
        session.scalars(
            select(AccessRequest)
            .where(AccessRequest.status == AccessRequestStatus.PENDING, AccessRequest.escalated_at.is_not(None))
            .order_by(AccessRequest.created_at, AccessRequest.id)
        )
    )
