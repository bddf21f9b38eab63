"""Seed guide 003 « J'active mon compte », steps 2 to 7, in a real browser: from « J'ai reçu une clé d'activation »
a person creates the account, activates it from the e-mail, logs in, lands on the code tab of SOFI, types the SIRET
and the key received by post, and becomes its gestionnaire. Every page passes axe-core."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from idp.extensions import db
from idp.services import activation_codes
from tests.e2e.conftest import LiveServer
from tests.idp.factories import PASSWORD, SIRET
from tests.idp.portal_data import services

pytestmark = pytest.mark.e2e

EMAIL = "maud.directrice@formaloire.example"


def sign_up(page: Page) -> None:
    search = page.get_by_role("searchbox", name=re.compile("Raison sociale ou Siret"))
    search.fill(SIRET)
    search.press("Enter")
    page.get_by_role("button", name=re.compile(f"SIRET {SIRET}$")).click()
    page.get_by_label(re.compile(r"^Email")).fill(EMAIL)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Confirmez votre mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^Suivant|^Continuer|^Étape suivante")).click()
    page.get_by_text("Madame", exact=True).click()  # the DSFR radio is drawn by its label
    page.get_by_label(re.compile(r"^Nom")).fill("Directrice")
    page.get_by_label(re.compile(r"^Prénom")).fill("Maud")
    page.get_by_label("Je ne suis pas un robot").click()  # the proof of work runs, then the box is ticked
    expect(page.get_by_text("Vérifié : vous n'êtes pas une machine")).to_be_visible()
    page.get_by_role("button", name="Créer mon compte").click()


def test_sign_up_from_the_activation_key_page_then_type_the_key(
    page: Page, live_server: LiveServer, visit: Callable[[str], None]
) -> None:
    key = activation_codes.create_code(db.session, services(db.session)["sofi"], SIRET, "ligne de commande")

    page.goto("/services/sofi/cle-activation")
    expect(page).to_have_title(re.compile("^J'ai reçu une clé d'activation - SOFI"))
    expect(page.get_by_role("heading", name="J'ai reçu une clé d'activation - SOFI")).to_be_visible()
    expect(page.get_by_role("link", name="J'ai déjà un compte : me connecter")).to_be_visible()
    visit("cle-activation")
    page.get_by_role("main").get_by_role("link", name="Créer mon compte").click()

    sign_up(page)
    expect(page.get_by_role("heading", name="Vérifiez votre boîte mail")).to_be_visible()
    [mail] = live_server.inbox(EMAIL)
    page.goto(mail.link("/activation/"))
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_role("heading", name="Votre compte est activé")).to_be_visible()
    page.get_by_role("link", name="Accéder au portail").click()
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(EMAIL)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", name="Ajouter une démarche - SOFI")).to_be_visible()
    expect(page.get_by_role("tab", name="SAISIR LE CODE D'ACTIVATION")).to_have_attribute("aria-selected", "true")
    visit("onglet-code")
    page.get_by_label(re.compile(r"^SIRET Enregistré")).last.fill(SIRET)
    page.get_by_label(re.compile(r"^Code d'activation")).fill(key)
    page.get_by_role("button", name="VALIDER MON ACCÈS").click()
    expect(page.get_by_text(f"Vous êtes maintenant gestionnaire de SOFI pour le SIRET {SIRET}")).to_be_visible()
    visit("gestionnaire-sofi")
