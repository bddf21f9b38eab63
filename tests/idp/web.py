"""Helpers to drive the real rendered pages with WebTest."""

import base64
import json

import altcha
import webtest
from bs4 import BeautifulSoup

from tests.idp.factories import PASSWORD


def form(response: webtest.TestResponse, action: str) -> webtest.Form:
    """The form of the page whose action contains `action` (the header's logout form is also a form)."""
    for candidate in response.forms.values():
        if action in (candidate.action or ""):
            return candidate
    raise AssertionError(f"no form posting to {action!r} on {response.request.path}")


def field_error(response: webtest.TestResponse, field_id: str) -> str:
    """The error text shown next to a field, checking it is tied to the field for assistive technology."""
    soup = BeautifulSoup(response.text, "html.parser")
    messages = soup.find(id=f"{field_id}-messages")
    assert messages is not None, f"no messages group for {field_id}"
    field = soup.find(id=field_id)
    assert field is not None
    if field.name == "input":
        assert field.get("aria-invalid") == "true"
        assert f"{field_id}-messages" in (field.get("aria-describedby") or "")
    return str(messages.get_text(" ", strip=True))


def alert_text(response: webtest.TestResponse) -> str:
    soup = BeautifulSoup(response.text, "html.parser")
    return " ".join(alert.get_text(" ", strip=True) for alert in soup.select(".fr-alert"))


def log_in(client: webtest.TestApp, email: str, password: str = PASSWORD) -> webtest.TestResponse:
    page = client.get("/connexion")
    login = form(page, "/connexion")
    login["email"], login["password"] = email, password
    return login.submit(expect_errors=True)


def solved_altcha(client: webtest.TestApp) -> str:
    """What the ALTCHA widget computes in the browser: the solved proof of work, base64 JSON."""
    challenge = client.get("/altcha/challenge").json
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"]
    )
    assert solution is not None
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()
