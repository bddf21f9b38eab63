"""One log line per request, with a request id taken from `X-Request-Id` when well formed, returned in the answer;
the line holds the route's pattern, never the address, a header, a cookie or a form field."""

import json
import logging

import pytest
import webtest
from flask import Flask

from shared import request_log
from shared.request_log import HEADER, JsonFormatter, RequestIdFilter, formatter, request_id_from
from tests.idp.factories import make_account
from tests.idp.web import log_in

LOGGER = "shared.request_log"


def lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    """The request lines written so far, as the JSON formatter writes them."""
    found = []
    for record in caplog.records:
        RequestIdFilter().filter(record)
        found.append(json.loads(JsonFormatter().format(record)))
    return [line for line in found if line["logger"] == LOGGER]


def every_line(caplog: pytest.LogCaptureFixture) -> str:
    """Every record, in both formats: what a collector or a terminal would show."""
    text = formatter("text")
    written = []
    for record in caplog.records:
        RequestIdFilter().filter(record)
        written += [JsonFormatter().format(record), text.format(record)]
    return "\n".join(written)


def test_a_well_formed_request_id_comes_back_and_names_the_line(
    client: webtest.TestApp, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, LOGGER):
        answer = client.get("/healthz", headers={HEADER: "nginx-7f3a9c:1.2_x"})
    assert answer.headers[HEADER] == "nginx-7f3a9c:1.2_x"
    (line,) = lines(caplog)
    assert line["request_id"] == "nginx-7f3a9c:1.2_x"
    assert line["method"] == "GET" and line["route"] == "/healthz" and line["endpoint"] == "health.alive"
    assert line["status"] == 200 and line["duration_ms"] >= 0 and line["app"] == "idp"
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_without_a_request_id_each_request_gets_a_new_one(client: webtest.TestApp) -> None:
    first, second = client.get("/healthz").headers[HEADER], client.get("/healthz").headers[HEADER]
    assert first != second and len(first) == 32 and int(first, 16) >= 0


@pytest.mark.parametrize(
    "forged",
    ["a" * 10_000, "a" * 129, "abc\x1b[31mdef", "abc\tdef", "id\u00e9", '"}, {"status": 200', "-leading-dash", ""],
)
def test_a_forged_request_id_is_replaced(forged: str) -> None:
    replaced = request_id_from(forged)
    assert replaced != forged and len(replaced) == 32


def test_a_forged_request_id_never_reaches_the_answer_nor_the_log(
    client: webtest.TestApp, caplog: pytest.LogCaptureFixture
) -> None:
    forged = "x" * 10_000
    with caplog.at_level(logging.INFO, LOGGER):
        answer = client.get("/healthz", headers={HEADER: forged})
    assert len(answer.headers[HEADER]) == 32
    assert forged not in every_line(caplog)


def test_the_route_pattern_is_logged_never_the_address(
    client: webtest.TestApp, caplog: pytest.LogCaptureFixture
) -> None:
    """An activation link's token and a query string stay out of the logs; an unknown address logs no path."""
    with caplog.at_level(logging.INFO, LOGGER):
        client.get("/activation/SECRET-ONE-TIME-TOKEN?next=/SECRET-NEXT", expect_errors=True)
        client.get("/no-such-page/SECRET-PATH", expect_errors=True)
    activation, unknown = lines(caplog)
    assert activation["route"] == "/activation/<token>"
    assert unknown["route"] is None and unknown["endpoint"] is None and unknown["status"] == 404
    assert "SECRET" not in every_line(caplog)


def test_a_password_posted_to_the_login_form_is_never_logged(
    app: Flask, client: webtest.TestApp, caplog: pytest.LogCaptureFixture
) -> None:
    password = "Un-Mot-De-Passe-Bien-Secret-42"
    make_account(app.extensions["sqlalchemy"].session)
    client.set_cookie("idp_session", "a-cookie-value-never-logged")
    with caplog.at_level(logging.DEBUG):
        log_in(client, "claire.testeuse@exemple.fr", password)
    posted = [line for line in lines(caplog) if line["method"] == "POST"]
    assert [line["route"] for line in posted] == ["/connexion"]
    written = every_line(caplog)
    assert password not in written and "a-cookie-value-never-logged" not in written
    assert "claire.testeuse" not in written


def test_log_format_is_checked_at_start_up() -> None:
    from idp import create_app

    with pytest.raises(ValueError, match="LOG_FORMAT"):
        create_app({"TESTING": True, "LOG_FORMAT": "xml"})


def test_outside_the_tests_one_handler_writes_every_line_and_werkzeug_request_lines_are_silenced() -> None:
    root, werkzeug = logging.getLogger(), logging.getLogger("werkzeug")
    handlers, levels = list(root.handlers), (root.level, werkzeug.level)
    try:
        request_log._install_handler("json")
        request_log._install_handler("json")  # a second app in the same process
        (installed,) = [handler for handler in root.handlers if getattr(handler, request_log.MARK, False)]
        assert isinstance(installed.formatter, JsonFormatter)
        assert root.getEffectiveLevel() <= logging.INFO and werkzeug.level == logging.WARNING
    finally:
        root.handlers[:] = handlers
        root.setLevel(levels[0])
        werkzeug.setLevel(levels[1])
