"""The dashboard's totals, added up by the database from the totals kept at validation (`statement_total`): the same
figures as adding up each validated statement's `StatementData.amount` in Python, as the dashboard did before; the
rows written when a statement is validated and deleted when it is reopened; the figures of the statement's page;
the demo's validated statements and those validated before the migration have theirs."""

from collections import Counter
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

import rp_soffi
from rp_soffi import demo
from rp_soffi.extensions import db
from rp_soffi.models import Campaign, CollectingBody, Statement, StatementTotal
from rp_soffi.services import attachments, dashboard, instruction, statements
from rp_soffi.statement.amounts import format_amount
from rp_soffi.statement.attachments import AttachmentKind
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.values import LineValue, StatementData
from rp_soffi.statement.workflow import CampaignStatus, Status
from shared.db import DbSession
from tests.conftest import new_database
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn, soffi_config
from tests.rp_soffi.factories import (
    AGENT,
    BEFORE_DUE,
    COLLECTEUR,
    OPCO_SIRET,
    PDF,
    load,
    make_body,
    make_campaign,
    make_in_instruction,
)
from tests.rp_soffi.web import text

CODES = ("RT", "ET", "S2")
DEMO_BODIES = {body.body_type: body for body in demo.BODIES if body.size_percent == 100}


def in_instruction(
    session: DbSession, body: CollectingBody, campaign: Campaign, folder: Path, lines: dict[str, LineValue]
) -> Statement:
    """A statement of any body type brought to « En instruction » through the services, with these figures."""
    statement = statements.start_statement(session, COLLECTEUR, body.id, campaign.id, BEFORE_DUE)
    statements.save_figures(session, COLLECTEUR, statement.id, statement.version, lines, BEFORE_DUE)
    attachments.add_attachment(
        session, COLLECTEUR, statement.id, AttachmentKind.COMPTES_CERTIFIES, "comptes.pdf", PDF, folder, BEFORE_DUE
    )
    statements.deposit(
        session, COLLECTEUR, statement.id, statement.version, BEFORE_DUE, certified=True, alerts_acknowledged=True
    )
    instruction.take_for_instruction(session, AGENT, statement.id, BEFORE_DUE)
    return statement


def in_python(session: DbSession, campaign_id: int) -> tuple[dict[BodyType, dict[str, int]], int]:
    """What the dashboard computed before: every validated statement's JSON read, its totals added up in Python."""
    query = select(Statement.figures).where(Statement.campaign_id == campaign_id, Statement.status == Status.VALIDE)
    by_type: dict[BodyType, Counter[str]] = {}
    count = 0
    for figures in session.scalars(query):
        data = StatementData.from_json(figures)
        sums = by_type.setdefault(data.body_type, Counter())
        for code in CODES:
            sums[code] += data.amount(code)
        count += 1
    return {body_type: dict(sums) for body_type, sums in by_type.items()}, count


def kept(session: DbSession, statement_id: int) -> dict[str, int]:
    query = select(StatementTotal.line_code, StatementTotal.amount_cents).where(
        StatementTotal.statement_id == statement_id
    )
    return {code: amount for code, amount in session.execute(query)}


def test_the_dashboard_adds_up_the_same_figures_as_the_statements(session: DbSession, attachments_folder: Path) -> None:
    before, current = make_campaign(session, 2023), make_campaign(session, 2024)
    make_campaign(session, 2025, CampaignStatus.PREPARATION)  # no statement yet: zeros
    opco, other = make_body(session), make_body(session, "99620116600013")
    transitions = make_body(session, "99104575800018", BodyType.TRANSITIONS_PRO)
    faf = make_body(session, "99040793400019", BodyType.FAF)
    smaller = demo.DemoBody(OPCO_SIRET, "", BodyType.OPCO, "11", 37, "")
    figures = {
        opco.id: dict(load().lines),
        other.id: demo.figures(smaller, 2024),
        transitions.id: demo.figures(DEMO_BODIES[BodyType.TRANSITIONS_PRO], 2024),
        faf.id: demo.figures(DEMO_BODIES[BodyType.FAF], 2024),
    }
    for campaign in (before, current):
        for body in (opco, other, transitions, faf):
            statement = in_instruction(session, body, campaign, attachments_folder, figures[body.id])
            if body is faf and campaign is current:
                continue  # in instruction: not added up
            instruction.validate(session, AGENT, statement.id, BEFORE_DUE)
            if body is transitions and campaign is before:
                instruction.reopen(session, AGENT, statement.id, "Erreur de report.", BEFORE_DUE)  # not any more
    data = {body.id: StatementData(2024, body.siren, body.body_type, figures[body.id]) for body in (opco, other,
            transitions, faf)}  # fmt: skip

    def summed(*bodies: CollectingBody) -> dict[str, int]:
        return {code: sum(data[body.id].amount(code) for body in bodies) for code in CODES}

    found = dashboard.totals(session, current.id)
    assert found.statements == 3
    assert found.by_type == {BodyType.OPCO: summed(opco, other), BodyType.TRANSITIONS_PRO: summed(transitions)}
    assert (found.by_type, found.statements) == in_python(session, current.id)
    earlier = dashboard.totals(session, before.id)
    assert earlier.by_type == {BodyType.OPCO: summed(opco, other), BodyType.FAF: summed(faf)}
    assert (earlier.by_type, earlier.statements) == in_python(session, before.id)
    assert list(earlier.by_type) == [BodyType.OPCO, BodyType.FAF]  # the catalogue's order
    assert summed(opco)["RT"] == load().amount("RT") and summed(opco)["S2"] == load().amount("S2")
    assert dashboard.year_over_year(session) == [
        (2023, summed(opco, other, faf)),
        (2024, summed(opco, other, transitions)),
        (2025, dict.fromkeys(CODES, 0)),
    ]
    assert dashboard.year_over_year(session, last=1) == [(2025, dict.fromkeys(CODES, 0))]


def test_the_totals_are_written_at_validation_and_deleted_at_reopening(
    session: DbSession, attachments_folder: Path
) -> None:
    campaign = make_campaign(session)
    statement = make_in_instruction(session, make_body(session), campaign, attachments_folder)
    assert kept(session, statement.id) == {}
    instruction.validate(session, AGENT, statement.id, BEFORE_DUE)
    session.rollback()  # what the validation's transaction committed
    assert kept(session, statement.id) == {code: load().amount(code) for code in CODES}
    assert dashboard.totals(session, campaign.id).statements == 1
    instruction.reopen(session, AGENT, statement.id, "Une erreur de report en E1.", BEFORE_DUE)
    session.rollback()
    assert kept(session, statement.id) == {}
    assert dashboard.totals(session, campaign.id).by_type == {}
    changed = dict(load().lines) | {"E1": LineValue(45_000_000_00, 5300)}
    statements.save_figures(session, COLLECTEUR, statement.id, statement.version, changed, BEFORE_DUE)
    statements.deposit(session, COLLECTEUR, statement.id, statement.version, BEFORE_DUE, certified=True)
    instruction.take_for_instruction(session, AGENT, statement.id, BEFORE_DUE)
    instruction.validate(session, AGENT, statement.id, BEFORE_DUE)
    session.rollback()
    corrected = StatementData.from_json(session.get(Statement, statement.id).figures)
    assert corrected.amount("ET") != load().amount("ET")
    assert kept(session, statement.id) == {code: corrected.amount(code) for code in CODES}
    assert dashboard.totals(session, campaign.id).by_type == {BodyType.OPCO: kept(session, statement.id)}


def test_the_totals_kept_are_those_the_statement_page_shows(
    session: DbSession, soffi, log_in: LogIn, attachments_folder: Path
) -> None:
    statement = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    instruction.validate(session, AGENT, statement.id, BEFORE_DUE)
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get(f"/etats/{statement.id}")
    totals = kept(session, statement.id)
    shown = {code: text(page, f"total-{code}") for code in CODES}  # spaces folded, as a reader sees them
    assert shown == {code: " ".join(format_amount(totals[code]).split()) for code in CODES}


def test_the_demo_validates_its_statements_with_their_totals(session: DbSession, attachments_folder: Path) -> None:
    demo.load_demo(session, attachments_folder, datetime(2026, 12, 7, 10))
    validated = session.scalars(select(Statement).where(Statement.status == Status.VALIDE)).all()
    assert validated and all(len(kept(session, statement.id)) == len(CODES) for statement in validated)
    for campaign in session.scalars(select(Campaign)):
        found = dashboard.totals(session, campaign.id)
        assert (found.by_type, found.statements) == in_python(session, campaign.id)


def test_the_migration_keeps_the_totals_of_statements_validated_before_it(database_server: str | None) -> None:
    url = new_database(database_server, "soffi_totals_migration")
    app = rp_soffi.create_app(soffi_config(url))
    with app.app_context():
        upgrade(revision="0004")  # before the totals
        body = CollectingBody(siren=OPCO_SIRET[:9], siret_siege=OPCO_SIRET, name="OPCO", body_type=BodyType.OPCO)
        campaign = Campaign(exercice=2024, title="Campagne 2024", opens_on=BEFORE_DUE.date(), due_on=BEFORE_DUE.date())
        figures = load().to_json()
        other = CollectingBody(siren="996201166", siret_siege="99620116600013", name="AUTRE", body_type=BodyType.OPCO)
        db.session.add_all([
            Statement(body=body, campaign=campaign, status=Status.VALIDE, figures=figures),
            Statement(body=other, campaign=campaign, status=Status.EN_INSTRUCTION, figures=figures),
        ])  # fmt: skip
        db.session.commit()
        validated = db.session.scalar(select(Statement.id).where(Statement.status == Status.VALIDE))
        upgrade()
        assert kept(db.session, validated) == {code: load().amount(code) for code in CODES}
        total_rows = db.session.scalar(select(sa.func.count()).select_from(StatementTotal))
        assert total_rows == len(CODES)
        db.session.remove()
        db.engine.dispose()
