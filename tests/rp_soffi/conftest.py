"""SOFFi under test: its own database (SQLite or PostgreSQL, migrated once for the session, every table emptied
after each test), its attachments in a temporary folder, and `db` the session services are given."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

import rp_soffi
from rp_soffi.config import ATTACHMENTS_FOLDER
from rp_soffi.extensions import db
from shared.db import DbSession
from tests.conftest import new_database


def soffi_config(url: str, folder: Path | None = None) -> dict[str, object]:
    config: dict[str, object] = {
        "TESTING": True,
        "PROPAGATE_UNEXPECTED_ERRORS": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "RP_ISSUER": "http://127.0.0.1:9",  # never called
    }
    if folder is not None:
        config[ATTACHMENTS_FOLDER] = str(folder)
    return config


@pytest.fixture(scope="session")
def soffi_database(database_server: str | None) -> str:
    """SOFFi's own database, migrated once (through its migrations, never create_all)."""
    url = new_database(database_server, "soffi")
    app = rp_soffi.create_app(soffi_config(url))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return url


def empty_soffi_tables() -> None:
    """Every SOFFi table emptied (in the app context of a SOFFi app)."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def attachments_folder(tmp_path: Path) -> Path:
    return tmp_path / "soffi_attachments"


@pytest.fixture
def soffi_app(soffi_database: str, attachments_folder: Path) -> Iterator[Flask]:
    app = rp_soffi.create_app(soffi_config(soffi_database, attachments_folder))
    with app.app_context():
        yield app
        db.session.remove()
        empty_soffi_tables()
        db.engine.dispose()


@pytest.fixture
def session(soffi_app: Flask) -> DbSession:
    return db.session
