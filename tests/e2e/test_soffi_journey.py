"""SOFFi's statement, as issue 17 « Done when » tells it, in a real browser over loopback HTTP: the collector logs in
through Mes démarches, fills the statement section by section and deposits it with the certified accounts; an
agent takes it, comments one line and sends it back; the collector reads the comment next to the line, corrects
and deposits again; the agent validates and opens the dashboard with its chart. Every page passes axe-core."""

import re
import tempfile
from collections.abc import Callable, Iterator

import pytest
from flask import Flask, got_request_exception
from playwright.sync_api import Browser, Page, expect

import rp_soffi
from idp.extensions import db
from rp_soffi.statement.catalogue import BodyType, lines_for
from tests.e2e.conftest import AXE_PATH, AXE_SCRIPT, LiveServer, axe_check, watched_page
from tests.idp.factories import PASSWORD, make_account
from tests.integration.sso import grant, serve_relying_party
from tests.rp_soffi.factories import OPCO_SIRET, PDF, load, make_body, make_campaign

pytestmark = pytest.mark.e2e

COLLECTOR = "claire.collecte@opco-demo.example"
AGENT = "agnes.agent@dgefp-demo.example"
AGENT_SIRET = "99654944000013"  # any establishment of the demo directory: an agent's habilitation sees every body
DEMO = load()


@pytest.fixture
def soffi(live_server: LiveServer, page: Page) -> Iterator[str]:
    """SOFFi served beside the IdP, its register holding the OPCO and the campaign 2024 open."""
    errors: list[BaseException] = []

    def seed(app: Flask) -> None:
        from rp_soffi.extensions import db as soffi_db

        with app.app_context():
            make_body(soffi_db.session)
            make_campaign(soffi_db.session)
            soffi_db.session.remove()

    folder = tempfile.mkdtemp(prefix="mesdemarches-soffi-attachments-")
    config = {"SOFFI_ATTACHMENTS_FOLDER": folder}
    with serve_relying_party(rp_soffi.create_app, "soffi", live_server.url, setup=seed, config=config) as (app, url):
        got_request_exception.connect(lambda sender, exception, **extra: errors.append(exception), app, weak=False)
        page.context.route(url + AXE_PATH, lambda route: route.fulfill(path=AXE_SCRIPT))
        yield url
    assert not errors, f"SOFFi raised while serving the browser: {errors!r}"


def log_in(page: Page, soffi: str, email: str) -> None:
    page.goto(soffi + "/")
    page.get_by_role("link", name="Se connecter avec Mes démarches").click()
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.get_by_role("link", name="ACCÉDEZ À SOFFI").click()


def fill_statement(page: Page) -> None:
    page.get_by_label("R1 — montant en euros").fill("9 500 000,00")  # by its label, as a person finds it
    for line in lines_for(BodyType.OPCO):
        value = DEMO.value(line.code)
        if line.kind.typed and line.has_amount and line.code != "R1":
            euros, cents = divmod(value.amount_cents or 0, 100)
            page.locator(f"#montant-{line.code}").fill(f"{euros},{cents:02d}")
        if line.kind.typed and line.has_count:
            page.locator(f"#nombre-{line.code}").fill(str(value.count or 0))


def deposit(page: Page) -> None:
    # The DSFR draws its checkboxes over the inputs: the label is what a person clicks.
    page.locator("label[for=certified]").click()
    page.locator("label[for=alerts]").click()
    expect(page.get_by_label("J'ai pris connaissance des alertes")).to_be_checked()
    page.get_by_role("button", name="Déposer l'état").click()
    expect(page.locator("#statut")).to_contain_text("Déposé")


def test_a_statement_filed_sent_back_corrected_and_validated(
    page: Page, browser: Browser, live_server: LiveServer, soffi: str, visit: Callable[[str], None]
) -> None:
    grant(make_account(db.session, email=COLLECTOR, siret=OPCO_SIRET), "soffi", "organisme_collecteur",
          "Organisme Collecteur", OPCO_SIRET)  # fmt: skip
    grant(make_account(db.session, email=AGENT, siret=AGENT_SIRET), "soffi", "agent_dgefp", "Agent du ministère",
          AGENT_SIRET, granted_via="par un agent")  # fmt: skip

    log_in(page, soffi, COLLECTOR)
    expect(page.get_by_role("heading", name="Mes campagnes")).to_be_visible()
    visit("mes-campagnes")
    page.get_by_role("button", name="Saisir l'état").click()
    fill_statement(page)
    page.get_by_role("button", name="Vérifier").click()
    visit("etat-verifie")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("L'état a été enregistré.")).to_be_visible()
    page.get_by_label("Type de pièce jointe").select_option("COMPTES_CERTIFIES")
    page.get_by_label(re.compile(r"^Fichier \(PDF")).set_input_files(
        {"name": "comptes-2024.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_role("link", name="comptes-2024.pdf")).to_be_visible()
    deposit(page)
    visit("etat-depose")

    with watched_page(browser, live_server, "the agent's") as agent:
        agent.context.route(soffi + AXE_PATH, lambda route: route.fulfill(path=AXE_SCRIPT))
        log_in(agent, soffi, AGENT)
        expect(agent.get_by_role("heading", name="États des organismes collecteurs")).to_be_visible()
        axe_check(agent)
        agent.get_by_role("link", name="ORGANISME 999722812").click()
        agent.get_by_role("button", name="Prendre en instruction").click()
        agent.get_by_label("Ligne commentée").select_option("E8")
        agent.get_by_label("Commentaire pour l'organisme").fill("Justifiez les frais de gestion.")
        agent.get_by_role("button", name="Enregistrer le commentaire").click()
        agent.get_by_label("Ce que l'organisme doit corriger").fill("Merci de justifier la ligne E8.")
        agent.get_by_role("button", name="Renvoyer pour correction").click()
        expect(agent.locator("#statut")).to_contain_text("À corriger")
        axe_check(agent)

        page.reload()
        expect(page.locator("#ligne-E8-messages")).to_contain_text("Justifiez les frais de gestion.")
        visit("etat-a-corriger")
        page.get_by_label("E8 — commentaire").fill("Frais de mission exceptionnels (fusion de deux branches).")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        deposit(page)

        agent.reload()
        agent.get_by_role("button", name="Prendre en instruction").click()
        agent.get_by_role("button", name="Valider").click()
        expect(agent.locator("#statut")).to_contain_text("Validé")
        agent.get_by_role("link", name="Tableau de bord").click()
        expect(agent.locator("figure svg[role=img]")).to_be_visible()
        expect(agent.locator("#totaux")).to_contain_text("Opérateur de compétences")
        axe_check(agent)
        agent.screenshot(path=tempfile.gettempdir() + "/e2e-shots/soffi-tableau-de-bord.png", full_page=True)
        agent.get_by_role("link", name="Campagnes", exact=True).click()
        expect(agent.get_by_label("Date limite de dépôt (JJ/MM/AAAA)")).to_have_value("30/06/2025")
        axe_check(agent)

    page.reload()
    expect(page.locator("#statut")).to_contain_text("Validé")
    expect(page.locator("#montant-R1")).to_have_count(0)  # read-only for everyone now
    visit("etat-valide")
    page.get_by_role("link", name="Voir l'historique complet et les versions déposées").click()
    expect(page.locator("#versions tbody tr")).to_have_count(2)
    visit("historique")
