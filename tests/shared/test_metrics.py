"""/metrics: served only with METRICS_TOKEN as a bearer token; request latency by endpoint (never by path); the
provider's logins and e-mails counted as their transactions commit, its password verifications with their CPU; the
outbox's age read at scrape time."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import time_machine
import webtest
from flask import Flask

import rp_soffi
from idp.extensions import db, mail
from idp.models import AuditEventType, OutboxMessage
from idp.services import audit
from idp.services.password_reset import request_reset
from shared import metrics
from shared.outbox import OLDEST_PENDING, deliver_due
from tests.idp.factories import make_account
from tests.idp.web import log_in
from tests.mail_server import MailServer

TOKEN = "a-long-random-metrics-token"
WRONG = "Pas-Le-Bon-Mot-De-Passe-1"
NOTHING_LISTENS = 9  # discard: no SMTP server on it here


@pytest.fixture
def scraped(app: Flask) -> Flask:
    app.config["METRICS_TOKEN"] = TOKEN
    return app


def value(app: Flask, name: str, **labels: str) -> float:
    return metrics.of(app).registry.get_sample_value(name, labels) or 0.0


def endpoints(app: Flask) -> set[str]:
    return {
        sample.labels["endpoint"]
        for family in metrics.of(app).registry.collect()
        if family.name == "http_request_duration_seconds"
        for sample in family.samples
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_metrics_are_served_with_the_token(scraped: Flask, client: webtest.TestApp) -> None:
    client.get("/connexion")
    answer = client.get("/metrics", headers=bearer(TOKEN))
    assert answer.content_type == "text/plain"
    assert 'http_request_duration_seconds_count{endpoint="login.login",status="2xx"} 1.0' in answer.text
    assert "idp_logins_total" in answer.text and "mail_queued_total" in answer.text
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "headers",
    [{}, bearer("wrong-token"), bearer(TOKEN + "x"), {"Authorization": f"Basic {TOKEN}"}, bearer("")],
    ids=["none", "wrong", "longer", "other-scheme", "empty"],
)
def test_without_the_right_token_metrics_do_not_exist(
    scraped: Flask, client: webtest.TestApp, headers: dict[str, str]
) -> None:
    assert client.get("/metrics", headers=headers, status=404)


def test_without_a_configured_token_metrics_do_not_exist(app: Flask, client: webtest.TestApp) -> None:
    app.config["METRICS_TOKEN"] = ""
    client.get("/metrics", headers=bearer(""), status=404)
    client.get("/metrics", headers={"Authorization": "Bearer"}, status=404)


def test_latency_is_recorded_by_endpoint_and_status_class(app: Flask, client: webtest.TestApp) -> None:
    client.get("/connexion")
    client.get("/healthz")
    assert value(app, "http_request_duration_seconds_count", endpoint="login.login", status="2xx") == 1
    assert value(app, "http_request_duration_seconds_count", endpoint="health.alive", status="2xx") == 1
    assert value(app, "http_request_duration_seconds_sum", endpoint="login.login", status="2xx") > 0


def test_unknown_paths_share_one_label(app: Flask, client: webtest.TestApp) -> None:
    before = endpoints(app)
    for path in ("/nulle-part", "/ailleurs/123", "/%C3%A9t%C3%A9"):
        client.get(path, status=404)
    assert endpoints(app) - before == {metrics.UNMATCHED}
    assert value(app, "http_request_duration_seconds_count", endpoint=metrics.UNMATCHED, status="4xx") == 3


def test_logins_are_counted_by_outcome(app: Flask, client: webtest.TestApp) -> None:
    make_account(db.session)
    assert log_in(client, "claire.testeuse@exemple.fr").status_code == 303
    client.reset()  # logged out: the login form again
    assert log_in(client, "claire.testeuse@exemple.fr", WRONG).status_code == 422
    assert log_in(client, "personne@exemple.fr", WRONG).status_code == 422
    assert value(app, "idp_logins_total", outcome="success") == 1
    assert value(app, "idp_logins_total", outcome="failure") == 2


def test_password_verifications_count_their_cpu(app: Flask, client: webtest.TestApp) -> None:
    make_account(db.session)
    log_in(client, "claire.testeuse@exemple.fr")
    client.reset()
    log_in(client, "personne@exemple.fr", WRONG)  # an unknown address costs the same hash
    assert value(app, "idp_password_verifications_total") == 2
    # argon2id with 19 MiB and 2 passes: milliseconds of CPU each on any machine, never seconds
    assert 0.002 < value(app, "idp_password_verification_cpu_seconds_total") < 2


def test_a_login_rolled_back_counts_nothing(app: Flask) -> None:
    audit.write(db.session, AuditEventType.LOGIN_SUCCESS)
    db.session.rollback()
    audit.write(db.session, AuditEventType.LOGIN_FAILURE)
    db.session.commit()
    assert value(app, "idp_logins_total", outcome="success") == 0
    assert value(app, "idp_logins_total", outcome="failure") == 1


def test_emails_are_counted_queued_sent_and_failed(app: Flask, mail_server: MailServer) -> None:
    make_account(db.session)
    request_reset(db.session, "claire.testeuse@exemple.fr")  # commits the reset and its e-mail
    assert value(app, "mail_queued_total") == 1
    app.config["MAIL_PORT"] = NOTHING_LISTENS
    deliver_due(db.session, OutboxMessage, mail, "test@example.fr")
    app.config["MAIL_PORT"] = mail_server.port
    assert value(app, "mail_send_failures_total") == 1 and value(app, "mail_sent_total") == 0
    with time_machine.travel(timedelta(minutes=5)):  # past the retry's delay
        deliver_due(db.session, OutboxMessage, mail, "test@example.fr")
    assert value(app, "mail_sent_total") == 1


def test_the_outbox_age_is_the_oldest_unsent_email(app: Flask, mail_server: MailServer) -> None:
    assert value(app, OLDEST_PENDING) == 0
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        make_account(db.session)
        request_reset(db.session, "claire.testeuse@exemple.fr")
        traveller.shift(timedelta(minutes=3))
        request_reset(db.session, "claire.testeuse@exemple.fr")
        traveller.shift(timedelta(minutes=2))
        assert value(app, OLDEST_PENDING) == 300
        deliver_due(db.session, OutboxMessage, mail, "test@example.fr")
        assert value(app, OLDEST_PENDING) == 0


def test_a_service_serves_its_metrics_too(tmp_path: Path) -> None:
    service = rp_soffi.create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/rp.sqlite3", "METRICS_TOKEN": TOKEN}
    )
    client = service.test_client()
    client.get("/healthz")
    assert client.get("/metrics").status_code == 404
    answer = client.get("/metrics", headers=bearer(TOKEN))
    assert answer.status_code == 200
    assert 'http_request_duration_seconds_count{endpoint="health.alive",status="2xx"} 1.0' in answer.text
    assert "idp_logins_total" not in answer.text  # each app its own registry


def test_a_process_without_pages_serves_its_metrics_under_the_same_rule(scraped: Flask) -> None:
    """The outbox worker (`outbox work --metrics-bind`): its e-mail counters live in its own process."""
    server = metrics.serve_in_background(scraped, "127.0.0.1", 0)
    try:
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        assert httpx.get(url).status_code == 404
        assert httpx.get(url, headers=bearer("wrong-token")).status_code == 404
        assert httpx.get(url.replace("/metrics", "/"), headers=bearer(TOKEN)).status_code == 404
        answer = httpx.get(url, headers=bearer(TOKEN))
        assert answer.status_code == 200
        assert "mail_sent_total" in answer.text and OLDEST_PENDING in answer.text
    finally:
        server.shutdown()
        server.server_close()


WORKER = """
import sys
import rp_soffi

app = rp_soffi.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1], "METRICS_TOKEN": "t"})
client = app.test_client()
client.get("/healthz")
if sys.argv[2] == "scrape":
    print(client.get("/metrics", headers={"Authorization": "Bearer t"}).text)
"""


def test_the_values_of_gunicorn_workers_are_added_up(tmp_path: Path) -> None:
    """Each worker is a process: with PROMETHEUS_MULTIPROC_DIR, a scrape answered by one sees them all."""
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus")}
    database = f"sqlite:///{tmp_path}/rp.sqlite3"
    for role in ("serve", "serve", "scrape"):
        done = subprocess.run(
            [sys.executable, "-c", WORKER, database, role], env=environment, capture_output=True, text=True, check=True
        )
    assert 'http_request_duration_seconds_count{endpoint="health.alive",status="2xx"} 3.0' in done.stdout
