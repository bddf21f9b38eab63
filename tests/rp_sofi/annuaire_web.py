"""The « Annuaire » page as its tests reach it: the établissement IDMV with its domain 14201 (`idmv`), read again
after a request, and the page of the logged-in organisation or of the SIRET, site, … given as parameters."""

import pytest
import webtest
from flask import Flask

from rp_sofi.extensions import db
from rp_sofi.models import Etablissement
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import IDMV
from tests.rp_sofi.web import fresh

IDMV_NAME = "INSTITUT DEMO DES METIERS DE LA VIANDE"  # SIRENE's, the main site's first « Nom d'usage »


def etablissement(siret: str = IDMV) -> Etablissement:
    fresh()
    found = db.session.get(Etablissement, siret)
    assert found is not None
    return found


@pytest.fixture
def idmv(sofi_app: Flask) -> Etablissement:
    made = f.make_etablissement(db.session, IDMV, domaines=["14201"])
    db.session.commit()
    return made


def annuaire_page(sofi: webtest.TestApp, status: int | None = None, **params: object) -> webtest.TestResponse:
    return sofi.get("/annuaire", params=params, status=status)
