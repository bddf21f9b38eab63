"""Single sign-on: log in once at Mes démarches through SOFFi, then open SOFI and Mon Activité Formation
without typing the password again; log out from one, and the Mes démarches session is over.
Every page of the services passes axe-core."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Request, expect

from idp.extensions import db
from tests.e2e.conftest_sso import Services, services  # noqa: F401  (the fixture)
from tests.idp.factories import PASSWORD, SIRET, make_account
from tests.integration.sso import grant

pytestmark = pytest.mark.e2e

EMAIL = "claire.testeuse@exemple.fr"
ACCOUNTANT_SIRET = "99643906300016"


def give_habilitations() -> None:
    account = make_account(db.session, email=EMAIL)
    grant(account, "soffi", "consultation", "Consultation", SIRET)
    grant(account, "sofi", "gestionnaire", "Gestionnaire de l'autosaisie", SIRET)
    grant(
        account,
        "bpf",
        "declarant",
        "Déclarant",
        ACCOUNTANT_SIRET,
        granted_via="par délégation",
        on_behalf_of_siret=SIRET,
        delegated_by="Camille DEMOLOIRE",
    )


def open_service(page: Page, url: str, name: str) -> None:
    page.goto(url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    page.get_by_role("link", name="Se connecter avec Mes démarches").click()


def expect_signed_in(page: Page, url: str, role: str) -> None:
    expect(page.get_by_role("heading", name="Bonjour Claire TESTEUSE")).to_be_visible()
    assert page.url == url + "/"
    expect(page.get_by_text(EMAIL)).to_be_visible()
    expect(page.get_by_role("table").get_by_role("cell", name=role, exact=True)).to_be_visible()


def test_log_in_once_and_open_the_three_services(
    page: Page,
    services: Services,  # noqa: F811  (the fixture imported above)
    visit: Callable[[str], None],
) -> None:
    give_habilitations()
    login_url = services.idp + "/connexion"
    logins: list[str] = []  # the IdP's login form, each time it is sent

    def on_request(request: Request) -> None:
        if request.method == "POST" and request.is_navigation_request() and request.url.startswith(login_url):
            logins.append(request.url)

    page.on("request", on_request)

    open_service(page, services.soffi, "SOFFi")
    expect(page.get_by_role("heading", name="Connectez-vous")).to_be_visible()
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(EMAIL)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect_signed_in(page, services.soffi, "Consultation")
    visit("soffi")
    assert len(logins) == 1

    open_service(page, services.sofi, "SOFI")
    # SOFI's home, once signed in, is its « Tableau de bord » for the establishment of the habilitation.
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    assert page.url == services.sofi + "/"
    expect(page.get_by_text(f"FORMA'LOIRE CONSEIL ({SIRET})")).to_be_visible()
    visit("sofi")

    page.goto(services.bpf + "/")
    visit("bpf-accueil")
    page.get_by_role("link", name="Se connecter avec Mes démarches").click()
    # Mon Activité Formation's home, once signed in, is « Mon activité formation » for the organisation acted for.
    expect(page.get_by_role("heading", name="Mon activité formation", level=1)).to_be_visible()
    assert page.url == services.bpf + "/"
    acting = page.locator("#etablissement-courant")
    expect(acting).to_contain_text(f"Vous agissez pour le compte de FORMA'LOIRE CONSEIL (SIRET {SIRET})")
    visit("bpf")
    assert len(logins) == 1, "single sign-on: the password is typed once"

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté de Mon Activité Formation et de Mes démarches.")).to_be_visible()
    assert page.url == services.bpf + "/"
    expect(page.get_by_role("link", name="Se connecter avec Mes démarches")).to_be_visible()
    visit("bpf-deconnecte")

    # The Mes démarches session is over: the IdP asks for the password again, from any service.
    page.goto(services.idp + "/")
    expect(page.get_by_role("heading", name="Connectez-vous")).to_be_visible()
    page.goto(services.sofi + "/connexion")
    expect(page.get_by_role("heading", name="Connectez-vous")).to_be_visible()
    assert page.url.startswith(services.idp + "/oidc/authorize")
