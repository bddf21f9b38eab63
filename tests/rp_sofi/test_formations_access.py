"""Who may see and change what in the tunnel FASD: the « Consultation » role reads without any save button and its
forged posts are refused, another organisation's objects answer 404, a public action and an action awaiting
validation are read-only, a validated action edited goes back to « en cours de saisie »; and a save from a stale
page, or overtaken between reading and writing, is refused with the first values kept."""

import pytest
import webtest
from sqlalchemy import select, update

from rp_sofi import messages
from rp_sofi.extensions import db
from rp_sofi.models import Action, ActionStatus, Etablissement, Formation, JournalEntry, JournalEvent
from rp_sofi.services import rules
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import FORMALOIRE, LogIn
from tests.rp_sofi.formations_web import TODAY, fill_session, make_bundle, sheet_form
from tests.rp_sofi.formations_web import frozen as frozen  # autouse: every test here runs on TODAY at 9:00
from tests.rp_sofi.formations_web import idmv as idmv  # the fixture
from tests.rp_sofi.web import alert_text, count, csrf, field_error, text

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
