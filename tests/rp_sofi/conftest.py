"""SOFI under test: its own database (SQLite or PostgreSQL, migrated once, reference tables loaded once, the
others emptied after each test), a WebTest client, and `log_in` that opens a session as the callback would
after a login at the IdP (the OpenID Connect round trip itself is tested in tests/oidc and tests/integration);
`today` in Paris, and `carif` for a session of the Carif-Oref's valideur."""

from collections.abc import Callable, Iterator
from datetime import date

import pytest
import webtest
from flask import Flask

import rp_sofi
from rp_sofi.extensions import db
from shared.clock import in_paris, utcnow
from shared.oidc_client.access import ID_TOKEN_KEY, LOGIN_AT_KEY, USER_KEY
from shared.oidc_client.claims import HabilitationClaim
from shared.oidc_client.establishments import CURRENT_KEY
from tests.conftest import empty_sofi_tables
from tests.idp.conftest import FreshContext

IDMV = "99966088900018"  # INSTITUT DEMO DES METIERS DE LA VIANDE, La Roche-sur-Yon (85)
IDMV_CHOLET = "99966088900026"  # its antenna in Cholet (49)
FORMALOIRE = "99791566500019"  # FORMA'LOIRE CONSEIL, Nantes (44)
CARIF = "99654944000013"  # CARIF-OREF DEMO PAYS DE LA LOIRE
PARIS_SIRET = "99972281200016"  # in the SIRENE extract, outside the Pays de la Loire: not loaded
CLOSED_SIRET = "99844420200027"  # Nantes, closed according to INSEE (« F »)
ROLE_LABELS = {
    "gestionnaire": "Gestionnaire de l'autosaisie",
    "contributeur": "Contributeur",
    "consultation": "Consultation",
    "valideur_carif": "Valideur Carif-Oref",
}


def sofi_config(url: str) -> dict[str, object]:
    return {
        "TESTING": True,
        "PROPAGATE_UNEXPECTED_ERRORS": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "RP_ISSUER": "http://127.0.0.1:9",  # never called: tests open sessions with log_in
    }


@pytest.fixture
def sofi_app(sofi_database: str) -> Iterator[Flask]:
    app = rp_sofi.create_app(sofi_config(sofi_database))
    with app.app_context():
        yield app
        db.session.remove()
        empty_sofi_tables()
        db.engine.dispose()


@pytest.fixture
def sofi(sofi_app: Flask) -> webtest.TestApp:
    # The host the session cookie of `log_in` is set for: the one WebTest files the app's own cookies under, so
    # that the app's updates (the CSRF token) replace it instead of sitting beside it.
    return webtest.TestApp(FreshContext(sofi_app), extra_environ={"HTTP_HOST": "localhost"})


def habilitation(role: str, siret: str, **extra: object) -> HabilitationClaim:
    return HabilitationClaim("sofi", role, ROLE_LABELS[role], siret, siret[:9], "par code d'activation", **extra)  # type: ignore[arg-type]


LogIn = Callable[..., None]


@pytest.fixture
def log_in(sofi_app: Flask, sofi: webtest.TestApp) -> LogIn:
    """`log_in("contributeur", IDMV)` or `log_in(habilitation(...), ...)`: the session the callback would open."""

    def open_session(*held: str | HabilitationClaim, siret: str = IDMV, sub: str = "sub-claire") -> None:
        claims = [item if isinstance(item, HabilitationClaim) else habilitation(item, siret) for item in held]
        user = {
            "sub": sub,
            "given_name": "Claire",
            "family_name": "TESTEUSE",
            "email": "claire.testeuse@exemple.fr",
            "habilitations": [claim.to_claim() for claim in claims],
        }
        first = claims[0].on_behalf_of_siret or claims[0].siret if claims else None
        data = {USER_KEY: user, ID_TOKEN_KEY: "id-token", LOGIN_AT_KEY: utcnow().isoformat(), CURRENT_KEY: first}
        serializer = sofi_app.session_interface.get_signing_serializer(sofi_app)  # type: ignore[attr-defined]
        sofi.set_cookie(sofi_app.config["SESSION_COOKIE_NAME"], serializer.dumps(data))

    return open_session


@pytest.fixture
def today(sofi_app: Flask) -> date:
    return in_paris(utcnow()).date()


@pytest.fixture
def carif(log_in: LogIn) -> None:
    log_in("valideur_carif", siret=CARIF)
