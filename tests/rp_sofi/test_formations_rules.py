"""The rules of sofi.md §6 in the tunnel FASD: each one refuses the Fiche Action, Session or Dispositif with its
message on its field and writes nothing (an existing action keeps its stored values), while the boundary values are
accepted; a site not active or of another SIRET and the Carif-Oref-only AIF dispositif are refused the same way."""

from datetime import date

import pytest
import webtest
from sqlalchemy import select

from rp_sofi import messages
from rp_sofi.extensions import db
from rp_sofi.models import Action, Dispositif, Etablissement, RecordStatus, Session
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import CARIF, FORMALOIRE, IDMV, LogIn
from tests.rp_sofi.formations_web import (
    fill_action,
    fill_dispositif,
    fill_session,
    make_bundle,
    new_action_page,
    sheet_form,
)
from tests.rp_sofi.formations_web import frozen as frozen  # autouse: every test here runs on TODAY at 9:00
from tests.rp_sofi.formations_web import idmv as idmv  # the fixture
from tests.rp_sofi.web import count, field_error

# The rules of sofi.md §6, each on its field, nothing written


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"duree_centre": "0", "duree_entreprise": "0", "duree_hebdo": ""}, "duree_centre", messages.NO_DURATION),
        ({"duree_centre": "-10"}, "duree_centre", messages.NEGATIVE_DURATION),
        (
            {"duree_centre": "20", "duree_entreprise": "", "duree_hebdo": "21"},
            "duree_hebdo",
            messages.WEEKLY_OVER_TOTAL,
        ),
        ({"duree_hebdo": "61"}, "duree_hebdo", messages.WEEKLY_RANGE),
        ({"url": "www.idmv.fr"}, "url", messages.URL_SCHEME),
        ({"date_debut": "2026-09-01", "date_fin": "2026-08-31"}, "date_fin", messages.DATE_ORDER),
        ({"duree_centre": "douze"}, "duree_centre", messages.INTEGER),
        ({"duree_centre": "99999999999999999999"}, "duree_centre", messages.NUMBER_TOO_LARGE),
        ({"date_debut": "31/02/2026"}, "date_debut", messages.DATE_INVALID),
        ({"duree_centre": ""}, "duree_centre", messages.REQUIRED),
    ],
)
def test_action_rules_refuse_on_their_field_and_write_nothing(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement, values: dict[str, str], field: str, message: str
) -> None:
    log_in("contributeur")
    refused = fill_action(sheet_form(new_action_page(sofi)), **values).submit("enregistrer", status=422)
    assert message in field_error(refused, field)
    assert message in refused.html.select_one("#error-summary").get_text()
    assert count(Action) == 0


def test_action_period_end_equal_to_start_is_accepted(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    log_in("contributeur")
    form = fill_action(sheet_form(new_action_page(sofi)), date_debut="2026-09-01", date_fin="2026-09-01")
    form.submit("enregistrer", status=302)
    assert db.session.scalars(select(Action)).one().date_fin == date(2026, 9, 1)


def test_action_rules_on_an_existing_action_keep_the_stored_values(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = make_bundle()
    log_in("contributeur")
    form = sheet_form(sofi.get(f"/actions/{action.id}"))
    form["duree_centre"], form["duree_entreprise"], form["complement_intitule"] = "0", "0", "Changé"
    refused = form.submit("enregistrer", status=422)
    assert messages.NO_DURATION in field_error(refused, "duree_centre")
    db.session.expire_all()
    assert (action.duree_centre, action.complement_intitule) == (400, "")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"date_debut": "2026-09-01", "date_fin": "2026-08-31"}, "date_fin", messages.DATE_ORDER),
        ({"date_debut": "2026-01-05", "date_fin": "2026-03-09"}, "date_fin", messages.SESSION_IN_PAST),
        ({"capacite": "12", "places_disponibles": "13"}, "places_disponibles", messages.PLACES_OVER_CAPACITY),
        ({"capacite": "0", "places_disponibles": ""}, "capacite", messages.CAPACITY),
        ({"places_disponibles": "-1"}, "places_disponibles", messages.POSITIVE),
        ({"periode_1_debut": "2026-09-01", "periode_1_fin": "2026-12-20",
          "periode_2_debut": "2026-12-20", "periode_2_fin": "2027-03-01"}, "periode_1_debut", messages.PERIODS),
        ({"periode_1_debut": "2026-08-25", "periode_1_fin": "2026-12-20"}, "periode_1_debut", messages.PERIODS),
        ({"periode_1_debut": "2027-01-05", "periode_1_fin": "2027-07-01"}, "periode_1_debut", messages.PERIODS),
        ({"periode_2_debut": "2027-01-05"}, "periode_2_debut", messages.PERIOD_INCOMPLETE),
        ({"date_fin": ""}, "date_fin", messages.REQUIRED),
    ],
)  # fmt: skip
def test_session_rules_refuse_on_their_field_and_write_nothing(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement, values: dict[str, str], field: str, message: str
) -> None:
    action = f.make_action(db.session, IDMV)
    db.session.commit()
    log_in("contributeur")
    refused = fill_session(sheet_form(sofi.get(f"/actions/{action.id}/sessions/nouvelle")), **values)
    refused = refused.submit("enregistrer", status=422)
    assert message in field_error(refused, field)
    assert count(Session) == 0


def test_session_boundaries_that_are_accepted(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    """Ends today (not in the past), one day long, places = capacity, periods touching the session's ends."""
    action = f.make_action(db.session, IDMV)
    db.session.commit()
    log_in("contributeur")
    form = fill_session(
        sheet_form(sofi.get(f"/actions/{action.id}/sessions/nouvelle")), date_debut="2026-03-10",
        date_fin="2026-03-10", capacite="12", places_disponibles="12", periode_1_debut="2026-03-10",
        periode_1_fin="2026-03-10",
    )  # fmt: skip
    form.submit("enregistrer", status=302)
    session = db.session.scalars(select(Session)).one()
    assert session.periodes == [["2026-03-10", "2026-03-10"]] and session.places_disponibles == 12


def test_a_session_outside_the_action_period_is_refused(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = f.make_action(db.session, IDMV, date_debut=date(2026, 9, 1), date_fin=date(2027, 6, 30))
    db.session.commit()
    log_in("contributeur")
    form = fill_session(sheet_form(sofi.get(f"/actions/{action.id}/sessions/nouvelle")), date_fin="2027-07-01")
    refused = form.submit("enregistrer", status=422)
    assert messages.SESSION_OUTSIDE_ACTION in field_error(refused, "date_debut")
    assert count(Session) == 0


def test_site_lieu_pending_validation_or_of_another_siret_is_refused(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = f.make_action(db.session, IDMV)
    pending = f.make_site(db.session, IDMV, "IDMV nouveau site", status=RecordStatus.EN_ATTENTE_VALIDATION)
    other = f.main_site(f.make_etablissement(db.session, FORMALOIRE))
    db.session.commit()
    log_in("contributeur")
    page = sofi.get(f"/actions/{action.id}/sessions/nouvelle")
    offered = [value for value, _, _ in sheet_form(page)["site_lieu_id"].options if value]
    assert str(pending.id) not in offered and str(other.id) not in offered
    for site, message in ((pending, messages.SITE_NOT_ACTIVE), (other, messages.SITE_NOT_OURS)):
        form = fill_session(sheet_form(page))
        form["site_lieu_id"].force_value(str(site.id))  # typed into a forged request
        assert message in field_error(form.submit("enregistrer", status=422), "site_lieu_id")
    assert count(Session) == 0


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"nb_places": "13"}, "nb_places", messages.DISPOSITIF_OVER_CAPACITY),
        ({"cout_stagiaire": "-5"}, "cout_stagiaire", messages.COST),
        ({"cout_stagiaire": "douze euros"}, "cout_stagiaire", messages.COST),
        ({"cout_stagiaire": "12,345"}, "cout_stagiaire", messages.COST),
        ({"nb_remuneres": "-1"}, "nb_remuneres", messages.POSITIVE),
    ],
)
def test_dispositif_rules_refuse_on_their_field_and_write_nothing(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement, values: dict[str, str], field: str, message: str
) -> None:
    session = make_bundle().sessions[0]
    log_in("contributeur")
    form = fill_dispositif(sheet_form(sofi.get(f"/sessions/{session.id}/dispositifs/nouveau")), **values)
    assert message in field_error(form.submit("enregistrer", status=422), field)
    assert count(Dispositif) == 1


def test_dispositif_places_equal_to_capacity_and_zero_cost_are_accepted(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    session = make_bundle().sessions[0]
    log_in("contributeur")
    form = fill_dispositif(sheet_form(sofi.get(f"/sessions/{session.id}/dispositifs/nouveau")), nb_places="12",
                           cout_stagiaire="0")  # fmt: skip
    form.submit("enregistrer", status=302)
    assert db.session.scalars(select(Dispositif).order_by(Dispositif.id.desc())).first().cout_stagiaire == 0  # type: ignore[union-attr]


def test_aif_is_refused_to_an_organisation_and_offered_to_the_carif_oref(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    session = make_bundle().sessions[0]
    log_in("contributeur")
    form = fill_dispositif(sheet_form(sofi.get(f"/sessions/{session.id}/dispositifs/nouveau")))
    form["dispositif"].force_value("AIF")
    assert messages.DISPOSITIF_CARIF_ONLY in field_error(form.submit("enregistrer", status=422), "dispositif")
    log_in("valideur_carif", siret=CARIF)
    form = fill_dispositif(sheet_form(sofi.get(f"/sessions/{session.id}/dispositifs/nouveau")))
    form["dispositif"] = "AIF"
    form.submit("enregistrer", status=302)
    assert {item.dispositif for item in db.session.scalars(select(Dispositif))} == {"PRIVE", "AIF"}
