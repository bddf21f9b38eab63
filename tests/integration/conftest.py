"""The IdP and SOFFi served over real HTTP on loopback, and a browser-free client holding cookies."""

from collections.abc import Iterator

import httpx
import pytest
from flask import Flask

import rp_soffi
from idp.extensions import db
from idp.models import Account
from shared.oidc_client.roles import require_role
from tests.idp.factories import SIRET, load_directory, make_account
from tests.integration.sso import grant, serve_relying_party
from tests.live_server import serve

OPCO_SIRET = "99972281200016"


@pytest.fixture
def idp_url(idp_app: Flask) -> Iterator[str]:
    load_directory(db.session)
    with serve(idp_app) as url:
        idp_app.config["PUBLIC_URL"] = url  # the issuer is the address the IdP answers at
        yield url


def add_manager_page(app: Flask) -> None:
    """A page only SOFFi's gestionnaires may open, to see `require_role` at work."""
    app.add_url_rule("/gestion", "manage", require_role("gestionnaire")(lambda: "Page des gestionnaires"))


@pytest.fixture
def soffi(idp_url: str) -> Iterator[tuple[Flask, str]]:
    with serve_relying_party(rp_soffi.create_app, "soffi", idp_url, setup=add_manager_page) as served:
        yield served


@pytest.fixture
def soffi_url(soffi: tuple[Flask, str]) -> str:
    return soffi[1]


@pytest.fixture
def account(idp_app: Flask) -> Account:
    """Claire holds SOFFi and BPF habilitations: only the SOFFi ones are for SOFFi's eyes."""
    account = make_account(db.session)
    grant(account, "soffi", "consultation", "Consultation", SIRET)
    grant(account, "soffi", "organisme_collecteur", "Organisme Collecteur", OPCO_SIRET, granted_via="par Jules EXEMPLE")
    grant(account, "bpf", "declarant", "Déclarant", SIRET)
    return account


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """Like a browser: one cookie jar for every port of 127.0.0.1, redirects followed."""
    with httpx.Client(follow_redirects=True, timeout=10) as client:
        yield client
