"""« Campagnes » and « Organismes collecteurs »: agents create, open, move the date limite of and close campaigns,
each action in the campaigns' journal (a refused one in none), and keep the register of bodies; nobody else may."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from rp_soffi import messages
from rp_soffi.models import Campaign, CampaignEvent, CampaignEventType, CollectingBody
from rp_soffi.services import bodies, campaigns
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import NotAllowed
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.workflow import CampaignStatus
from shared.db import DbSession
from tests.rp_soffi.factories import AGENT, COLLECTEUR, CONSULTATION, GESTIONNAIRE, make_campaign

NOW = datetime(2025, 1, 10, 9)
LATER = datetime(2025, 9, 1, 9)
NOT_AGENTS = [COLLECTEUR, GESTIONNAIRE, CONSULTATION]


def test_an_agent_creates_opens_moves_the_deadline_and_closes_a_campaign(session: DbSession) -> None:
    campaign = campaigns.create_campaign(session, AGENT, 2024, date(2025, 1, 15), NOW)
    assert (campaign.title, campaign.status, campaign.due_on) == (
        "Campagne 2024",
        CampaignStatus.PREPARATION,
        date(2025, 6, 30),
    )
    campaigns.open_campaign(session, AGENT, campaign.id, NOW)
    campaigns.set_deadline(session, AGENT, campaign.id, date(2025, 7, 15), NOW)
    campaigns.close_campaign(session, AGENT, campaign.id, LATER)
    session.expire_all()
    stored = session.get(Campaign, campaign.id)
    assert stored is not None
    assert (stored.status, stored.due_on, stored.catalogue_version) == (CampaignStatus.CLOSE, date(2025, 7, 15), 1)
    assert (stored.opened_at, stored.closed_at) == (NOW, LATER)


@pytest.mark.parametrize("actor", NOT_AGENTS, ids=lambda actor: actor.role.value)
def test_only_agents_manage_campaigns(session: DbSession, actor: Actor) -> None:
    with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
        campaigns.create_campaign(session, actor, 2024, date(2025, 1, 15), NOW)
    prepared = make_campaign(session, 2023, CampaignStatus.PREPARATION)
    opened = make_campaign(session, 2024, CampaignStatus.OUVERTE)
    for refused in (
        lambda: campaigns.open_campaign(session, actor, prepared.id, NOW),
        lambda: campaigns.close_campaign(session, actor, opened.id, NOW),
        lambda: campaigns.set_deadline(session, actor, opened.id, date(2025, 9, 1), NOW),
    ):
        with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
            refused()
    session.expire_all()
    assert (prepared.status, opened.status, opened.due_on) == (
        CampaignStatus.PREPARATION,
        CampaignStatus.OUVERTE,
        date(2025, 6, 30),
    )
    assert session.scalar(select(func.count()).select_from(Campaign)) == 2


@pytest.mark.parametrize("exercice", [2018, 2026])
def test_the_exercice_is_between_2019_and_the_current_year(session: DbSession, exercice: int) -> None:
    with pytest.raises(NotAllowed, match="entre 2019 et 2025"):
        campaigns.create_campaign(session, AGENT, exercice, date(2025, 1, 15), NOW)


def test_one_campaign_per_exercice_and_the_deadline_after_the_opening(session: DbSession) -> None:
    make_campaign(session, 2024)
    with pytest.raises(NotAllowed, match="existe déjà"):
        campaigns.create_campaign(session, AGENT, 2024, date(2025, 1, 15), NOW)
    with pytest.raises(NotAllowed, match=messages.CAMPAIGN_DATES):
        campaigns.create_campaign(session, AGENT, 2023, date(2025, 1, 15), NOW, due_on=date(2025, 1, 15))


def test_a_campaign_moves_forward_only(session: DbSession) -> None:
    opened = make_campaign(session, 2024, CampaignStatus.OUVERTE)
    closed = make_campaign(session, 2023, CampaignStatus.CLOSE)
    with pytest.raises(NotAllowed, match="« Ouverte »"):
        campaigns.open_campaign(session, AGENT, opened.id, NOW)
    with pytest.raises(NotAllowed, match="« Close »"):
        campaigns.close_campaign(session, AGENT, closed.id, NOW)
    with pytest.raises(NotAllowed, match="« Close »"):
        campaigns.set_deadline(session, AGENT, closed.id, date(2025, 9, 1), NOW)


# --- the campaigns' journal ----------------------------------------------------------------------------------------


def events(session: DbSession) -> list[tuple[str, int, CampaignEventType, dict[str, list[object]], datetime]]:
    session.expire_all()
    rows = session.scalars(select(CampaignEvent).order_by(CampaignEvent.id))
    return [(row.actor_sub, row.campaign_id, row.event, row.changes, row.at) for row in rows]


def test_each_agent_action_on_a_campaign_is_journaled_with_its_old_and_new_values(session: DbSession) -> None:
    campaign = campaigns.create_campaign(session, AGENT, 2024, date(2025, 1, 15), NOW)
    campaigns.open_campaign(session, AGENT, campaign.id, NOW)
    campaigns.set_deadline(session, AGENT, campaign.id, date(2025, 7, 15), NOW)
    campaigns.close_campaign(session, AGENT, campaign.id, LATER)
    assert events(session) == [
        (
            AGENT.sub,
            campaign.id,
            CampaignEventType.CREATED,
            {"status": [None, "PREPARATION"], "opens_on": [None, "2025-01-15"], "due_on": [None, "2025-06-30"]},
            NOW,
        ),
        (AGENT.sub, campaign.id, CampaignEventType.OPENED, {"status": ["PREPARATION", "OUVERTE"]}, NOW),
        (AGENT.sub, campaign.id, CampaignEventType.DEADLINE_CHANGED, {"due_on": ["2025-06-30", "2025-07-15"]}, NOW),
        (AGENT.sub, campaign.id, CampaignEventType.CLOSED, {"status": ["OUVERTE", "CLOSE"]}, LATER),
    ]
    event = session.scalars(select(CampaignEvent)).first()
    assert event is not None and (event.actor_name, event.actor_role) == (AGENT.name, AGENT.role.value)


def test_the_same_date_limite_again_is_not_journaled(session: DbSession) -> None:
    opened = make_campaign(session, 2024, CampaignStatus.OUVERTE)
    campaigns.set_deadline(session, AGENT, opened.id, opened.due_on, NOW)
    assert events(session) == []


@pytest.mark.parametrize("actor", NOT_AGENTS, ids=lambda actor: actor.role.value)
def test_an_action_refused_to_a_non_agent_writes_no_event(session: DbSession, actor: Actor) -> None:
    prepared = make_campaign(session, 2023, CampaignStatus.PREPARATION)
    opened = make_campaign(session, 2024, CampaignStatus.OUVERTE)
    for refused in (
        lambda: campaigns.create_campaign(session, actor, 2022, date(2023, 1, 15), NOW),
        lambda: campaigns.open_campaign(session, actor, prepared.id, NOW),
        lambda: campaigns.close_campaign(session, actor, opened.id, NOW),
        lambda: campaigns.set_deadline(session, actor, opened.id, date(2025, 9, 1), NOW),
    ):
        with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
            refused()
    assert events(session) == []


def test_an_action_refused_to_an_agent_writes_no_event(session: DbSession) -> None:
    opened = make_campaign(session, 2024, CampaignStatus.OUVERTE)
    closed = make_campaign(session, 2023, CampaignStatus.CLOSE)
    for refused in (
        lambda: campaigns.create_campaign(session, AGENT, 2024, date(2025, 1, 15), NOW),  # one per exercice
        lambda: campaigns.create_campaign(session, AGENT, 2022, date(2023, 1, 15), NOW, due_on=date(2023, 1, 1)),
        lambda: campaigns.open_campaign(session, AGENT, opened.id, NOW),
        lambda: campaigns.close_campaign(session, AGENT, closed.id, NOW),
        lambda: campaigns.set_deadline(session, AGENT, opened.id, date(2025, 1, 14), NOW),  # before the opening
        lambda: campaigns.set_deadline(session, AGENT, closed.id, date(2025, 9, 1), NOW),
    ):
        with pytest.raises(NotAllowed):
            refused()
    assert events(session) == []
    assert session.scalar(select(func.count()).select_from(Campaign)) == 2


def test_the_journal_shows_the_latest_fifty_events_latest_first_in_french(session: DbSession) -> None:
    campaign = campaigns.create_campaign(session, AGENT, 2024, date(2025, 1, 15), NOW)
    campaigns.open_campaign(session, AGENT, campaign.id, datetime(2025, 1, 15, 8))
    for day in range(1, 51):  # 50 moves of the date limite, one a day
        at = datetime(2025, 2, 1, 9) + timedelta(days=day)
        campaigns.set_deadline(session, AGENT, campaign.id, date(2025, 6, 30) + timedelta(days=day), at)
    rows = campaigns.journal(session)
    assert len(rows) == campaigns.JOURNAL_SIZE
    assert (rows[0].campaign, rows[0].actor_name, rows[0].label) == (
        "Campagne 2024",
        "Agnès DGEFP",
        "Date limite modifiée",
    )
    assert rows[0].detail == "18/08/2025 → 19/08/2025"
    assert rows[-1].detail == "30/06/2025 → 01/07/2025"  # the opening and the creation are older than the 50th
    assert [row.at for row in rows] == sorted((row.at for row in rows), reverse=True)
    opening, creation = campaigns.journal(session, size=52)[-2:]
    assert (opening.label, opening.detail) == ("Ouverture", "")
    assert (creation.label, creation.detail) == (
        "Création",
        "ouverture le 15/01/2025, date limite de dépôt le 30/06/2025",
    )


# --- the register of collecting bodies ---------------------------------------------------------------------------


def test_an_agent_registers_a_body_by_its_head_office_once(session: DbSession) -> None:
    body = bodies.register_body(session, AGENT, "999 722 812 00016", "OPCO DEMO", BodyType.OPCO, "11", 53)
    assert (body.siren, body.siret_siege, body.region, body.active) == ("999722812", "99972281200016", "11", True)
    assert bodies.find_body(session, "999722812") is body
    with pytest.raises(NotAllowed, match="figure déjà"):
        bodies.register_body(session, AGENT, "99972281200024", "OPCO DEMO NANTES", BodyType.OPCO)


@pytest.mark.parametrize(
    ("siret", "name", "region", "branches", "field"),
    [
        ("99972281200017", "OPCO", None, None, "siret_siege"),  # wrong key
        ("9" * 5000, "OPCO", None, None, "siret_siege"),
        ("99972281200016", " ", None, None, "name"),
        ("99972281200016", "O" * 201, None, None, "name"),
        ("99972281200016", "OPCO", "Île-de-France", None, "region"),
        ("99972281200016", "OPCO", None, -1, "branches_count"),
        ("99972281200016", "OPCO", None, 2**31, "branches_count"),
    ],
)
def test_a_body_is_bounded_before_it_reaches_the_database(
    session: DbSession, siret: str, name: str, region: str | None, branches: int | None, field: str
) -> None:
    with pytest.raises(NotAllowed) as refused:
        bodies.register_body(session, AGENT, siret, name, BodyType.OPCO, region, branches)
    assert refused.value.field == field
    assert session.scalar(select(func.count()).select_from(CollectingBody)) == 0


@pytest.mark.parametrize("actor", NOT_AGENTS, ids=lambda actor: actor.role.value)
def test_only_agents_register_bodies(session: DbSession, actor: Actor) -> None:
    with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
        bodies.register_body(session, actor, "99972281200016", "OPCO DEMO", BodyType.OPCO)


@pytest.mark.parametrize("siren", ["", "99972281", "999722812" * 500, "999 722 812", "999722813"])
def test_find_body_answers_none_for_anything_but_a_referenced_siren(session: DbSession, siren: str) -> None:
    bodies.register_body(session, AGENT, "99972281200016", "OPCO DEMO", BodyType.OPCO)
    assert bodies.find_body(session, siren) is None


def test_an_inactive_body_is_not_referenced(session: DbSession) -> None:
    body = bodies.register_body(session, AGENT, "99972281200016", "OPCO DEMO", BodyType.OPCO)
    body.active = False
    session.commit()
    assert bodies.find_body(session, "999722812") is None
    assert bodies.find_registered_body(session, "999722812") is body  # still in the register: one per SIREN
