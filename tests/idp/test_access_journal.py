"""« Journal des accès »: a company's gestionnaires read, filter and export what happened to its access."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
import webtest
from bs4 import BeautifulSoup

from idp.extensions import db
from idp.models import Account, AuditEvent, AuditEventType, Service
from idp.services import access_requests, audit, habilitations
from tests.idp.conftest import FreshContext
from tests.idp.portal_data import (
    FORMALOIRE_NANTES,
    OPCO_PARIS,
    habilitate,
    person,
    role,
    services,
)
from tests.idp.web import field_error, form, log_in

JOURNAL = "/portail/services/soffi/journal"
FORMALOIRE = "997915665"
# 22 March 2025, 9h30 UTC: 10h30 in Paris (winter time).
MORNING = datetime(2025, 3, 22, 9, 30, tzinfo=UTC)


@pytest.fixture
def requester(soffi: Service, manager: Account) -> Account:
    return person(db.session, "demandeur@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")


@pytest.fixture
def history(soffi, manager, requester):
    """A request asked on 22 March, accepted the same day, changed on 2 April, removed on 10 April."""
    with time_machine.travel(MORNING, tick=False):
        request = access_requests.request_access(
            db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"), ip="198.51.100.1"
        )
    with time_machine.travel(MORNING + timedelta(hours=2), tick=False):
        access_requests.accept_request(db.session, manager, request)
    [granted] = habilitations.habilitations_of(db.session, requester, soffi)
    with time_machine.travel(MORNING + timedelta(days=11), tick=False):
        end = datetime(2025, 12, 31, 22, 59, 59)  # the 31st of December 2025, 23h59 in Paris
        habilitations.change_habilitation(db.session, manager, granted, role(soffi, "organisme_collecteur"), end)
    with time_machine.travel(MORNING + timedelta(days=19), tick=False):
        habilitations.revoke_habilitation(db.session, manager, granted)
    # Elsewhere: another company, another service.
    stranger = person(db.session, "gestion@opco.example", OPCO_PARIS, "ETRANGER", "Eli")
    habilitate(db.session, stranger, soffi, "gestionnaire")
    bpf = services(db.session)["bpf"]
    access_requests.request_access(db.session, requester, bpf, FORMALOIRE_NANTES, role(bpf, "declarant"))


@pytest.fixture
def browser(client: webtest.TestApp, manager: Account) -> webtest.TestApp:
    log_in(client, manager.email)
    return client


def rows(page: webtest.TestResponse) -> list[list[str]]:
    table = BeautifulSoup(page.text, "html.parser").select_one("#journal tbody")
    if table is None:
        return []
    return [[cell.get_text(" ", strip=True) for cell in row.find_all("td")] for row in table.find_all("tr")]


def count(page: webtest.TestResponse) -> str:
    return BeautifulSoup(page.text, "html.parser").select_one("#journal-nombre").get_text(strip=True)


def test_the_journal_tells_in_french_who_did_what_for_whom_newest_first(browser, history):
    page = browser.get(JOURNAL)
    assert BeautifulSoup(page.text, "html.parser").title.get_text().startswith("Journal des accès - SOFFi")
    assert count(page) == "5 événements"
    lou = "DEMANDEUR Lou (demandeur@formaloire.example)"
    assert rows(page) == [
        [
            "10/04/2025 à 11h30",  # summer time by then
            "GERANTE Sam",
            "Habilitation supprimée",
            lou,
            "Organisme Collecteur",
            FORMALOIRE_NANTES,
            "Organisme Collecteur - SIRET 99791566500019, fin le 31/12/2025",
        ],
        [
            "02/04/2025 à 11h30",
            "GERANTE Sam",
            "Habilitation modifiée",
            lou,
            "Organisme Collecteur",
            FORMALOIRE_NANTES,
            "Consultation - SIRET 99791566500019, sans date de fin → "
            "Organisme Collecteur - SIRET 99791566500019, fin le 31/12/2025",
        ],
        [
            "22/03/2025 à 12h30",
            "GERANTE Sam",
            "Habilitation accordée",
            lou,
            "Consultation",
            FORMALOIRE_NANTES,
            "Consultation - SIRET 99791566500019, sans date de fin (par Sam GERANTE)",
        ],
        ["22/03/2025 à 12h30", "GERANTE Sam", "Demande d'accès acceptée", lou, "Consultation", FORMALOIRE_NANTES, ""],
        ["22/03/2025 à 10h30", "DEMANDEUR Lou", "Demande d'accès envoyée", lou, "Consultation", FORMALOIRE_NANTES, ""],
    ]


def test_reminders_and_hand_overs_to_the_agents_are_told_as_automatic(browser, soffi, requester):
    with time_machine.travel(MORNING, tick=False):
        access_requests.request_access(db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"))
    access_requests.follow_up(db.session, now=MORNING.replace(tzinfo=None) + timedelta(days=16))
    [escalated] = [row for row in rows(browser.get(JOURNAL)) if row[2] == "Demande transmise aux agents du ministère"]
    assert escalated[1] == "Mes démarches (automatique)"
    assert escalated[6] == "sans réponse des gestionnaires sous 15 jours"


def test_the_journal_is_filtered_by_period_type_of_event_and_person(browser, history):
    filters = form(browser.get(JOURNAL), "/journal")
    filters["du"], filters["au"] = "2025-04-01", "2025-04-05"
    assert [row[2] for row in rows(filters.submit())] == ["Habilitation modifiée"]

    filters = form(browser.get(JOURNAL), "/journal")
    filters["type"] = AuditEventType.ACCESS_REQUESTED.value
    assert [row[2] for row in rows(filters.submit())] == ["Demande d'accès envoyée"]

    filters = form(browser.get(JOURNAL), "/journal")
    filters["au"], filters["personne"] = "2025-03-22", "demandeur"
    assert count(filters.submit()) == "3 événements"  # the day's three events about Lou
    filters["personne"] = "Gérante"  # the author, accents and case aside
    assert count(filters.submit()) == "2 événements"
    filters["personne"] = "personne inconnue"
    assert count(filters.submit()) == "Aucun événement ne correspond à ces critères."


def test_a_wrong_period_is_explained_next_to_the_field(browser, history):
    filters = form(browser.get(JOURNAL), "/journal")
    filters["du"], filters["au"] = "2025-04-05", "2025-04-01"
    page = filters.submit(status=422)
    assert field_error(page, "au") == "La date de fin de période doit être postérieure à la date de début."
    assert count(page) == "1 événement"  # the wrong « Au » is left aside: from 5 April on
    assert field_error(browser.get(JOURNAL + "?du=22/13/2025", status=422), "du").startswith("Saisissez une date")
    browser.get(JOURNAL + "?type=account:login:success", status=422)


def test_the_csv_export_has_the_same_rows_for_excel(browser, history):
    page = browser.get(JOURNAL + "?type=habilitation:changed")
    export = browser.get(page.html.find("a", string="Exporter en CSV")["href"])

    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = export.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="journal-des-acces-soffi-997915665-') and ".csv" in disposition
    assert export.body.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(export.body.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Date et heure", "Auteur", "Action", "Personne concernée", "Rôle", "SIRET", "Détail"]
    assert lines[1:] == [
        [
            "02/04/2025 11:30:00",
            "GERANTE Sam",
            "Habilitation modifiée",
            "DEMANDEUR Lou (demandeur@formaloire.example)",
            "Organisme Collecteur",
            FORMALOIRE_NANTES,
            "Consultation - SIRET 99791566500019, sans date de fin → "
            "Organisme Collecteur - SIRET 99791566500019, fin le 31/12/2025",
        ]
    ]
    assert len(list(csv.reader(io.StringIO(browser.get(JOURNAL + ".csv").text[1:]), delimiter=";"))) == 6
    assert browser.get(JOURNAL + "?format=csv&type=habilitation:changed").body == export.body


def test_a_name_that_looks_like_a_formula_is_not_run_by_excel(browser, soffi, manager):
    trap = person(db.session, "piege@formaloire.example", FORMALOIRE_NANTES, "=HYPERLINK(1)", "Pat")
    access_requests.request_access(db.session, trap, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"))
    lines = list(csv.reader(io.StringIO(browser.get(JOURNAL + ".csv").text[1:]), delimiter=";"))
    assert lines[1][1] == "'=HYPERLINK(1) Pat"


def test_the_journal_is_paged(browser, soffi, manager, requester):
    for index in range(25):
        with time_machine.travel(MORNING + timedelta(minutes=index), tick=False):
            audit.record_access(
                db.session, AuditEventType.ACCESS_REQUEST_REMINDED, None, None, soffi, FORMALOIRE, requester
            )
            db.session.commit()
    first = browser.get(JOURNAL)
    assert count(first) == "25 événements" and len(rows(first)) == 20
    assert rows(first)[0][0] == "22/03/2025 à 10h54"
    second = browser.get(first.html.find("a", string="Page suivante")["href"])
    assert len(rows(second)) == 5 and rows(second)[-1][0] == "22/03/2025 à 10h30"


def test_other_companies_and_other_people_cannot_read_the_journal(app, browser, history, requester):
    stranger = webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": "203.0.113.9"})
    log_in(stranger, "gestion@opco.example")
    assert count(stranger.get(JOURNAL)) == "Aucun événement ne correspond à ces critères."  # their own company's
    for address in (f"{JOURNAL}?siren={FORMALOIRE}", f"{JOURNAL}.csv?siren={FORMALOIRE}"):
        refused = stranger.get(address, status=403)
        assert "DEMANDEUR" not in refused.text
    neighbour = webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": "203.0.113.10"})
    log_in(neighbour, requester.email)
    neighbour.get(JOURNAL, status=403)
    neighbour.get(JOURNAL + ".csv", status=403)
    denied = db.session.query(AuditEvent).filter_by(event=AuditEventType.HABILITATION_DENIED).count()
    assert denied == 4
    assert count(browser.get(JOURNAL)) == "9 événements"  # the four refusals now belong to the journal too
