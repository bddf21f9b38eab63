"""`flask --app rp_soffi demo load`: the demo bodies of Mes démarches' demo accounts, past campaigns with every
statement validated through the real services, the open campaign; loading again changes nothing, even once an agent
deactivated a demo body; every journal row dated by the demo's `now`."""

from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from rp_soffi.demo import BODIES, load_demo
from rp_soffi.models import (
    BodyEvent,
    Campaign,
    CampaignEvent,
    CampaignEventType,
    CollectingBody,
    Statement,
    StatementEvent,
    StatementVersion,
)
from rp_soffi.services import bodies, statements
from rp_soffi.statement.rules import Kind
from rp_soffi.statement.workflow import CampaignStatus, Status
from shared.db import DbSession
from tests.rp_soffi.factories import AGENT, OPCO_SIRET, OTHER_SIRET

NOW = datetime(2026, 12, 7, 10)


def counts(session: DbSession) -> dict[str, int]:
    models = (CollectingBody, BodyEvent, Campaign, CampaignEvent, Statement, StatementVersion, StatementEvent)
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) or 0 for model in models}


def test_demo_load_is_idempotent(session: DbSession, attachments_folder: Path) -> None:
    created = load_demo(session, attachments_folder, NOW)
    before = counts(session)
    again = load_demo(session, attachments_folder, NOW)
    assert counts(session) == before
    assert created == {"Organismes collecteurs": 4, "Campagnes": 7, "États": 26}
    assert again == {"Organismes collecteurs": 0, "Campagnes": 0, "États": 0}
    [accounts] = [path for path in attachments_folder.rglob("*") if path.is_file()]  # one content, one file
    assert "." not in accounts.name


def test_the_register_journal_of_the_demo_is_dated_by_the_demo_now(
    session: DbSession, attachments_folder: Path
) -> None:
    load_demo(session, attachments_folder, NOW)
    assert set(session.scalars(select(BodyEvent.at))) == {NOW}
    created = select(CampaignEvent.at).where(CampaignEvent.event == CampaignEventType.CREATED)
    assert set(session.scalars(created)) == {NOW}


def test_demo_load_leaves_a_body_deactivated_by_an_agent_as_it_is(session: DbSession, attachments_folder: Path) -> None:
    load_demo(session, attachments_folder, NOW)
    body = bodies.find_body(session, OTHER_SIRET[:9])  # it files a statement in the open campaign
    assert body is not None
    bodies.set_active(session, AGENT, body.id, body.lock, False, NOW)
    before = counts(session)
    assert load_demo(session, attachments_folder, NOW) == {"Organismes collecteurs": 0, "Campagnes": 0, "États": 0}
    assert counts(session) == before
    next_year = load_demo(session, attachments_folder, NOW + timedelta(days=365))  # the campaign 2026 is created
    assert next_year == {"Organismes collecteurs": 0, "Campagnes": 1, "États": 1}  # its draft; the other files nothing
    session.expire_all()
    assert not body.active and bodies.find_registered_body(session, body.siren) is body
    assert session.scalar(select(func.count()).select_from(Statement).where(Statement.body_id == body.id)) == 7


def test_the_demo_bodies_are_those_of_the_idp_demo_and_past_statements_are_validated(
    session: DbSession, attachments_folder: Path
) -> None:
    load_demo(session, attachments_folder, NOW)
    jules = bodies.find_body(session, OPCO_SIRET[:9])  # jules.gestionnaire@opco-demo.example's habilitations
    assert jules is not None and jules.name == "OPCO DEMO INDUSTRIES ET SERVICES"
    past = session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.CLOSE).order_by(Campaign.exercice))
    assert [campaign.exercice for campaign in past] == list(range(2019, 2025))
    validated = session.scalars(select(Statement).where(Statement.status == Status.VALIDE)).all()
    assert len(validated) == 6 * len(BODIES)
    for statement in validated:
        assert statement.filing_number == 1 and not statement.late
        blocking = [p for p in statements.verify(session, statement.id) if p.kind is not Kind.ALERT]
        assert blocking == []
    opened = session.scalar(select(Campaign).where(Campaign.status == CampaignStatus.OUVERTE))
    assert opened is not None and opened.exercice == 2025 and opened.due_on > NOW.date()
    in_open = session.scalars(select(Statement).where(Statement.campaign_id == opened.id))
    assert sorted(statement.status for statement in in_open) == [Status.BROUILLON, Status.DEPOSE]
    assert statements.find_statement(session, jules.id, opened.id) is None  # left for the demo journey


def test_the_command_loads_the_demo(soffi_app: Flask) -> None:
    result = soffi_app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Organismes collecteurs : 4" in result.output
