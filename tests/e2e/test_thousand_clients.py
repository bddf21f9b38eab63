"""Issue 15: an accountant acting for a thousand client companies, in a real browser. Mon Activité Formation sends
them to Mes démarches, which asks « Pour quelle organisation agissez-vous ? » (searchable, a page at a time); the
service then says for whom they act and until when, lets them choose another without the password, and logs
them out — Chromium keeps the service's session cookie all along (it drops one over 4 KB without a word)."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from idp.extensions import db
from shared.clock import utcnow
from tests.e2e.conftest_sso import Services, services  # noqa: F401  (the fixture)
from tests.idp.factories import PASSWORD, make_account
from tests.integration.sso import client_siret, delegate_clients, role

pytestmark = pytest.mark.e2e

EMAIL = "expert@cabinet.example"
OWN_SIRET = "99972281200016"
GARAGE, GARAGE_SIRET = "GARAGE DES QUATRE ROUTES", "98765432100012"
BROWSER_COOKIE_LIMIT = 4093


def a_thousand_delegations() -> None:
    account = make_account(db.session, email=EMAIL, siret=OWN_SIRET, prenom="Dominique", nom="EXPERT")
    sirets = [client_siret(number) for number in range(999)]
    names = {siret: f"CLIENT {siret[:9]}" for siret in sirets} | {GARAGE_SIRET: GARAGE}
    end = utcnow().replace(year=2030, month=6, day=30, hour=12)
    delegate_clients(account, role("bpf", "declarant", "Déclarant"), OWN_SIRET, names, expires_at=end)


def session_cookie(page: Page, url: str) -> str:
    """The value of Mon Activité Formation's session cookie as Chromium stores it (none if it dropped it)."""
    [cookie] = [cookie for cookie in page.context.cookies(url) if cookie["name"] == "bpf_session"]
    return str(cookie["value"])


def test_an_accountant_with_a_thousand_clients_signs_in_switches_and_logs_out(
    page: Page,
    services: Services,  # noqa: F811  (the fixture imported above)
    visit: Callable[[str], None],
) -> None:
    a_thousand_delegations()
    page.goto(services.bpf + "/")
    page.get_by_role("link", name="Se connecter avec Mes démarches").click()
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(EMAIL)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", name="Pour quelle organisation agissez-vous ?", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1000 organisations, page 1 sur 50.")
    visit("choix-organisation")
    page.get_by_role("searchbox", name=re.compile("^Rechercher une organisation")).fill("quatre routes")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("1 organisation.")
    page.get_by_text(f"{GARAGE} - SIRET {GARAGE_SIRET}").click()  # the DSFR radio is drawn by its label
    page.get_by_role("button", name="Continuer").click()

    acting = page.locator("#etablissement-courant")
    expect(acting).to_contain_text(
        f"Vous agissez pour le compte de {GARAGE} (SIRET {GARAGE_SIRET}) jusqu'au 30/06/2030, "
        "par délégation de Camille DEMOLOIRE."
    )
    assert page.url == services.bpf + "/"
    assert len(session_cookie(page, services.bpf)) <= BROWSER_COOKIE_LIMIT
    visit("service-garage")

    # Another client: the provider's list again, without the password; its second page.
    page.get_by_role("link", name="Choisir une autre organisation (1000)").click()
    expect(page.get_by_role("heading", name="Pour quelle organisation agissez-vous ?", level=1)).to_be_visible()
    expect(page.get_by_label(re.compile(r"^Mot de passe"))).to_have_count(0)
    page.get_by_role("link", name="Page suivante").click()
    expect(page.get_by_role("status")).to_have_text("1000 organisations, page 2 sur 50.")
    second_page_first = f"CLIENT {client_siret(20)[:9]} - SIRET {client_siret(20)}"
    page.get_by_text(second_page_first).click()
    page.get_by_role("button", name="Continuer").click()
    expect(acting).to_contain_text(f"Vous agissez pour le compte de CLIENT {client_siret(20)[:9]}")
    assert len(session_cookie(page, services.bpf)) <= BROWSER_COOKIE_LIMIT

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté de Mon Activité Formation et de Mes démarches.")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter avec Mes démarches")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the favicon too, before the services stop
