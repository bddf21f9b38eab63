"""The database does not answer (a restart, an outage): each page that needs it answers 503 with a French page and
`Retry-After`, nothing half-done, and the same pages work again by themselves once it answers — no restart of the
app (the connection pool opens new connections)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import webtest
from flask import Flask
from flask_migrate import upgrade

import rp_soffi
from rp_soffi.extensions import db
from tests.rp_soffi.conftest import LogIn, soffi_config

UNAVAILABLE = "Le service est momentanément indisponible et votre demande n'a pas été traitée."


@pytest.fixture
def soffi_app(tmp_path: Path) -> Iterator[Flask]:
    """SOFFi on a database that is not there yet: its folder appears later, as a server coming back."""
    app = rp_soffi.create_app(soffi_config(f"sqlite:///{tmp_path / 'later' / 'soffi.sqlite3'}", tmp_path / "files"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_pages_answer_503_in_french_during_the_outage_then_work_again(
    soffi_app: Flask, soffi: webtest.TestApp, log_in: LogIn, tmp_path: Path
) -> None:
    log_in("organisme_collecteur")
    during = soffi.get("/campagnes", expect_errors=True)
    assert during.status_int == 503 and during.headers["Retry-After"] == "30"
    assert UNAVAILABLE in " ".join(during.html.get_text().split())
    assert soffi.get("/", expect_errors=True).status_int == 503  # the menu reads the body: the home page too

    (tmp_path / "later").mkdir()  # the database answers again
    upgrade()
    back = soffi.get("/campagnes", expect_errors=True)
    assert back.status_int == 403  # served again: this body is not in the (new, empty) register
    assert "n'est pas référencé comme organisme collecteur" in " ".join(back.html.get_text().split())
