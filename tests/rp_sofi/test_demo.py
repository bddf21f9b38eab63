"""Demo data: every state of the offer and of the annuaire is there to be shown, and loading twice changes
nothing."""

import webtest
from flask import Flask
from sqlalchemy import func, select

from rp_sofi.demo import ORGANISATIONS, load_demo
from rp_sofi.extensions import db
from rp_sofi.models import (
    Action,
    ActionStatus,
    Contact,
    Dispositif,
    Etablissement,
    Formation,
    JournalEntry,
    PublishedSession,
    RecordStatus,
    Session,
    Site,
)
from rp_sofi.services import dashboard
from shared.clock import in_paris, utcnow
from tests.rp_sofi.conftest import CARIF, FORMALOIRE, IDMV, IDMV_CHOLET, LogIn

MODELS = (Etablissement, Site, Contact, Formation, Action, Session, Dispositif, PublishedSession, JournalEntry)


def table_counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0 for model in MODELS}


def test_loading_twice_gives_the_same_data(sofi_app: Flask) -> None:
    result = sofi_app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    first = table_counts()
    assert first["Action"] >= 30 and first["Session"] >= 50
    again = sofi_app.test_cli_runner().invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "actions créées : 0" in again.output
    assert table_counts() == first


def test_every_state_is_shown_on_the_region_dashboard(sofi_app: Flask) -> None:
    load_demo(db.session)
    today = in_paris(utcnow()).date()
    region = dashboard.counts(db.session, dashboard.Filter(None, today))
    assert all(count > 0 for count in region.values()), region
    statuses = set(db.session.scalars(select(Action.status)))
    assert statuses == set(ActionStatus)
    assert db.session.scalar(select(func.count()).where(Action.refusal_reason.is_not(None))) > 0
    assert db.session.scalar(select(func.count()).where(Action.answer.is_not(None))) > 0
    edited_after_validation = select(func.count()).where(
        Action.status == ActionStatus.EN_SAISIE, Action.published.is_not(None)
    )
    assert db.session.scalar(edited_after_validation) > 0
    unfinished = select(func.count()).select_from(Action).where(~Action.sessions.any())
    assert db.session.scalar(unfinished) > 0
    waiting = Etablissement.status == RecordStatus.EN_ATTENTE_VALIDATION
    pending = select(func.count()).select_from(Etablissement).where(waiting)
    assert db.session.scalar(pending) == 1
    for departement, _ in dashboard.DEPARTEMENTS:  # some offer in each département
        counts = dashboard.counts(db.session, dashboard.Filter(None, today, departement))
        assert counts["sessions-actives"] > 0, departement


def test_the_organisations_of_the_demo_directory_are_there(sofi_app: Flask) -> None:
    load_demo(db.session)
    sirets = set(db.session.scalars(select(Etablissement.siret)))
    assert {FORMALOIRE, IDMV, IDMV_CHOLET} <= sirets and len(sirets) == len(ORGANISATIONS)
    assert all(db.session.scalars(select(Etablissement.nda)))
    # The end-to-end journey creates IDMV's CAP boucher: the demo leaves it to it.
    assert db.session.scalar(select(Formation).where(Formation.siret == IDMV, Formation.certifinfo == 31999)) is None
    for organisation in ORGANISATIONS:
        sites = db.session.scalar(select(func.count()).select_from(Site).where(Site.siret == organisation.siret))
        assert sites == len(organisation.sites)


def test_the_demo_offer_exports_as_valid_lheo_and_shows_in_every_list(
    sofi_app: Flask, sofi: webtest.TestApp, log_in: LogIn
) -> None:
    load_demo(db.session)
    log_in("valideur_carif", siret=CARIF)
    response = sofi.get("/export/lheo.xml")  # validated against the schema before it is sent
    assert response.body.count(b"<formation ") >= 10
    for key in dashboard.SECTION_ROWS["actions"] + dashboard.SECTION_ROWS["sessions"] + dashboard.SECTION_ROWS["sites"]:
        assert sofi.get(f"/?liste={key}").html.find(id="liste").select("tbody tr"), key
    assert "sessions trouvées" in sofi.get("/catalogue").text


def test_camille_sees_her_organisation_at_work(sofi_app: Flask, sofi: webtest.TestApp, log_in: LogIn) -> None:
    load_demo(db.session)
    log_in("gestionnaire", siret=FORMALOIRE)
    page = sofi.get("/")
    counts = [int(cell.get_text()) for cell in page.html.select("td.dashboard-count")]
    assert counts[:4] == [3, 1, 1, 0]  # brouillon + saisie + refusée; attente; question; no Certifinfo replaced
    assert counts[4] > 0 and counts[5] > 0 and counts[6] > 0  # active, ending within a month, ended
    assert counts[7] == 0  # no regional programme here
