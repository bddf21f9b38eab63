"""The public catalogue: what a visitor of the regional site finds, without logging in, by domain, place and date;
only the validated offer still running, as it was validated."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
import webtest
from flask import Flask

from rp_sofi import messages
from rp_sofi.extensions import db
from rp_sofi.models import Action
from rp_sofi.services import catalogue, workflow
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import FORMALOIRE, IDMV

TODAY = date(2026, 1, 31)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 1, 31, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def offer(sofi_app: Flask, frozen: None) -> dict[str, Action]:
    s = db.session
    f.make_etablissement(s, IDMV)
    cholet = f.make_site(s, IDMV, "IDMV Cholet", code_postal="49300", commune="CHOLET")
    later = [(date(2026, 3, 1), date(2026, 6, 30))]
    offer = {
        # 999001 « Titre professionnel démo Boucher en boutique »: Formacodes 99001 (Boucherie charcuterie) and
        # 99002 (Hygiène alimentaire); at La Roche-sur-Yon (85000); one session ended yesterday (archived)
        "boucher": f.make_action(s, IDMV, 999001, sessions=[(date(2026, 2, 2), date(2026, 6, 30))]),
        # 999002 « CQP démo Préparateur vendeur en boucherie » (99001), at Cholet, ends today
        "cqp": f.make_action(s, IDMV, 999002, site=cholet, sessions=[(date(2025, 10, 1), TODAY)]),
        # 999003 « … Développeur web » (99003), in Nantes (44000), starts in September
        "web": f.make_action(s, FORMALOIRE, 999003, sessions=[(date(2026, 9, 1), date(2027, 3, 31))]),
        "saisie": f.make_action(s, IDMV, 999005, sessions=later),
        "attente": f.submit(s, f.make_action(s, IDMV, 999006, sessions=later), TODAY),
    }
    f.add_session(s, offer["boucher"], date(2025, 9, 1), date(2026, 1, 30))
    for key in ("boucher", "cqp", "web"):
        f.validate(s, offer[key], TODAY)
    s.commit()
    return offer


def titles(page: webtest.TestResponse) -> list[str]:
    return [row.find("td").get_text(strip=True) for row in page.html.select("table tbody tr")]


def search(sofi: webtest.TestApp, status: int = 200, **fields: str) -> webtest.TestResponse:
    """Fill the catalogue's form as a visitor would."""
    form = sofi.get("/catalogue").forms["catalogue-recherche"]
    for name, value in fields.items():
        form[name] = value
    return form.submit(status=status)


BOUCHER = "Titre professionnel démo Boucher en boutique"
CQP = "CQP démo Préparateur vendeur en boucherie"
WEB = "Titre professionnel démo Développeur web et web mobile"


def test_visitors_see_the_running_validated_sessions_soonest_first(
    offer: dict[str, Action], sofi: webtest.TestApp
) -> None:
    page = sofi.get("/catalogue")
    assert titles(page) == [CQP, BOUCHER, WEB]  # no ended session, nothing not validated
    assert page.html.find(id="resultats-nombre").get_text() == "3 sessions trouvées"
    cqp = page.html.select("table tbody tr")[0]
    assert [cell.get_text(strip=True) for cell in cqp.select("td")[1:]] == [
        "INSTITUT DEMO DES METIERS DE LA VIANDE", "IDMV Cholet", "49300 CHOLET", "du 01/10/2025 au 31/01/2026",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("formacode", "found"),
    [("99001", [CQP, BOUCHER]), ("99002", [BOUCHER]), ("boucherie", [CQP, BOUCHER]), ("HYGIENE", [BOUCHER]),
     ("  Développement web ", [WEB]), ("990", [CQP, BOUCHER, WEB])],
)  # fmt: skip
def test_search_by_formacode_code_or_label(
    formacode: str, found: list[str], offer: dict[str, Action], sofi: webtest.TestApp
) -> None:
    assert titles(search(sofi, formacode=formacode)) == found


def test_a_code_prefix_finds_every_code_starting_so(
    offer: dict[str, Action], sofi: webtest.TestApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many Formacodes start with the digits typed (hundreds for one digit): not only the first ones."""
    monkeypatch.setattr(catalogue, "MAX_FORMACODES", 1)  # the table's first code starting with 990 is 99001
    assert titles(search(sofi, formacode="990")) == [CQP, BOUCHER, WEB]
    assert titles(search(sofi, formacode="99002")) == [BOUCHER]


@pytest.mark.parametrize(
    ("lieu", "found"),
    [("Cholet", [CQP]), ("cho", [CQP]), ("49", [CQP]), ("85000", [BOUCHER]), ("la roche sur yon", [BOUCHER]),
     ("44", [WEB]), ("Paris", []), ("100%", [])],
)  # fmt: skip
def test_search_by_place(lieu: str, found: list[str], offer: dict[str, Action], sofi: webtest.TestApp) -> None:
    assert titles(search(sofi, lieu=lieu)) == found


def test_search_by_date_finds_sessions_running_then_or_starting_after(
    offer: dict[str, Action], sofi: webtest.TestApp
) -> None:
    assert titles(search(sofi, date="2026-06-30")) == [BOUCHER, WEB]  # the boucher's ends that day
    assert titles(search(sofi, date="2026-07-01")) == [WEB]
    assert titles(search(sofi, date="01/07/2026")) == [WEB]  # typed by hand
    assert titles(search(sofi, date="2020-01-01")) == [CQP, BOUCHER, WEB]  # never anything ended
    assert titles(search(sofi, formacode="99001", lieu="85", date="2026-03-01")) == [BOUCHER]


def test_an_action_edited_after_validation_shows_its_validated_version(
    offer: dict[str, Action], sofi: webtest.TestApp
) -> None:
    boucher = offer["boucher"]
    workflow.before_edit(db.session, boucher, f.of_scope(IDMV))
    boucher.complement_intitule = "Nouvelle version pas encore validée"
    boucher.sessions[0].date_fin = date(2026, 1, 30)
    db.session.commit()
    page = search(sofi, formacode="99002")
    assert titles(page) == [BOUCHER]
    assert "du 02/02/2026 au 30/06/2026" in page.text and "pas encore validée" not in page.text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [({"date": "31/02/2026"}, "date", "Indiquez une date valide, au format JJ/MM/AAAA."),
     ({"date": "demain"}, "date", "Indiquez une date valide, au format JJ/MM/AAAA."),
     ({"formacode": "astrophysique"}, "formacode", messages.CATALOGUE_FORMACODE),
     ({"formacode": "12345"}, "formacode", messages.CATALOGUE_FORMACODE),
     ({"lieu": "x" * 121}, "lieu", "Indiquez une commune, un code postal ou un numéro de département.")],
)  # fmt: skip
def test_bad_input_is_said_on_its_field_with_no_results(
    fields: dict[str, str], field: str, message: str, offer: dict[str, Action], sofi: webtest.TestApp
) -> None:
    page = search(sofi, **fields)
    assert page.html.find(id=f"{field}-messages").get_text(strip=True) == message
    assert page.html.find(id="error-summary") is not None
    assert page.html.find("title").get_text().startswith("Erreur - ")
    assert titles(page) == [] and "Aucune session ne correspond à votre recherche." in page.text


def test_forged_parameters_are_no_error(offer: dict[str, Action], sofi: webtest.TestApp) -> None:
    assert titles(sofi.get("/catalogue?page=abc&date=&formacode=&lieu=")) == [CQP, BOUCHER, WEB]
    assert titles(sofi.get("/catalogue?page=999")) == [CQP, BOUCHER, WEB]  # the last page
    assert titles(sofi.get("/catalogue?lieu=%25&formacode=_")) == []


def test_results_come_twenty_a_page(sofi_app: Flask, frozen: None, sofi: webtest.TestApp) -> None:
    f.make_etablissement(db.session, IDMV)
    f.validate(db.session, f.make_action(db.session, IDMV, 999001, sessions=[
        (date(2026, 2, day), date(2026, 6, 30)) for day in range(1, 26)
    ]), TODAY)  # fmt: skip
    db.session.commit()
    first = search(sofi, lieu="85")
    assert len(titles(first)) == 20 and "25 sessions trouvées" in first.text
    second = first.click(description="Page suivante")
    assert len(titles(second)) == 5 and "lieu=85" in second.request.url
    assert "du 25/02/2026" in second.text
