"""Seed guide 000, « SANS un compte existant » then « AVEC un compte existant », in a real browser.

Sign-up (establishment, connection details, contact details, the bot check), the activation link of
the e-mail, login, logout, « Mot de passe oublié ? » and the reset link: every page passes axe-core.
"""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import LiveServer
from tests.idp.factories import SIRET

pytestmark = pytest.mark.e2e

EMAIL = "claire.testeuse@exemple.fr"
PASSWORD = "Correct-Horse-Battery-42"
NEW_PASSWORD = "Nouvelle-Phrase-De-Passe-2025"
ESTABLISHMENT = "FORMA'LOIRE"


def password_field(page: Page) -> Locator:
    # The label also holds the hint, and the « Afficher » checkbox is named after the password too.
    return page.get_by_label(re.compile(r"^Mot de passe \*"))


def confirm_field(page: Page) -> Locator:
    return page.get_by_label(re.compile(r"^Confirmez votre mot de passe"))


def type_new_password(page: Page, password: str) -> None:
    """Type the password key by key (the strength indicator listens to input), then its confirmation."""
    password_field(page).press_sequentially(password)
    expect(page.get_by_text("Robustesse du mot de passe : Très fort")).to_be_visible()
    expect(password_field(page)).to_have_accessible_description(re.compile("Très fort"))  # read out too
    page.keyboard.press("Tab")  # past « Afficher »…
    page.keyboard.press("Tab")  # …to the confirmation
    expect(confirm_field(page)).to_be_focused()
    page.keyboard.type(password)


def log_in(page: Page, password: str) -> None:
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(EMAIL)
    page.keyboard.press("Tab")
    expect(password_field(page)).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def test_sign_up_activate_log_in_and_reset_the_password(
    page: Page, live_server: LiveServer, visit: Callable[[str], None]
) -> None:
    page.goto("/connexion")
    expect(page.get_by_role("heading", name="Connectez-vous")).to_be_visible()
    visit("connexion")

    page.get_by_role("main").get_by_role("link", name="Se créer un compte").click()
    expect(page.get_by_role("heading", name="Votre établissement")).to_be_visible()
    visit("inscription-etablissement")

    search = page.get_by_role("searchbox", name=re.compile("Raison sociale ou Siret"))
    search.fill(SIRET)
    search.press("Enter")
    expect(page.get_by_text("1 résultat trouvé")).to_be_visible()
    expect(page.get_by_role("cell", name=SIRET, exact=True)).to_be_visible()
    visit("inscription-recherche-siret")

    search = page.get_by_role("searchbox", name=re.compile("Raison sociale ou Siret"))
    search.fill("Forma'Loire")
    search.press("Enter")
    expect(page.get_by_text("3 résultats trouvés")).to_be_visible()
    visit("inscription-recherche-nom")
    page.get_by_role("button", name=f"Sélectionner {ESTABLISHMENT}, SIRET {SIRET}").click()

    expect(page.get_by_role("heading", name="Vos informations de connexion")).to_be_visible()
    expect(page.get_by_text(f"SIRET {SIRET}")).to_be_visible()
    page.get_by_label(re.compile(r"^Email")).fill(EMAIL)
    page.keyboard.press("Tab")
    expect(password_field(page)).to_be_focused()
    type_new_password(page, PASSWORD)
    visit("inscription-identifiants")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Vos coordonnées")).to_be_visible()
    # The anti-robot widget draws its checkbox once its script ran: a Tab pressed before lands past it.
    expect(page.get_by_label("Je ne suis pas un robot")).to_be_visible()
    # The whole step with the keyboard: one tab stop per field, in the order they are shown.
    madame = page.get_by_label("Madame")
    madame.focus()
    page.keyboard.press("Space")
    expect(madame).to_be_checked()
    for label, value in (("Nom", "Testeuse"), ("Prénom", "Claire"), ("Téléphone", "01 22 33 44 55")):
        page.keyboard.press("Tab")
        expect(page.get_by_label(re.compile(f"^{label}"))).to_be_focused()
        page.keyboard.type(value)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Je ne suis pas un robot")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_text("Vérifié : vous n'êtes pas une machine")).to_be_visible()
    visit("inscription-coordonnees")
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page.get_by_role("heading", name="Vérifiez votre boîte mail")).to_be_visible()
    expect(page.get_by_text(EMAIL)).to_be_visible()
    visit("inscription-verifiez-votre-boite-mail")

    [activation_mail] = live_server.inbox(EMAIL)
    assert activation_mail.subject.startswith("Activation de votre compte")
    page.goto(activation_mail.link("/activation/"))
    expect(page.get_by_role("heading", name="Activation de votre compte")).to_be_visible()
    visit("activation")
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_role("heading", name="Votre compte est activé")).to_be_visible()
    visit("activation-terminee")
    page.get_by_role("link", name="Accéder au portail").click()

    expect(page.get_by_role("heading", name="Connectez-vous")).to_be_visible()
    log_in(page, PASSWORD)
    # Step 13: « Vous arrivez sur le portail des services ».
    expect(page.get_by_role("heading", name="Mes démarches", exact=True)).to_be_visible()
    expect(page.get_by_text("Ajoutez votre première démarche depuis la liste ci-dessous")).to_be_visible()
    visit("portail")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    visit("deconnexion")

    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", name="Demande de réinitialisation de mot de passe")).to_be_visible()
    visit("mot-de-passe-oublie")
    page.get_by_label(re.compile(r"^Email")).fill(EMAIL)
    page.get_by_role("button", name="Soumettre").click()
    expect(page.get_by_role("heading", name="Vérifiez votre boîte mail")).to_be_visible()
    visit("mot-de-passe-oublie-envoye")

    reset_mail = live_server.inbox(EMAIL)[-1]
    assert reset_mail.subject.startswith("Demande de réinitialisation de mot de passe")
    page.goto(reset_mail.link("/mot-de-passe/reinitialisation/"))
    expect(page.get_by_role("heading", name="Réinitialisation de votre mot de passe")).to_be_visible()
    type_new_password(page, NEW_PASSWORD)
    visit("reinitialisation")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Votre mot de passe a été modifié.")).to_be_visible()
    expect(page.get_by_label(re.compile(r"^Adresse électronique"))).to_have_value(EMAIL)
    visit("connexion-apres-reinitialisation")
    log_in(page, PASSWORD)
    expect(page.get_by_role("alert").filter(has_text="Adresse électronique ou mot de passe incorrect.")).to_be_visible()
    visit("connexion-ancien-mot-de-passe")
    log_in(page, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Mes démarches", exact=True)).to_be_visible()


def expect_error_next_to(page: Page, field: Locator, message: str) -> None:
    """The field is marked invalid and described by the French message shown beside it."""
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))  # through aria-describedby
    group = page.locator(".fr-input-group, .fr-password").filter(has=field)
    expect(group.locator(".fr-message--error")).to_contain_text(message)


def expect_group_error(page: Page, legend: str, message: str) -> None:
    """A fieldset in error is labelled by its legend and its message; its inputs are described by it."""
    group = page.get_by_role("group", name=re.compile(legend))
    expect(group).to_have_accessible_name(re.compile(re.escape(message)))
    expect(group.locator(".fr-message--error")).to_contain_text(message)


def test_sign_up_shows_each_error_next_to_its_field(
    page: Page, live_server: LiveServer, visit: Callable[[str], None]
) -> None:
    page.goto("/inscription")
    search = page.get_by_role("searchbox", name=re.compile("Raison sociale ou Siret"))
    search.fill("99791566500018")
    search.press("Enter")
    expect_error_next_to(page, search, "Ce numéro SIRET n'est pas valide.")
    visit("etablissement-erreur")
    search.fill("Fo")
    search.press("Enter")
    expect_error_next_to(page, search, "Saisissez au moins 3 caractères")

    search.fill(SIRET)
    search.press("Enter")
    page.get_by_role("button", name=f"Sélectionner {ESTABLISHMENT}, SIRET {SIRET}").click()
    page.get_by_label(re.compile(r"^Email")).fill("claire.testeuse@")
    password_field(page).fill("court")
    confirm_field(page).fill("autre")
    confirm_field(page).press("Enter")
    expect(page).to_have_title(re.compile("^Erreur - "))
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient 3 erreurs")).to_be_visible()
    expect_error_next_to(page, page.get_by_label(re.compile(r"^Email")), "Saisissez une adresse électronique valide")
    expect_error_next_to(page, password_field(page), "au minimum 12 caractères")
    expect_error_next_to(page, confirm_field(page), "Les deux mots de passe ne sont pas identiques.")
    visit("identifiants-erreurs")

    page.get_by_label(re.compile(r"^Email")).fill(EMAIL)
    password_field(page).fill(PASSWORD)
    confirm_field(page).fill(PASSWORD)
    confirm_field(page).press("Enter")
    page.get_by_label(re.compile(r"^Nom")).fill("R2D2")
    page.get_by_label(re.compile(r"^Téléphone")).fill("12")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient 4 erreurs")).to_be_visible()
    expect_group_error(page, "Civilité", "Sélectionnez votre civilité.")
    expect_error_next_to(page, page.get_by_label(re.compile(r"^Nom")), "Saisissez un nom sans chiffres")
    expect_error_next_to(page, page.get_by_label(re.compile(r"^Prénom")), "Ce champ est obligatoire.")
    expect_error_next_to(page, page.get_by_label(re.compile(r"^Téléphone")), "Saisissez un numéro de téléphone valide")
    visit("coordonnees-erreurs")

    page.get_by_text("Monsieur", exact=True).click()  # the DSFR radio is drawn by its label
    expect(page.get_by_label("Monsieur")).to_be_checked()
    page.get_by_label(re.compile(r"^Nom")).fill("Testeur")
    page.get_by_label(re.compile(r"^Prénom")).fill("Claude")
    page.get_by_label(re.compile(r"^Téléphone")).fill("")
    page.get_by_role("button", name="Créer mon compte").click()
    expect_group_error(page, "Confirmez que vous n'êtes pas une machine", "en cochant la case")
    visit("coordonnees-erreur-robot")
    assert live_server.inbox(EMAIL) == []
