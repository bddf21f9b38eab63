"""The DGEFP's pages (soffi.md §5.5–5.6): the statements with their states and filters, paged in SQL; the sector
dashboard (counters, validated totals by body type, year over year with its chart and the same figures in a
table); the campaigns opened, closed, their date limite moved, a bad date refused in French."""

from datetime import date
from pathlib import Path

from rp_soffi import messages
from rp_soffi.models import Campaign, CollectingBody, Statement
from rp_soffi.services import instruction
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import CampaignStatus, Status
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn
from tests.rp_soffi.factories import (
    AGENT,
    BEFORE_DUE,
    OPCO_SIRET,
    load,
    make_body,
    make_campaign,
    make_draft,
    make_in_instruction,
)
from tests.rp_soffi.web import alert_text, form_to, fresh, messages_of, text, title

DEMO = load()


def many_bodies(session, how_many: int) -> list[CollectingBody]:
    """Bodies with made-up SIRENs (the register's checks are the services'), each with a draft."""
    campaign = make_campaign(session)
    found = []
    for number in range(how_many):
        body = CollectingBody(siren=f"8{number:08d}", siret_siege=f"8{number:08d}00010", name=f"ORGANISME {number:03d}",
                              body_type=BodyType.FAF if number % 2 else BodyType.OPCO)  # fmt: skip
        session.add(body)
        session.add(
            Statement(body=body, campaign=campaign, figures=StatementData(2024, body.siren, body.body_type).to_json())
        )
        found.append(body)
    session.commit()
    return found


def test_the_bodies_and_their_statements_are_paged_and_filtered(session, soffi, log_in: LogIn) -> None:
    many_bodies(session, 25)
    make_body(session)  # registered, no statement yet
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get("/admin/etats")
    assert title(page).startswith("États des organismes collecteurs")
    assert text(page, "nombre-etats") == "26 organismes"
    assert len(page.html.select("#etats tbody tr")) == 20
    second = page.click(description="Page suivante")
    assert len(second.html.select("#etats tbody tr")) == 6 and "ORGANISME 024" in text(second, "etats")
    assert "ORGANISME 999722812 999722812 Opérateur de compétences Non commencé" in text(second, "etats")
    form = page.forms["filtres"]
    form["type"] = "FAF"
    filtered = form.submit()
    assert text(filtered, "nombre-etats") == "12 organismes"
    assert text(soffi.get("/admin/etats?statut=NON_COMMENCE"), "nombre-etats") == "1 organisme"
    assert soffi.get("/admin/etats?statut=VALIDE").html.select("#etats tbody tr") == []


def test_the_dashboard_shows_validated_totals_and_the_years(
    session, soffi, log_in: LogIn, attachments_folder: Path
) -> None:
    body = make_body(session)
    for exercice in (2023, 2024):
        statement = make_in_instruction(session, body, make_campaign(session, exercice), attachments_folder)
        instruction.validate(session, AGENT, statement.id, BEFORE_DUE)
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get("/admin")
    assert title(page).startswith("Tableau de bord")
    assert "Validé" in text(page, "compteurs")
    rt = " ".join(f"{DEMO.amount('RT') // 100:,}".replace(",", " ").split())
    assert f"Opérateur de compétences {rt}," in text(page, "totaux")
    assert "2023" in text(page, "evolution") and "2024" in text(page, "evolution")
    svg = page.html.select_one("figure svg[role=img]")
    assert (
        svg is not None
        and svg.select_one("title").get_text() == "Ressources et emplois des états validés, par exercice"
    )
    assert len(svg.select("rect > title")) == 4  # two exercices, resources and uses


def test_a_campaign_is_opened_its_date_limite_moved_then_closed(session, soffi, log_in: LogIn) -> None:
    campaign = make_campaign(session, 2025, CampaignStatus.PREPARATION, due_on=date(2026, 6, 30))
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get("/admin/campagnes")
    page = form_to(page, f"/admin/campagnes/{campaign.id}/ouvrir").submit().follow()
    assert messages.CAMPAIGN_OPENED.format(exercice=2025) in alert_text(page)
    form = form_to(page, f"/admin/campagnes/{campaign.id}/date-limite")
    form[f"c{campaign.id}-due_on"] = "31/02/2026"
    refused = form.submit(status=422)
    assert messages.DATE_FORMAT in messages_of(refused, f"c{campaign.id}-due_on")
    form[f"c{campaign.id}-due_on"] = "01/01/2020"
    refused = form.submit(status=422)
    assert messages.CAMPAIGN_DATES in messages_of(refused, f"c{campaign.id}-due_on")
    assert "Date limite modifiée" not in text(refused, "journal")  # a refused date writes nothing
    form[f"c{campaign.id}-due_on"] = "15/07/2026"
    page = form.submit().follow()
    page = form_to(page, f"/admin/campagnes/{campaign.id}/clore").submit().follow()
    assert messages.CAMPAIGN_CLOSED_DONE.format(exercice=2025) in alert_text(page)
    fresh()
    campaign = session.get(Campaign, campaign.id)
    assert (campaign.status, campaign.due_on) == (CampaignStatus.CLOSE, date(2026, 7, 15))
    journal = page.html.find(id="journal")
    assert journal.caption is not None and "Dernières actions des agents" in journal.caption.get_text()
    assert [th.get_text() for th in journal.select("thead th[scope=col]")] == ["Date", "Campagne", "Par", "Action"]
    rows = [[" ".join(td.get_text(" ").split()) for td in tr.select("td")][1:] for tr in journal.select("tbody tr")]
    assert rows == [  # latest first, by the agent logged in
        ["Campagne 2025", "Claire AGENT_DGEFP", "Clôture"],
        ["Campagne 2025", "Claire AGENT_DGEFP", "Date limite modifiée : 30/06/2026 → 15/07/2026"],
        ["Campagne 2025", "Claire AGENT_DGEFP", "Ouverture"],
    ]


def test_the_campaigns_journal_is_empty_at_first(session, soffi, log_in: LogIn) -> None:
    make_campaign(session, 2025, CampaignStatus.PREPARATION, due_on=date(2026, 6, 30))
    log_in("agent_dgefp", AGENT_SIRET)
    assert text(soffi.get("/admin/campagnes"), "journal").endswith("Aucune action enregistrée.")


def test_a_comment_is_required_to_send_back(session, soffi, log_in: LogIn, attachments_folder: Path) -> None:
    statement = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    log_in("agent_dgefp", AGENT_SIRET)
    page = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}/corriger").submit(status=422)
    assert messages.COMMENT_REQUIRED in messages_of(page, "corriger-comment")
    form = form_to(page, f"/etats/{statement.id}/commentaires")
    form["line_code"] = "E8"
    page = form.submit(status=422)
    assert messages.LINE_COMMENT_REQUIRED in messages_of(page, "text")
    fresh()
    assert session.get(Statement, statement.id).status is Status.EN_INSTRUCTION


def test_the_campaigns_page_lists_each_campaign_for_a_collector(session, soffi, log_in: LogIn) -> None:
    body = make_body(session)
    make_draft(session, body, make_campaign(session))
    make_campaign(session, 2023, CampaignStatus.CLOSE)
    make_campaign(session, 2025, CampaignStatus.PREPARATION)
    log_in("organisme_collecteur", OPCO_SIRET)
    page = soffi.get("/campagnes")
    assert title(page).startswith("Mes campagnes")
    assert "Brouillon" in text(page, "campagne-2024") and "Saisir l'état" in text(page, "campagne-2024")
    assert "campagne close" in text(page, "campagne-2023")
    assert page.html.find(id="campagne-2025") is None


def test_a_validated_statement_is_reopened_with_a_reason(session, soffi, log_in: LogIn, attachments_folder) -> None:
    statement = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    instruction.validate(session, AGENT, statement.id, BEFORE_DUE)
    log_in("agent_dgefp", AGENT_SIRET)
    page = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}/rouvrir").submit(status=422)
    assert messages.COMMENT_REQUIRED in messages_of(page, "rouvrir-comment")
    form = form_to(page, f"/etats/{statement.id}/rouvrir")
    form["rouvrir-comment"] = "Une erreur de report en S1."
    page = form.submit().follow()
    assert messages.REOPENED in alert_text(page) and "À corriger" in text(page, "statut")
