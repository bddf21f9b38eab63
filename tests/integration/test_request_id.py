"""One login followed across apps by its request id: SOFFi's callback and the provider's token and JWKS answers it
needed are logged under the same id; the code, the password and the tokens are in no log line."""

import json
import logging
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from flask import Flask

from idp.models import Account
from shared.request_log import HEADER, JsonFormatter, RequestIdFilter
from tests.idp.factories import PASSWORD
from tests.integration.sso import submit_form


def written(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The apps' lines. Not werkzeug's: the test servers are its development server, whose request line holds the query
    string; the apps run under gunicorn with no access log, and `flask run` has werkzeug's lines silenced
    (tests/shared/test_request_log.py)."""
    lines = []
    for record in caplog.records:
        if record.name.startswith("werkzeug"):
            continue
        RequestIdFilter().filter(record)
        lines.append(JsonFormatter().format(record))
    return lines


def test_the_services_calls_to_the_provider_carry_the_request_id_of_its_callback(
    http: httpx.Client, idp_url: str, soffi: tuple[Flask, str], account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    _, soffi_url = soffi
    login_page = http.get(soffi_url + "/connexion")
    with caplog.at_level(logging.INFO):
        answer = submit_form(
            http, login_page, "/connexion", {"email": account.email, "password": PASSWORD}, follow_redirects=False
        )
        callback = str(answer.headers["Location"])
        code = parse_qs(urlsplit(callback).query)["code"][0]
        home = http.get(callback, headers={HEADER: "suivi-connexion-42"})
    assert home.status_code == 200 and home.headers[HEADER] == "suivi-connexion-42"
    lines = [json.loads(line) for line in written(caplog)]
    followed = {(line.get("app"), line.get("route")) for line in lines if line["request_id"] == "suivi-connexion-42"}
    assert ("rp_soffi", "/callback") in followed  # the service's page
    assert ("idp", "/oidc/token") in followed  # the code exchanged for its tokens, on the provider's side
    assert ("idp", "/oidc/jwks") in followed  # the key the ID token is checked with
    text = "\n".join(written(caplog))
    assert code not in text and "code=" not in text and PASSWORD not in text and "eyJ" not in text
