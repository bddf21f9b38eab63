"""SOFFi's e-mails, one per move of a statement that names someone to tell (`Transition.notify`, soffi.md §4):
the DGEFP mailbox when a body files, the body's users when an agent validates or asks for a correction. Each is
written to the outbox in the transaction of the move, so it exists if and only if the move is committed;
`flask --app rp_soffi outbox work` sends it."""

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from rp_soffi.models import LineComment, OutboxMessage, Statement
from rp_soffi.services import recipients
from rp_soffi.statement.catalogue import BY_CODE, LINES
from rp_soffi.statement.workflow import Notify, Status, Transition
from shared.db import DbSession
from shared.outbox import queue_mail

DGEFP_MAILBOX = "SOFFI_DGEFP_MAILBOX"  # the setting (and environment variable) of the DGEFP's address
_TO_THE_BODY = {Status.VALIDE: "statement_validated", Status.A_CORRIGER: "statement_to_correct"}
_ORDER = {line.code: position for position, line in enumerate(LINES)}


def _queue(db: DbSession, name: str, recipient: str, **context: Any) -> None:
    queue_mail(db, OutboxMessage, name, recipient, current_app.config["RP_PUBLIC_URL"], **context)


def notify(db: DbSession, statement: Statement, transition: Transition, comment: str, now: datetime) -> None:
    if transition.notify is Notify.DGEFP:
        _queue(db, "statement_filed", current_app.config[DGEFP_MAILBOX], statement=statement)
    elif transition.notify is Notify.BODY:
        name = _TO_THE_BODY[transition.target]
        lines = _line_comments(db, statement)
        for address in recipients.addresses(db, statement.body.siren, now):
            _queue(db, name, address, statement=statement, comment=comment.strip(), line_comments=lines)


def _line_comments(db: DbSession, statement: Statement) -> list[tuple[str, str, str]]:
    """The agents' comments on the lines of this filing, in the statement's order: (code, label, text)."""
    query = select(LineComment).where(
        LineComment.statement_id == statement.id, LineComment.round == statement.filing_number
    )
    found = sorted(db.scalars(query.order_by(LineComment.id)), key=lambda comment: _ORDER.get(comment.line_code, 0))
    return [(comment.line_code, BY_CODE[comment.line_code].label, comment.text) for comment in found]
