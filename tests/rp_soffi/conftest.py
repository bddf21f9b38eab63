"""SOFFi under test: its own database (SQLite or PostgreSQL, migrated once for the session, every table emptied
after each test), its attachments in a temporary folder, and `db` the session services are given; for the pages,
a WebTest browser and `log_in`, the session SOFFi's callback would open."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import webtest
from flask import Flask

import rp_soffi
from rp_soffi.config import ATTACHMENTS_FOLDER
from rp_soffi.extensions import db
from shared.clock import utcnow
from shared.db import DbSession
from shared.oidc_client.access import ID_TOKEN_KEY, LOGIN_AT_KEY, USER_KEY
from shared.oidc_client.claims import HabilitationClaim
from shared.oidc_client.establishments import CURRENT_KEY
from tests.idp.conftest import FreshContext
from tests.rp_soffi.factories import OPCO_SIRET


def soffi_config(url: str, folder: Path | None = None, smtp_port: int = 9) -> dict[str, object]:
    config: dict[str, object] = {
        "TESTING": True,
        "MAIL_SERVER": "127.0.0.1",  # the suite's SMTP server (aiosmtpd), for the statements' e-mails
        "MAIL_PORT": smtp_port,
        "PROPAGATE_UNEXPECTED_ERRORS": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "RP_ISSUER": "http://127.0.0.1:9",  # never called
    }
    if folder is not None:
        config[ATTACHMENTS_FOLDER] = str(folder)
    return config


def empty_soffi_tables() -> None:
    """Every SOFFi table emptied (in the app context of a SOFFi app)."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def attachments_folder(tmp_path: Path) -> Path:
    return tmp_path / "soffi_attachments"


def serving(config: dict[str, object]) -> Iterator[Flask]:
    """SOFFi with this configuration, in its app context, its tables emptied afterwards (for a test module's own
    `soffi_app`: an SMTP server, a virus scanner)."""
    app = rp_soffi.create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        empty_soffi_tables()
        db.engine.dispose()


@pytest.fixture
def soffi_app(soffi_database: str, attachments_folder: Path) -> Iterator[Flask]:
    yield from serving(soffi_config(soffi_database, attachments_folder))


@pytest.fixture
def session(soffi_app: Flask) -> DbSession:
    return db.session


# --- the pages: a WebTest browser and the session the callback would open ------------------------------------------

ROLE_LABELS = {
    "consultation": "Consultation",
    "organisme_collecteur": "Organisme Collecteur",
    "gestionnaire": "Gestionnaire",
    "agent_dgefp": "Agent du ministère",
}
AGENT_SIRET = "99000000100017"  # the ministry's own establishment (DGEFP), for agents' habilitations


@pytest.fixture
def soffi(soffi_app: Flask) -> webtest.TestApp:
    return webtest.TestApp(FreshContext(soffi_app), extra_environ={"HTTP_HOST": "localhost"})


def habilitation(role: str, siret: str, **extra: object) -> HabilitationClaim:
    return HabilitationClaim("soffi", role, ROLE_LABELS[role], siret, siret[:9], "par code d'activation", **extra)  # type: ignore[arg-type]


LogIn = Callable[..., None]


@pytest.fixture
def log_in(soffi_app: Flask, soffi: webtest.TestApp) -> LogIn:
    """`log_in("organisme_collecteur", OPCO_SIRET)`: the session SOFFi's callback would open after a login at
    Mes démarches (the OpenID Connect round trip itself is tested in tests/oidc and tests/integration)."""
    return session_opener(soffi_app, soffi)


def session_opener(soffi_app: Flask, soffi: webtest.TestApp) -> LogIn:
    """What `log_in` does, for the tests whose folder has another service's `log_in` (tests/security)."""

    def open_session(role: str | HabilitationClaim, siret: str = OPCO_SIRET, sub: str = "") -> None:
        claim = role if isinstance(role, HabilitationClaim) else habilitation(role, siret)
        user = {
            "sub": sub or f"sub-{claim.role}",
            "given_name": "Claire",
            "family_name": claim.role.upper(),
            "email": "claire@exemple.fr",
            "habilitations": [claim.to_claim()],
        }
        current = claim.on_behalf_of_siret or claim.siret
        data = {USER_KEY: user, ID_TOKEN_KEY: "id-token", LOGIN_AT_KEY: utcnow().isoformat(), CURRENT_KEY: current}
        serializer = soffi_app.session_interface.get_signing_serializer(soffi_app)  # type: ignore[attr-defined]
        soffi.set_cookie(soffi_app.config["SESSION_COOKIE_NAME"], serializer.dumps(data))

    return open_session
