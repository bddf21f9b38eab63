"""The three services' apps and the relying-party glue, without an identity provider behind them."""

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import rp_bpf
import rp_soffi
import rp_sofi
from shared.config import UnsafeConfiguration
from shared.oidc_client import messages
from shared.oidc_client.access import safe_next
from tests.shared.redirects import ESCAPING

APPS = [
    (rp_soffi, "SOFFi", "soffi_session"),
    (rp_sofi, "SOFI", "sofi_session"),
    (rp_bpf, "Mon Activité Formation", "bpf_session"),
]
NOBODY_LISTENS = "http://127.0.0.1:9"  # the discard port: connection refused


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def make_app(package: Any, **config: Any) -> Flask:
    return package.create_app({"TESTING": True, "SECRET_KEY": "test", "RP_ISSUER": NOBODY_LISTENS, **config})


@pytest.mark.parametrize(("package", "name", "cookie"), APPS)
def test_home_page_invites_to_sign_in_with_mes_demarches(package: Any, name: str, cookie: str) -> None:
    client = make_app(package).test_client()
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<title>Accueil - {name}</title>" in html
    assert re.search(r'<a class="fr-btn[^"]*" href="/connexion">Se connecter avec Mes démarches</a>', html)
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


@pytest.mark.parametrize(("package", "name", "cookie"), APPS)
def test_each_service_has_its_own_session_cookie(package: Any, name: str, cookie: str) -> None:
    """Browsers do not separate cookies by port: same-named cookies would overwrite each other."""
    client = make_app(package).test_client()
    with client.session_transaction() as session:
        session["seen"] = True
    stored = client.get_cookie(cookie)
    assert stored is not None and stored.http_only and stored.same_site == "Lax"


def test_unreachable_idp_gets_a_french_503_page_not_a_500() -> None:
    response = make_app(rp_soffi).test_client().get("/connexion")
    assert response.status_code == 503
    assert messages.IDP_UNAVAILABLE in text(response)


def test_callback_without_a_started_login_is_refused_in_french() -> None:
    response = make_app(rp_soffi).test_client().get("/callback?code=abc&state=xyz")
    assert response.status_code == 400
    assert messages.STATE_MISMATCH in text(response)


def test_logout_needs_the_csrf_token() -> None:
    app = make_app(rp_soffi, WTF_CSRF_ENABLED=True)
    client: FlaskClient = app.test_client()
    assert client.post("/deconnexion").status_code == 400


def test_logout_when_not_logged_in_goes_home() -> None:
    response = make_app(rp_soffi, WTF_CSRF_ENABLED=False).test_client().post("/deconnexion")
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("target", "kept"),
    [("/gestion?x=1", "/gestion?x=1"), ("//evil.example/", None), ("https://evil.example/", None), ("/\\evil", None)],
)
def test_only_local_paths_are_followed_after_login(target: str, kept: str | None) -> None:
    assert safe_next(target) == kept


@pytest.mark.parametrize("target", ESCAPING)
def test_no_known_bypass_leads_a_service_login_off_site(target: str) -> None:
    """The login view keeps only what safe_next returns, and the callback leads there (integration tests)."""
    assert safe_next(target) is None


def test_a_local_path_with_accents_is_kept_percent_encoded() -> None:
    assert safe_next("/gestion?onglet=é") == "/gestion?onglet=%C3%A9"


def test_production_refuses_the_development_client_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("SOFFI_DATABASE_URL", "postgresql+psycopg://db/soffi")  # each service its own
    monkeypatch.setenv("IDP_PUBLIC_URL", "https://mesdemarches.example")
    monkeypatch.setenv("SOFFI_PUBLIC_URL", "https://soffi.example")
    with pytest.raises(UnsafeConfiguration, match="client secret"):
        rp_soffi.create_app()
    monkeypatch.setenv("SOFFI_CLIENT_SECRET", "a-real-client-secret")
    with pytest.raises(UnsafeConfiguration, match="SOFFI_DGEFP_MAILBOX"):  # the demo's address would get the filings
        rp_soffi.create_app()
    monkeypatch.setenv("SOFFI_DGEFP_MAILBOX", "soffi@dgefp.example")
    assert rp_soffi.create_app().config["RP_CLIENT_ID"] == "soffi"
    monkeypatch.setenv("SOFFI_PUBLIC_URL", "http://soffi.example")
    with pytest.raises(UnsafeConfiguration, match="RP_PUBLIC_URL"):
        rp_soffi.create_app()
