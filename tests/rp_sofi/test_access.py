"""Who sees what in SOFI (sofi.md §2 and §8): a third party acting by delegation works on the establishment it acts
for, and only on it; its own SIRET gives it nothing of its client's offer; several establishments are switched
without logging in again."""

from datetime import date

import webtest

from rp_sofi.extensions import db
from rp_sofi.models import Action
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import FORMALOIRE, IDMV, LogIn, habilitation

CABINET = "99643906300016"  # an accountant's firm in Nantes


def bundle(siret: str) -> Action:
    action = f.make_action(db.session, siret, sessions=[(date(2030, 9, 1), date(2031, 6, 30))])
    db.session.commit()
    return action


def form_to(page: webtest.TestResponse, action: str) -> webtest.Form:
    return next(form for form in page.forms.values() if form.action.endswith(action))


def csrf(page: webtest.TestResponse) -> str:
    return str(page.html.find("input", attrs={"name": "csrf_token"})["value"])


def test_a_delegated_third_party_works_on_the_establishment_it_acts_for(sofi: webtest.TestApp, log_in: LogIn) -> None:
    ours, theirs = bundle(IDMV), bundle(FORMALOIRE)
    log_in(habilitation("contributeur", CABINET, delegated=True, on_behalf_of_siret=IDMV, delegated_by="Bastien D."))
    listing = sofi.get("/formations")
    assert f"/actions/{ours.id}/recapitulatif" in listing.text
    assert f"/actions/{theirs.id}/recapitulatif" not in listing.text
    assert "INSTITUT DEMO DES METIERS DE LA VIANDE" in sofi.get("/").text  # the organisation it works for
    sofi.get(f"/actions/{theirs.id}/recapitulatif", status=404)

    recap = sofi.get(f"/actions/{ours.id}/recapitulatif")
    # « Valider »: a contributeur acting for IDMV sends IDMV's action.
    form_to(recap, f"/actions/{ours.id}/valider").submit()
    db.session.expire_all()
    assert ours.status.value == "en_attente_validation"


def test_a_third_partys_own_siret_shows_nothing_of_its_clients(sofi: webtest.TestApp, log_in: LogIn) -> None:
    ours = bundle(IDMV)
    f.make_etablissement(db.session, CABINET)
    db.session.commit()
    log_in("contributeur", siret=CABINET)
    assert f"/actions/{ours.id}/" not in sofi.get("/formations").text
    sofi.get(f"/actions/{ours.id}/recapitulatif", status=404)
    sofi.post(f"/actions/{ours.id}/valider", {"csrf_token": csrf(sofi.get("/formations"))}, status=404)


def test_several_establishments_are_switched_without_logging_in_again(sofi: webtest.TestApp, log_in: LogIn) -> None:
    nantes, roche = bundle(FORMALOIRE), bundle(IDMV)
    log_in(habilitation("gestionnaire", FORMALOIRE), habilitation("consultation", IDMV))
    assert f"/actions/{nantes.id}/recapitulatif" in sofi.get("/formations").text
    sofi.get(f"/actions/{roche.id}/recapitulatif", status=404)

    form = form_to(sofi.get("/etablissement"), "/etablissement")
    form["siret"] = IDMV
    form.submit()
    listing = sofi.get("/formations")
    assert f"/actions/{roche.id}/recapitulatif" in listing.text
    assert f"/actions/{nantes.id}/recapitulatif" not in listing.text
    # « Consultation » on this one: the recap shows no « Valider », and sending it anyway is refused.
    recap = sofi.get(f"/actions/{roche.id}/recapitulatif")
    assert "Valider" not in [button.text.strip() for button in recap.html.find_all("button")]
    sofi.post(f"/actions/{roche.id}/valider", {"csrf_token": csrf(recap)}, status=403)
