"""Security headers, cookies, error pages and production safety of every app (shown on the IdP)."""

import pytest

from idp import create_app
from shared.config import UnsafeConfiguration


def test_security_headers_on_every_page(client):
    for path in ("/connexion", "/inscription", "/mot-de-passe/oublie", "/page-qui-n-existe-pas"):
        response = client.get(path, expect_errors=True)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client):
    cookie = client.get("/connexion").headers["Set-Cookie"]
    assert cookie.startswith("idp_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_page_gets_a_french_404(client):
    response = client.get("/nulle-part", status=404)
    assert "Page non trouvée" in response.text
    assert "<title>Page non trouvée" in response.text


def test_wrong_method_gets_a_french_405(client):
    response = client.post("/", status=405)
    assert "Méthode non autorisée" in response.text


def test_static_assets_are_served(client):
    assert client.get("/static/dsfr/dsfr.min.css").status_code == 200
    assert client.get("/static/altcha/altcha.js").status_code == 200


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"APP_ENV": "production", "DATABASE_URL": "postgresql+psycopg://db/idp"}, "SECRET_KEY"),
        ({"APP_ENV": "production", "SECRET_KEY": "x" * 32}, "PostgreSQL"),
    ],
)
def test_production_refuses_to_start_unsafe(monkeypatch, environment, message):
    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeConfiguration, match=message):
        create_app()


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/idp")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
