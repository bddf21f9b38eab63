"""Every move of a statement goes through `statement/workflow.py` (who may, from which state, in which campaign)
and leaves a row of « Historique »: `check` asks the workflow, `record` moves the statement, writes the event,
keeps or drops the totals of a validated statement (`validated_totals`) and queues the e-mail the move calls for.
Helpers of the statement services: they only flush."""

from datetime import datetime

from sqlalchemy import select

from rp_soffi.models import Statement, StatementEvent
from rp_soffi.services import mails, validated_totals
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import NotAllowed
from rp_soffi.statement.workflow import Action, CampaignStatus, Status, Transition, TransitionRefused, transition_for
from shared.db import DbSession


def check(
    action: Action, source: Status | None, actor: Actor, campaign: CampaignStatus, comment: str = ""
) -> Transition:
    """The transition the workflow allows, or NotAllowed with its French reason."""
    try:
        return transition_for(action, source, actor.role, campaign, comment)
    except TransitionRefused as refused:
        raise NotAllowed(refused.message) from refused


def record(
    db: DbSession, statement: Statement, actor: Actor, transition: Transition, now: datetime, comment: str = ""
) -> StatementEvent:
    """Move the statement to the transition's target, append the event saying who, when, from and to, write the
    totals of a statement that becomes « Validé » (delete them when it leaves it), and queue the e-mail the move
    calls for."""
    event = StatementEvent(
        statement_id=statement.id,
        at=now,
        action=transition.action,
        from_status=transition.source,
        to_status=transition.target,
        comment=comment.strip() or None,
        **actor.author,
    )
    statement.status = transition.target
    statement.updated_at = now
    db.add(event)
    if transition.target is Status.VALIDE:
        validated_totals.keep(db, statement)
    elif transition.source is Status.VALIDE:
        validated_totals.drop(db, statement.id)
    db.flush()
    mails.notify(db, statement, transition, comment, now)
    return event


def events(db: DbSession, statement_id: int) -> list[StatementEvent]:
    """« Historique » of a statement, oldest first."""
    query = select(StatementEvent).where(StatementEvent.statement_id == statement_id).order_by(StatementEvent.id)
    return list(db.scalars(query))
