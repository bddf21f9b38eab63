"""« Formations > Créer » (guide 002): the tunnel FASD filled through its real forms, from the Certifinfo code to
« Valider »; each rule of sofi.md §6 on its field with nothing written; who may see and change what; a stale
page refused."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
import webtest
from flask import Flask
from sqlalchemy import func, select, update

from rp_sofi import messages
from rp_sofi.extensions import db
from rp_sofi.models import (
    Action,
    ActionStatus,
    Certification,
    Dispositif,
    Etablissement,
    Formation,
    JournalEntry,
    JournalEvent,
    RecordStatus,
    Session,
)
from rp_sofi.services import rules, workflow
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import CARIF, FORMALOIRE, IDMV, LogIn

TODAY = date(2026, 3, 10)
PRIVE = "Formation avec financement privé (Opca, Opacif, entreprise, individuel)"


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


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def field_error(page: webtest.TestResponse, field: str) -> str:
    """The messages shown under a field (its « -messages » group, which aria-describedby names)."""
    group = page.html.select_one(f"#{field}-messages")
    assert group is not None, f"no messages group for {field}"
    return " ".join(group.get_text(" ").split())


def text(page: webtest.TestResponse) -> str:
    """What a person reads on the page (entities decoded, spaces folded)."""
    return " ".join(page.html.get_text(" ").split())


def alert_text(page: webtest.TestResponse) -> str:
    return " ".join(" ".join(alert.get_text(" ").split()) for alert in page.html.select(".fr-alert"))


def csrf(page: webtest.TestResponse) -> str:
    token = page.html.select_one("input[name=csrf_token]")
    assert token is not None
    return str(token["value"])


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


# The whole tunnel


def test_cap_boucher_from_the_certifinfo_code_to_valider(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    """Seed 002, steps 2 to 8: code 31999, the four sheets, the recap, « Valider »."""
    log_in("contributeur")
    page = sofi.get("/formations").click(description="Créer")
    assert page.status_code == 200
    page.forms[1]["certifinfo"] = "31999"
    formation_page = page.forms[1].submit().follow()
    sheet = formation_page.html.select_one("#fiche-formation").get_text(" ")
    assert "CAP boucher" in sheet and "31999" in sheet and "Ministère de l'Éducation nationale" in sheet
    assert "Niveau 3 (niveau V (CAP, BEP, CFPA du premier degré))" in " ".join(sheet.split())
    assert "ne sont pas modifiables" in text(formation_page)
    assert not [form for form in formation_page.forms.values() if "enregistrer" in form.fields]

    action_page = formation_page.click(description="Continuer : fiche Action")
    saved = fill_action(sheet_form(action_page)).submit("enregistrer")
    action = db.session.scalars(select(Action)).one()
    assert saved.location.endswith(f"/actions/{action.id}")  # « Enregistrer » stays on the sheet
    saved = saved.follow()
    assert messages.SAVED in text(saved)
    assert f"Action {action.id}" in saved.html.select_one("nav[aria-label='Tunnel de saisie FASD']").get_text(" ")
    assert action.status is ActionStatus.EN_SAISIE and action.duree_centre == 400
    assert action.modalites_pedagogiques == ["96414", "96142"] and action.site_dispensateur.is_main

    session_page = sheet_form(saved).submit("suivant").follow()
    assert "Fiche Session" in text(session_page)
    dispositif_page = fill_session(sheet_form(session_page)).submit("suivant").follow()
    session = db.session.scalars(select(Session)).one()
    assert (session.date_debut, session.date_fin, session.capacite) == (date(2026, 9, 1), date(2027, 6, 30), 12)

    form = sheet_form(dispositif_page)
    assert form["dispositif"].value == "PRIVE"  # the organisation's default
    assert "AIF" not in [value for value, _, _ in form["dispositif"].options]  # Carif-Oref only
    recap = fill_dispositif(form).submit("suivant").follow()
    dispositif = db.session.scalars(select(Dispositif)).one()
    assert dispositif.cout_stagiaire == Decimal("4200.50") and dispositif.actif

    assert "Récapitulatif F-A" in text(recap)
    assert "31999" in recap.html.select_one("#rappel-formation").get_text()
    assert "Indéterminé" in recap.html.select_one("#rappel-formation").get_text()
    assert action.site_dispensateur.text in recap.html.select_one("#rappel-action").get_text()
    row = [cell.get_text(" ", strip=True) for cell in recap.html.select(f"#dispositifs-{session.id} tbody td")]
    assert row == [PRIVE, "EXT-42", "2", "4\u202f200,50 €", "Non", "Actif"]

    done = recap.forms[1].submit().follow()
    assert messages.SUBMITTED in text(done)
    db.session.expire_all()
    assert action.status is ActionStatus.EN_ATTENTE_VALIDATION
    entry = db.session.scalars(select(JournalEntry)).one()
    assert (entry.event, entry.object_id, entry.actor_sub) == (
        JournalEvent.ACTION_SUBMITTED,
        str(action.id),
        "sub-claire",
    )
    listing = sofi.get("/formations")
    assert "En attente de validation par le Carif-Oref" in text(listing) and "1 session" in text(listing)


def test_an_unfinished_tunnel_is_resumed_from_the_list(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    log_in("contributeur")
    fill_action(sheet_form(new_action_page(sofi))).submit("enregistrer")
    action = db.session.scalars(select(Action)).one()
    recap = sofi.get("/formations").click(description=f"Action {action.id}")
    assert "En cours de saisie" in text(recap) and "Aucune session" in text(recap)
    session_page = recap.click(description="Ajouter une session à l'action")
    assert session_page.request.path == f"/actions/{action.id}/sessions/nouvelle"


# « Recherche Certifinfo »


def test_search_by_title_lists_alphabetically_and_choisir_opens_the_formation(
    sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("contributeur")
    page = sofi.get("/formations/creer")
    search = page.forms[2]
    search["mode"] = "intitule"
    search["q"] = "boucher"
    results = search.submit()
    codes = [row.select("td")[0].get_text() for row in results.html.select("#resultats tbody tr")]
    assert codes == ["31999", "999002", "999001"]  # CAP boucher, CQP … en boucherie, Titre … Boucher en boutique
    assert "Ministère de l'Éducation nationale" in results.html.select_one("#resultats").get_text()
    choisir = next(form for form in results.forms.values() if form.fields.get("certifinfo", [None])[0] is not None
                   and form["certifinfo"].value == "31999")  # fmt: skip
    formation = choisir.submit().follow()
    assert "Fiche Formation" in text(formation) and "CAP boucher" in text(formation)
    assert db.session.scalars(select(Formation)).one().siret == IDMV


@pytest.mark.parametrize("typed", ["RNCP25730", "25730", "rncp 25730"])
def test_search_by_rncp_code(sofi: webtest.TestApp, log_in: LogIn, typed: str) -> None:
    log_in("gestionnaire")
    results = sofi.get("/formations/creer", {"mode": "rncp", "q": typed})
    rows = results.html.select("#resultats tbody tr")
    assert [row.select("td")[0].get_text() for row in rows] == ["85556"]
    assert "Licence pro guide conférencier" in rows[0].get_text()


def test_search_without_result_or_text_says_so(sofi: webtest.TestApp, log_in: LogIn) -> None:
    log_in("contributeur")
    assert messages.SEARCH_NONE in text(sofi.get("/formations/creer", {"mode": "intitule", "q": "astronaute"}))
    empty = sofi.get("/formations/creer", {"mode": "intitule", "q": " "}, status=422)
    assert messages.SEARCH_TEXT_REQUIRED in field_error(empty, "q")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("12345", messages.CERTIFINFO_UNKNOWN),
        ("boucher", messages.CERTIFINFO_UNKNOWN),
        ("999020", messages.CERTIFINFO_REPLACED.format(code=999021)),
        ("", messages.REQUIRED),
    ],
)
def test_unknown_or_replaced_certifinfo_code_is_refused_on_its_field(
    sofi: webtest.TestApp, log_in: LogIn, code: str, message: str
) -> None:
    log_in("contributeur")
    page = sofi.get("/formations/creer")
    page.forms[1]["certifinfo"] = code
    refused = page.forms[1].submit(status=422)
    assert message in field_error(refused, "certifinfo")
    assert refused.html.title.get_text().startswith("Erreur - ")
    assert count(Formation) == 0


def test_carif_oref_creates_a_formation_for_the_siret_it_names(sofi: webtest.TestApp, log_in: LogIn) -> None:
    log_in("valideur_carif", siret=CARIF)
    page = sofi.get("/formations/creer")
    page.forms[1]["certifinfo"] = "31999"
    refused = page.forms[1].submit(status=422)
    assert messages.REQUIRED in field_error(refused, "siret")
    refused.forms[1]["siret"] = "99966088900000"  # a valid SIRET, not in the Pays de la Loire directory
    refused = refused.forms[1].submit(status=422)
    assert messages.OUTSIDE_REGION in field_error(refused, "siret")
    refused.forms[1]["siret"] = FORMALOIRE
    formation_page = refused.forms[1].submit().follow()
    assert FORMALOIRE in text(formation_page)
    assert db.session.scalars(select(Formation)).one().siret == FORMALOIRE
    assert db.session.get(Etablissement, FORMALOIRE) is not None  # made from SIRENE, with its main site


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


# Optimistic locking


def test_second_save_from_a_stale_page_is_refused_and_the_first_values_kept(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = make_bundle()
    log_in("contributeur")
    first, second = sheet_form(sofi.get(f"/actions/{action.id}")), sheet_form(sofi.get(f"/actions/{action.id}"))
    first["complement_intitule"] = "Valeur de la première personne"
    first.submit("enregistrer", status=302)
    second["complement_intitule"] = "Valeur de la seconde personne"
    refused = second.submit("enregistrer", status=409)
    assert messages.STALE in alert_text(refused)
    db.session.expire_all()
    assert action.complement_intitule == "Valeur de la première personne"


def test_stale_session_and_dispositif_pages_are_refused(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    session = make_bundle().sessions[0]
    dispositif = session.dispositifs[0]
    log_in("contributeur")
    for url, name, first_value, second_value in (
        (f"/sessions/{session.id}", "capacite", "20", "30"),
        (f"/dispositifs/{dispositif.id}", "codes_externes", "PREMIER", "SECOND"),
    ):
        first, second = sheet_form(sofi.get(url)), sheet_form(sofi.get(url))
        first[name] = first_value
        first.submit("enregistrer", status=302)
        second[name] = second_value
        assert messages.STALE in alert_text(second.submit("enregistrer", status=409))
    db.session.expire_all()
    assert (session.capacite, dispositif.codes_externes) == (20, "PREMIER")


def test_a_save_overtaken_between_reading_and_writing_gives_the_same_message(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another save commits after the version check passed: SQLAlchemy's version column refuses the write."""
    action = make_bundle()
    log_in("contributeur")
    form = sheet_form(sofi.get(f"/actions/{action.id}"))
    checked = rules.action_errors

    def overtaken(*args: object, **kwargs: object) -> rules.Errors:
        with db.engine.begin() as other:
            other.execute(
                update(Action).where(Action.id == action.id).values(version=Action.version + 1, url="https://autre.fr")
            )
        return checked(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rules, "action_errors", overtaken)
    form["url"] = "https://mienne.fr"
    refused = form.submit("enregistrer", status=409)
    assert messages.STALE in alert_text(refused)
    db.session.expire_all()
    assert action.url == "https://autre.fr"


# Who may see and change what


def test_consultation_sees_the_values_without_any_save_button_and_cannot_post(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = make_bundle(complement_intitule="Parcours adulte")
    session = action.sessions[0]
    log_in("consultation")
    for url in (f"/actions/{action.id}", f"/sessions/{session.id}", f"/dispositifs/{session.dispositifs[0].id}"):
        page = sofi.get(url)
        assert "Enregistrer" not in text(page) and messages.READ_ONLY_ROLE in text(page)
        assert not [form for form in page.forms.values() if "enregistrer" in form.fields]
    page = sofi.get(f"/actions/{action.id}")
    assert "Parcours adulte" in page.html.select_one("#valeur-complement_intitule").get_text()
    recap = sofi.get(f"/actions/{action.id}/recapitulatif")
    assert "Valider" not in [button.get_text(strip=True) for button in recap.html.select("button")]
    assert "Créer" not in [link.get_text(strip=True) for link in sofi.get("/formations").html.select("a.fr-btn")]
    token = csrf(page)
    for url in (f"/actions/{action.id}", f"/sessions/{session.id}", f"/actions/{action.id}/valider",
                f"/actions/{action.id}/sessions/nouvelle", "/formations/creer"):  # fmt: skip
        sofi.post(url, {"csrf_token": token, "complement_intitule": "Pirate", "certifinfo": "31999"}, status=403)
    db.session.expire_all()
    assert action.complement_intitule == "Parcours adulte" and action.status is ActionStatus.EN_SAISIE
    assert count(Formation) == 1


def test_another_organisations_objects_answer_404_to_get_and_post(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = make_bundle()
    session, formation_id = action.sessions[0], action.formation_id
    dispositif = session.dispositifs[0]
    f.make_etablissement(db.session, FORMALOIRE)
    db.session.commit()
    log_in("contributeur", siret=FORMALOIRE)
    token = csrf(sofi.get("/formations"))
    gets = [
        f"/formations/{formation_id}", f"/formations/{formation_id}/actions/nouvelle", f"/actions/{action.id}",
        f"/actions/{action.id}/recapitulatif", f"/actions/{action.id}/sessions/nouvelle", f"/sessions/{session.id}",
        f"/sessions/{session.id}/dispositifs/nouveau", f"/dispositifs/{dispositif.id}",
    ]  # fmt: skip
    posts = [*gets[1:3], *gets[4:], f"/actions/{action.id}/valider", f"/actions/{action.id}/repondre"]
    for url in gets:
        sofi.get(url, status=404)
    for url in posts:
        sofi.post(url, {"csrf_token": token, "complement_intitule": "Pirate", "answer": "x"}, status=404)
    sofi.get("/actions/999999", status=404)
    db.session.expire_all()
    assert action.complement_intitule == "" and len(action.sessions) == 1 and len(session.dispositifs) == 1
    assert "CAP boucher" not in text(sofi.get("/formations"))


def test_public_action_is_read_only_but_a_private_session_and_dispositif_can_be_added(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = make_bundle(public=True)
    public_session = action.sessions[0]
    log_in("gestionnaire")
    page = sofi.get(f"/actions/{action.id}")
    assert messages.PUBLIC_READ_ONLY in text(page) and "enregistrer" not in str(page.forms)
    forged = sofi.post(f"/actions/{action.id}", {"csrf_token": csrf(page), "duree_centre": "1"}).follow()
    assert messages.PUBLIC_READ_ONLY in text(forged)
    assert messages.PUBLIC_READ_ONLY in text(sofi.get(f"/sessions/{public_session.id}"))

    session_page = page.click(description="Ajouter une session")
    dispositif_page = fill_session(sheet_form(session_page)).submit("suivant").follow()
    form = sheet_form(dispositif_page)
    assert [value for value, _, _ in form["dispositif"].options if value] == ["PRIVE"]
    form["dispositif"].force_value("CPF")
    assert messages.PUBLIC_PRIVATE_ONLY in field_error(form.submit("enregistrer", status=422), "dispositif")
    form["dispositif"] = "PRIVE"
    form.submit("suivant", status=302)
    db.session.expire_all()
    added = action.sessions[1]
    assert not added.public and [item.dispositif for item in added.dispositifs] == ["PRIVE"]
    assert action.duree_centre == 400


def test_a_validated_action_edited_goes_back_to_en_cours_de_saisie(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = f.validate(db.session, make_bundle(), TODAY)
    db.session.commit()
    log_in("contributeur")
    form = sheet_form(sofi.get(f"/actions/{action.id}"))
    form["complement_intitule"] = "Nouvelle promotion"
    form.submit("enregistrer").follow()
    db.session.expire_all()
    assert action.status is ActionStatus.EN_SAISIE and action.published is not None  # still online meanwhile
    events = db.session.scalars(select(JournalEntry.event).order_by(JournalEntry.id)).all()
    assert events[-1] is JournalEvent.ACTION_REOPENED


def test_a_refused_save_of_a_validated_action_leaves_it_validated(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = f.validate(db.session, make_bundle(), TODAY)
    db.session.commit()
    log_in("contributeur")
    form = sheet_form(sofi.get(f"/actions/{action.id}"))
    form["url"] = "ftp://idmv.fr"
    form.submit("enregistrer", status=422)
    db.session.expire_all()
    assert action.status is ActionStatus.VALIDEE
    assert JournalEvent.ACTION_REOPENED not in db.session.scalars(select(JournalEntry.event)).all()


def test_an_action_awaiting_validation_is_shown_read_only(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = f.submit(db.session, make_bundle(), TODAY)
    db.session.commit()
    log_in("contributeur")
    page = sofi.get(f"/actions/{action.id}")
    assert messages.NOT_EDITABLE in text(page) and "Ajouter une session" not in text(page)
    refused = sofi.get(f"/actions/{action.id}/sessions/nouvelle").follow()
    assert messages.NOT_EDITABLE in text(refused) and "Récapitulatif F-A" in text(refused)
    forged = sofi.post(f"/actions/{action.id}", {"csrf_token": csrf(page), "duree_centre": "1"}).follow()
    assert messages.NOT_EDITABLE in text(forged)
    db.session.expire_all()
    assert action.status is ActionStatus.EN_ATTENTE_VALIDATION and action.duree_centre == 400


# « + » buttons


def test_plus_buttons_add_a_dispositif_a_session_and_an_action(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = make_bundle()
    session = action.sessions[0]
    log_in("contributeur")
    dispositif_page = sofi.get(f"/dispositifs/{session.dispositifs[0].id}").click(
        description="Ajouter un autre dispositif"
    )
    form = fill_dispositif(sheet_form(dispositif_page), nb_places="4")
    form["dispositif"] = "CPF"
    form.submit("enregistrer", status=302)
    session_page = sofi.get(f"/actions/{action.id}").click(description="Ajouter une session")
    fill_session(sheet_form(session_page), date_debut="2027-01-04", date_fin="2027-12-17").submit(
        "enregistrer", status=302
    )
    action_page = sofi.get(f"/formations/{action.formation_id}").click(description="Ajouter une action")
    fill_action(sheet_form(action_page)).submit("enregistrer", status=302)
    db.session.expire_all()
    assert [item.dispositif for item in session.dispositifs] == ["PRIVE", "CPF"]
    assert len(action.sessions) == 2 and len(action.formation.actions) == 2


# « Valider », « Répondre », refusal


def test_valider_without_a_session_is_refused_with_its_reason(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = f.make_action(db.session, IDMV)
    db.session.commit()
    log_in("contributeur")
    refused = sofi.get(f"/actions/{action.id}/recapitulatif").forms[1].submit(status=422)
    assert messages.INCOMPLETE_BUNDLE in refused.html.select_one("#problemes").get_text()
    db.session.expire_all()
    assert action.status is ActionStatus.EN_SAISIE and count(JournalEntry) == 0


def test_valider_without_nda_lists_it(sofi: webtest.TestApp, log_in: LogIn, sofi_app: Flask) -> None:
    action = f.make_action(db.session, IDMV, sessions=[(date(2026, 9, 1), date(2027, 6, 30))])
    db.session.get(Etablissement, IDMV).nda = None  # type: ignore[union-attr]
    db.session.commit()
    log_in("gestionnaire")
    refused = sofi.get(f"/actions/{action.id}/recapitulatif").forms[1].submit(status=422)
    assert messages.NDA_REQUIRED in refused.html.select_one("#problemes").get_text()


def test_question_of_the_carif_oref_is_answered_from_the_recap(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    action = f.ask(db.session, make_bundle(), TODAY, "Quel est le rythme de l'alternance ?")
    db.session.commit()
    log_in("contributeur")
    recap = sofi.get(f"/actions/{action.id}/recapitulatif")
    assert "Quel est le rythme de l'alternance ?" in text(recap)
    form = next(form for form in recap.forms.values() if "answer" in form.fields)
    assert messages.ANSWER_REQUIRED in field_error(form.submit(status=422), "answer")
    form["answer"] = "Deux semaines en centre, deux semaines en entreprise."
    done = form.submit().follow()
    assert messages.ANSWERED in text(done)
    db.session.expire_all()
    assert action.status is ActionStatus.EN_ATTENTE_VALIDATION and action.answer.startswith("Deux semaines")  # type: ignore[union-attr]


def test_the_refusal_reason_is_shown_on_the_recap(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    action = make_bundle(refusal_reason="Le lieu de formation est erroné.")
    log_in("contributeur")
    recap = sofi.get(f"/actions/{action.id}/recapitulatif")
    assert "Le lieu de formation est erroné." in recap.html.select_one("#refus").get_text()


def test_carif_oref_chooses_from_the_search_for_an_organisation_and_validates_directly(
    sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("valideur_carif", siret=CARIF)
    results = sofi.get("/formations/creer", {"mode": "rncp", "q": "RNCP25730", "siret": FORMALOIRE})
    choisir = next(form for form in results.forms.values() if form.get("certifinfo", default=None) is not None
                   and form["certifinfo"].value == "85556")  # fmt: skip
    assert choisir["siret"].value == FORMALOIRE
    choisir.submit().follow()
    formation = db.session.scalars(select(Formation)).one()
    assert (formation.siret, formation.certifinfo) == (FORMALOIRE, 85556)
    db.session.get(Etablissement, FORMALOIRE).nda = f.DEMO_NDA  # type: ignore[union-attr]  # made from SIRENE above
    action = make_bundle(FORMALOIRE)
    recap = sofi.get(f"/actions/{action.id}/recapitulatif")
    done = next(form for form in recap.forms.values() if form.action.endswith("/valider")).submit().follow()
    assert messages.VALIDATED in text(done)
    db.session.expire_all()
    assert action.status is ActionStatus.VALIDEE and action.published is not None


def test_the_carif_oref_list_is_paginated(sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement) -> None:
    codes = db.session.scalars(select(Certification.code).where(Certification.remplace_par.is_(None))).all()[:21]
    for code in codes:
        workflow.formation_for(db.session, IDMV, workflow.find_certification(db.session, code))
    db.session.commit()
    log_in("valideur_carif", siret=CARIF)
    first = sofi.get("/formations")
    assert "21 formations" in text(first) and len(first.html.select("#formations tbody tr")) == 20
    second = first.click(description="Page suivante")
    assert len(second.html.select("#formations tbody tr")) == 1
    assert len(sofi.get("/formations", {"page": "99999999999999999999"}).html.select("#formations tbody tr")) == 0
    assert len(sofi.get("/formations", {"page": "abc"}).html.select("#formations tbody tr")) == 20


def test_carif_oref_sees_every_organisation_with_its_siret(
    sofi: webtest.TestApp, log_in: LogIn, idmv: Etablissement
) -> None:
    make_bundle()
    f.make_action(db.session, FORMALOIRE, certifinfo=999001)
    db.session.commit()
    log_in("valideur_carif", siret=CARIF)
    listing = sofi.get("/formations").html.select_one("#formations").get_text()
    assert IDMV in listing and FORMALOIRE in listing and "2 formations" in text(sofi.get("/formations"))
    log_in("contributeur", siret=FORMALOIRE)
    assert IDMV not in text(sofi.get("/formations"))
