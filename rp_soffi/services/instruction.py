"""A filed statement, on the DGEFP's side (soffi.md §4, §9): take it for instruction, comment its lines, send it
back « À corriger » with a comment, « Valider » it, or « Rouvrir » a validated one (exceptional, a comment
required). Agents never edit amounts; every action is an event of the statement's history."""

from datetime import datetime

from sqlalchemy import select

from rp_soffi import messages
from rp_soffi.models import LineComment, Statement
from rp_soffi.services import history
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import NotAllowed
from rp_soffi.services.statements import get_statement
from rp_soffi.services.transaction import transaction
from rp_soffi.statement.catalogue import BY_CODE
from rp_soffi.statement.workflow import Action, Status
from shared.db import DbSession

MAX_COMMENT = 5000  # a review comment or a line's: a few paragraphs, not a pasted document


@transaction
def take_for_instruction(db: DbSession, actor: Actor, statement_id: int, now: datetime) -> Statement:
    """An agent opens a filed statement: « Déposé » → « En instruction » (the body can no longer withdraw it)."""
    statement = get_statement(db, statement_id)
    transition = history.check(Action.PRENDRE_EN_INSTRUCTION, statement.status, actor, statement.campaign.status)
    statement.reviewer_sub, statement.reviewer_name = actor.sub, actor.name
    history.record(db, statement, actor, transition, now)
    return statement


@transaction
def comment_line(
    db: DbSession, actor: Actor, statement_id: int, line_code: str, text: str, now: datetime
) -> LineComment:
    """An agent's comment on one line of a statement in instruction, kept with the filing it was read on."""
    statement = get_statement(db, statement_id)
    if not actor.agent:
        raise NotAllowed(messages.FORBIDDEN)
    if statement.status is not Status.EN_INSTRUCTION:
        raise NotAllowed(messages.WRONG_STATE.format(status=statement.status.label))
    line = BY_CODE.get(line_code[:8])
    if line is None or not line.applies_to(statement.body.body_type):
        raise NotAllowed(messages.UNKNOWN_LINE, "line_code")
    text = _comment(text, messages.LINE_COMMENT_REQUIRED)
    comment = LineComment(
        statement_id=statement.id,
        line_code=line.code,
        round=statement.filing_number,
        text=text,
        at=now,
        author_sub=actor.sub,
        author_name=actor.name,
    )
    db.add(comment)
    db.flush()
    return comment


def line_comments(db: DbSession, statement_id: int, round: int | None = None) -> list[LineComment]:
    """The agents' comments on the lines, oldest first (those of one filing when `round` is given)."""
    query = select(LineComment).where(LineComment.statement_id == statement_id)
    if round is not None:
        query = query.where(LineComment.round == round)
    return list(db.scalars(query.order_by(LineComment.id)))


@transaction
def request_correction(db: DbSession, actor: Actor, statement_id: int, comment: str, now: datetime) -> Statement:
    """« Demander une correction »: « En instruction » → « À corriger », the comment (required) for the body, with
    the line comments of this filing; the body edits and files again (a new version)."""
    return _review(db, actor, statement_id, Action.DEMANDER_CORRECTION, now, comment)


@transaction
def validate(db: DbSession, actor: Actor, statement_id: int, now: datetime, comment: str = "") -> Statement:
    """« Valider »: « En instruction » → « Validé », final and read-only for everyone."""
    return _review(db, actor, statement_id, Action.VALIDER, now, comment)


@transaction
def reopen(db: DbSession, actor: Actor, statement_id: int, comment: str, now: datetime) -> Statement:
    """« Rouvrir » a validated statement (exceptional): « Validé » → « À corriger », a comment required."""
    return _review(db, actor, statement_id, Action.ROUVRIR, now, comment)


def _review(db: DbSession, actor: Actor, statement_id: int, action: Action, now: datetime, comment: str) -> Statement:
    statement = get_statement(db, statement_id)
    if len(comment) > MAX_COMMENT:
        raise NotAllowed(messages.COMMENT_TOO_LONG.format(limit=MAX_COMMENT), "comment")
    transition = history.check(action, statement.status, actor, statement.campaign.status, comment)
    statement.reviewed_at, statement.reviewer_sub, statement.reviewer_name = now, actor.sub, actor.name
    if comment.strip():
        statement.review_comment = comment.strip()
    history.record(db, statement, actor, transition, now, comment)
    return statement


def _comment(text: str, required: str) -> str:
    if len(text) > MAX_COMMENT:
        raise NotAllowed(messages.LINE_COMMENT_TOO_LONG.format(limit=MAX_COMMENT), "text")
    if not text.strip():
        raise NotAllowed(required, "text")
    return text.strip()
