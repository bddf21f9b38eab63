"""Where a login leads (`next`): only a path of this site, whatever a browser would fold the address into."""

import pytest

from idp.extensions import db
from tests.idp.factories import make_account
from tests.idp.web import form, log_in
from tests.shared.redirects import ESCAPING


def location_of(response) -> str:
    return response.headers.get("Location", "")


def leaves_the_site(location: str) -> bool:
    folded = location.replace("\t", "").replace("\r", "").replace("\n", "").replace("\\", "/").lstrip()
    return folded.startswith("//") or ":" in folded.split("/", 1)[0] or "evil.example" in location


@pytest.mark.parametrize("target", [target for target in ESCAPING if "\x00" not in target])
def test_a_logged_in_visitor_is_never_sent_off_site(client, target):
    make_account(db.session)
    log_in(client, "claire.testeuse@exemple.fr")
    response = client.get("/connexion", params={"next": target})
    assert response.status_code == 302
    assert not leaves_the_site(location_of(response)), location_of(response)
    assert location_of(response) == "/"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "/\r\n/evil.example", "///evil.example"])
def test_a_successful_login_is_never_sent_off_site(client, target):
    make_account(db.session)
    page = client.get("/connexion", params={"next": target})
    assert page.status_code == 200
    login = form(page, "/connexion")
    assert "evil" not in (login.action or "")
    login["email"], login["password"] = "claire.testeuse@exemple.fr", "Correct-Horse-Battery-42"
    response = login.submit()
    assert response.status_code == 303
    assert location_of(response) == "/"


def test_a_nul_byte_in_next_is_refused_before_anything(client):
    make_account(db.session)
    log_in(client, "claire.testeuse@exemple.fr")
    response = client.get("/connexion", params={"next": "/\x00/evil.example"}, expect_errors=True)
    assert response.status_code == 400 and "Location" not in response.headers
    assert "caractère non autorisé" in response.text


def test_the_login_posted_with_a_tampered_next_is_not_sent_off_site(client):
    """The form's action is this site's; an attacker's page can still post its own `next` with the form."""
    make_account(db.session)
    login = form(client.get("/connexion"), "/connexion")
    login.action = "/connexion?next=/%09/evil.example"
    login["email"], login["password"] = "claire.testeuse@exemple.fr", "Correct-Horse-Battery-42"
    response = login.submit()
    assert response.status_code == 303 and location_of(response) == "/"


def test_a_path_of_the_site_is_followed_after_login(client):
    make_account(db.session)
    page = client.get("/connexion", params={"next": "/mon-compte?onglet=é"})
    login = form(page, "/connexion")
    login["email"], login["password"] = "claire.testeuse@exemple.fr", "Correct-Horse-Battery-42"
    response = login.submit()
    assert response.status_code == 303
    assert location_of(response) == "/mon-compte?onglet=%C3%A9"


def test_signup_and_activation_keep_no_off_site_next(client):
    for target in ("/\t/evil.example", "/\\evil.example", "https://evil.example/"):
        page = client.get("/inscription", params={"next": target})
        assert page.status_code == 200 and "evil.example" not in page.text
