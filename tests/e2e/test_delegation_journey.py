"""Seed guide 004 « DÉLÉGUER UNE HABILITATION À UN TIERS », in a real browser, as new users would live it.

The gestionnaire of Mon Activité Formation for FORMA'LOIRE CONSEIL opens the gear of the tile, fills
« Déléguer une habilitation à un tiers » with the keyboard only (errors first), confirms; the accountant of
OPCO DEMO, who has no account yet, follows the e-mailed link in their own browser, creates the account from
the invitation, activates it, logs in, is brought back to the invitation and accepts it, then finds the
organisation in « Mes clients »; the gestionnaire sees the invitation « Acceptée », the delegation in the
person's panel, and revokes it. Every page passes axe-core (no serious or critical violation).
"""

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from idp.extensions import db
from tests.e2e.conftest import SCREENSHOTS, LiveServer, axe_check, watched_page
from tests.idp.factories import PASSWORD
from tests.idp.portal_data import (
    FORMALOIRE_ANJOU,
    FORMALOIRE_ESTUAIRE,
    FORMALOIRE_NANTES,
    OPCO_PARIS,
    habilitate,
    person,
    services,
)

pytestmark = pytest.mark.e2e

MANAGER = "amandine.munoz@formaloire.example"
ACCOUNTANT = "dominique.comptable@opco.example"
COMPANY = "FORMA'LOIRE CONSEIL"
TIERS = "OPCO DEMO INDUSTRIES ET SERVICES"
SERVICE = "Mon Activité Formation"
SUBJECT = f"Invitation à rejoindre la démarche {SERVICE} pour le compte de {COMPANY}"
END = ("30", "06", "2030")  # day, month, year
END_SHOWN = "30/06/2030"

Check = Callable[[Page, str], None]


# --- fixtures: axe and a screenshot on any page, and the third party's own browser ---------------------------


@pytest.fixture
def check(request: pytest.FixtureRequest) -> Check:
    """check(page, name): axe-core on the page as it is, then a full-page screenshot (like conftest's `visit`,
    for the two browsers of this journey)."""
    prefix = request.node.name.removeprefix("test_")
    counter = iter(range(1, 100))

    def run(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        axe_check(page)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{prefix}-{next(counter):02d}-{name}.png", full_page=True)

    return run


@pytest.fixture
def tiers_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """The third party's browser: a context of its own (no cookie shared with the gestionnaire)."""
    with watched_page(browser, live_server, "the third party's") as opened:
        yield opened


# --- small steps ---------------------------------------------------------------------------------------------------


def log_in(page: Page, email: str) -> None:
    expect(page.get_by_role("heading", name="Connectez-vous")).to_be_visible()
    page.get_by_label(re.compile(r"^Adresse électronique")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def field(page: Page, label: str) -> Locator:
    return page.get_by_label(re.compile(f"^{re.escape(label)}"))


def press_tab_to(page: Page, target: Locator) -> None:
    """One Tab, and the focus is on the next field of the form (the reading order is the tab order)."""
    page.keyboard.press("Tab")
    expect(target).to_be_focused()


def expect_error_next_to(page: Page, target: Locator, message: str) -> None:
    """The field is marked invalid and described (aria-describedby) by the message shown beside it."""
    expect(target).to_have_attribute("aria-invalid", "true")
    expect(target).to_have_accessible_description(re.compile(re.escape(message)))
    group = page.locator(".fr-input-group, .fr-select-group").filter(has=target)
    expect(group.locator(".fr-message--error")).to_contain_text(message)


def fill_the_delegation_with_the_keyboard(page: Page, tiers_siret: str) -> None:
    """Guide step 3, without the mouse, from the focused « SIRET du tiers-déclarant »: Tab from field to field,
    type (over what is there), Space on the radio, type-ahead in the list of establishments, the date."""
    expect(field(page, "SIRET du tiers-déclarant")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type(tiers_siret)
    press_tab_to(page, field(page, "Adresse e-mail"))
    page.keyboard.press("Control+A")
    page.keyboard.type(ACCOUNTANT)
    declarant = page.get_by_role("radio", name=re.compile("^Déclarant"))
    press_tab_to(page, declarant)
    page.keyboard.press("Space")
    expect(declarant).to_be_checked()
    establishment = field(page, "SIRET de l'habilitation")
    press_tab_to(page, establishment)
    page.keyboard.type(FORMALOIRE_ESTUAIRE)  # a closed list answers to the first characters typed
    expect(establishment).to_have_value(FORMALOIRE_ESTUAIRE)
    end = field(page, "Fin d'habilitation")
    press_tab_to(page, end)
    type_the_date(page, end, *END)
    leave_the_date_field(page, end)
    expect(page.get_by_role("button", name="Continuer")).to_be_focused()


def type_the_date(page: Page, end: Locator, day: str, month: str, year: str) -> None:
    """Chromium lays a date field out in the order of its own interface language, not the page's: « jj/mm/aaaa »
    in a French Chromium, « mm/dd/yyyy » in the English one of the test machine (the context's fr-FR locale
    does not change it). Typed day first, as a French user would; if the field read it otherwise, typed
    again, month first, from its first part (Shift+Tab twice from the year)."""
    page.keyboard.type(day + month + year)
    if end.input_value() != f"{year}-{month}-{day}":
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(month + day + year)
    expect(end).to_have_value(f"{year}-{month}-{day}")


def leave_the_date_field(page: Page, end: Locator) -> None:
    """Each part of the date (and Chromium's calendar button) is a tab stop of its own: Tab until past it."""
    for _ in range(4):
        page.keyboard.press("Tab")
        if not end.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError("the focus never left the date field")


def open_the_delegation_form(page: Page, live_server: LiveServer) -> None:
    """Guide steps 1 and 2: the gear of the tile, then « Déléguer une habilitation à un tiers »."""
    page.goto(live_server.url + "/")
    log_in(page, MANAGER)
    expect(page.get_by_role("heading", name="Mes démarches", exact=True)).to_be_visible()
    page.get_by_role("link", name=f"Gérer les utilisateurs de {SERVICE}").click()
    expect(page.get_by_role("heading", name=re.compile(SERVICE))).to_be_visible()
    page.get_by_role("link", name="Déléguer une habilitation à un tiers").click()
    expect(page.get_by_role("heading", name="Déléguer une habilitation à un tiers", level=1)).to_be_visible()
    for question in ("À qui souhaitez-vous déléguer une habilitation ?", "Quel rôle souhaitez-vous déléguer ?",
                     "Pour quel établissement de votre entreprise ?", "Pour quelle durée ?"):  # fmt: skip
        expect(page.get_by_role("heading", name=question)).to_be_visible()


def sign_up_from_the_invitation(page: Page) -> None:
    """« Se créer un compte » of the invitation: the search already holds the tiers' SIRET."""
    page.get_by_role("main").get_by_role("link", name="Se créer un compte").click()
    expect(page.get_by_role("heading", name="Créez votre compte")).to_be_visible()
    expect(page.get_by_role("searchbox", name=re.compile("Raison sociale ou Siret"))).to_have_value(OPCO_PARIS)
    expect(page.get_by_text("1 résultat trouvé")).to_be_visible()
    page.get_by_role("button", name=f"Sélectionner {TIERS}, SIRET {OPCO_PARIS}").click()
    expect(page.get_by_role("heading", name="Vos informations de connexion")).to_be_visible()
    expect(page.get_by_label(re.compile(r"^Email"))).to_have_value(ACCOUNTANT)  # the invited address
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Confirmez votre mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^Suivant|^Continuer|^Étape suivante")).click()
    expect(page.get_by_role("heading", name="Vos coordonnées")).to_be_visible()
    page.get_by_text("Monsieur", exact=True).click()  # the DSFR radio is drawn by its label
    page.get_by_label(re.compile(r"^Nom")).fill("Comptable")
    page.get_by_label(re.compile(r"^Prénom")).fill("Dominique")
    page.get_by_label("Je ne suis pas un robot").click()  # the proof of work runs, then the box is ticked
    expect(page.get_by_text("Vérifié : vous n'êtes pas une machine")).to_be_visible()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre boîte mail")).to_be_visible()


# --- the journey -----------------------------------------------------------------------------------------------------


def test_delegate_to_a_third_party_who_signs_up_accepts_and_is_then_revoked(
    page: Page, tiers_page: Page, live_server: LiveServer, check: Check
) -> None:
    bpf = services(db.session)["bpf"]
    habilitate(db.session, person(db.session, MANAGER, FORMALOIRE_NANTES, "MUNOZ", "Amandine"), bpf, "gestionnaire")

    # 1-2. The gestionnaire reaches the form; « Continuer » with nothing filled shows what is missing.
    open_the_delegation_form(page, live_server)
    check(page, "formulaire")
    field(page, "SIRET du tiers-déclarant").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient 4 erreurs")).to_be_visible()
    expect_error_next_to(page, field(page, "SIRET du tiers-déclarant"), "Ce champ est obligatoire.")
    role = page.get_by_role("group", name=re.compile("^Rôle"))
    expect(role).to_have_accessible_name(re.compile("Sélectionnez un rôle"))
    check(page, "formulaire-vide")

    # 3. Filled with the keyboard, but with an establishment of one's own company as the third party.
    field(page, "SIRET du tiers-déclarant").focus()  # where a person starts typing; from here on, only keys
    fill_the_delegation_with_the_keyboard(page, FORMALOIRE_ANJOU)
    page.keyboard.press("Enter")
    tiers = field(page, "SIRET du tiers-déclarant")
    expect_error_next_to(page, tiers, "utilisez « + Ajouter une nouvelle habilitation »")
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient 1 erreur")).to_be_visible()
    check(page, "formulaire-propre-siret")
    # The summary's link takes the focus to the field; the rest of the form is as it was typed.
    summary_link = page.get_by_role("link", name=re.compile("^SIRET du tiers-déclarant : "))
    summary_link.focus()
    page.keyboard.press("Enter")
    expect(tiers).to_be_focused()
    expect(field(page, "Adresse e-mail")).to_have_value(ACCOUNTANT)
    expect(field(page, "SIRET de l'habilitation")).to_have_value(FORMALOIRE_ESTUAIRE)
    fill_the_delegation_with_the_keyboard(page, OPCO_PARIS)
    page.keyboard.press("Space")  # on « Continuer »

    # 4-5. The confirmation page recalls everything, and nothing is sent before « Confirmer ».
    expect(page.get_by_role("heading", name="Confirmez la délégation d'habilitation à un tiers")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Vous allez habiliter l'utilisateur {ACCOUNTANT} sur {SERVICE}.")
    message = f"Amandine MUNOZ vous invite à accéder au service {SERVICE} pour agir au nom de {COMPANY}"
    for recalled in (f"SIRET {OPCO_PARIS} - {TIERS}", "Déclarant", FORMALOIRE_ESTUAIRE, END_SHOWN, SUBJECT, message):
        expect(main).to_contain_text(recalled)
    check(page, "confirmation")
    assert live_server.inbox(ACCOUNTANT) == []
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("status").filter(has_text=f"Invitation envoyée à {ACCOUNTANT}")).to_be_visible()

    # The invitation e-mail, and the third party's own browser.
    [mail] = live_server.inbox(ACCOUNTANT)
    assert mail.subject == SUBJECT
    assert f"Fin d'habilitation : {END_SHOWN}" in mail.text
    link = mail.link("/delegation/")
    token_path = link.removeprefix(live_server.url)
    tiers_page.goto(link)
    expect(tiers_page.get_by_role("heading", name="Invitation à agir pour le compte d'une entreprise")).to_be_visible()
    expect(tiers_page.get_by_role("main")).to_contain_text(
        f"Amandine MUNOZ vous invite à accéder au service {SERVICE} pour agir au nom de {COMPANY}."
    )
    check(tiers_page, "invitation")

    # No account yet: « Se créer un compte », the activation e-mail, then the login bring them back here.
    sign_up_from_the_invitation(tiers_page)
    activation = live_server.inbox(ACCOUNTANT)[-1]
    assert activation.subject.startswith("Activation de votre compte")
    tiers_page.goto(activation.link("/activation/"))
    tiers_page.get_by_role("button", name="Activer mon compte").click()
    expect(tiers_page.get_by_role("heading", name="Votre compte est activé")).to_be_visible()
    tiers_page.get_by_role("link", name="Accéder au portail").click()
    log_in(tiers_page, ACCOUNTANT)
    expect(tiers_page).to_have_url(re.compile(re.escape(token_path) + "$"))
    expect(tiers_page.get_by_role("heading", name="Invitation à agir pour le compte d'une entreprise")).to_be_visible()
    check(tiers_page, "invitation-connecte")
    tiers_page.get_by_role("button", name="Accepter la délégation").click()
    accepted = f"Vous agissez désormais pour le compte de {COMPANY} sur {SERVICE}."
    expect(tiers_page.get_by_role("status").filter(has_text=accepted)).to_be_visible()

    # « Mes clients », from the tile of the portal.
    tiers_page.get_by_role("link", name="Pour le compte de 1 organisation (Mes clients)").click()
    expect(tiers_page.get_by_role("heading", name="Mes clients", level=1)).to_be_visible()
    expect(tiers_page.get_by_text("Vous agissez pour le compte d'une organisation.")).to_be_visible()
    row = tiers_page.get_by_role("row").filter(has_text=COMPANY)
    for cell in (SERVICE, f"SIRET {FORMALOIRE_ESTUAIRE}", "Déclarant", "par Amandine MUNOZ", f"Jusqu'au {END_SHOWN}"):
        expect(row).to_contain_text(cell)
    check(tiers_page, "mes-clients")

    # 6. The gestionnaire: the invitation accepted, the delegation in the person's panel, revoked.
    page.get_by_role("link", name="Invitations de délégation").click()
    expect(page.get_by_role("heading", name="Invitations de délégation", level=1)).to_be_visible()
    invitation_row = page.get_by_role("row").filter(has_text=ACCOUNTANT)
    expect(invitation_row).to_contain_text("Acceptée")
    expect(invitation_row.get_by_role("button")).to_have_count(0)  # nothing left to resend or cancel
    check(page, "invitations-acceptee")

    [answered] = live_server.inbox(MANAGER)
    assert answered.subject == f"Délégation acceptée : {SERVICE}, {ACCOUNTANT}"

    # Guide steps 6 to 9: the users of the service, filtered on « Tiers : Oui », the person's panel.
    page.get_by_role("link", name=f"Utilisateurs du service - {SERVICE}").click()
    page.get_by_role("list", name="Tiers").get_by_role("link", name="Oui (1)").click()
    expect(page.get_by_text("1 Droit d'accès trouvé")).to_be_visible()
    page.get_by_role("link", name="Comptable Dominique", exact=True).click()
    panel = page.locator("#personne")
    expect(panel.get_by_role("heading", name="Délégation(s)")).to_be_visible()
    described = f"Déclarant - SIRET {FORMALOIRE_ESTUAIRE}"
    expect(panel).to_contain_text(described)
    expect(panel).to_contain_text(f"En tant que tiers (SIRET {OPCO_PARIS}), délégué le ")
    expect(panel).to_contain_text("par Amandine MUNOZ")
    expect(panel).to_contain_text(f"Fin le {END_SHOWN}")
    check(page, "panneau-delegation")
    panel.get_by_role("link", name=f"Révoquer la délégation {described} de Dominique Comptable", exact=True).click()
    asked = f"Supprimer l'habilitation « {described} » de Dominique Comptable ?"
    expect(page.get_by_role("alert").filter(has_text=asked)).to_be_visible()
    check(page, "revoquer")
    page.get_by_role("button", name="Confirmer la suppression").click()
    # Only the end of the message is asserted: its « SIRET … » is the third party's own, not the delegated one.
    revoked = "de Dominique Comptable est supprimée. Un e-mail l'en informe."
    expect(page.get_by_role("status").filter(has_text=revoked)).to_be_visible()
    expect(page.get_by_role("heading", name="Délégation(s)")).to_have_count(0)
    assert live_server.inbox(ACCOUNTANT)[-1].subject == f"Votre habilitation pour {SERVICE} a été supprimée"

    # The third party no longer acts for the organisation.
    tiers_page.reload()
    expect(tiers_page.get_by_text("Vous n'agissez pour le compte d'aucune organisation.")).to_be_visible()
