"""Issue 15's « done when », at the service, in a real browser: the accountant opens Mon Activité Formation and
reads for whom they act and until when, switches to their second client without logging in again; the
gestionnaire revokes the first delegation, and the accountant's open session at the service ends at once (its
next page asks to sign in); signed in again, the revoked client is gone."""

import re
from collections.abc import Callable
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect

from idp.extensions import db
from idp.services import backchannel_logout, habilitations
from tests.e2e.conftest_sso import Services, services  # noqa: F401  (the fixture)
from tests.idp.factories import PASSWORD, make_account
from tests.integration.sso import grant

pytestmark = pytest.mark.e2e

EMAIL = "expert@cabinet.example"
OWN_SIRET = "99972281200016"  # the accountant's firm, OPCO DEMO
FORMALOIRE = "99791566500019"  # FORMA'LOIRE CONSEIL, the first client (demo directory)
SECOND = "99643906300016"  # the second client (demo directory)
END = datetime(2030, 6, 30, 21, 59, 59)  # the end of 30 June 2030 in Paris, stored in UTC


def test_the_accountant_acts_switches_and_loses_a_revoked_client_at_once(
    page: Page,
    services: Services,  # noqa: F811  (the fixture imported above)
    visit: Callable[[str], None],
) -> None:
    manager = make_account(db.session, email="amandine@formaloire.example", prenom="Amandine", nom="MUNOZ",
                           siret=FORMALOIRE)  # fmt: skip
    accountant = make_account(db.session, email=EMAIL, siret=OWN_SIRET, prenom="Dominique", nom="EXPERT")
    delegated = {"granted_via": "par délégation de Amandine MUNOZ", "delegated_by": "Amandine MUNOZ"}
    first = grant(accountant, "bpf", "declarant", "Déclarant", OWN_SIRET, on_behalf_of_siret=FORMALOIRE,
                  expires_at=END, **delegated)  # fmt: skip
    grant(accountant, "bpf", "declarant", "Déclarant", OWN_SIRET, on_behalf_of_siret=SECOND, **delegated)

    page.goto(services.bpf + "/")
    page.get_by_role("link", name="Se connecter avec Mes démarches").click()
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(EMAIL)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    acting = page.locator("#etablissement-courant")
    expect(acting).to_contain_text(
        f"Vous agissez pour le compte de FORMA'LOIRE CONSEIL (SIRET {FORMALOIRE}) jusqu'au 30/06/2030, "
        "par délégation de Amandine MUNOZ."
    )
    visit("agit-pour-formaloire")

    # The second client, without logging in again.
    page.get_by_role("link", name="Changer d'établissement").click()
    page.get_by_text(re.compile(f"^SIRET {SECOND}")).click()
    page.get_by_role("button", name="Choisir cet établissement").click()
    expect(acting).to_contain_text("Vous agissez pour le compte de")
    expect(acting).to_contain_text(f"(SIRET {SECOND})")
    visit("agit-pour-le-second")

    # The gestionnaire revokes FORMA'LOIRE's delegation; the provider's worker tells the service.
    habilitations.revoke_habilitation(db.session, manager, first)
    delivered = backchannel_logout.deliver_due(db.session, services.idp)
    assert delivered.sent == 1

    page.reload()  # the next request at the service: its session is over
    expect(page.get_by_role("link", name="Se connecter avec Mes démarches")).to_be_visible()
    expect(acting).to_have_count(0)
    visit("session-terminee")

    # Signed in again (single sign-on: no password), FORMA'LOIRE is no longer among the clients.
    page.get_by_role("link", name="Se connecter avec Mes démarches").click()
    expect(acting).to_contain_text(f"(SIRET {SECOND})")
    expect(page.get_by_role("link", name="Changer d'établissement")).to_have_count(0)
    assert "FORMA'LOIRE" not in page.locator("main").inner_text()
    page.wait_for_load_state("networkidle")
