"""Guide 002 as a new user lives it: a training school of La Roche-sur-Yon logs in to SOFI through Mes démarches,
completes its annuaire, creates a CAP boucher (Certifinfo 31999) through the whole tunnel Formation → Action →
Session → Dispositif and sends it with « Valider »; a validator of the Carif-Oref logs in, validates it; the
session is then active on the dashboard, in the public catalogue and in the Lhéo export. Every page passes
axe-core."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from idp.extensions import db
from shared.clock import in_paris, utcnow
from tests.e2e.conftest_sso import Services, services  # noqa: F401  (the fixture)
from tests.idp.factories import PASSWORD, make_account
from tests.integration.sso import grant

pytestmark = pytest.mark.e2e

SCHOOL = "99966088900018"  # INSTITUT DEMO DES METIERS DE LA VIANDE, La Roche-sur-Yon
CARIF = "99654944000013"  # CARIF-OREF DEMO PAYS DE LA LOIRE
TRAINER = "bastien.formateur@idmv-demo.example"
VALIDATOR = "lea.valideuse@carif-demo.example"


def accounts() -> None:
    trainer = make_account(db.session, email=TRAINER, prenom="Bastien", nom="DEMOVIANDE", siret=SCHOOL)
    grant(trainer, "sofi", "gestionnaire", "Gestionnaire de l'autosaisie", SCHOOL)
    validator = make_account(db.session, email=VALIDATOR, prenom="Léa", nom="DEMOCARIF", siret=CARIF)
    grant(validator, "sofi", "valideur_carif", "Valideur Carif-Oref", CARIF, granted_via="par un agent")


def log_in(page: Page, sofi: str, email: str) -> None:
    page.goto(sofi + "/")
    page.get_by_role("link", name="Se connecter avec Mes démarches").click()
    expect(page.get_by_role("heading", name="Connectez-vous")).to_be_visible()
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()


def count(page: Page, row: str) -> Locator:
    return page.get_by_role("row", name=re.compile("^" + re.escape(row))).locator(".dashboard-count")


def tick(page: Page, label: str) -> None:
    # The DSFR draws its own radios and checkboxes over the inputs: the label is what a person clicks.
    page.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(label)}")).first.click()


def complete_annuaire(page: Page, sofi: str, visit: Callable[[str], None]) -> None:
    page.get_by_role("link", name="Annuaire", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Annuaire"), level=1)).to_be_visible()
    visit("annuaire")
    page.get_by_label(re.compile("^N° de déclaration d'activité")).fill("52850123485")
    page.get_by_label(re.compile("^Domaine formation")).fill("14201")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_text("L'enregistrement a bien été effectué")).to_be_visible()


def create_cap_boucher(page: Page, visit: Callable[[str], None]) -> None:
    start, end = (in_paris(utcnow()).date() + timedelta(days=days) for days in (30, 240))
    page.get_by_role("link", name="Formations", exact=True).click()
    page.get_by_role("link", name="Créer").first.click()
    visit("creer")
    page.get_by_role("textbox", name=re.compile("^Code Certifinfo")).fill("31999")
    page.get_by_role("button", name="Continuer : fiche Formation").click()
    expect(page.get_by_text("CAP boucher").first).to_be_visible()
    visit("fiche-formation")
    page.get_by_role("link", name=re.compile("Continuer : fiche Action")).first.click()

    expect(page.get_by_role("heading", name="Fiche Action", level=1)).to_be_visible()
    page.get_by_label(re.compile("^Site dispensateur")).select_option(index=1)
    page.get_by_label(re.compile("^Complément intitulé")).fill("en alternance")
    page.get_by_label(re.compile("^Niveau d'entrée")).select_option(index=1)
    page.get_by_label(re.compile("^Type de parcours")).select_option(index=1)
    page.locator("#modalites_pedagogiques label").first.click()
    tick(page, "entrées/sorties permanentes")
    page.get_by_label(re.compile("^Durée en centre")).fill("800")
    page.get_by_label(re.compile("^Durée en entreprise")).fill("400")
    page.get_by_label(re.compile("^Durée Hebdo")).fill("35")
    visit("fiche-action")
    page.get_by_role("button", name="Enregistrer et passer à la fiche Session").click()

    expect(page.get_by_role("heading", name="Fiche Session", level=1)).to_be_visible()
    page.get_by_label(re.compile("^Site lieu")).select_option(index=1)
    page.get_by_label(re.compile("^Date début")).fill(start.isoformat())
    page.get_by_label(re.compile("^Date fin")).fill(end.isoformat())
    page.locator("#modalites_enseignement label").first.click()
    page.get_by_label(re.compile("^Capacité d'accueil")).fill("12")
    page.get_by_label(re.compile("^Places disponibles")).fill("10")
    visit("fiche-session")
    page.get_by_role("button", name="Enregistrer et passer à la fiche Dispositif").click()

    expect(page.get_by_role("heading", name="Fiche Session Dispositif", level=1)).to_be_visible()
    page.get_by_label(re.compile("^Dispositif")).select_option(
        label="Formation avec financement privé (Opca, Opacif, entreprise, individuel)"
    )
    page.get_by_label(re.compile("^Nb places")).fill("10")
    page.get_by_label(re.compile("^Coût stagiaire")).fill("4 500,00")
    page.locator("#prise_en_charge_frais_peda label").first.click()
    page.locator("#etat label").first.click()
    visit("fiche-dispositif")
    page.get_by_role("button", name="Enregistrer et voir le récapitulatif").click()

    expect(page.get_by_role("heading", name="Récapitulatif F-A")).to_be_visible()
    expect(page.get_by_text("31999").first).to_be_visible()
    visit("recapitulatif")
    page.get_by_role("button", name="Valider", exact=True).click()
    expect(page.get_by_text("Votre saisie a été transmise au Carif-Oref pour validation.")).to_be_visible()


def test_a_cap_boucher_entered_validated_and_published(
    page: Page,
    services: Services,  # noqa: F811  (the fixture imported above)
    visit: Callable[[str], None],
) -> None:
    accounts()
    log_in(page, services.sofi, TRAINER)
    visit("tableau-de-bord")
    complete_annuaire(page, services.sofi, visit)
    create_cap_boucher(page, visit)

    page.get_by_role("link", name="Tableau de bord", exact=True).click()
    expect(count(page, "Actions de formation en attente de validation par CARIF-OREF")).to_have_text("1")
    expect(count(page, "Sessions de formation actives")).to_have_text("0")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter avec Mes démarches")).to_be_visible()

    log_in(page, services.sofi, VALIDATOR)
    page.get_by_role("link", name="File de validation").click()
    visit("file-de-validation")
    page.get_by_role("link", name=re.compile(r"^Action \d+$")).first.click()
    expect(page.get_by_role("heading", name=re.compile("CAP boucher"), level=1)).to_be_visible()
    visit("validation-action")
    page.get_by_role("button", name="Valider la saisie").click()
    expect(page.get_by_text("La saisie est validée")).to_be_visible()

    page.get_by_role("link", name="Tableau de bord", exact=True).click()
    expect(count(page, "Sessions de formation actives")).to_have_text("1")
    expect(count(page, "Actions de formation en attente de validation par CARIF-OREF")).to_have_text("0")
    visit("tableau-de-bord-carif")

    export = page.request.get(services.sofi + "/export/lheo.xml")
    assert export.ok
    xml = export.text()
    assert "<code-CERTIFINFO>31999</code-CERTIFINFO>" in xml and f"<SIRET>{SCHOOL}</SIRET>" in xml

    page.goto(services.sofi + "/catalogue")
    visit("catalogue")
    expect(page.get_by_role("cell", name=re.compile("CAP boucher"))).to_be_visible()
