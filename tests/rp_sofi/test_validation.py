"""The Carif-Oref's « File de validation » (sofi.md §5, §9) for actions: for the Carif-Oref only, what the queue
holds and its filters, each decision taken through the page (its state, its publication, its journal row), decisions
refused on what no longer waits or has changed since, what changed in a bundle sent again; and the formation without
Certifinfo (AIF) the Carif-Oref creates."""

from datetime import date, datetime

import pytest
import webtest
from sqlalchemy import func, select

from rp_sofi import messages
from rp_sofi.extensions import db
from rp_sofi.models import (
    Action,
    ActionStatus,
    Etablissement,
    Formation,
    JournalEntry,
    JournalEvent,
    PublishedSession,
    RecordStatus,
)
from rp_sofi.services import annuaire, workflow
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import CLOSED_SIRET, FORMALOIRE, IDMV, PARIS_SIRET, LogIn
from tests.rp_sofi.web import fresh, journal, text


def action(action_id: int) -> Action:
    fresh()
    found = db.session.get(Action, action_id)
    assert found is not None
    return found


@pytest.fixture
def pending(today: date) -> Action:
    """An IDMV action « CAP boucher » with one session, sent to the Carif-Oref."""
    made = f.submit(db.session, f.make_action(db.session, IDMV, sessions=[(today, f.days(today, 90))]), today)
    db.session.commit()
    return made


def action_page(sofi: webtest.TestApp, action_id: int, status: int | None = None) -> webtest.TestResponse:
    return sofi.get(f"/validation/actions/{action_id}", status=status)


# Who


@pytest.mark.parametrize("role", ["gestionnaire", "contributeur", "consultation"])
def test_only_the_carif_reaches_the_queue(sofi: webtest.TestApp, log_in: LogIn, pending: Action, role: str) -> None:
    log_in(role)
    for url in ("/validation", f"/validation/actions/{pending.id}", "/validation/formations/creer",
                f"/validation/annuaire/etablissement/{IDMV}"):  # fmt: skip
        assert sofi.get(url, status=403).status_code == 403
    assert "File de validation" not in text(sofi.get("/annuaire"), "navigation")


def test_the_carif_has_the_menu_entry(sofi: webtest.TestApp, carif: None, pending: Action) -> None:
    page = sofi.get("/validation")
    assert page.html.find("a", attrs={"aria-current": "page"}).text == "File de validation"
    assert page.html.find("title").text.startswith("File de validation")


# The queue


@pytest.fixture
def queue(today: date, pending: Action) -> dict[str, Action]:
    """Pending: IDMV (85) and FORMA'LOIRE (44) actions, an IDMV question, FORMA'LOIRE's établissement, an IDMV
    new site. Not pending: an action en saisie, a validated one."""
    s = db.session
    actions = {
        "idmv": pending,
        "question": f.ask(s, f.make_action(s, IDMV, 999001, sessions=[(today, f.days(today, 30))]), today),
        "formaloire": f.submit(s, f.make_action(s, FORMALOIRE, sessions=[(today, f.days(today, 30))]), today),
        "saisie": f.make_action(s, IDMV, 999003),
        "validee": f.validate(s, f.make_action(s, IDMV, 999005, sessions=[(today, f.days(today, 30))]), today),
    }
    formaloire = s.get(Etablissement, FORMALOIRE)
    assert formaloire is not None
    formaloire.status, formaloire.submitted_at = RecordStatus.EN_ATTENTE_VALIDATION, datetime(2020, 1, 5, 9, 0)
    formaloire.previous = annuaire.values(formaloire)
    formaloire.description = "Nouvelle description"
    f.make_site(s, IDMV, "IDMV atelier neuf", status=RecordStatus.EN_ATTENTE_VALIDATION, submitted_at=datetime.now())
    s.commit()
    return actions


def test_the_queue_lists_what_waits_for_the_carif(sofi: webtest.TestApp, carif: None, queue: dict[str, Action]) -> None:
    page = sofi.get("/validation")
    waiting = text(page, "actions")
    for key in ("idmv", "formaloire"):
        assert f"Action {queue[key].id}" in waiting
    assert "CAP boucher" in waiting and "INSTITUT DEMO DES METIERS DE LA VIANDE" in waiting and FORMALOIRE in waiting
    for key in ("question", "saisie", "validee"):
        assert f"Action {queue[key].id} " not in waiting + " "
    answers = text(page, "reponses")
    assert f"Action {queue['question'].id}" in answers and "Pouvez-vous préciser les prérequis ?" in answers
    records = text(page, "annuaire")
    assert "Etablissement" in records and FORMALOIRE in records
    assert "IDMV atelier neuf" in records and "Nouveau" in records


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"type": "actions"}, ["actions", "reponses"], ["annuaire"]),
        ({"type": "annuaire"}, ["annuaire"], ["actions", "reponses"]),
    ],
)
def test_the_queue_filtered_by_type(
    sofi: webtest.TestApp, carif: None, queue: dict[str, Action], params: dict[str, str], shown: list[str],
    hidden: list[str],
) -> None:  # fmt: skip
    form = sofi.get("/validation").forms["filtres"]
    form["type"] = params["type"]
    page = form.submit()
    assert all(page.html.find(id=section) for section in shown)
    assert not any(page.html.find(id=section) for section in hidden)


def test_the_queue_filtered_by_departement_and_date(
    sofi: webtest.TestApp, carif: None, queue: dict[str, Action]
) -> None:
    page = sofi.get("/validation", params={"departement": "44"})
    assert f"Action {queue['formaloire'].id}" in text(page, "actions")
    assert f"Action {queue['idmv'].id}" not in text(page, "actions")
    assert FORMALOIRE in text(page, "annuaire") and "IDMV atelier neuf" not in text(page, "annuaire")
    page = sofi.get("/validation", params={"depuis": "2020-01-06"})  # after FORMA'LOIRE's établissement was sent
    assert FORMALOIRE not in text(page, "annuaire") and "IDMV atelier neuf" in text(page, "annuaire")
    page = sofi.get("/validation", params={"depuis": "01/01/2020", "departement": "85"})
    assert FORMALOIRE not in text(page, "annuaire") and "IDMV atelier neuf" in text(page, "annuaire")


def test_a_wrong_filter_is_said_and_ignored(sofi: webtest.TestApp, carif: None, queue: dict[str, Action]) -> None:
    page = sofi.get("/validation", params={"depuis": "31/02/2026", "departement": "75"}, status=422)
    assert messages.SINCE_INVALID in text(page, "depuis-messages")
    assert messages.DEPARTEMENT_UNKNOWN in text(page, "departement-messages")
    assert f"Action {queue['idmv'].id}" in text(page, "actions")


# Decisions on an action


def test_valider_la_saisie_publishes_the_bundle(sofi: webtest.TestApp, carif: None, pending: Action) -> None:
    page = action_page(sofi, pending.id)
    assert "Première validation" in text(page, "modifications")
    done = page.forms["form-valider"].submit().follow()
    assert messages.VALIDATED in text(done)
    validated = action(pending.id)
    assert validated.status is ActionStatus.VALIDEE and validated.published is not None
    assert validated.published["action"]["duree_centre"] == 400
    rows = db.session.scalars(select(PublishedSession).where(PublishedSession.action_id == pending.id)).all()
    assert [row.session_id for row in rows] == [session.id for session in validated.sessions]
    assert [(e.object_id, e.actor_sub) for e in journal(JournalEvent.ACTION_VALIDATED)] == [
        (str(pending.id), "sub-claire")
    ]
    assert f"Action {pending.id}" not in text(sofi.get("/validation"), "actions")


def test_demander_des_precisions(sofi: webtest.TestApp, carif: None, pending: Action) -> None:
    page = action_page(sofi, pending.id).forms["form-preciser"].submit(status=422)
    assert messages.QUESTION_REQUIRED in text(page, "preciser-question-messages")
    assert action(pending.id).status is ActionStatus.EN_ATTENTE_VALIDATION
    form = page.forms["form-preciser"]
    form["preciser-question"] = "Quelle est la durée hebdomadaire en entreprise ?"
    done = form.submit().follow()
    assert messages.QUESTIONED in text(done)
    asked = action(pending.id)
    assert (asked.status, asked.question) == (
        ActionStatus.EN_ATTENTE_REPONSE,
        "Quelle est la durée hebdomadaire en entreprise ?",
    )
    assert [e.comment for e in journal(JournalEvent.ACTION_QUESTIONED)] == [asked.question]
    assert f"Action {pending.id}" in text(sofi.get("/validation"), "reponses")


def test_refuser_needs_a_reason(sofi: webtest.TestApp, carif: None, pending: Action) -> None:
    page = action_page(sofi, pending.id).forms["form-refuser"].submit(status=422)
    assert messages.REASON_REQUIRED in text(page, "refuser-reason-messages")
    assert action(pending.id).status is ActionStatus.EN_ATTENTE_VALIDATION
    page.forms["form-refuser"]["refuser-reason"] = "Les dates de session sont incohérentes."
    done = page.forms["form-refuser"].submit().follow()
    assert messages.REFUSED in text(done)
    refused = action(pending.id)
    assert (refused.status, refused.refusal_reason) == (
        ActionStatus.EN_SAISIE,
        "Les dates de session sont incohérentes.",
    )
    assert [e.comment for e in journal(JournalEvent.ACTION_REFUSED)] == ["Les dates de session sont incohérentes."]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("12345", messages.CERTIFINFO_UNKNOWN),
        ("999020", messages.CERTIFINFO_REPLACED.format(code=999021)),
        ("CAP", messages.CERTIFINFO_FORMAT),
    ],
)
def test_a_wrong_certifinfo_code_is_refused(
    sofi: webtest.TestApp, carif: None, pending: Action, code: str, message: str
) -> None:
    form = action_page(sofi, pending.id).forms["form-certifinfo"]
    form["certifinfo-certifinfo"], form["certifinfo-reason"] = code, "Titre plus adapté"
    page = form.submit(status=422)
    assert message in text(page, "certifinfo-certifinfo-messages")
    unchanged = action(pending.id)
    assert (unchanged.formation.certifinfo, unchanged.certifinfo_remplace) == (31999, False)


def test_remplacer_le_code_certifinfo_keeps_the_state(sofi: webtest.TestApp, carif: None, pending: Action) -> None:
    form = action_page(sofi, pending.id).forms["form-certifinfo"]
    form["certifinfo-certifinfo"] = "999001"
    assert messages.REASON_REQUIRED in text(form.submit(status=422), "certifinfo-reason-messages")
    form["certifinfo-reason"] = "Le titre professionnel correspond mieux au programme."
    done = form.submit().follow()
    assert messages.CERTIFINFO_SWAPPED in text(done)
    replaced = action(pending.id)
    assert (replaced.formation.certifinfo, replaced.certifinfo_remplace, replaced.status) == (
        999001,
        True,
        ActionStatus.EN_ATTENTE_VALIDATION,
    )
    assert journal(JournalEvent.CERTIFINFO_REPLACED)[0].comment.startswith("999001")  # type: ignore[union-attr]


def test_no_decision_on_an_action_that_does_not_wait(sofi: webtest.TestApp, carif: None, today: date) -> None:
    draft = f.make_action(db.session, IDMV, sessions=[(today, f.days(today, 30))])
    db.session.commit()
    page = action_page(sofi, draft.id)
    status = ActionStatus.EN_SAISIE.label
    assert messages.ACTION_NOT_PENDING.format(status=status) in text(page, "pas-de-decision")
    assert "form-valider" not in page.forms
    token = page.forms["form-certifinfo"]["certifinfo-csrf_token"].value
    for decision, data in (
        ("valider", {}),
        ("preciser", {"preciser-question": "?"}),
        ("refuser", {"refuser-reason": "Non"}),
    ):
        posted = {"csrf_token": token, f"{decision}-version": str(draft.version), **data}
        refused = sofi.post(f"/validation/actions/{draft.id}/{decision}", posted, status=409)
        assert messages.ACTION_NOT_PENDING.format(status=status) in text(refused)
    assert action(draft.id).status is ActionStatus.EN_SAISIE
    assert db.session.scalar(select(func.count()).select_from(JournalEntry)) == 0


def test_a_decision_from_a_page_already_decided_is_refused(sofi: webtest.TestApp, carif: None, pending: Action) -> None:
    stale = action_page(sofi, pending.id)
    stale.forms["form-valider"].submit()
    stale.forms["form-refuser"]["refuser-reason"] = "Trop tard"
    page = stale.forms["form-refuser"].submit(status=409)
    assert messages.ACTION_NOT_PENDING.format(status=ActionStatus.VALIDEE.label) in text(page)
    assert action(pending.id).status is ActionStatus.VALIDEE and journal(JournalEvent.ACTION_REFUSED) == []


def test_a_decision_on_a_bundle_changed_since_the_page_was_shown_is_refused(
    sofi: webtest.TestApp, carif: None, pending: Action
) -> None:
    page = action_page(sofi, pending.id)
    changed = action(pending.id)
    changed.duree_centre = 500  # the Carif-Oref colleague fixing it meanwhile
    db.session.commit()
    refused = page.forms["form-valider"].submit(status=409)
    assert messages.STALE in text(refused)
    assert action(pending.id).status is ActionStatus.EN_ATTENTE_VALIDATION


def test_a_validated_action_sent_again_shows_what_changed(sofi: webtest.TestApp, carif: None, today: date) -> None:
    s = db.session
    bundle = f.validate(s, f.make_action(s, IDMV, sessions=[(today, f.days(today, 90))]), today)
    first_session = bundle.sessions[0]
    workflow.before_edit(s, bundle, f.of_scope(IDMV))
    bundle.duree_centre = 420
    first_session.date_fin = f.days(today, 100)
    f.add_session(s, bundle, f.days(today, 120), f.days(today, 200))
    f.submit(s, bundle, today)
    s.commit()
    changes = text(action_page(sofi, bundle.id), "modifications")
    assert "Action Durée en centre 400 420" in changes
    end = f.days(today, 100).strftime("%d/%m/%Y")
    assert f"Session {first_session.id} Date fin {f.days(today, 90).strftime('%d/%m/%Y')} {end}" in changes
    assert "Nouvelle session" in changes
    assert action(bundle.id).published["action"]["duree_centre"] == 400  # type: ignore[index]


# Formations without Certifinfo (AIF)


def _aif_form(sofi: webtest.TestApp, **values: str) -> webtest.forms.Form:
    form = sofi.get("/validation").click(href="/validation/formations/creer").forms["form-formation"]
    defaults = {"siret": IDMV, "intitule": "Découpe de gibier (AIF)", "objectif": "Découper le gibier.",
                "programme": "Anatomie, découpe, hygiène.", "formacodes": "99001, 99002",
                "niveau_sortie": "3"}  # fmt: skip
    for name, value in (defaults | values).items():
        form[name] = value
    return form


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "12345678901234", "Ce numéro SIRET n'est pas valide."),
        ("siret", PARIS_SIRET, messages.SIRET_UNKNOWN),
        ("siret", CLOSED_SIRET, messages.CLOSED_ESTABLISHMENT),
        ("intitule", "", messages.REQUIRED),
        ("formacodes", "99001, 12345", messages.FORMACODE_UNKNOWN),
    ],
)
def test_aif_formation_rules(sofi: webtest.TestApp, carif: None, field: str, value: str, message: str) -> None:
    page = _aif_form(sofi, **{field: value}).submit(status=422)
    assert message in text(page, f"{field}-messages")
    fresh()
    assert db.session.scalar(select(func.count()).select_from(Formation)) == 0


def test_the_carif_creates_a_formation_without_certifinfo(sofi: webtest.TestApp, carif: None) -> None:
    page = _aif_form(sofi, siret="999 660 889 00018").submit().follow()
    assert messages.FORMATION_CREATED in text(page)
    fresh()
    formation = db.session.scalars(select(Formation)).one()
    assert (formation.siret, formation.certifinfo, formation.intitule) == (IDMV, None, "Découpe de gibier (AIF)")
    assert (formation.formacodes, formation.niveau_sortie) == (["99001", "99002"], "3")
