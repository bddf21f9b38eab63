"""Mon Activité Formation under test: its own database (SQLite or PostgreSQL, migrated once, emptied after each
test), a WebTest client, and `log_in` that opens a session as the callback would after a login at the IdP (the
OpenID Connect round trip itself is tested in tests/oidc and tests/integration)."""

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
import time_machine
import webtest
from flask import Flask

import rp_bpf
from rp_bpf.extensions import db
from rp_bpf.services.journal import Actor
from shared.clock import utcnow
from shared.oidc_client.access import ID_TOKEN_KEY, LOGIN_AT_KEY, USER_KEY
from shared.oidc_client.claims import HabilitationClaim
from shared.oidc_client.establishments import CURRENT_KEY
from tests.conftest import empty_bpf_tables
from tests.idp.conftest import FreshContext
from tests.mail_server import MailServer

FORMALOIRE = "99791566500019"  # FORMA'LOIRE CONSEIL, Nantes (44): the examples' organisation
CABINET = "99643906300016"  # an accounting firm, déclarant by delegation
DREETS_PDL = "13000000000018"  # a control service's own SIRET (design)
ROLE_LABELS = {"declarant": "Déclarant", "gestionnaire": "Gestionnaire", "controle_srf": "Service régional de contrôle"}
DECLARANT = Actor("sub-alix", "Alix DÉCLARANTE")
AGENT = Actor("sub-agent", "Paul CONTRÔLEUR")
# Transmitted during the 2025 campaign, before its deadline (30 April 2026)
IN_TIME = datetime(2026, 3, 2, 9, 30)  # naive UTC, as stored


def bpf_config(url: str, smtp_port: int = 9) -> dict[str, object]:
    return {
        "TESTING": True,
        "MAIL_SERVER": "127.0.0.1",  # the suite's SMTP server (aiosmtpd), for the reminders' e-mails
        "MAIL_PORT": smtp_port,
        "PROPAGATE_UNEXPECTED_ERRORS": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "RP_ISSUER": "http://127.0.0.1:9",  # never called: tests open sessions with log_in
    }


@pytest.fixture
def bpf_app(bpf_database: str, mail_server: MailServer) -> Iterator[Flask]:
    app = rp_bpf.create_app(bpf_config(bpf_database, mail_server.port))
    with app.app_context():
        yield app
        db.session.remove()
        empty_bpf_tables()
        db.engine.dispose()


@pytest.fixture
def session(bpf_app: Flask) -> object:
    return db.session


@pytest.fixture
def bpf(bpf_app: Flask) -> webtest.TestApp:
    return webtest.TestApp(FreshContext(bpf_app), extra_environ={"HTTP_HOST": "localhost"})


def habilitation(role: str, siret: str = FORMALOIRE, **extra: object) -> HabilitationClaim:
    return HabilitationClaim("bpf", role, ROLE_LABELS[role], siret, siret[:9], "par code d'activation", **extra)  # type: ignore[arg-type]


LogIn = Callable[..., None]


@pytest.fixture
def log_in(bpf_app: Flask, bpf: webtest.TestApp) -> LogIn:
    """`log_in("declarant")` or `log_in(habilitation(...), ...)`: the session the callback would open."""
    return session_opener(bpf_app, bpf)


def session_opener(bpf_app: Flask, bpf: webtest.TestApp) -> LogIn:
    """What `log_in` does, for the tests whose folder has another service's `log_in` (tests/security)."""

    def open_session(*held: str | HabilitationClaim, sub: str = "sub-alix") -> None:
        claims = [item if isinstance(item, HabilitationClaim) else habilitation(item) for item in held]
        user = {
            "sub": sub,
            "given_name": "Alix",
            "family_name": "DÉCLARANTE",
            "email": "alix@formaloire.example",
            "habilitations": [claim.to_claim() for claim in claims],
        }
        first = claims[0].on_behalf_of_siret or claims[0].siret if claims else None
        data = {USER_KEY: user, ID_TOKEN_KEY: "id-token", LOGIN_AT_KEY: utcnow().isoformat(), CURRENT_KEY: first}
        serializer = bpf_app.session_interface.get_signing_serializer(bpf_app)  # type: ignore[attr-defined]
        bpf.set_cookie(bpf_app.config["SESSION_COOKIE_NAME"], serializer.dumps(data))

    return open_session


@pytest.fixture
def during_the_2025_campaign() -> Iterator[None]:
    """2 March 2026: the BPF 2025 are due by 30 April."""
    with time_machine.travel("2026-03-02 09:30:00+00:00", tick=False):
        yield


@pytest.fixture
def registered(bpf: webtest.TestApp, log_in: LogIn) -> None:
    """FORMA'LOIRE's declaration deposited and registered through the pages; its déclarant logged in."""
    from tests.rp_bpf.web import deposit, fresh, register_as_control  # web.py reads this module's constants

    log_in("declarant")
    assert deposit(bpf).status_int == 302
    register_as_control(bpf, log_in)
    log_in("declarant")
    fresh()
