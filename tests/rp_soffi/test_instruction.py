"""The DGEFP's side: take a filed statement for instruction, comment its lines, send it back « À corriger »,
« Valider », « Rouvrir »; only agents, each move in the history; the body files again as a new version."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from rp_soffi import messages
from rp_soffi.models import LineComment
from rp_soffi.services import history, instruction, statements
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import NotAllowed
from rp_soffi.statement.values import LineValue
from rp_soffi.statement.workflow import Action, CampaignStatus, Status
from shared.db import DbSession
from tests.rp_soffi.factories import (
    AFTER_DUE,
    AGENT,
    BEFORE_DUE,
    COLLECTEUR,
    CONSULTATION,
    GESTIONNAIRE,
    load,
    make_body,
    make_campaign,
    make_filed,
    make_in_instruction,
)

NOT_AGENTS = [COLLECTEUR, GESTIONNAIRE, CONSULTATION]
by_role = {"ids": lambda actor: actor.role.value}


def test_an_agent_takes_a_filed_statement_and_the_body_can_no_longer_withdraw_it(
    session: DbSession, attachments_folder: Path
) -> None:
    filed = make_filed(session, make_body(session), make_campaign(session), attachments_folder)
    instruction.take_for_instruction(session, AGENT, filed.id, AFTER_DUE)
    assert (filed.status, filed.reviewer_sub, filed.reviewer_name) == (Status.EN_INSTRUCTION, AGENT.sub, AGENT.name)
    with pytest.raises(NotAllowed, match="« En instruction »"):
        statements.withdraw(session, COLLECTEUR, filed.id, filed.version, AFTER_DUE)


@pytest.mark.parametrize("actor", NOT_AGENTS, **by_role)
def test_only_agents_review(session: DbSession, actor: Actor, attachments_folder: Path) -> None:
    campaign = make_campaign(session)
    filed = make_filed(session, make_body(session), campaign, attachments_folder)
    reviewed = make_in_instruction(session, make_body(session, "99620116600013"), campaign, attachments_folder)
    refusals = (
        lambda: instruction.take_for_instruction(session, actor, filed.id, BEFORE_DUE),
        lambda: instruction.validate(session, actor, reviewed.id, BEFORE_DUE),
        lambda: instruction.request_correction(session, actor, reviewed.id, "Revoir E1", BEFORE_DUE),
        lambda: instruction.comment_line(session, actor, reviewed.id, "E1", "Montant élevé", BEFORE_DUE),
    )
    for refused in refusals:
        with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
            refused()
    assert (filed.status, reviewed.status) == (Status.DEPOSE, Status.EN_INSTRUCTION)
    assert session.scalar(select(func.count()).select_from(LineComment)) == 0


def test_a_correction_needs_a_comment_and_keeps_the_line_comments_of_its_round(
    session: DbSession, attachments_folder: Path
) -> None:
    reviewed = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    instruction.comment_line(session, AGENT, reviewed.id, "E1", "  Nombre de contrats à vérifier.  ", BEFORE_DUE)
    with pytest.raises(NotAllowed, match=messages.COMMENT_REQUIRED):
        instruction.request_correction(session, AGENT, reviewed.id, "   ", BEFORE_DUE)
    instruction.request_correction(session, AGENT, reviewed.id, "Merci de revoir la ligne E1.", BEFORE_DUE)
    assert (reviewed.status, reviewed.review_comment) == (Status.A_CORRIGER, "Merci de revoir la ligne E1.")
    [comment] = instruction.line_comments(session, reviewed.id, round=1)
    assert (comment.line_code, comment.text, comment.author_sub) == ("E1", "Nombre de contrats à vérifier.", AGENT.sub)
    event = history.events(session, reviewed.id)[-1]
    assert (event.action, event.from_status, event.to_status, event.comment, event.actor_role) == (
        Action.DEMANDER_CORRECTION,
        Status.EN_INSTRUCTION,
        Status.A_CORRIGER,
        "Merci de revoir la ligne E1.",
        "agent_dgefp",
    )


def test_line_comments_are_for_a_statement_in_instruction_and_one_of_its_lines(
    session: DbSession, attachments_folder: Path
) -> None:
    campaign = make_campaign(session)
    filed = make_filed(session, make_body(session), campaign, attachments_folder)
    with pytest.raises(NotAllowed, match="« Déposé »"):
        instruction.comment_line(session, AGENT, filed.id, "E1", "Trop tôt", BEFORE_DUE)
    reviewed = make_in_instruction(session, make_body(session, "99620116600013"), campaign, attachments_folder)
    for code in ("R3", "ZZ", "R1" * 500):  # a Transitions Pro line on an OPCO, no such line, a huge code
        with pytest.raises(NotAllowed, match=messages.UNKNOWN_LINE):
            instruction.comment_line(session, AGENT, reviewed.id, code, "?", BEFORE_DUE)
    with pytest.raises(NotAllowed, match="5000 caractères"):
        instruction.comment_line(session, AGENT, reviewed.id, "E1", "x" * 5001, BEFORE_DUE)


def test_the_corrected_statement_is_filed_again_as_version_2_not_late(
    session: DbSession, attachments_folder: Path
) -> None:
    reviewed = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    instruction.request_correction(session, AGENT, reviewed.id, "Revoir E1.", AFTER_DUE)
    changed = dict(load().lines) | {"E1": LineValue(45_000_000_00, 5300)}
    statements.save_figures(session, GESTIONNAIRE, reviewed.id, reviewed.version, changed, AFTER_DUE)
    statements.deposit(session, GESTIONNAIRE, reviewed.id, reviewed.version, AFTER_DUE, certified=True)
    first, second = statements.versions(session, reviewed.id)
    assert (first.number, second.number, reviewed.filing_number, reviewed.status) == (1, 2, 2, Status.DEPOSE)
    assert first.checksum != second.checksum and reviewed.checksum == second.checksum
    assert not reviewed.late  # sent back by the ministry: filing again after the date is not the body's delay
    instruction.take_for_instruction(session, AGENT, reviewed.id, AFTER_DUE)
    instruction.validate(session, AGENT, reviewed.id, AFTER_DUE)
    assert reviewed.status is Status.VALIDE
    assert [(e.action, e.from_status, e.to_status) for e in history.events(session, reviewed.id)] == [
        (Action.CREER, None, Status.BROUILLON),
        (Action.DEPOSER, Status.BROUILLON, Status.DEPOSE),
        (Action.PRENDRE_EN_INSTRUCTION, Status.DEPOSE, Status.EN_INSTRUCTION),
        (Action.DEMANDER_CORRECTION, Status.EN_INSTRUCTION, Status.A_CORRIGER),
        (Action.DEPOSER, Status.A_CORRIGER, Status.DEPOSE),
        (Action.PRENDRE_EN_INSTRUCTION, Status.DEPOSE, Status.EN_INSTRUCTION),
        (Action.VALIDER, Status.EN_INSTRUCTION, Status.VALIDE),
    ]


def test_a_validated_statement_is_read_only_until_an_agent_reopens_it(
    session: DbSession, attachments_folder: Path
) -> None:
    reviewed = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    instruction.validate(session, AGENT, reviewed.id, BEFORE_DUE)
    with pytest.raises(NotAllowed, match="« Validé »"):
        statements.save_figures(session, COLLECTEUR, reviewed.id, reviewed.version, {}, BEFORE_DUE)
    with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
        instruction.reopen(session, GESTIONNAIRE, reviewed.id, "Erreur", BEFORE_DUE)
    with pytest.raises(NotAllowed, match=messages.COMMENT_REQUIRED):
        instruction.reopen(session, AGENT, reviewed.id, "", BEFORE_DUE)
    instruction.reopen(session, AGENT, reviewed.id, "Erreur de report signalée par l'organisme.", BEFORE_DUE)
    assert reviewed.status is Status.A_CORRIGER


def test_agents_still_review_once_the_campaign_is_closed(session: DbSession, attachments_folder: Path) -> None:
    campaign = make_campaign(session)
    filed = make_filed(session, make_body(session), campaign, attachments_folder)
    campaign.status = CampaignStatus.CLOSE
    session.commit()
    instruction.take_for_instruction(session, AGENT, filed.id, AFTER_DUE)
    instruction.validate(session, AGENT, filed.id, AFTER_DUE)
    assert filed.status is Status.VALIDE


def test_a_statement_is_validated_once(session: DbSession, attachments_folder: Path) -> None:
    """A second « Valider » (another agent's, a double click) is refused by the state: one event only."""
    reviewed = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    instruction.validate(session, AGENT, reviewed.id, BEFORE_DUE)
    with pytest.raises(NotAllowed, match="« Validé »"):
        instruction.validate(session, AGENT, reviewed.id, BEFORE_DUE)
    assert [e.action for e in history.events(session, reviewed.id)].count(Action.VALIDER) == 1
