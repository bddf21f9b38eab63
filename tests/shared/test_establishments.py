"""Several establishments on a relying party: the current one chosen at login (from `siret_hint`), switched at
/etablissement without logging in again, and `require_role` checking the roles held on it.

Most tests drive SOFFi alone, the provider's answer stubbed at the callback; the last one signs in through the
real IdP to show that it takes `siret_hint` in its stride."""

import html
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

import rp_soffi
from idp.models import Account
from shared.oidc_client import flow, messages
from shared.oidc_client.claims import HabilitationClaim
from shared.oidc_client.roles import require_role
from tests.idp.factories import PASSWORD, SIRET
from tests.integration.conftest import OPCO_SIRET, account, http, idp_url  # noqa: F401  (fixtures)
from tests.integration.sso import grant, page_text, serve_relying_party, submit_form, upgrade_own_database

NANTES = "99791566500019"  # FORMA'LOIRE CONSEIL
ANJOU = "99791566500035"  # FORMA'LOIRE CONSEIL too
OPCO = "99972281200016"
CABINET = "99643906300016"  # an accountant's firm acting for FORMA'LOIRE by delegation
LABELS = {
    "consultation": "Consultation",
    "organisme_collecteur": "Organisme Collecteur",
    "gestionnaire": "Gestionnaire",
}


def habilitation(role: str, siret: str, **extra: Any) -> HabilitationClaim:
    return HabilitationClaim("soffi", role, LABELS[role], siret, siret[:9], "par code d'activation", **extra)


GESTIONNAIRE_NANTES = habilitation("gestionnaire", NANTES)
CONSULTATION_NANTES = habilitation("consultation", NANTES)
COLLECTEUR_OPCO = habilitation("organisme_collecteur", OPCO)
DELEGATED_FOR_ANJOU = habilitation(
    "consultation", CABINET, delegated=True, on_behalf_of_siret=ANJOU, delegated_by="Camille DEMOLOIRE"
)


class Soffi:
    """SOFFi with a page for its gestionnaires; the provider is stubbed: /connexion records what it would send,
    /callback logs in whoever `habilitations` says."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.app = rp_soffi.create_app({"TESTING": True, "SECRET_KEY": "test", "RP_ISSUER": "http://127.0.0.1:9"})
        upgrade_own_database(self.app)  # the ended sessions are in SOFFi's database
        self.app.add_url_rule("/gestion", "manage", require_role("gestionnaire")(lambda: "Page des gestionnaires"))
        self.client: FlaskClient = self.app.test_client()
        self.sent: list[dict[str, str]] = []
        self.habilitations: tuple[HabilitationClaim, ...] = ()
        self.logins = 0
        monkeypatch.setattr(flow, "authorization_url", self._authorization_url)
        monkeypatch.setattr(flow, "finish_login", self._finish_login)

    def _authorization_url(self, redirect_uri: str, next_url: str | None, extra: dict[str, str]) -> str:
        self.sent.append(dict(extra))
        return "http://127.0.0.1:9/oidc/authorize"

    def _finish_login(self, args: Any) -> flow.Login:
        self.logins += 1
        claims = {
            "sub": "claire",
            "given_name": "Claire",
            "family_name": "TESTEUSE",
            "email": "claire.testeuse@exemple.fr",
            "habilitations": [claim.to_claim() for claim in self.habilitations],
        }
        return flow.Login(claims=claims, id_token="id-token", next_url=None)

    def log_in(self, *habilitations: HabilitationClaim, path: str = "/connexion") -> str:
        """Sign in through /connexion (with its query) and /callback; returns the home page's text."""
        self.habilitations = habilitations
        assert self.client.get(path).status_code == 302
        return text(self.client.get("/callback?code=x&state=y", follow_redirects=True))

    def current(self) -> str | None:
        with self.client.session_transaction() as session:
            return session.get("rp_establishment")


@pytest.fixture
def soffi(monkeypatch: pytest.MonkeyPatch) -> Soffi:
    return Soffi(monkeypatch)


def text(response: Any) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ", strip=True)


def submit(client: FlaskClient, page: Any, values: dict[str, str]) -> Any:
    """Send the page's form as a browser would: its hidden fields (csrf_token), then `values`."""
    form = BeautifulSoup(page.get_data(as_text=True), "html.parser").find(
        "form", attrs={"action": True, "novalidate": True}
    )
    assert form is not None
    data = {str(i["name"]): str(i.get("value") or "") for i in form.find_all("input", type="hidden")}
    for name, value in values.items():
        assert form.find("input", attrs={"name": name, "value": value}) is not None, f"no option {value!r} for {name!r}"
    data.update(values)
    return client.post(html.unescape(str(form["action"])), data=data)


# --- the current establishment at login -----------------------------------------------------------


@pytest.mark.parametrize("parameter", ["siret", "siret_hint"])
def test_the_hinted_establishment_is_sent_to_the_provider_and_becomes_current(soffi: Soffi, parameter: str) -> None:
    home = soffi.log_in(GESTIONNAIRE_NANTES, COLLECTEUR_OPCO, path=f"/connexion?{parameter}={OPCO}")

    assert soffi.sent == [{"siret_hint": OPCO}]
    assert soffi.current() == OPCO
    assert f"Établissement : SIRET {OPCO} (entreprise {OPCO[:9]}) — Changer d'établissement" in home


def test_a_malformed_hint_is_neither_sent_nor_kept(soffi: Soffi) -> None:
    soffi.log_in(GESTIONNAIRE_NANTES, COLLECTEUR_OPCO, path="/connexion?siret=<script>")
    assert soffi.sent == [{}] and soffi.current() == NANTES


@pytest.mark.parametrize("hint", [ANJOU, CABINET])
def test_a_delegation_counts_for_the_establishment_it_acts_for(soffi: Soffi, hint: str) -> None:
    soffi.log_in(COLLECTEUR_OPCO, DELEGATED_FOR_ANJOU, path=f"/connexion?siret={hint}")
    assert soffi.current() == ANJOU


@pytest.mark.parametrize("path", ["/connexion", f"/connexion?siret={ANJOU}"])
def test_without_a_hint_it_holds_the_first_establishment_is_current(soffi: Soffi, path: str) -> None:
    soffi.log_in(COLLECTEUR_OPCO, GESTIONNAIRE_NANTES, CONSULTATION_NANTES, path=path)
    assert soffi.current() == OPCO


def test_an_earlier_hint_does_not_outlive_the_next_login(soffi: Soffi) -> None:
    soffi.client.get(f"/connexion?siret={OPCO}")  # abandoned at the provider
    soffi.log_in(GESTIONNAIRE_NANTES, COLLECTEUR_OPCO)
    assert soffi.current() == NANTES


def test_with_one_establishment_the_home_page_offers_no_switch(soffi: Soffi) -> None:
    home = soffi.log_in(GESTIONNAIRE_NANTES, CONSULTATION_NANTES)
    assert f"Établissement : SIRET {NANTES}" in home and "Changer d'établissement" not in home


# --- /etablissement --------------------------------------------------------------------------------


def test_the_page_lists_each_establishment_with_its_roles_and_switches_without_a_new_login(soffi: Soffi) -> None:
    soffi.log_in(GESTIONNAIRE_NANTES, CONSULTATION_NANTES, COLLECTEUR_OPCO, DELEGATED_FOR_ANJOU)
    page = soffi.client.get("/etablissement?next=/gestion")

    assert page.status_code == 200
    assert "<title>Changer d'établissement - SOFFi</title>" in html.unescape(page.get_data(as_text=True))
    listed = text(page)
    assert f"SIRET {NANTES} (entreprise {NANTES[:9]}) Vos rôles : Gestionnaire, Consultation" in listed
    assert f"SIRET {OPCO} (entreprise {OPCO[:9]}) Vos rôles : Organisme Collecteur" in listed
    assert (
        f"SIRET {ANJOU} (entreprise {ANJOU[:9]}) Vos rôles : Consultation (par délégation de Camille DEMOLOIRE)"
        in listed
    )
    checked = BeautifulSoup(page.get_data(as_text=True), "html.parser").find("input", checked=True)
    assert checked is not None and checked["value"] == NANTES

    switched = submit(soffi.client, page, {"siret": OPCO})

    assert switched.status_code == 302 and switched.headers["Location"] == "/gestion"
    assert soffi.current() == OPCO and soffi.logins == 1
    home = text(soffi.client.get("/"))
    assert messages.ESTABLISHMENT_CHOSEN.format(siret=OPCO) in home
    assert f"Établissement : SIRET {OPCO}" in home


def test_switching_needs_the_csrf_token(soffi: Soffi) -> None:
    soffi.log_in(GESTIONNAIRE_NANTES, COLLECTEUR_OPCO)
    assert soffi.client.post("/etablissement", data={"siret": OPCO}).status_code == 400
    assert soffi.current() == NANTES


def test_an_establishment_outside_the_claims_cannot_be_chosen(soffi: Soffi) -> None:
    soffi.log_in(GESTIONNAIRE_NANTES, COLLECTEUR_OPCO)
    page = soffi.client.get("/etablissement")
    form = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    token = form.find("input", attrs={"name": "csrf_token"})["value"]  # type: ignore[index]

    refused = soffi.client.post("/etablissement", data={"csrf_token": token, "siret": ANJOU})

    assert refused.status_code == 200 and messages.ESTABLISHMENT_REQUIRED in text(refused)
    assert soffi.current() == NANTES


def test_without_habilitation_there_is_nothing_to_choose(soffi: Soffi) -> None:
    home = soffi.log_in()
    assert "Établissement :" not in home and soffi.current() is None
    assert soffi.client.get("/etablissement").headers["Location"] == "/"


def test_the_page_asks_to_sign_in_first(soffi: Soffi) -> None:
    response = soffi.client.get("/etablissement")
    assert response.status_code == 302 and response.headers["Location"] == "/connexion?next=%2Fetablissement"


# --- require_role on the current establishment ----------------------------------------------------


def test_require_role_looks_at_the_current_establishment_only(soffi: Soffi) -> None:
    soffi.log_in(GESTIONNAIRE_NANTES, COLLECTEUR_OPCO, path=f"/connexion?siret={OPCO}")
    refused = soffi.client.get("/gestion")

    assert refused.status_code == 403
    assert messages.FORBIDDEN_OTHER_ESTABLISHMENT in text(refused)
    switch = BeautifulSoup(refused.get_data(as_text=True), "html.parser").find("a", string="Changer d'établissement")
    assert switch is not None and switch["href"] == "/etablissement?next=/gestion"

    submit(soffi.client, soffi.client.get(str(switch["href"])), {"siret": NANTES})
    assert soffi.client.get("/gestion").get_data(as_text=True) == "Page des gestionnaires"


def test_the_403_page_leads_to_the_services_add_page_of_the_portal(soffi: Soffi) -> None:
    soffi.log_in(COLLECTEUR_OPCO)
    refused = soffi.client.get("/gestion")

    assert refused.status_code == 403
    assert messages.FORBIDDEN_OTHER_ESTABLISHMENT not in text(refused)
    portal = soffi.app.config["RP_PORTAL_URL"].rstrip("/")
    link = BeautifulSoup(refused.get_data(as_text=True), "html.parser").find("a", string=messages.FORBIDDEN_PORTAL)
    assert link is not None and link["href"] == f"{portal}/portail/services/soffi/ajouter"


# --- through the real identity provider -----------------------------------------------------------


def test_the_idp_takes_the_hint_and_the_user_switches_without_signing_in_again(
    http: httpx.Client,  # noqa: F811  (fixture)
    idp_url: str,  # noqa: F811  (fixture)
    account: Account,  # noqa: F811  (fixture)
) -> None:
    """Claire holds SOFFi roles on SIRET (FORMA'LOIRE) and OPCO_SIRET: the link of SOFFi names the OPCO."""
    grant(account, "soffi", "gestionnaire", "Gestionnaire", SIRET)
    manager_page: Callable[[Flask], None] = lambda app: app.add_url_rule(  # noqa: E731
        "/gestion", "manage", require_role("gestionnaire")(lambda: "Page des gestionnaires")
    )
    with serve_relying_party(rp_soffi.create_app, "soffi", idp_url, setup=manager_page) as (_, soffi_url):
        login_page = http.get(f"{soffi_url}/connexion", params={"siret": OPCO_SIRET})
        authorize = urlsplit(str(login_page.url))  # the IdP's login form, at its authorization endpoint
        assert authorize.path == "/oidc/authorize" and parse_qs(authorize.query)["siret_hint"] == [OPCO_SIRET]

        home = submit_form(http, login_page, "/connexion", {"email": account.email, "password": PASSWORD})
        assert str(home.url) == f"{soffi_url}/"
        assert f"Établissement : SIRET {OPCO_SIRET}" in page_text(home)
        assert http.get(f"{soffi_url}/gestion").status_code == 403

        page = http.get(f"{soffi_url}/etablissement", params={"next": "/gestion"})
        managed = submit_form(http, page, "/etablissement", {"siret": SIRET})
        assert managed.text == "Page des gestionnaires"
        assert all(urlsplit(str(hop.url)).netloc != urlsplit(idp_url).netloc for hop in managed.history)
