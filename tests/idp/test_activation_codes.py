"""« J'ai reçu une clé d'activation » (guide 003 « J'active mon compte »): from the link a service shows, a person
creates and activates a Mes démarches account, logs in, and types the SIRET and the key received by post."""

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
import webtest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from idp import messages
from idp.extensions import db
from idp.models import Account, Habilitation, Service
from idp.services import activation_codes
from tests.idp.conftest import FreshContext
from tests.idp.factories import PASSWORD, SIRET, make_account
from tests.idp.portal_data import FORMALOIRE_ESTUAIRE, person, services
from tests.idp.web import alert_text, field_error, form, solved_altcha
from tests.mail_server import ReceivedMail

KEY_PAGE = "/services/sofi/cle-activation"
CODE_TAB = "/portail/services/sofi/ajouter?onglet=code"
EMAIL = "direction@formaloire.example"

Inbox = Callable[[str], list[ReceivedMail]]


# --- helpers -------------------------------------------------------------------------------------


def soup(page: webtest.TestResponse) -> BeautifulSoup:
    return BeautifulSoup(page.text, "html.parser")


def text(page: webtest.TestResponse) -> str:
    """What the page says (entities decoded: the apostrophes of French come as &#39;)."""
    return soup(page).get_text(" ", strip=True)


def link(page: webtest.TestResponse, name: str) -> str:
    """The address of the one link whose text is this."""
    found = [a["href"] for a in soup(page).find_all("a") if a.get_text(" ", strip=True) == name]
    assert len(found) == 1, f"{len(found)} links named {name!r}"
    return str(found[0])


def next_of(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("next")
    return values[0] if values else None


def selected_tab(page: webtest.TestResponse) -> str:
    selected = soup(page).select_one("[role=tab][aria-selected=true]")
    assert selected is not None
    return selected.get_text(strip=True)


def sign_up(client: webtest.TestApp, page: webtest.TestResponse, email: str = EMAIL) -> webtest.TestResponse:
    """The three steps of « Créez votre compte », from its first page, on FORMA'LOIRE CONSEIL in Nantes."""
    search = form(page, "/inscription")
    search["q"] = SIRET
    step = form(search.submit(), "/inscription/etablissement").submit().follow()
    credentials = form(step, "/inscription/identifiants")
    credentials["email"], credentials["password"], credentials["confirm"] = email, PASSWORD, PASSWORD
    step = form(credentials.submit().follow(), "/inscription/coordonnees")
    for name, value in {"civilite": "Mme", "nom": "DIRECTRICE", "prenom": "Maud", "telephone": "0240204020"}.items():
        step[name] = value
    # The ALTCHA widget adds its hidden "altcha" field in the browser, once the proof of work is solved.
    return client.post(step.action, [*step.submit_fields(), ("altcha", solved_altcha(client))])


def log_in_from(page: webtest.TestResponse, email: str = EMAIL) -> webtest.TestResponse:
    login = form(page, "/connexion")
    login["email"], login["password"] = email, PASSWORD
    return login.submit(expect_errors=True)


def redeem(page: webtest.TestResponse, siret: str, code: str) -> webtest.TestResponse:
    code_form = form(page, "/ajouter/code")
    code_form["siret"], code_form["code"] = siret, code
    return code_form.submit(expect_errors=True)


def habilitations_of(email: str) -> list[Habilitation]:
    db.session.rollback()  # the requests committed in their own sessions
    query = select(Habilitation).join(Account, Habilitation.account_id == Account.id).where(Account.email == email)
    return list(db.session.scalars(query))


@pytest.fixture
def sofi(app: Flask) -> Service:
    return services(db.session)["sofi"]


@pytest.fixture
def key(sofi: Service) -> str:
    """The « clé d'activation » the Carif-Oref sent by post to FORMA'LOIRE CONSEIL for SOFI."""
    return activation_codes.create_code(db.session, sofi, SIRET, "ligne de commande")


# --- the page ------------------------------------------------------------------------------------


def test_a_visitor_sees_the_three_steps_and_both_ways_in(client: webtest.TestApp, sofi: Service) -> None:
    page = client.get(KEY_PAGE)

    title = soup(page).title
    assert title is not None and title.get_text(strip=True).startswith("J'ai reçu une clé d'activation - SOFI - ")
    heading = soup(page).h1
    assert heading is not None and heading.get_text(strip=True) == "J'ai reçu une clé d'activation - SOFI"
    assert "gestionnaire de SOFI pour votre établissement (rôle « Gestionnaire de l'autosaisie »)" in text(page)
    steps = [item.get_text(strip=True) for item in soup(page).select("#etapes li")]
    assert steps == list(messages.ACTIVATION_CODE_STEPS)
    assert "adresse électronique professionnelle" in steps[0]
    assert "lien reçu par courriel" in steps[1]
    assert "SIRET" in steps[2] and "clé d'activation reçue par courrier" in steps[2]
    signup, login = link(page, "Créer mon compte"), link(page, "J'ai déjà un compte : me connecter")
    assert urlsplit(signup).path == "/inscription" and next_of(signup) == CODE_TAB
    assert urlsplit(login).path == "/connexion" and next_of(login) == CODE_TAB


def test_signing_up_from_the_page_leads_after_activation_and_login_to_the_code_tab(
    app: Flask, client: webtest.TestApp, sofi: Service, key: str, inbox: Inbox
) -> None:
    page = client.get(KEY_PAGE)
    done = sign_up(client, client.get(link(page, "Créer mon compte"))).follow()
    assert "Vérifiez votre boîte mail" in text(done)

    [mail] = inbox(EMAIL)
    url = mail.link("/activation/")
    assert next_of(url) == CODE_TAB
    # The e-mail may be read on another device: the way back travels in the link, not in the cookie.
    phone = webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": "198.51.100.8"})
    activated = form(phone.get(url.replace("http://localhost", "")), "/activation/").submit()
    assert "Votre compte est activé" in text(activated)
    login_page = phone.get(link(activated, "Accéder au portail"))
    logged_in = log_in_from(login_page)

    assert logged_in.status_int == 303
    assert logged_in.headers["Location"].endswith(CODE_TAB)
    code_tab = logged_in.follow()
    assert selected_tab(code_tab) == "SAISIR LE CODE D'ACTIVATION"
    portal = redeem(code_tab, "997 915 665 00019", key).follow()
    assert f"Vous êtes maintenant gestionnaire de SOFI pour le SIRET {SIRET}" in alert_text(portal)
    [habilitation] = habilitations_of(EMAIL)
    assert (habilitation.role.service.code, habilitation.role.code, habilitation.siret) == (
        "sofi",
        "gestionnaire",
        SIRET,
    )


def test_an_account_holder_logs_in_from_the_page_and_lands_on_the_code_tab(
    client: webtest.TestApp, sofi: Service, key: str
) -> None:
    person(db.session, EMAIL, SIRET)
    page = client.get(KEY_PAGE)
    logged_in = log_in_from(client.get(link(page, "J'ai déjà un compte : me connecter")))

    assert logged_in.headers["Location"].endswith(CODE_TAB)
    portal = redeem(logged_in.follow(), SIRET, key.lower()).follow()
    assert "Vous êtes maintenant gestionnaire de SOFI" in alert_text(portal)
    assert [h.role.code for h in habilitations_of(EMAIL)] == ["gestionnaire"]


def test_a_wrong_key_or_another_siret_is_explained_on_the_field(
    client: webtest.TestApp, sofi: Service, key: str
) -> None:
    person(db.session, EMAIL, SIRET)
    code_tab = log_in_from(client.get(link(client.get(KEY_PAGE), "J'ai déjà un compte : me connecter"))).follow()

    wrong = redeem(code_tab, SIRET, "ABCD-EFGH-JKLM")
    assert wrong.status_int == 422
    assert field_error(wrong, "code") == messages.PORTAL_CODE_INVALID
    other_siret = redeem(wrong, FORMALOIRE_ESTUAIRE, key)
    assert field_error(other_siret, "code") == messages.PORTAL_CODE_INVALID
    missing_siret = redeem(other_siret, "", key)
    assert field_error(missing_siret, "code_siret") == messages.REQUIRED
    assert habilitations_of(EMAIL) == []


def test_a_pending_account_logging_in_from_the_page_gets_a_link_leading_to_the_code_tab(
    client: webtest.TestApp, sofi: Service, inbox: Inbox
) -> None:
    make_account(db.session, active=False, email=EMAIL)
    refused = log_in_from(client.get(link(client.get(KEY_PAGE), "J'ai déjà un compte : me connecter")))

    assert messages.LOGIN_NOT_ACTIVATED in alert_text(refused)
    [mail] = inbox(EMAIL)
    assert next_of(mail.link("/activation/")) == CODE_TAB


def test_a_logged_in_visitor_goes_straight_to_the_code_tab(client: webtest.TestApp, sofi: Service) -> None:
    person(db.session, EMAIL, SIRET)
    log_in_from(client.get("/connexion"))

    redirected = client.get(KEY_PAGE, status=302)
    assert redirected.headers["Location"].endswith(CODE_TAB)
    assert selected_tab(redirected.follow()) == "SAISIR LE CODE D'ACTIVATION"


def test_unknown_services_and_services_without_activation_codes_are_not_found(
    client: webtest.TestApp, sofi: Service
) -> None:
    assert "Page non trouvée" in text(client.get("/services/inconnu/cle-activation", status=404))
    sofi.allows_activation_code = False
    db.session.commit()
    client.get(KEY_PAGE, status=404)


# --- the way back is a path of this site, and only for the journey that asked for it --------------


def test_a_way_back_to_another_site_is_dropped(client: webtest.TestApp, sofi: Service, inbox: Inbox) -> None:
    done = sign_up(client, client.get("/inscription", params={"next": "//evil.example/portail"})).follow()
    assert "Vérifiez votre boîte mail" in text(done)
    url = inbox(EMAIL)[0].link("/activation/")
    assert next_of(url) is None

    forged = url.replace("http://localhost", "") + "?next=https://evil.example/"
    page = client.get(forged)
    assert "evil" not in (form(page, "/activation/").action or "")
    activated = form(page, "/activation/").submit()
    assert link(activated, "Accéder au portail") == "/connexion"


def test_a_new_sign_up_without_way_back_forgets_an_earlier_one(
    client: webtest.TestApp, sofi: Service, inbox: Inbox
) -> None:
    client.get(link(client.get(KEY_PAGE), "Créer mon compte"))
    sign_up(client, client.get("/inscription")).follow()

    assert next_of(inbox(EMAIL)[0].link("/activation/")) is None


def test_going_back_to_the_first_step_keeps_the_way_back(client: webtest.TestApp, sofi: Service) -> None:
    signup = client.get(link(client.get(KEY_PAGE), "Créer mon compte"))
    search = form(signup, "/inscription")
    search["q"] = SIRET
    step = form(search.submit(), "/inscription/etablissement").submit().follow()

    back = link(step, "Précédent")
    assert urlsplit(back).path == "/inscription" and next_of(back) == CODE_TAB


def test_signing_up_from_the_login_page_keeps_where_the_login_leads(client: webtest.TestApp, sofi: Service) -> None:
    """« J'ai déjà un compte : me connecter » clicked by someone who has none: « Se créer un compte » on the login
    page keeps the way to the code tab; a way to another site is dropped there too."""

    def signup_link(page: webtest.TestResponse) -> str:  # the page's own, not the header's
        [found] = [a["href"] for a in soup(page).select("main a") if a.get_text(strip=True) == "Se créer un compte"]
        return str(found)

    login = client.get(KEY_PAGE).click(description="J'ai déjà un compte : me connecter")
    assert next_of(signup_link(login)) == CODE_TAB
    assert next_of(signup_link(client.get("/connexion?next=https://evil.example/"))) is None
