"""The « Formations » tunnel (FASD) as a person fills it: the clock frozen on TODAY for every test of a module
that imports `frozen` (autouse), the CAP boucher school `idmv` with its NDA, the sheets' own forms filled with valid
values that a test overrides field by field, and `make_bundle` for an action with its session and dispositif saved."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
import webtest
from flask import Flask

from rp_sofi.extensions import db
from rp_sofi.models import Action, Etablissement
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import IDMV

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def idmv(sofi_app: Flask) -> Etablissement:
    """The CAP boucher school, its NDA given (required before « Valider »)."""
    etablissement = f.make_etablissement(db.session, IDMV)
    db.session.commit()
    return etablissement


# Helpers: the page's own forms, filled as a person would.


def check(form: webtest.forms.Form, name: str, *values: str) -> None:
    """Tick exactly these checkboxes of a group."""
    for box in form.fields[name]:
        box.checked = box._value in values


def sheet_form(page: webtest.TestResponse) -> webtest.forms.Form:
    """The sheet's form (the one with « Enregistrer »), not the header's « Se déconnecter »."""
    return next(form for form in page.forms.values() if "enregistrer" in form.fields)


def fill_action(form: webtest.forms.Form, **values: str) -> webtest.forms.Form:
    defaults = {
        "niveau_entree": "4", "type_parcours": "1", "entrees_sorties": "DATES_FIXES", "duree_centre": "400",
        "duree_entreprise": "140", "duree_hebdo": "35", "complement_intitule": "En alternance",
        "url": "https://idmv.example.fr/cap-boucher",
    }  # fmt: skip
    if not form["site_dispensateur_id"].value:
        form["site_dispensateur_id"] = form["site_dispensateur_id"].options[1][0]
    check(form, "modalites_pedagogiques", "96414", "96142")
    for name, value in (defaults | values).items():
        form[name] = value
    return form


def fill_session(form: webtest.forms.Form, **values: str) -> webtest.forms.Form:
    defaults = {
        "date_debut": "2026-09-01", "date_fin": "2027-06-30", "modalites_enseignement": "0", "capacite": "12",
        "places_disponibles": "8",
    }  # fmt: skip
    if not form["site_lieu_id"].value:
        form["site_lieu_id"] = form["site_lieu_id"].options[1][0]
    check(form, "rythmes", "JOURNEE")
    for name, value in (defaults | values).items():
        form[name] = value
    return form


def fill_dispositif(form: webtest.forms.Form, **values: str) -> webtest.forms.Form:
    defaults = {"nb_places": "8", "cout_stagiaire": "4 200,50", "codes_externes": "EXT-42", "nb_remuneres": "2"}
    for name, value in (defaults | values).items():
        form[name] = value
    return form


def new_action_page(sofi: webtest.TestApp, code: str = "31999") -> webtest.TestResponse:
    """« Créer », the code typed, « → » on the Fiche Formation: the empty Fiche Action."""
    page = sofi.get("/formations/creer")
    page.forms[1]["certifinfo"] = code
    formation = page.forms[1].submit().follow()
    return formation.click(description="Continuer : fiche Action")


def make_bundle(siret: str = IDMV, **overrides: object) -> Action:
    """An action with one session (September to June) and its « financement privé » dispositif."""
    action = f.make_action(db.session, siret, sessions=[(date(2026, 9, 1), date(2027, 6, 30))], **overrides)
    db.session.commit()
    return action
