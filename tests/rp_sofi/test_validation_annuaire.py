"""The annuaire records in the Carif-Oref's « File de validation » (sofi.md §5, §9): an établissement's new values
shown against its accepted ones, rejected with a reason (previous values back) or accepted once (a second decision
refused), a new site accepted and so usable as a place of training; unknown records answering 404."""

from datetime import date, datetime

import pytest
import webtest
from flask import Flask

from rp_sofi import messages
from rp_sofi.extensions import db
from rp_sofi.models import Etablissement, JournalEvent, RecordStatus, Site
from rp_sofi.services import annuaire, rules
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import IDMV
from tests.rp_sofi.web import fresh, journal, text

# Annuaire records


@pytest.fixture
def submitted_etablissement(sofi_app: Flask) -> Etablissement:
    made = f.make_etablissement(db.session, IDMV, domaines=["14201"])
    annuaire.update_etablissement(db.session, made, f.of_scope(IDMV), made.version, nda="52850000099",
                                  description="Boucherie", domaines=["14201", "14207"])  # fmt: skip
    db.session.flush()  # the version the gestionnaire's next page shows
    annuaire.submit_record(db.session, made, f.of_scope(IDMV), made.version, datetime(2026, 1, 10, 8, 0))
    db.session.commit()
    return made


def test_a_record_shows_new_against_accepted_values(
    sofi: webtest.TestApp, carif: None, submitted_etablissement: Etablissement
) -> None:
    page = sofi.get("/validation").click(href=f"/validation/annuaire/etablissement/{IDMV}")
    rows = {row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.find_all("td")]
            for row in page.html.find("tbody").find_all("tr")}  # fmt: skip
    assert rows["Domaine formation"] == ["14201 - Culture civilisation",
                                         "14201 - Culture civilisation, 14207 - Archéologie", "Oui"]  # fmt: skip
    assert rows["N° de déclaration d'activité"] == [f.DEMO_NDA, "52850000099", "Oui"]
    assert rows["Description"] == ["—", "Boucherie", "Oui"]


def test_rejecting_a_record_through_the_page(
    sofi: webtest.TestApp, carif: None, submitted_etablissement: Etablissement
) -> None:
    page = sofi.get(f"/validation/annuaire/etablissement/{IDMV}")
    page = page.forms["form-refuser"].submit(status=422)
    assert messages.REASON_REQUIRED in text(page, "refuser-reason-messages")
    page.forms["form-refuser"]["refuser-reason"] = "Le domaine 14207 ne correspond pas."
    done = page.forms["form-refuser"].submit().follow()
    assert messages.RECORD_REJECTED in text(done)
    fresh()
    record = db.session.get(Etablissement, IDMV)
    assert record is not None
    assert (record.status, record.nda, record.domaines) == (RecordStatus.ACTIF, f.DEMO_NDA, ["14201"])
    assert [e.comment for e in journal(JournalEvent.RECORD_REJECTED)] == ["Le domaine 14207 ne correspond pas."]


def test_accepting_a_record_through_the_page(
    sofi: webtest.TestApp, carif: None, submitted_etablissement: Etablissement
) -> None:
    page = sofi.get(f"/validation/annuaire/etablissement/{IDMV}")
    stale = page.forms["form-valider"]
    done = page.forms["form-valider"].submit().follow()
    assert messages.RECORD_ACCEPTED in text(done)
    fresh()
    record = db.session.get(Etablissement, IDMV)
    assert record is not None and (record.status, record.domaines) == (RecordStatus.ACTIF, ["14201", "14207"])
    again = stale.submit(status=409)  # decided already
    assert messages.RECORD_NOT_PENDING in text(again)
    assert len(journal(JournalEvent.RECORD_ACCEPTED)) == 1


def test_a_new_site_accepted_becomes_usable(sofi: webtest.TestApp, carif: None, today: date) -> None:
    f.make_etablissement(db.session, IDMV)
    site = annuaire.create_site(db.session, db.session.get(Etablissement, IDMV), f.of_scope(IDMV),  # type: ignore[arg-type]
                                datetime(2026, 1, 10, 8, 0), {
        "nom_usage": "IDMV atelier", "adresse": "3 rue des Halles", "code_postal": "85000",
        "commune": "LA ROCHE-SUR-YON", "telephone": "", "courriel": "", "url": "", "dispensateur": True,
        "lieu": True,
    })  # fmt: skip
    db.session.commit()
    assert rules.site_errors(site, IDMV, "site_lieu_id") == {"site_lieu_id": messages.SITE_NOT_ACTIVE}
    page = sofi.get(f"/validation/annuaire/site/{site.id}")
    assert "Nouveau site" in text(page) and "IDMV atelier" in text(page)
    page.forms["form-valider"].submit().follow()
    fresh()
    accepted = db.session.get(Site, site.id)
    assert accepted is not None and accepted.status is RecordStatus.ACTIF
    assert rules.site_errors(accepted, IDMV, "site_lieu_id") == {}


def test_unknown_records_answer_404(sofi: webtest.TestApp, carif: None) -> None:
    for url in (
        "/validation/annuaire/etablissement/99999999999999",
        "/validation/annuaire/site/999999",
        "/validation/annuaire/site/abc",
        "/validation/annuaire/autre/1",
        "/validation/actions/999999",
    ):
        sofi.get(url, status=404)
