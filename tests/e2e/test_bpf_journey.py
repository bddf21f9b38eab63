"""Issue 16's « done when », in a real browser: the déclarant of FORMA'LOIRE deposits its déclaration d'activité;
the control agent of the Pays de la Loire registers it in its own browser; the déclarant fills the 2025 BPF of the
examples step by step, sees the rule a wrong total breaks, transmits, downloads the receipt, rectifies; the agent
sees both versions and their receipts. axe-core on every page, a screenshot of each to look at."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from idp.extensions import db
from tests.e2e.conftest import AXE_PATH, AXE_SCRIPT, SCREENSHOTS, LiveServer, axe_check, watched_page
from tests.e2e.conftest_sso import Services, services  # noqa: F401  (the fixture)
from tests.idp.factories import PASSWORD, make_account
from tests.integration.sso import grant
from tests.rp_bpf.factories import VALID
from tests.rp_bpf.pdfs import render_page

pytestmark = pytest.mark.e2e

FORMALOIRE = "99791566500019"
DREETS = "99300001700018"
STEPS = ("produits", "charges", "formateurs", "stagiaires", "sous-traitance")
FRAMES = {"produits": ("c",), "charges": ("d",), "formateurs": ("e",), "stagiaires": ("f1", "f3")}


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/")
    page.get_by_role("link", name="Se connecter avec Mes démarches").click()
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def values_of(step: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for frame in FRAMES.get(step, ()):
        values |= VALID[frame]
    if step == "stagiaires":
        values |= {"f2": VALID["f2"], "f4_autres": VALID["f4_autres"]}
        for row, speciality in enumerate(VALID["f4"], start=1):
            values |= {f"nsf{row}_code": speciality["code_nsf"], f"nsf{row}_libelle": speciality["libelle"]}
            values |= {f"nsf{row}": [speciality["stagiaires"], speciality["heures"]]}
    if step == "sous-traitance":
        values["g"] = VALID["g"]
    return values


def type_step(page: Page, values: dict[str, Any]) -> None:
    for code, value in values.items():
        if isinstance(value, list):
            page.locator(f"#{code}_nombre").fill(f"{value[0]:,}".replace(",", " "))  # as French people type
            page.locator(f"#{code}_heures").fill(str(value[1]))
        else:
            page.locator(f"#{code}").fill(str(value))


def test_a_bpf_from_the_declaration_to_its_rectification_seen_by_the_control_service(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    services: Services,  # noqa: F811  (the fixture imported above)
    visit: Callable[[str], None],
) -> None:
    declarant = make_account(db.session, email="alix@formaloire.example", prenom="Alix", nom="DUPONT", siret=FORMALOIRE)
    grant(declarant, "bpf", "gestionnaire", "Gestionnaire", FORMALOIRE)
    agent = make_account(db.session, email="paul@dreets.example", prenom="Paul", nom="CONTROLEUR", siret=DREETS)
    grant(agent, "bpf", "controle_srf", "Service régional de contrôle", DREETS, region="52")

    # The déclarant deposits the déclaration d'activité.
    sign_in(page, services.bpf, "alix@formaloire.example")
    expect(page.get_by_role("heading", name="Mon activité formation", level=1)).to_be_visible()
    visit("accueil-sans-declaration")
    page.get_by_role("link", name="Déposer une déclaration d'activité").click()
    page.get_by_label(re.compile("^Dénomination")).fill("FORMA'LOIRE CONSEIL")
    page.get_by_label(re.compile("^Forme juridique")).fill("SAS")
    page.get_by_label(re.compile("^Code NAF")).fill("85.59A")
    page.get_by_label(re.compile("^Adresse \\*")).fill("14 RUE DE LA FORMATION CONTINUE")
    page.get_by_label(re.compile("^Code postal")).fill("4400")  # one digit short
    page.get_by_label(re.compile("^Commune")).fill("NANTES")
    page.get_by_text("Oui", exact=True).click()
    page.get_by_label(re.compile("^Téléphone")).fill("02 00 00 00 00")
    page.get_by_label(re.compile("^Adresse électronique")).fill("contact@formaloire.example")
    page.get_by_label(re.compile("^Nom et prénom du dirigeant")).fill("DUPONT-DEMO Alix")
    page.get_by_label(re.compile("^Qualité du dirigeant")).fill("Président")
    page.get_by_role("button", name="Déposer la déclaration").click()
    expect(page.locator("#code_postal-messages")).to_contain_text("Saisissez un code postal français à cinq chiffres.")
    visit("declaration-erreur")
    page.get_by_label(re.compile("^Code postal")).fill("44000")
    page.get_by_role("button", name="Déposer la déclaration").click()
    expect(page.locator("#declaration")).to_contain_text("Déposée")

    # The agent of the région registers it, in a browser of its own.
    with watched_page(browser, live_server, "the agent's") as agent_page:
        agent_page.context.route(services.bpf + AXE_PATH, lambda route: route.fulfill(path=AXE_SCRIPT))
        sign_in(agent_page, services.bpf, "paul@dreets.example")
        expect(agent_page.get_by_role("heading", name=re.compile("^Tableau de bord"))).to_be_visible()
        axe_check(agent_page)
        agent_page.get_by_role("link", name="Déclarations à enregistrer").click()
        agent_page.get_by_role("link", name="FORMA'LOIRE CONSEIL").click()
        agent_page.get_by_role("button", name="Enregistrer la déclaration").click()
        expect(agent_page.get_by_role("alert").or_(agent_page.get_by_role("status"))).to_contain_text("52440000001")
        axe_check(agent_page)

        # The déclarant fills the BPF 2025.
        page.goto(services.bpf + "/")
        expect(page.locator("#organisme")).to_contain_text("52440000001")
        visit("accueil-enregistree")
        page.get_by_role("button", name="Saisir le bilan 2025").click()
        expect(page.get_by_role("heading", name=re.compile("A-B Identification"))).to_be_visible()
        visit("etape-identification")
        page.get_by_role("button", name="Étape suivante").click()
        for step in STEPS:
            values = values_of(step)
            if step == "stagiaires":
                values["f3d"] = [72, 1780]  # ten trainees short: F-3 no longer equals F-1
            type_step(page, values)
            page.get_by_role("button", name="Étape suivante").click()
            if step == "stagiaires":
                page.get_by_role("link", name="F Stagiaires").click()
                expect(page.locator("#total-f1_total")).to_contain_text(
                    "Les totaux des cadres F-1, F-3 et F-4 doivent être identiques (stagiaires et heures)."
                )
                visit("etape-stagiaires-totaux-differents")
                page.locator("#f3d_nombre").fill("82")
                page.get_by_role("button", name="Étape suivante").click()
        visit("etape-dirigeant")
        page.get_by_role("button", name="Vérifier").click()
        expect(page.locator("#controles")).to_contain_text("Aucune erreur ni alerte")
        expect(page.locator("#resume")).to_contain_text("155 500 €")
        page.get_by_label(re.compile("^Qualité du signataire")).fill("Président")
        page.get_by_text("Je certifie l'exactitude des informations").click()
        visit("verification")
        page.get_by_role("button", name="Transmettre").click()
        expect(page.get_by_role("status")).to_contain_text("BPF-2025-52440000001-1")
        visit("transmis")

        # The receipt: a PDF, rendered to look at.
        with page.expect_download() as download:
            page.get_by_role("link", name="Accusé de réception (PDF)").click()
        receipt = download.value.path().read_bytes()
        assert receipt.startswith(b"%PDF")
        render_page(receipt, SCREENSHOTS, "bpf-journey-receipt")

        # « Rectifier »: a new version, c1 changed, transmitted again.
        page.goto(services.bpf + "/")
        page.get_by_role("button", name="Rectifier le bilan 2025").click()
        page.get_by_role("link", name="C Produits").click()
        page.locator("#c1").fill("90000")
        page.get_by_role("button", name="Vérifier").click()  # saves the step, then the last step
        expect(page.locator("#resume")).to_contain_text("161 500 €")
        page.get_by_label(re.compile("^Qualité du signataire")).fill("Président")
        page.get_by_text("Je certifie l'exactitude des informations").click()
        page.get_by_role("button", name="Transmettre").click()
        expect(page.get_by_role("status")).to_contain_text("BPF-2025-52440000001-2")
        expect(page.locator("#versions")).to_contain_text("Rectifié")
        visit("rectifie")

        # The agent sees both versions and their receipts.
        agent_page.goto(services.bpf + "/controle/organismes?exercice=2025&etat=rectificatif")
        agent_page.get_by_role("link", name=re.compile("^Transmis le")).click()
        versions = agent_page.locator("#versions")
        expect(versions).to_contain_text("BPF-2025-52440000001-1")
        expect(versions).to_contain_text("BPF-2025-52440000001-2")
        axe_check(agent_page)
        agent_page.screenshot(path=SCREENSHOTS / "bpf_journey-agent-versions.png", full_page=True)
