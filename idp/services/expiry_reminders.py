"""Reminders before a habilitation or a delegation ends: 30 and 7 days before, to its holder and to the
gestionnaires of the company it belongs to (who may extend it in one click from the e-mail).

The scheduled job (`flask --app idp habilitations remind`) is idempotent: each reminder is recorded under a
primary key (habilitation, days) in the transaction that queues its e-mails, so a second run — even at the
same moment on another instance — sends nothing twice.

The end itself is recorded the same way (days_before = 0) by `end_sessions`: once a habilitation has ended, the
person's sessions at the service's clients end too (back-channel logout), once. The claims never carry an ended
habilitation whatever this job does; it only closes the sessions opened while it was active.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from idp.models import ExpiryReminder, Habilitation, Role
from idp.services import backchannel_logout, habilitations, mails
from shared.clock import utcnow
from shared.db import DbSession

AT_THE_END = 0  # days_before of the record that says the sessions were ended
# Habilitations ended longer ago than this are not swept (after the first deployment): every refresh token and
# every session of our services has died since.
END_SWEEP_WINDOW = timedelta(days=1)
REMINDER_DAYS = (30, 7)  # the earliest first: a habilitation granted 10 days before its end gets the 7-day one only


@dataclass(frozen=True)
class Reminders:
    sent: int  # reminders recorded by this run (each with its e-mails)


def _due(session: DbSession, days: int, closer: int | None, now: datetime) -> list[int]:
    """The habilitations ending within `days` (but not within `closer`, whose reminder is the next one) that
    have not had this reminder."""
    ends = Habilitation.expires_at
    query = (
        select(Habilitation.id)
        .join(Role)
        .where(
            habilitations.active(now),
            ends.is_not(None),
            ends <= now + timedelta(days=days),
            ~Role.agents_only,
            ~exists().where(ExpiryReminder.habilitation_id == Habilitation.id, ExpiryReminder.days_before == days),
        )
    )
    if closer is not None:
        query = query.where(ends > now + timedelta(days=closer))
    return list(session.scalars(query.order_by(Habilitation.id)))


def _mark(session: DbSession, habilitation_id: int, days: int) -> Habilitation | None:
    """Record that this reminder (or the end, AT_THE_END) is dealt with, in the caller's transaction: the primary
    key lets one run only do it; None when another run was first."""
    session.add(ExpiryReminder(habilitation_id=habilitation_id, days_before=days))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return None
    return session.get(Habilitation, habilitation_id)


def _remind(session: DbSession, habilitation_id: int, days: int) -> bool:
    """Record the reminder and queue its e-mails in one transaction; False when another run was first."""
    habilitation = _mark(session, habilitation_id, days)
    if habilitation is None:
        return False
    mails.send_expiry_reminder(session, habilitation, days)
    service = habilitation.role.service
    for manager in habilitations.gestionnaires(session, service, habilitation.company_siren):
        if manager.id != habilitation.account_id:
            mails.send_expiry_reminder_to_gestionnaire(session, habilitation, days, manager)
    session.commit()
    return True


def send_reminders(session: DbSession, now: datetime | None = None) -> Reminders:
    now = now or utcnow()
    sent = 0
    for position, days in enumerate(REMINDER_DAYS):
        closer = REMINDER_DAYS[position + 1] if position + 1 < len(REMINDER_DAYS) else None
        for habilitation_id in _due(session, days, closer, now):
            sent += _remind(session, habilitation_id, days)
    return Reminders(sent)


def _ended(session: DbSession, now: datetime) -> list[int]:
    """Habilitations that ended on their date (not revoked: a revocation ends the sessions itself) and whose end
    has not been dealt with."""
    ends = Habilitation.expires_at
    query = select(Habilitation.id).where(
        Habilitation.revoked_at.is_(None),
        ends.is_not(None),
        ends <= now,
        ends > now - END_SWEEP_WINDOW,
        ~exists().where(ExpiryReminder.habilitation_id == Habilitation.id, ExpiryReminder.days_before == AT_THE_END),
    )
    return list(session.scalars(query.order_by(Habilitation.id)))


def _end(session: DbSession, habilitation_id: int) -> bool:
    """Record the end and queue the logout notices in one transaction; False when another run was first."""
    habilitation = _mark(session, habilitation_id, AT_THE_END)
    if habilitation is None:
        return False
    backchannel_logout.end_service_sessions(
        session, habilitation.account, habilitation.role.service_id, backchannel_logout.Reason.HABILITATION_ENDED
    )
    session.commit()
    return True


def end_sessions(session: DbSession, now: datetime | None = None) -> int:
    """Ended habilitations and delegations: the holder's sessions at the service end (once each). Returns how many
    habilitations were dealt with."""
    now = now or utcnow()
    return sum(_end(session, habilitation_id) for habilitation_id in _ended(session, now))
