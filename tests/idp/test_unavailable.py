"""Redis (the rate limits' counters) down: the provider refuses what it would have to count — a password, a sign-up,
an e-mail sent — with a French 503 page (rate limiting fails closed where it guards passwords), says so on
/readyz, and keeps serving the pages that count nothing."""

from collections.abc import Iterator

import pytest
import webtest
from flask import Flask

from idp import create_app
from idp.extensions import db
from tests.conftest import idp_test_config
from tests.idp.conftest import FreshContext
from tests.idp.web import form
from tests.mail_server import MailServer
from tests.postgres_cluster import free_port

UNAVAILABLE = "Le service est momentanément indisponible et votre demande n'a pas été traitée."


@pytest.fixture
def without_redis(idp_database: str, mail_server: MailServer) -> Iterator[webtest.TestApp]:
    nobody_listens = f"redis://127.0.0.1:{free_port()}/0"
    config = idp_test_config(idp_database, mail_server.port)
    app: Flask = create_app(config | {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": nobody_listens})
    with app.app_context():
        yield webtest.TestApp(FreshContext(app), extra_environ={"HTTP_HOST": "localhost"})
        db.session.remove()
        db.engine.dispose()


def test_a_login_is_refused_in_french_while_its_attempts_cannot_be_counted(without_redis: webtest.TestApp) -> None:
    page = without_redis.get("/connexion")  # counts nothing: served
    assert page.status_int == 200
    login = form(page, "/connexion")
    login["email"], login["password"] = "claire@exemple.fr", "un mot de passe"
    refused = login.submit(expect_errors=True)
    assert refused.status_int == 503 and refused.headers["Retry-After"] == "30"
    shown = " ".join(refused.html.get_text().split())
    assert "Service momentanément indisponible" in shown and UNAVAILABLE in shown
    assert without_redis.get("/healthz").status_int == 200
    ready = without_redis.get("/readyz", expect_errors=True)
    assert ready.status_int == 503 and "rate_limits" in ready.text
