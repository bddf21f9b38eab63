"""« Comparaison » (soffi.md §5.7): one line across every body that filed for exercice N, its amount for N and N-1
and the variation in % (French format, « — » without a base); validated figures, and filed ones marked « non
validé »; drafts and statements being corrected left out; by raison sociale, paged in SQL; odd parameters ignored
with a message."""

import pytest
import webtest
from sqlalchemy import event

from rp_soffi import messages
from rp_soffi.extensions import db
from rp_soffi.models import Campaign, CollectingBody, Statement
from rp_soffi.statement.amounts import format_variation
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.values import LineValue, StatementData
from rp_soffi.statement.workflow import Status
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn
from tests.rp_soffi.factories import make_campaign
from tests.rp_soffi.web import alert_text, text, title

EUROS = 100


def body(session, number: int, name: str, body_type: BodyType = BodyType.OPCO) -> CollectingBody:
    found = CollectingBody(siren=f"8{number:08d}", siret_siege=f"8{number:08d}00010", name=name, body_type=body_type)
    session.add(found)
    return found


def statement(session, of: CollectingBody, campaign: Campaign, status: Status, **amounts: int) -> None:
    """A statement in `status` with these lines (in euros); its other lines blank."""
    lines = {code: LineValue(amount_cents=euros * EUROS) for code, euros in amounts.items()}
    figures = StatementData(campaign.exercice, of.siren, of.body_type, lines).to_json()
    session.add(Statement(body=of, campaign=campaign, status=status, figures=figures))


def rows(page: webtest.TestResponse) -> list[str]:
    return [" ".join(row.get_text(" ").split()) for row in page.html.select("#comparaison tbody tr")]


@pytest.fixture
def sector(session) -> dict[str, Campaign]:
    before, current = make_campaign(session, 2023), make_campaign(session, 2024)
    alpha, beta, gamma = body(session, 1, "ALPHA"), body(session, 2, "BETA"), body(session, 3, "GAMMA")
    delta, epsilon = body(session, 4, "DELTA"), body(session, 5, "EPSILON")
    zeta = body(session, 6, "ZETA TRANSITIONS", BodyType.TRANSITIONS_PRO)
    statement(session, alpha, before, Status.VALIDE, R1=1_000_000, R7=10)
    statement(session, alpha, current, Status.VALIDE, R1=1_100_000, R7=20)
    statement(session, beta, before, Status.EN_INSTRUCTION, R1=2_000_000)
    statement(session, beta, current, Status.DEPOSE, R1=1_500_000)
    statement(session, gamma, before, Status.VALIDE, R1=0)
    statement(session, gamma, current, Status.VALIDE, R1=300_000)
    statement(session, delta, current, Status.VALIDE, R1=123)  # nothing filed for 2023
    statement(session, epsilon, before, Status.VALIDE, R1=999)
    statement(session, epsilon, current, Status.BROUILLON, R1=5)  # a draft: not compared
    statement(session, zeta, current, Status.A_CORRIGER, R3=7)  # being corrected: not compared
    session.commit()
    return {"before": before, "current": current}


def test_one_line_is_compared_across_the_bodies_for_two_exercices(
    session, soffi, log_in: LogIn, sector: dict[str, Campaign]
) -> None:
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get("/").click(description="Comparaison")
    assert title(page).startswith("Comparaison")
    form = page.forms["choix"]
    assert form["campagne"].value == str(sector["current"].id)  # the latest campaign first
    form["ligne"] = "R1"
    page = form.submit()
    assert "R1 — Fonds reçus de France compétences — alternance : exercice 2024 et 2023" in text(
        page, "titre-comparaison"
    )
    assert text(page, "nombre-organismes") == "4 organismes"
    assert rows(page) == [
        "ALPHA 800000001 1 100 000,00 1 000 000,00 +10,0 %",
        "BETA 800000002 1 500 000,00 Déposé, non validé 2 000 000,00 En instruction, non validé -25,0 %",
        "DELTA 800000004 123,00 — —",
        "GAMMA 800000003 300 000,00 0,00 —",
    ]
    form["ligne"] = "RT"  # a total, computed from the lines
    assert rows(form.submit())[0] == "ALPHA 800000001 1 100 020,00 1 000 010,00 +10,0 %"
    form["ligne"] = "R3"  # Transitions Pro only: ZETA's statement is being corrected
    assert rows(form.submit()) == ["Aucun organisme n'a déposé d'état comportant cette ligne pour l'exercice 2024."]
    form["ligne"], form["campagne"] = "R1", str(sector["before"].id)
    page = form.submit()
    assert "Aucune campagne n'existe pour l'exercice 2022" in text(page)
    assert rows(page)[0] == "ALPHA 800000001 1 000 000,00 — —"


@pytest.mark.parametrize(("percent", "shown"), [(None, "—"), ("12.5", "+12,5 %"), ("-3", "-3,0 %"), ("0", "0,0 %"),
                                                ("1234.5", "+1 234,5 %")])  # fmt: skip
def test_a_variation_is_written_the_french_way(percent, shown) -> None:
    from decimal import Decimal

    assert " ".join(format_variation(Decimal(percent) if percent else None).split()) == shown


@pytest.mark.parametrize(
    "query", ["ligne=XX", "ligne=Q1", "ligne=" + "R" * 5000, "campagne=abc", "campagne=99999", "page=abc",
              f"page={10**30}", "page=0"],
)  # fmt: skip
def test_odd_parameters_are_ignored_with_a_message(session, soffi, log_in: LogIn, sector, query: str) -> None:
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get(f"/admin/comparaison?{query}")
    assert page.status_int == 200 and messages.FILTER_INVALID in alert_text(page)
    assert "RT — Total des ressources : exercice" in text(page, "titre-comparaison") and rows(page)


def test_without_any_campaign_the_page_says_so(soffi, log_in: LogIn) -> None:
    log_in("agent_dgefp", AGENT_SIRET)
    assert messages.COMPARISON_NO_CAMPAIGN in text(soffi.get("/admin/comparaison"))


def test_the_comparison_is_paged_in_sql(session, soffi, log_in: LogIn) -> None:
    """Two pages of bodies; each page is a bounded number of queries, whatever the number of statements."""
    before, current = make_campaign(session, 2023), make_campaign(session, 2024)
    for number in range(25):
        found = body(session, number, f"ORGANISME {number:03d}")
        statement(session, found, before, Status.VALIDE, R1=100)
        statement(session, found, current, Status.VALIDE, R1=100 + number)
    session.commit()
    log_in("agent_dgefp", AGENT_SIRET)
    selects: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        if "statement" in statement and statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        page = soffi.get(f"/admin/comparaison?ligne=R1&campagne={current.id}")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(selects) <= 3  # COUNT, the page, the same bodies' exercice N-1
    assert len(rows(page)) == 20 and rows(page)[1] == "ORGANISME 001 800000001 101,00 100,00 +1,0 %"
    second = page.click(description="Page suivante")
    assert rows(second)[-1] == "ORGANISME 024 800000024 124,00 100,00 +24,0 %" and len(rows(second)) == 5
