"""Lhéo export of the validated offer: what a partner reads in the downloaded file (checked against the schema
before it is sent), whose offer it holds, and the nightly file of the whole region."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
import webtest
from flask import Flask
from lxml import etree

from rp_sofi.extensions import db
from rp_sofi.lheo.export import NAMESPACE, LheoInvalid, validate
from rp_sofi.models import Action
from rp_sofi.services import workflow
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import CARIF, FORMALOIRE, IDMV, LogIn

TODAY = date(2026, 1, 31)
ONE_YEAR = timedelta(days=365)
NS = {"l": NAMESPACE}


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 1, 31, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def offer(sofi_app: Flask, frozen: None) -> dict[str, Action]:
    s = db.session
    f.make_etablissement(s, IDMV)
    cholet = f.make_site(s, IDMV, "IDMV Cholet", code_postal="49300", commune="CHOLET", telephone="02 41 00 00 00")
    cap = f.make_action(s, IDMV, 31999, complement_intitule="en alternance", url="https://idmv.example/cap")
    f.add_session(s, cap, date(2026, 9, 1), date(2027, 6, 30))
    f.add_session(s, cap, date(2026, 3, 2), date(2026, 12, 18), site=cholet)
    f.add_session(s, cap, date(2025, 9, 1), date(2026, 1, 30))  # ended yesterday: archived, not exported
    offer = {
        "cap": f.validate(s, cap, TODAY),
        "second-cap": f.validate(s, f.make_action(s, IDMV, 31999, sessions=[(TODAY, date(2026, 5, 29))]), TODAY),
        "saisie": f.make_action(s, IDMV, 999001, sessions=[(TODAY, date(2026, 5, 29))]),
        "attente": f.submit(s, f.make_action(s, IDMV, 999002, sessions=[(TODAY, date(2026, 5, 29))]), TODAY),
        "termine": f.validate(
            s, f.make_action(s, IDMV, 999005, sessions=[(date(2025, 1, 6), TODAY - ONE_YEAR)]), TODAY
        ),
        "formaloire": f.validate(s, f.make_action(s, FORMALOIRE, 999003, sessions=[(TODAY, date(2026, 7, 3))]), TODAY),
    }
    s.commit()
    return offer


def parsed(response: webtest.TestResponse) -> etree._Element:
    validate(response.body)  # the route validated it already: checked again on what was received
    return etree.fromstring(response.body)


def texts(document: etree._Element, path: str) -> list[str]:
    return [node.text for node in document.xpath(path, namespaces=NS)]


def action_numeros(document: etree._Element) -> set[str]:
    return set(document.xpath("//l:action/@numero", namespaces=NS))


def test_the_cap_boucher_bundle_is_downloaded_as_valid_lheo(
    offer: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("consultation", siret=IDMV)
    page = sofi.get("/")
    response = page.click(description=r"Exporter \(Lhéo\)")
    assert response.headers["Content-Disposition"] == 'attachment; filename="sofi-lheo-20260131.xml"'
    assert response.content_type == "application/xml"
    document = parsed(response)
    cap = document.xpath("//l:formation[l:certification/l:code-CERTIFINFO='31999']", namespaces=NS)
    assert len(cap) == 1  # one <formation> for the formation of this établissement, both actions in it
    formation = cap[0]
    assert texts(formation, "l:intitule-formation") == ["CAP boucher"]
    assert texts(formation, "l:code-niveau-sortie") == ["4"]  # CAP: level 3 of 2019, niveau V of Lhéo 2.2
    assert texts(formation, "l:organisme-formation-responsable//l:SIRET") == [IDMV]
    assert texts(formation, "l:organisme-formation-responsable/l:numero-activite") == [f.DEMO_NDA]
    cap_id, second_id = str(offer["cap"].id), str(offer["second-cap"].id)
    assert set(formation.xpath("l:action/@numero", namespaces=NS)) == {cap_id, second_id}
    sessions = formation.xpath(f"l:action[@numero='{cap_id}']/l:session", namespaces=NS)
    periods = [(texts(s, "l:periode/l:debut")[0], texts(s, "l:periode/l:fin")[0]) for s in sessions]
    assert sorted(periods) == [("20260302", "20261218"), ("20260901", "20270630")]  # not the ended one
    places = texts(formation, f"l:action[@numero='{cap_id}']/l:lieu-de-formation//l:ville")
    assert sorted(places) == ["CHOLET", "LA ROCHE-SUR-YON"]
    assert texts(formation, f"l:action[@numero='{cap_id}']/l:url-action/l:urlweb")[0] == "https://idmv.example/cap"
    assert "4200.00" in texts(formation, "l:action/l:prix-total-TTC")


def test_only_validated_running_offer_of_the_organisation_is_exported(
    offer: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("contributeur", siret=IDMV)
    numeros = action_numeros(parsed(sofi.get("/export/lheo.xml")))
    assert numeros == {str(offer["cap"].id), str(offer["second-cap"].id)}
    # not: « en saisie », « en attente de validation », all sessions ended, another organisation's


def test_the_carif_oref_exports_the_whole_region(
    offer: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("valideur_carif", siret=CARIF)
    document = parsed(sofi.get("/export/lheo.xml"))
    assert action_numeros(document) == {str(offer[key].id) for key in ("cap", "second-cap", "formaloire")}
    assert sorted(texts(document, "//l:organisme-formation-responsable//l:SIRET")) == sorted([IDMV, FORMALOIRE])


def test_an_action_edited_after_validation_is_exported_as_validated(
    offer: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    cap = offer["cap"]
    workflow.before_edit(db.session, cap, f.of_scope(IDMV))
    cap.url = "https://brouillon.example"
    cap.sessions[0].date_fin = date(2027, 7, 9)
    db.session.commit()
    log_in("gestionnaire", siret=IDMV)
    document = parsed(sofi.get("/export/lheo.xml"))
    assert str(cap.id) in action_numeros(document)
    assert "https://brouillon.example" not in texts(document, "//l:urlweb")
    assert "20270709" not in texts(document, "//l:fin") and "20270630" in texts(document, "//l:fin")


def test_an_organisation_with_nothing_validated_gets_an_empty_valid_file(
    sofi_app: Flask, frozen: None, sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("consultation", siret=FORMALOIRE)
    document = parsed(sofi.get("/export/lheo.xml"))
    assert document.xpath("//l:formation", namespaces=NS) == []


def test_the_export_needs_a_sofi_role(sofi_app: Flask, sofi: webtest.TestApp, log_in: LogIn) -> None:
    assert sofi.get("/export/lheo.xml", status=302).headers["Location"].startswith("/connexion")
    log_in()  # no habilitation
    assert sofi.get("/export/lheo.xml", status=403)


def test_the_nightly_command_writes_the_region_file(offer: dict[str, Action], sofi_app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "offre.xml"
    result = sofi_app.test_cli_runner().invoke(args=["lheo", "export", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Export Lhéo écrit dans {target}." in result.output
    document = etree.fromstring(target.read_bytes())
    assert action_numeros(document) == {str(offer[key].id) for key in ("cap", "second-cap", "formaloire")}
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def break_snapshot(action: Action) -> None:
    snapshot = dict(action.published or {})
    snapshot["organisme"] = snapshot["organisme"] | {"siret": "123"}  # not a SIRET: the schema refuses it
    action.published = snapshot
    db.session.commit()


def test_an_invalid_download_is_never_sent(offer: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn) -> None:
    break_snapshot(offer["cap"])
    log_in("consultation", siret=IDMV)
    with pytest.raises(LheoInvalid):  # a bug: the error page in production, never a file partners reject
        sofi.get("/export/lheo.xml")


def test_an_invalid_nightly_file_is_not_written(offer: dict[str, Action], sofi_app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "offre.xml"
    target.write_text("la veille")
    break_snapshot(offer["cap"])
    result = sofi_app.test_cli_runner().invoke(args=["lheo", "export", "--output", str(target)])
    assert result.exit_code == 1 and "Export Lhéo invalide, fichier non écrit" in result.output
    assert target.read_text() == "la veille" and list(tmp_path.iterdir()) == [target]


def test_dates_of_an_offer_validated_after_midnight_in_paris_are_the_french_day(
    sofi_app: Flask, sofi: webtest.TestApp, log_in: LogIn
) -> None:
    thirty_past_midnight = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)  # 1 February, 00:30 in Paris
    with time_machine.travel(thirty_past_midnight, tick=False):
        action = f.make_action(db.session, IDMV, 31999, sessions=[(date(2026, 2, 2), date(2026, 5, 29))])
        f.submit(db.session, action, date(2026, 2, 1))
        stored = thirty_past_midnight.replace(tzinfo=None)  # naive UTC, as the database keeps it
        workflow.validate(db.session, action, f.carif_scope(), date(2026, 2, 1), stored)
        db.session.commit()
        log_in("contributeur", siret=IDMV)
        document = parsed(sofi.get("/export/lheo.xml"))
    [exported] = document.xpath("//l:action", namespaces=NS)
    assert (exported.get("datecrea"), exported.get("datemaj")) == ("20260201", "20260201")
    [formation] = document.xpath("//l:formation", namespaces=NS)
    assert formation.get("datecrea") == "20260201"
