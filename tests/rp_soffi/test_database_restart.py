"""PostgreSQL restarted under SOFFi (issue 18), on a cluster of this module's own: its pages answer 503 with the French
page meanwhile, /readyz names the database, and the same app serves them again from the first request once it is
back. Runs in both the SQLite and the PostgreSQL runs of the suite."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import webtest
from flask import Flask
from flask_migrate import upgrade

import rp_soffi
from rp_soffi.extensions import db
from tests.conftest import new_database
from tests.postgres_cluster import Cluster
from tests.rp_soffi.conftest import LogIn, serving, soffi_config
from tests.rp_soffi.factories import make_body

UNAVAILABLE = "Le service est momentanément indisponible et votre demande n'a pas été traitée."


@pytest.fixture(scope="module")
def database(own_cluster: Cluster) -> str:
    url = new_database(own_cluster.url, "soffi")
    with rp_soffi.create_app(soffi_config(url)).app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def soffi_app(database: str, attachments_folder: Path) -> Iterator[Flask]:
    yield from serving(soffi_config(database, attachments_folder))


@pytest.fixture(autouse=True)
def started_again(own_cluster: Cluster, soffi_app: Flask) -> Iterator[None]:
    """Torn down before SOFFi empties its tables: a failed test may have left the cluster stopped."""
    yield
    if not own_cluster.running:
        own_cluster.start()


@pytest.fixture
def logged_in(soffi: webtest.TestApp, log_in: LogIn) -> webtest.TestApp:
    """An OPCO in the register, logged in: its campaigns page reads the database."""
    make_body(db.session)
    db.session.remove()
    log_in("organisme_collecteur")
    assert soffi.get("/campagnes").status_int == 200  # the pool holds an open connection
    return soffi


def test_pages_answer_503_in_french_while_postgresql_is_stopped_then_work_again(
    own_cluster: Cluster, logged_in: webtest.TestApp
) -> None:
    own_cluster.stop()
    for _ in range(2):  # the second one too: no dead connection reused
        during = logged_in.get("/campagnes", expect_errors=True)
        assert during.status_int == 503 and during.headers["Retry-After"] == "30"
        assert UNAVAILABLE in " ".join(during.html.get_text().split())
    assert logged_in.get("/healthz").status_int == 200
    ready = logged_in.get("/readyz", expect_errors=True)
    assert ready.status_int == 503 and ready.json["checks"]["database"] == "error"

    own_cluster.start()
    assert logged_in.get("/campagnes").status_int == 200
    assert logged_in.get("/readyz", expect_errors=True).json["checks"]["database"] == "ok"


def test_the_first_request_after_a_restart_is_served(own_cluster: Cluster, logged_in: webtest.TestApp) -> None:
    own_cluster.stop()
    own_cluster.start()
    assert logged_in.get("/campagnes").status_int == 200
