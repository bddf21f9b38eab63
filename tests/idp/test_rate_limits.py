"""Per-IP rate limits on the forms that send e-mails or create accounts."""

import pytest
import webtest

from idp import create_app
from idp.extensions import db
from tests.conftest import idp_test_config
from tests.idp.conftest import FreshContext
from tests.idp.web import form


@pytest.fixture
def limited_app(app, idp_database, mail_server):  # type: ignore[no-untyped-def]
    limited = create_app({**idp_test_config(idp_database, mail_server.port), "RATELIMIT_ENABLED": True})
    yield limited
    with limited.app_context():
        db.engine.dispose()


def test_reset_requests_are_limited_per_ip_with_a_french_page(limited_app):
    app = limited_app
    client = webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": "203.0.113.77"})
    statuses = []
    for number in range(6):
        request = form(client.get("/mot-de-passe/oublie"), "/mot-de-passe/oublie")
        request["email"] = f"personne{number}@exemple.fr"
        response = request.submit(expect_errors=True)
        statuses.append(response.status_code)
    assert statuses == [200] * 5 + [429]
    assert "Trop de demandes" in response.text
    other = webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": "203.0.113.78"})
    request = form(other.get("/mot-de-passe/oublie"), "/mot-de-passe/oublie")
    request["email"] = "personne@exemple.fr"
    assert request.submit().status_code == 200
