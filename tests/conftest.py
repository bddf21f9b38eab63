"""Fixtures shared by the whole suite: the database (SQLite or PostgreSQL), a real SMTP server, the app."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from idp.oidc.keys import forget_signing_key
from tests.mail_server import MailServer
from tests.postgres_cluster import Cluster, free_port, postgres_cluster, restartable_postgres_cluster

# SOFFi and Mon Activité Formation keep what back-channel logout needs in their own database, an SQLite file under
# instance/ by default: the suite's go to a temporary folder, never to the repository's instance/.
SERVICES_DATABASES = Path(tempfile.mkdtemp(prefix="mesdemarches-services-"))
for _code in ("soffi", "bpf"):
    os.environ.setdefault(f"{_code.upper()}_DATABASE_URL", f"sqlite:///{SERVICES_DATABASES / _code}.sqlite3")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=["sqlite", "postgresql"], default="sqlite", help="database the suite runs on")


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def database_server(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """URL of a throwaway PostgreSQL cluster, or None on SQLite."""
    if request.config.getoption("--db") == "sqlite":
        yield None
        return
    with postgres_cluster() as url:
        yield url


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster of the test module's own, whatever the suite runs on, for the tests that stop and start
    it again: the other tests never see their database go down."""
    with restartable_postgres_cluster() as cluster:
        yield cluster


def new_database(server: str | None, name: str) -> str:
    """A new empty database and its SQLAlchemy URL."""
    if server is None:
        folder = Path(tempfile.mkdtemp(prefix="mesdemarches-sqlite-"))
        return f"sqlite:///{folder / (name + '.sqlite3')}"
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server}/{name}"


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    server = MailServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def idp_database(database_server: str | None, mail_server: MailServer) -> str:
    """The identity provider's database, migrated once for the session."""
    url = new_database(database_server, "idp")
    from idp import create_app

    app = create_app(idp_test_config(url, mail_server.port))
    with app.app_context():
        upgrade()
        from idp.extensions import db

        db.engine.dispose()
    return url


def idp_test_config(url: str, smtp_port: int) -> dict[str, object]:
    return {
        "TESTING": True,
        "PROPAGATE_UNEXPECTED_ERRORS": True,  # a bug fails the test instead of showing the 500 page
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "PUBLIC_URL": "http://localhost",
        "ALTCHA_MAX_NUMBER": 2000,
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture
def idp_app(idp_database: str, mail_server: MailServer) -> Iterator[Flask]:
    from idp import create_app

    app = create_app(idp_test_config(idp_database, mail_server.port))
    mail_server.clear()
    with app.app_context():
        yield app
        empty_idp_tables()


def empty_idp_tables() -> None:
    """Every table of the provider emptied, schema kept (in the app context of one of its apps): each test starts from
    empty tables — simple, and right for threads and live servers."""
    from idp.extensions import db

    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    db.engine.dispose()
    forget_signing_key()  # its key was in the tables just emptied


SOFI_REFERENCE_TABLES = {"certification", "formacode", "sirene_establishment"}


@pytest.fixture(scope="session")
def sofi_database(database_server: str | None) -> str:
    """SOFI's own database, migrated once with its reference tables (Certifinfo, Formacode, SIRENE) loaded."""
    import rp_sofi
    from rp_sofi.extensions import db
    from rp_sofi.reference import load_all

    url = new_database(database_server, "sofi")
    app = rp_sofi.create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        load_all(db.session)
        db.session.remove()
        db.engine.dispose()
    return url


def empty_sofi_tables() -> None:
    """Every SOFI table but the reference ones, emptied (in the app context of a SOFI app)."""
    from rp_sofi.extensions import db

    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in SOFI_REFERENCE_TABLES:
                connection.execute(table.delete())


@pytest.fixture(scope="session")
def bpf_database(database_server: str | None) -> str:
    """Mon Activité Formation's own database, migrated once."""
    import rp_bpf
    from rp_bpf.extensions import db

    url = new_database(database_server, "bpf")
    app = rp_bpf.create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def soffi_database(database_server: str | None) -> str:
    """SOFFi's own database, migrated once (through its migrations, never create_all); here, not in tests/rp_soffi,
    so that tests/security's walk and SOFFi's tests share it in one run."""
    import rp_soffi
    from rp_soffi.extensions import db
    from tests.rp_soffi.conftest import soffi_config

    url = new_database(database_server, "soffi")
    with rp_soffi.create_app(soffi_config(url)).app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return url


def empty_bpf_tables() -> None:
    """Every table of Mon Activité Formation, emptied (in the app context of one of its apps)."""
    from rp_bpf.extensions import db

    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
