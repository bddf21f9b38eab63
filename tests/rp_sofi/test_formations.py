"""« Formations > Créer » (guide 002): the tunnel FASD filled through its real forms, from the Certifinfo code to
« Valider » and resumed from the list; the « Recherche Certifinfo » by title or RNCP code and its refusals; the « + »
buttons; « Valider » refused with its reasons, the Carif-Oref's question answered and its refusal shown; the
Carif-Oref creating for an organisation, validating directly and listing every organisation's formations."""

from datetime import date
from decimal import Decimal

import pytest
import webtest
from flask import Flask
from sqlalchemy import select

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
    Session,
)
from rp_sofi.services import workflow
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import CARIF, FORMALOIRE, IDMV, LogIn
from tests.rp_sofi.formations_web import (
    TODAY,
    fill_action,
    fill_dispositif,
    fill_session,
    make_bundle,
    new_action_page,
    sheet_form,
)
from tests.rp_sofi.formations_web import frozen as frozen  # autouse: every test here runs on TODAY at 9:00
from tests.rp_sofi.formations_web import idmv as idmv  # the fixture
from tests.rp_sofi.web import count, field_error, text

PRIVE = "Formation avec financement privé (Opca, Opacif, entreprise, individuel)"


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
