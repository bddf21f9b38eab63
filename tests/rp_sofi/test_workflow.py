"""The action bundle's state machine (sofi.md §4.1), services/workflow.py called directly: every allowed
transition lands in its state with its journal row; every other one raises NotAllowed and changes nothing."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from rp_sofi import messages
from rp_sofi.extensions import db
from rp_sofi.models import Action, ActionStatus, JournalEntry, JournalEvent, PublishedSession
from rp_sofi.services import workflow
from rp_sofi.services.errors import Invalid, NotAllowed, Stale
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import FORMALOIRE, IDMV

S = ActionStatus
Operation = Callable[[Action, date, datetime], None]

OPERATIONS: dict[str, Operation] = {
    "submit": lambda a, day, now: workflow.submit(db.session, a, f.of_scope(IDMV, "contributeur"), day, now),
    "validate": lambda a, day, now: workflow.validate(db.session, a, f.carif_scope(), day, now),
    "ask": lambda a, day, now: workflow.ask(db.session, a, f.carif_scope(), "Quels prérequis ?"),
    "answer": lambda a, day, now: workflow.answer(db.session, a, f.of_scope(IDMV), "Aucun prérequis.", day),
    "refuse": lambda a, day, now: workflow.refuse(db.session, a, f.carif_scope(), "Dates incohérentes."),
}
ALLOWED = {
    ("submit", S.EN_SAISIE): (S.EN_ATTENTE_VALIDATION, JournalEvent.ACTION_SUBMITTED),
    ("validate", S.EN_ATTENTE_VALIDATION): (S.VALIDEE, JournalEvent.ACTION_VALIDATED),
    ("ask", S.EN_ATTENTE_VALIDATION): (S.EN_ATTENTE_REPONSE, JournalEvent.ACTION_QUESTIONED),
    ("answer", S.EN_ATTENTE_REPONSE): (S.EN_ATTENTE_VALIDATION, JournalEvent.ACTION_ANSWERED),
    ("refuse", S.EN_ATTENTE_VALIDATION): (S.EN_SAISIE, JournalEvent.ACTION_REFUSED),
}
FORBIDDEN = [(name, state) for name in OPERATIONS for state in S if (name, state) not in ALLOWED]


def in_state(state: ActionStatus, today: date, siret: str = IDMV) -> Action:
    """An IDMV bundle (one session, one dispositif) brought to `state` the way users do."""
    action = f.make_action(db.session, siret, sessions=[(today, f.days(today, 60))])
    builders: dict[ActionStatus, Callable[[Any, Action, date], Action]] = {
        S.EN_SAISIE: lambda _db, made, _day: made, S.EN_ATTENTE_VALIDATION: f.submit, S.EN_ATTENTE_REPONSE: f.ask,
        S.VALIDEE: f.validate,
    }  # fmt: skip
    built = builders[state](db.session, action, today)
    db.session.commit()
    assert built.status is state
    return built


def observed(action: Action) -> tuple[Any, ...]:
    """All a transition may change, and the rows it may add."""
    journal = db.session.scalar(select(func.count()).select_from(JournalEntry))
    published = db.session.scalar(select(func.count()).select_from(PublishedSession))
    return (action.status, action.question, action.answer, action.refusal_reason, action.submitted_at,
            action.validated_at, action.published, action.formation_id, action.certifinfo_remplace, journal,
            published)  # fmt: skip


def last_event() -> JournalEvent:
    return db.session.scalars(select(JournalEntry.event).order_by(JournalEntry.id.desc())).first()  # type: ignore[return-value]


@pytest.mark.parametrize(("name", "state"), list(ALLOWED))
def test_allowed_transitions(name: str, state: ActionStatus, today: date) -> None:
    action = in_state(state, today)
    OPERATIONS[name](action, today, f.now_of(today))
    db.session.flush()
    target, event = ALLOWED[(name, state)]
    assert action.status is target
    assert last_event() is event


@pytest.mark.parametrize(("name", "state"), FORBIDDEN)
def test_forbidden_transitions_raise_and_change_nothing(name: str, state: ActionStatus, today: date) -> None:
    action = in_state(state, today)
    before = observed(action)
    with pytest.raises(NotAllowed):
        OPERATIONS[name](action, today, f.now_of(today))
    db.session.flush()
    assert observed(action) == before


def test_validation_publishes_and_clears_the_question(today: date) -> None:
    action = in_state(S.EN_ATTENTE_REPONSE, today)
    OPERATIONS["answer"](action, today, f.now_of(today))
    OPERATIONS["validate"](action, today, f.now_of(today))
    db.session.flush()
    assert action.question is None and action.validated_at == f.now_of(today)
    assert action.published is not None and [s["id"] for s in action.published["sessions"]] == [action.sessions[0].id]
    rows = db.session.scalars(select(PublishedSession.session_id).where(PublishedSession.action_id == action.id))
    assert list(rows) == [action.sessions[0].id]


def test_refusal_keeps_the_reason_until_the_next_submission(today: date) -> None:
    action = in_state(S.EN_ATTENTE_VALIDATION, today)
    OPERATIONS["refuse"](action, today, f.now_of(today))
    assert action.refusal_reason == "Dates incohérentes."
    OPERATIONS["submit"](action, today, f.now_of(today))
    assert action.refusal_reason is None


@pytest.mark.parametrize(
    ("name", "state", "scope"),
    [
        ("validate", S.EN_ATTENTE_VALIDATION, f.of_scope(IDMV)),
        ("ask", S.EN_ATTENTE_VALIDATION, f.of_scope(IDMV)),
        ("refuse", S.EN_ATTENTE_VALIDATION, f.of_scope(IDMV)),
        ("submit", S.EN_SAISIE, f.of_scope(IDMV, "consultation")),
        ("submit", S.EN_SAISIE, f.of_scope(FORMALOIRE)),  # another organisation's action
        ("answer", S.EN_ATTENTE_REPONSE, f.of_scope(IDMV, "consultation")),
        ("answer", S.EN_ATTENTE_REPONSE, f.carif_scope()),
    ],
)
def test_each_step_belongs_to_its_actor(name: str, state: ActionStatus, scope: Any, today: date) -> None:
    action = in_state(state, today)
    before = observed(action)
    calls: dict[str, Callable[[], None]] = {
        "validate": lambda: workflow.validate(db.session, action, scope, today, f.now_of(today)),
        "ask": lambda: workflow.ask(db.session, action, scope, "?"),
        "refuse": lambda: workflow.refuse(db.session, action, scope, "Non"),
        "submit": lambda: workflow.submit(db.session, action, scope, today, f.now_of(today)),
        "answer": lambda: workflow.answer(db.session, action, scope, "Oui", today),
    }
    with pytest.raises(NotAllowed):
        calls[name]()
    assert observed(action) == before


def test_the_carif_entering_an_offer_validates_it_directly(today: date) -> None:
    action = in_state(S.EN_SAISIE, today)
    workflow.submit(db.session, action, f.carif_scope(), today, f.now_of(today))
    db.session.flush()
    assert action.status is S.VALIDEE and action.published is not None
    events = db.session.scalars(select(JournalEntry.event).order_by(JournalEntry.id)).all()
    assert events == [JournalEvent.ACTION_SUBMITTED, JournalEvent.ACTION_VALIDATED]


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda a, day: workflow.ask(db.session, a, f.carif_scope(), "   "), "question", messages.QUESTION_REQUIRED),
        (lambda a, day: workflow.refuse(db.session, a, f.carif_scope(), ""), "reason", messages.REASON_REQUIRED),
    ],
)
def test_a_question_or_a_refusal_needs_its_text(call: Callable[[Action, date], None], field: str, message: str,
                                                 today: date) -> None:  # fmt: skip
    action = in_state(S.EN_ATTENTE_VALIDATION, today)
    with pytest.raises(Invalid) as raised:
        call(action, today)
    assert raised.value.errors == {field: message}
    assert action.status is S.EN_ATTENTE_VALIDATION


def test_an_answer_needs_its_text(today: date) -> None:
    action = in_state(S.EN_ATTENTE_REPONSE, today)
    with pytest.raises(Invalid) as raised:
        workflow.answer(db.session, action, f.of_scope(IDMV), " ", today)
    assert raised.value.errors == {"answer": messages.ANSWER_REQUIRED}
    assert action.status is S.EN_ATTENTE_REPONSE


def test_an_incomplete_bundle_or_no_nda_cannot_be_submitted(today: date) -> None:
    empty = f.make_action(db.session, IDMV)  # no session
    with pytest.raises(Invalid) as raised:
        workflow.submit(db.session, empty, f.of_scope(IDMV), today, f.now_of(today))
    assert messages.INCOMPLETE_BUNDLE in raised.value.errors.values()
    no_nda = f.make_action(db.session, FORMALOIRE, sessions=[(today, f.days(today, 10))])
    f.make_etablissement(db.session, FORMALOIRE, nda=None)  # the same établissement, its NDA removed
    with pytest.raises(Invalid) as raised:
        workflow.submit(db.session, no_nda, f.of_scope(FORMALOIRE), today, f.now_of(today))
    assert list(raised.value.errors.values()) == [messages.NDA_REQUIRED]
    assert (empty.status, no_nda.status) == (S.EN_SAISIE, S.EN_SAISIE)


def test_a_validated_action_edited_goes_back_to_en_saisie_its_published_version_intact(today: date) -> None:
    action = in_state(S.VALIDEE, today)
    published = dict(action.published or {})
    catalogue = list(
        db.session.scalars(select(PublishedSession.date_fin).where(PublishedSession.action_id == action.id))
    )
    workflow.before_edit(db.session, action, f.of_scope(IDMV, "contributeur"))
    action.duree_centre = 450
    action.sessions[0].date_fin = f.days(today, 90)
    db.session.commit()
    assert action.status is S.EN_SAISIE and last_event() is JournalEvent.ACTION_REOPENED
    assert action.published == published and action.published["action"]["duree_centre"] == 400
    assert list(db.session.scalars(select(PublishedSession.date_fin))) == catalogue == [f.days(today, 60)]
    f.validate(db.session, action, today)  # sent and validated again: the new version is the published one
    assert action.published["action"]["duree_centre"] == 450  # type: ignore[index]
    assert list(db.session.scalars(select(PublishedSession.date_fin))) == [f.days(today, 90)]


def test_an_organisation_cannot_edit_what_waits_for_the_carif(today: date) -> None:
    action = in_state(S.EN_ATTENTE_VALIDATION, today)
    with pytest.raises(NotAllowed, match="pas modifiable"):
        workflow.before_edit(db.session, action, f.of_scope(IDMV))
    with pytest.raises(NotAllowed):
        workflow.before_edit(db.session, in_state(S.EN_SAISIE, today), f.of_scope(IDMV, "consultation"))
    workflow.before_edit(db.session, action, f.carif_scope())  # the Carif-Oref may fix it before deciding
    assert action.status is S.EN_ATTENTE_VALIDATION


@pytest.mark.parametrize("state", list(S))
def test_certifinfo_replacement_keeps_any_state(state: ActionStatus, today: date) -> None:
    action = in_state(state, today)
    with pytest.raises(NotAllowed):
        workflow.replace_certifinfo(db.session, action, f.of_scope(IDMV), 999001, "Mieux adapté")
    workflow.replace_certifinfo(db.session, action, f.carif_scope(), 999001, "Mieux adapté")
    db.session.flush()
    assert (action.status, action.certifinfo_remplace, action.formation.certifinfo) == (state, True, 999001)
    assert last_event() is JournalEvent.CERTIFINFO_REPLACED


def test_a_stale_version_is_refused() -> None:
    workflow.check_version(3, 3)
    for submitted in (2, 4, None):
        with pytest.raises(Stale):
            workflow.check_version(3, submitted)
