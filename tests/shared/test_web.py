"""Security headers, cookies, error pages and production safety of every app (shown on the IdP)."""

from datetime import date, datetime

import pytest

from idp import create_app
from shared.config import UnsafeConfiguration
from tests.idp.web import form


def test_security_headers_on_every_page(client):
    for path in ("/connexion", "/inscription", "/mot-de-passe/oublie", "/page-qui-n-existe-pas"):
        response = client.get(path, expect_errors=True)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "strict-origin"
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
    monkeypatch.setenv("SIGNING_KEYS_SECRET", "ZmFrZS1mZXJuZXQta2V5LWZvci10aGUtdGVzdHMtMzI=")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-idp_session"
    response = app.test_client().get("/connexion", base_url="https://mesdemarches.example")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-idp_session=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


def test_over_https_a_form_posted_with_only_the_origin_as_referer_is_accepted(client):
    """What « Referrer-Policy: strict-origin » lets the browser send is enough for the CSRF check over HTTPS
    (« no-referrer » would make every form fail in production: Flask-WTF wants a same-origin Referer)."""
    https = {"wsgi.url_scheme": "https", "HTTP_HOST": "localhost"}
    page = client.get("/connexion", extra_environ=https)
    login = form(page, "/connexion")
    login["email"], login["password"] = "personne@exemple.fr", "Pas-Le-Bon-Mot-De-Passe-1"
    fields = dict(login.submit_fields())
    # Posted directly: WebTest's form.submit() would send the whole page address as Referer.
    origin_only = {**https, "HTTP_REFERER": "https://localhost/"}
    answered = client.post("/connexion", fields, extra_environ=origin_only, expect_errors=True)
    assert answered.status_code == 422  # the credentials were checked: the form passed the CSRF check
    refused = client.post("/connexion", fields, extra_environ=https, expect_errors=True)
    assert refused.status_code == 400  # no Referer at all over HTTPS: refused


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (datetime(2026, 12, 7, 23, 30), "08/12/2026"),  # winter: Paris is UTC+1
        (datetime(2026, 7, 14, 22, 30), "15/07/2026"),  # summer: UTC+2
        (datetime(2026, 7, 14, 21, 59), "14/07/2026"),
        (date(2026, 12, 7), "07/12/2026"),  # a day is shown as it is
    ],
)
def test_days_are_shown_as_in_paris_even_late_in_the_evening(idp_app, stored, shown):
    assert idp_app.jinja_env.filters["date_fr"](stored) == shown


def test_a_time_with_its_offset_keeps_it(idp_app):
    end_of_june = datetime.fromisoformat("2030-06-30T23:59:59+02:00")  # as the delegation claims carry it
    assert idp_app.jinja_env.filters["date_fr"](end_of_june) == "30/06/2030"
