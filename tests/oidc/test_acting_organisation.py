"""An accountant acting for a thousand organisations: the tokens carry one organisation's habilitations and how
many organisations there are, whatever the number; the person chooses which at the provider (a page at a time,
searchable), or the service hints it (`siret_hint`), or asks to choose again (`prompt=select_account`)."""

from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from idp.extensions import db
from idp.models import Account, Habilitation, Role, Service
from idp.oidc.claims import MAX_HABILITATIONS_IN_TOKEN
from shared.oidc_client.claims import ORGANISATIONS_CLAIM, parse_habilitations
from tests.integration.sso import client_siret, delegate_clients, role
from tests.oidc.rp import Browser, RelyingParty, callback_params, code_flow, query

OWN_SIRET = "99972281200016"  # the accountant's firm
CLIENTS = 1000
GARAGE = "GARAGE DES QUATRE ROUTES"  # one client, found by its name
GARAGE_SIRET = "98765432100012"
# The logout address carries the ID token (`id_token_hint`); gunicorn's default request line is 4 094 bytes.
REQUEST_LINE_LIMIT = 4094


@pytest.fixture
def clients(provider: object, account: Account) -> list[str]:
    """A thousand delegations of SOFFi's « Organisme Collecteur » to `account`, one per client company."""
    names = {client_siret(number): f"CLIENT {client_siret(number)[:9]}" for number in range(CLIENTS - 1)}
    names[GARAGE_SIRET] = GARAGE
    collecteur = role("soffi", "organisme_collecteur", "Organisme Collecteur")
    delegate_clients(account, collecteur, OWN_SIRET, names, granted_via="par délégation")
    return list(names)


def choose(browser: Browser, soffi: RelyingParty, **extra: str) -> tuple[object, object]:
    """Authorize, log in: the provider's answer (the chooser page, or the code) and the request."""
    request = soffi.new_request(**extra)
    return browser.until_client(browser.authorize(request)), request


def pick(browser: Browser, page: object, siret: str) -> object:
    """« Continuer » with this organisation's radio (the page's other forms: the search, the header's logout)."""
    soup = BeautifulSoup(page.text, "html.parser")  # type: ignore[attr-defined]
    form = soup.find("form", method="post", action="/oidc/authorize/organisation")
    data = {str(tag["name"]): str(tag.get("value") or "") for tag in form.find_all("input", type="hidden")}
    return browser.http.post(urljoin(str(page.url), str(form["action"])), data={**data, "siret": siret})


def text(page: object) -> str:
    return BeautifulSoup(page.text, "html.parser").get_text(" ", strip=True)  # type: ignore[attr-defined]


def test_a_thousand_clients_are_chosen_from_a_page_and_the_tokens_carry_one(
    browser: Browser, soffi: RelyingParty, clients: list[str]
) -> None:
    page, request = choose(browser, soffi)
    assert urlsplit(str(page.url)).path == "/oidc/authorize/organisation" and page.status_code == 200
    shown = text(page)
    assert "Pour quelle organisation agissez-vous ?" in shown
    assert f"{CLIENTS} organisations, page 1 sur 50" in shown
    assert shown.count("SIRET 9") == 20  # a page, not the thousand
    assert "Organisme Collecteur - par délégation de Camille DEMOLOIRE" in shown

    found = browser.get("/oidc/authorize/organisation", **request.params, q="quatre routes")
    assert "1 organisation." in text(found) and f"{GARAGE} - SIRET {GARAGE_SIRET}" in text(found)
    answered = pick(browser, found, GARAGE_SIRET)
    callback = callback_params(soffi, answered)
    assert callback["state"] == request.state

    tokens = soffi.redeem(callback["code"], request.verifier).json()
    claims = soffi.verify_id_token(tokens["id_token"], request.nonce)
    introspected = soffi.introspect(tokens["access_token"]).json()
    for said in (claims, soffi.userinfo(tokens["access_token"]).json(), introspected):
        (held,) = parse_habilitations(said)
        assert (held.on_behalf_of_siret, held.company, held.siret) == (GARAGE_SIRET, GARAGE, OWN_SIRET)
        assert said[ORGANISATIONS_CLAIM] == CLIENTS
    refreshed = soffi.refresh(tokens["refresh_token"]).json()
    again = soffi.verify_id_token(refreshed["id_token"], request.nonce, refreshed=True)
    assert [h.on_behalf_of_siret for h in parse_habilitations(again)] == [GARAGE_SIRET]  # kept through refreshes
    logout = f"GET /oidc/logout?id_token_hint={tokens['id_token']}&post_logout_redirect_uri={soffi.redirect_uri}"
    assert len(logout) + len("&state=&client_id=") + 64 < REQUEST_LINE_LIMIT, len(tokens["id_token"])


def test_an_organisation_the_person_does_not_hold_is_refused_next_to_the_list(
    browser: Browser, soffi: RelyingParty, clients: list[str]
) -> None:
    page, _ = choose(browser, soffi)
    for odd in ("9" * 5000, "9876543210001", "abcdefghijklmn"):  # not a SIRET: refused before any query
        odd_answer = pick(browser, page, odd)
        assert odd_answer.status_code == 422 and "Choisissez l'organisation" in text(odd_answer)
    refused = pick(browser, page, "99999999900019")
    assert refused.status_code == 422 and "Choisissez l'organisation pour laquelle vous agissez." in text(refused)
    soup = BeautifulSoup(refused.text, "html.parser")
    assert "fr-fieldset--error" in soup.find("fieldset", id="siret")["class"]  # the error is the list's
    forged = browser.http.post(
        "/oidc/authorize/organisation", data={**query(str(page.url)), "siret": GARAGE_SIRET}
    )  # no CSRF token
    assert forged.status_code == 400 and "location" not in forged.headers


def test_a_hinted_organisation_is_taken_without_asking(
    browser: Browser, soffi: RelyingParty, clients: list[str]
) -> None:
    tokens = code_flow(browser, soffi, siret_hint=clients[7])
    assert [h.on_behalf_of_siret for h in parse_habilitations(tokens.claims)] == [clients[7]]
    unknown, _ = choose(browser, soffi, siret_hint="99999999900019")  # not one of theirs: the person chooses
    assert urlsplit(str(unknown.url)).path == "/oidc/authorize/organisation"


def test_prompt_none_when_a_choice_is_needed_is_account_selection_required(
    browser: Browser, soffi: RelyingParty, clients: list[str]
) -> None:
    browser.log_in()
    answer = browser.authorize(soffi.new_request(prompt="none"))
    assert query(answer.headers["location"])["error"] == "account_selection_required"


def test_a_person_with_few_habilitations_is_not_asked_and_the_service_may_ask_again(
    browser: Browser, soffi: RelyingParty, account: Account
) -> None:
    service = db.session.scalar(select(Service).where(Service.code == "soffi"))
    role = Role(service=service, code="consultation", label="Consultation")
    for number in range(MAX_HABILITATIONS_IN_TOKEN):
        db.session.add(Habilitation(account=account, role=role, siret=client_siret(number), granted_via="test"))
    db.session.commit()
    tokens = code_flow(browser, soffi)
    assert len(tokens.claims["habilitations"]) == MAX_HABILITATIONS_IN_TOKEN
    assert ORGANISATIONS_CLAIM not in tokens.claims
    again, _ = choose(browser, soffi, prompt="select_account")  # the service's « changer d'organisation »
    assert urlsplit(str(again.url)).path == "/oidc/authorize/organisation"
    assert f"{MAX_HABILITATIONS_IN_TOKEN} organisations" in text(again)
