"""The portal as people use it: ask a gestionnaire for SOFFi, the gestionnaire follows the e-mail and decides,
the requester opens SOFFi with the role; and the activation code received by post making a gestionnaire.
Every page passes axe-core."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from idp.demo.services import DEMO_SERVICES, describe_service
from idp.extensions import db
from idp.models import Service
from idp.services import activation_codes
from tests.e2e.conftest import LiveServer
from tests.e2e.conftest_sso import Services, services  # noqa: F401  (the fixture)
from tests.idp.factories import PASSWORD
from tests.idp.portal_data import FORMALOIRE_ANJOU, FORMALOIRE_NANTES, habilitate, person

pytestmark = pytest.mark.e2e

MANAGER = "sam.gerante@formaloire.example"
REQUESTER = "lou.demandeur@formaloire.example"


def portal_services(urls: Services) -> dict[str, Service]:
    """The services the test servers registered, described as the demo describes them, with their test URLs."""
    rows = {}
    for demo in DEMO_SERVICES:
        row = db.session.query(Service).filter_by(code=demo.code).one()
        describe_service(row, demo, getattr(urls, demo.code) + "/")
        rows[demo.code] = row
    db.session.commit()
    return rows


def choose_role(page: Page, label: str) -> None:
    # The DSFR draws its own radio over the input: the label is what a person clicks.
    page.locator("label").filter(has_text=re.compile(rf"^\s*{label}")).first.click()


def log_in(page: Page, email: str) -> None:
    expect(page.get_by_role("heading", name="Connectez-vous")).to_be_visible()
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connectez-vous")).to_be_visible()


def open_code_tab(page: Page) -> None:
    """The DSFR's script wires the tabs once it has loaded: a click before that does nothing, so click again
    until the panel shows (seen once in CI)."""
    field = page.get_by_label(re.compile(r"^SIRET Enregistré")).last
    for _ in range(5):
        page.get_by_role("tab", name="SAISIR LE CODE D'ACTIVATION").click()
        try:
            expect(field).to_be_visible(timeout=2000)
            return
        except AssertionError:
            continue
    expect(field).to_be_visible()


def link_in(text: str) -> str:
    found = re.search(r"https?://\S+", text)
    assert found is not None, text
    return found.group(0)


def ask_for_soffi(page: Page, live_server: LiveServer, visit: Callable[[str], None]) -> None:
    page.goto(live_server.url + "/")
    log_in(page, REQUESTER)
    expect(page.get_by_role("heading", name="Mes démarches", exact=True)).to_be_visible()
    expect(page.get_by_text("Ajoutez votre première démarche depuis la liste ci-dessous")).to_be_visible()
    visit("portail-vide")
    page.get_by_role("link", name="Ajouter SOFFi").click()
    expect(page.get_by_role("heading", name=re.compile("Ajouter une démarche"))).to_be_visible()
    expect(page.get_by_text("Gestionnaire : Sam GERANTE")).to_be_visible()
    visit("ajouter-soffi")
    choose_role(page, "Organisme Collecteur")
    page.get_by_role("button", name="DEMANDER L'ACCÈS").click()
    expect(page.get_by_text("En attente de validation")).to_be_visible()
    visit("demande-envoyee")
    log_out(page)


def open_the_users_screen_from_the_e_mail(page: Page, live_server: LiveServer, visit: Callable[[str], None]) -> None:
    [mail] = live_server.inbox(MANAGER)
    assert mail.subject == "Demande d'accès à SOFFi"
    assert "Lou DEMANDEUR vous demande l'accès à la démarche 'SOFFi'" in mail.text
    page.goto(link_in(mail.text.split("connectez-vous à l'application :")[1]))
    log_in(page, MANAGER)
    expect(page.get_by_role("heading", name="Utilisateurs du service - SOFFi")).to_be_visible()
    page.get_by_role("link", name="Mes démarches").first.click()
    page.get_by_role("link", name="En attente 1 personne").click()
    expect(page.get_by_text("1 Droit d'accès trouvé")).to_be_visible()
    visit("utilisateurs-en-attente")
    page.get_by_role("link", name="DEMANDEUR Lou").click()
    expect(page.get_by_role("heading", name="Demandes en cours")).to_be_visible()
    visit("demande-a-decider")


def test_ask_a_gestionnaire_for_soffi_then_open_it_with_the_role(
    page: Page,
    live_server: LiveServer,
    services: Services,  # noqa: F811  (the fixture imported above)
    visit: Callable[[str], None],
) -> None:
    soffi = portal_services(services)["soffi"]
    habilitate(db.session, person(db.session, MANAGER, FORMALOIRE_ANJOU, "GERANTE", "Sam"), soffi, "gestionnaire")
    person(db.session, REQUESTER, FORMALOIRE_NANTES, "DEMANDEUR", "Lou")

    ask_for_soffi(page, live_server, visit)
    open_the_users_screen_from_the_e_mail(page, live_server, visit)
    page.get_by_role("button", name="Valider la demande de Lou DEMANDEUR").click()
    expect(page.get_by_text("Organisme Collecteur - SIRET " + FORMALOIRE_NANTES, exact=True)).to_be_visible()
    visit("demande-validee")
    log_out(page)

    [mail] = live_server.inbox(REQUESTER)
    assert mail.subject == "Votre demande d'accès à SOFFi a été acceptée"
    page.goto(link_in(mail.text.split("connectez-vous au portail :")[1]))
    log_in(page, REQUESTER)
    expect(page.get_by_text("En attente de validation")).to_have_count(0)
    page.get_by_role("link", name="SOFFi", exact=True).click()
    page.get_by_role("link", name="Se connecter avec Mes démarches").click()
    expect(page.get_by_role("heading", name="Bonjour Lou DEMANDEUR")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("cell", name="Organisme Collecteur", exact=True)).to_be_visible()
    visit("soffi-avec-le-role")


def test_a_refused_request_shows_its_reason_and_can_be_sent_again(
    page: Page,
    live_server: LiveServer,
    services: Services,  # noqa: F811  (the fixture imported above)
    visit: Callable[[str], None],
) -> None:
    soffi = portal_services(services)["soffi"]
    habilitate(db.session, person(db.session, MANAGER, FORMALOIRE_ANJOU, "GERANTE", "Sam"), soffi, "gestionnaire")
    person(db.session, REQUESTER, FORMALOIRE_NANTES, "DEMANDEUR", "Lou")

    ask_for_soffi(page, live_server, visit)
    open_the_users_screen_from_the_e_mail(page, live_server, visit)
    page.get_by_role("button", name="Refuser la demande de Lou DEMANDEUR").click()
    expect(page.get_by_text("Ce champ est obligatoire.")).to_be_visible()  # a refusal needs its reason
    visit("refus-sans-motif")
    page.get_by_label(re.compile("^Motif du refus")).fill("Demandez plutôt le rôle Consultation.")
    page.get_by_role("button", name="Refuser la demande de Lou DEMANDEUR").click()
    expect(page.get_by_role("heading", name="Demandes en cours")).to_have_count(0)
    log_out(page)

    [mail] = live_server.inbox(REQUESTER)
    assert mail.subject == "Votre demande d'accès à SOFFi a été refusée"
    assert "Motif du refus : Demandez plutôt le rôle Consultation." in mail.text
    page.goto(live_server.url + "/")
    log_in(page, REQUESTER)
    expect(page.get_by_text("Demande refusée")).to_be_visible()
    expect(page.get_by_text("Demandez plutôt le rôle Consultation.")).to_be_visible()
    visit("demande-refusee")
    page.get_by_role("link", name="Corriger et renvoyer ma demande d'accès à SOFFi").click()
    choose_role(page, "Consultation")
    page.get_by_role("button", name="DEMANDER L'ACCÈS").click()
    expect(page.get_by_text("En attente de validation")).to_be_visible()
    assert len(live_server.inbox(MANAGER)) == 2


def test_an_activation_code_makes_the_first_person_gestionnaire_of_sofi(
    page: Page,
    live_server: LiveServer,
    services: Services,  # noqa: F811  (the fixture imported above)
    visit: Callable[[str], None],
) -> None:
    sofi = portal_services(services)["sofi"]
    code = activation_codes.create_code(db.session, sofi, FORMALOIRE_NANTES, "ligne de commande")
    person(db.session, REQUESTER, FORMALOIRE_NANTES, "DEMANDEUR", "Lou")

    page.goto(live_server.url + "/")
    log_in(page, REQUESTER)
    page.get_by_role("link", name="Ajouter SOFI", exact=True).click()
    expect(page.get_by_text("n'a pas encore de gestionnaire")).to_be_visible()
    open_code_tab(page)
    page.get_by_label(re.compile(r"^SIRET Enregistré")).last.fill(FORMALOIRE_NANTES)
    page.get_by_label(re.compile(r"^Code d'activation")).fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="VALIDER MON ACCÈS").click()
    code_field = page.get_by_label(re.compile(r"^Code d'activation"))
    expect(code_field).to_have_attribute("aria-invalid", "true")
    expect(code_field).to_have_accessible_description(re.compile("Ce code d'activation n'est pas valide pour ce SIRET"))
    visit("code-refuse")
    code_field.fill(code.lower())
    page.get_by_role("button", name="VALIDER MON ACCÈS").click()
    expect(page.get_by_text("Vous êtes maintenant gestionnaire de SOFI")).to_be_visible()
    expect(page.get_by_role("link", name="Gérer les utilisateurs de SOFI")).to_be_visible()
    visit("gestionnaire-sofi")

    page.get_by_role("link", name="SOFI", exact=True).click()
    page.get_by_role("link", name="Se connecter avec Mes démarches").click()
    # SOFI opens on the « Tableau de bord » of the establishment, and its gestionnaire edits the annuaire.
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    expect(page.get_by_text(f"({FORMALOIRE_NANTES})")).to_be_visible()
    page.get_by_role("link", name="Annuaire", exact=True).click()
    expect(page.get_by_role("button", name="Enregistrer").first).to_be_visible()
    visit("sofi-gestionnaire")
