"""An accountant acting for a thousand client companies signs into SOFFi over real HTTP: the provider asks which
organisation (a page of the list, searchable), SOFFi says for whom they act and until when, switches to another
without a password, and logs out — while SOFFi's session cookie stays under the 4 KB a browser keeps."""

from urllib.parse import urljoin

import httpx
import pytest
from bs4 import BeautifulSoup
from flask import Flask

from idp.extensions import db
from idp.models import Account
from idp.oidc.claims import MAX_HABILITATIONS_IN_TOKEN
from shared.clock import utcnow
from tests.idp.factories import PASSWORD, make_account
from tests.integration.sso import client_siret, delegate_clients, page_text, role, submit_form

BROWSER_COOKIE_LIMIT = 4093
REQUEST_LINE_LIMIT = 8190  # scripts/run's gunicorn --limit-request-line (its maximum)
OWN_SIRET = "99972281200016"
GARAGE, GARAGE_SIRET = "GARAGE DES QUATRE ROUTES", "98765432100012"
END = utcnow().replace(year=2030, month=6, day=30, hour=12)


def delegate(account: Account, sirets: list[str], names: dict[str, str], **values: str) -> None:
    """Delegations of SOFFi's « Organisme Collecteur » to `account`, one per SIRET (companies named `names`)."""
    collecteur = role("soffi", "organisme_collecteur", values.pop("label", "Organisme Collecteur"))
    delegate_clients(
        account, collecteur, OWN_SIRET, {siret: names[siret] for siret in sirets}, expires_at=END, **values
    )


@pytest.fixture
def accountant(idp_app: Flask) -> Account:
    account = make_account(db.session, email="expert@cabinet.example", siret=OWN_SIRET)
    sirets = [client_siret(number) for number in range(999)] + [GARAGE_SIRET]
    delegate(account, sirets, {siret: f"CLIENT {siret[:9]}" for siret in sirets} | {GARAGE_SIRET: GARAGE})
    return account


def cookie_size(app: Flask, http: httpx.Client) -> int:
    return len(http.cookies.get(app.config["SESSION_COOKIE_NAME"]) or "")


def search(http: httpx.Client, page: httpx.Response, words: str) -> httpx.Response:
    """The chooser's search form (GET), with the authorization request it carries."""
    form = BeautifulSoup(page.text, "html.parser").find("form", role="search")
    values = {str(tag["name"]): str(tag.get("value") or "") for tag in form.find_all("input", type="hidden")}
    return http.get(urljoin(str(page.url), str(form["action"])), params={**values, "q": words})


def choose(http: httpx.Client, page: httpx.Response, siret: str) -> httpx.Response:
    form = BeautifulSoup(page.text, "html.parser").find("form", method="post", action="/oidc/authorize/organisation")
    values = {str(tag["name"]): str(tag.get("value") or "") for tag in form.find_all("input", type="hidden")}
    return http.post(urljoin(str(page.url), str(form["action"])), data={**values, "siret": siret})


def test_a_thousand_clients_sign_in_switch_and_log_out_with_a_small_cookie(
    http: httpx.Client, soffi: tuple[Flask, str], accountant: Account
) -> None:
    app, soffi_url = soffi
    login_page = http.get(soffi_url + "/connexion")
    chooser = submit_form(http, login_page, "/connexion", {"email": accountant.email, "password": PASSWORD})
    assert "Pour quelle organisation agissez-vous ?" in page_text(chooser)
    assert "1000 organisations, page 1 sur 50" in page_text(chooser)

    home = choose(http, search(http, chooser, "quatre routes"), GARAGE_SIRET)
    assert str(home.url) == f"{soffi_url}/"
    acting = BeautifulSoup(home.text, "html.parser").find(id="etablissement-courant").get_text(" ", strip=True)
    assert acting.startswith(
        f"Vous agissez pour le compte de {GARAGE} (SIRET {GARAGE_SIRET}) jusqu'au 30/06/2030, "
        "par délégation de Camille DEMOLOIRE."
    )
    assert cookie_size(app, http) <= BROWSER_COOKIE_LIMIT

    # « Choisir une autre organisation »: the provider's list again, without the password.
    other = http.get(
        urljoin(
            str(home.url),
            BeautifulSoup(home.text, "html.parser").find("a", string="Choisir une autre organisation (1000)")["href"],
        )
    )
    assert "Pour quelle organisation agissez-vous ?" in page_text(other) and "Mot de passe" not in page_text(other)
    switched = choose(http, other, client_siret(3))
    assert f"Vous agissez pour le compte de CLIENT {client_siret(3)[:9]}" in page_text(switched)
    assert GARAGE not in page_text(switched)
    assert cookie_size(app, http) <= BROWSER_COOKIE_LIMIT

    logged_out = submit_form(http, switched, "/deconnexion", {})
    assert logged_out.status_code == 200 and "Se connecter avec Mes démarches" in logged_out.text


def test_the_most_a_token_carries_still_fits_in_the_cookie(
    http: httpx.Client, soffi: tuple[Flask, str], idp_app: Flask
) -> None:
    """As many habilitations as a token carries, each on its own client, with long names (a company name of
    120 characters, the longest SIRENE gives; a gestionnaire named in 60)."""
    app, soffi_url = soffi
    account = make_account(db.session, email="expert@cabinet.example", siret=OWN_SIRET)
    sirets = [client_siret(number) for number in range(MAX_HABILITATIONS_IN_TOKEN)]
    names = {siret: f"SOCIETE {siret} " + "X" * (120 - 23) for siret in sirets}
    who = "Marie-Françoise DE LA ROCHEFOUCAULD-MONTMORENCY-LAVAL"  # 53 characters
    delegate(account, sirets, names, label="Organisme collecteur de la contribution", delegated_by=who,
             granted_via=f"par délégation de {who}")  # fmt: skip
    login_page = http.get(soffi_url + "/connexion")
    home = submit_form(http, login_page, "/connexion", {"email": account.email, "password": PASSWORD})
    assert str(home.url) == f"{soffi_url}/" and "Changer d'établissement" in home.text
    assert cookie_size(app, http) <= BROWSER_COOKIE_LIMIT, cookie_size(app, http)
    # The ID token goes back in the logout address: within the request line scripts/run gives gunicorn.
    id_token = app.session_interface.get_signing_serializer(app).loads(  # type: ignore[attr-defined]
        http.cookies.get(app.config["SESSION_COOKIE_NAME"])
    )["rp_id_token"]
    assert len(id_token) + 400 < REQUEST_LINE_LIMIT
