"""The scheduled follow-up of access requests, run at chosen moments with time-machine: the gestionnaires are
reminded once after 7 days, the ministry agents take over after 15, and nothing happens twice."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from idp.extensions import db
from idp.models import AccessRequest, AuditEvent, AuditEventType, OutboxMessage
from idp.services import access_requests
from idp.services.access_requests import FollowUp
from tests.idp.portal_data import (
    FORMALOIRE_ANJOU,
    FORMALOIRE_ESTUAIRE,
    FORMALOIRE_NANTES,
    habilitate,
    person,
    role,
    services,
)

START = datetime(2026, 3, 2, 9, 0)  # naive UTC, as stored
REMINDER_SUBJECT = "Rappel : demande d'accès à SOFFi en attente"


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START.replace(tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def soffi(app, clock):
    return services(db.session)["soffi"]


@pytest.fixture
def managers(soffi):
    """Two gestionnaires of FORMA'LOIRE for SOFFi."""
    first = person(db.session, "gestion@formaloire.example", FORMALOIRE_ANJOU, "GERANTE", "Sam")
    second = person(db.session, "second@formaloire.example", FORMALOIRE_ESTUAIRE, "SECOND", "Max")
    for manager in (first, second):
        habilitate(db.session, manager, soffi, "gestionnaire")
    return [first, second]


@pytest.fixture
def requester(soffi):
    return person(db.session, "demandeur@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")


@pytest.fixture
def request_(soffi, managers, requester) -> AccessRequest:
    """Asked at START."""
    return access_requests.request_access(db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"))


def run_at(clock: time_machine.Traveller, elapsed: timedelta) -> FollowUp:
    clock.move_to((START + elapsed).replace(tzinfo=UTC))
    return access_requests.follow_up(db.session)


def reminders(address: str) -> int:
    return db.session.query(OutboxMessage).filter_by(recipient=address, subject=REMINDER_SUBJECT).count()


def events(kind: AuditEventType) -> list[AuditEvent]:
    return db.session.query(AuditEvent).filter_by(event=kind).all()


def test_nothing_happens_before_seven_days(clock, managers, request_):
    assert run_at(clock, timedelta(days=6, hours=23)) == FollowUp(reminded=0, escalated=0)
    assert [reminders(manager.email) for manager in managers] == [0, 0]
    assert request_.reminded_at is None and events(AuditEventType.ACCESS_REQUEST_REMINDED) == []


def test_each_gestionnaire_is_reminded_once_after_seven_days(clock, managers, request_):
    assert run_at(clock, timedelta(days=7)) == FollowUp(reminded=1, escalated=0)
    assert [reminders(manager.email) for manager in managers] == [1, 1]
    assert request_.reminded_at == START + timedelta(days=7)

    for elapsed in (timedelta(days=7), timedelta(days=7, hours=1), timedelta(days=10), timedelta(days=14)):
        assert run_at(clock, elapsed) == FollowUp(reminded=0, escalated=0)
    assert [reminders(manager.email) for manager in managers] == [1, 1]
    [event] = events(AuditEventType.ACCESS_REQUEST_REMINDED)
    assert event.subject_account_id == request_.account_id and event.data["request_id"] == request_.id
    assert request_.escalated_at is None and access_requests.agents_queue(db.session) == []


def test_after_fifteen_days_without_answer_the_agents_take_over_once(clock, managers, request_):
    run_at(clock, timedelta(days=7))
    assert run_at(clock, timedelta(days=14, hours=23, minutes=59)) == FollowUp(reminded=0, escalated=0)

    assert run_at(clock, timedelta(days=15)) == FollowUp(reminded=0, escalated=1)
    assert (request_.escalated_at, request_.escalation_reason) == (START + timedelta(days=15), "no_answer")
    assert access_requests.agents_queue(db.session) == [request_]
    for elapsed in (timedelta(days=15), timedelta(days=16), timedelta(days=60)):
        assert run_at(clock, elapsed) == FollowUp(reminded=0, escalated=0)
    [event] = events(AuditEventType.ACCESS_REQUEST_ESCALATED)
    assert event.data == {"service": "soffi", "reason": "no_answer", "request_id": request_.id}
    assert event.siren == "997915665" and event.account_id is None  # done by the job, not by a person
    assert [reminders(manager.email) for manager in managers] == [1, 1]


def test_a_job_that_did_not_run_for_weeks_escalates_without_a_late_reminder(clock, managers, request_):
    assert run_at(clock, timedelta(days=20)) == FollowUp(reminded=0, escalated=1)
    assert [reminders(manager.email) for manager in managers] == [0, 0]


@pytest.mark.parametrize("decision", ["accept", "refuse", "withdraw"])
def test_decided_or_withdrawn_requests_are_left_alone(clock, managers, requester, request_, decision):
    clock.move_to((START + timedelta(days=3)).replace(tzinfo=UTC))
    if decision == "accept":
        access_requests.accept_request(db.session, managers[0], request_)
    elif decision == "refuse":
        access_requests.refuse_request(db.session, managers[0], request_, "Pas dans l'équipe.")
    else:
        access_requests.withdraw_request(db.session, requester, request_.id)

    for elapsed in (timedelta(days=7), timedelta(days=15), timedelta(days=30)):
        assert run_at(clock, elapsed) == FollowUp(reminded=0, escalated=0)
    assert [reminders(manager.email) for manager in managers] == [0, 0]
    assert request_.reminded_at is None and request_.escalated_at is None
    assert access_requests.agents_queue(db.session) == []


def test_without_gestionnaire_a_request_is_escalated_at_creation_and_never_again(clock, soffi, requester):
    request = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
    )

    assert (request.escalated_at, request.escalation_reason) == (START, "no_gestionnaire")
    assert access_requests.agents_queue(db.session) == [request]
    assert db.session.query(OutboxMessage).count() == 0
    for elapsed in (timedelta(days=7), timedelta(days=15), timedelta(days=30)):
        assert run_at(clock, elapsed) == FollowUp(reminded=0, escalated=0)
    [event] = events(AuditEventType.ACCESS_REQUEST_ESCALATED)
    assert event.data["reason"] == "no_gestionnaire" and event.created_at == START
    assert request.reminded_at is None


def test_two_runs_at_the_same_moment_remind_and_escalate_each_request_once(app, clock, soffi, managers):
    """As two instances of the scheduled job would: each in its own connection, started together."""
    for number in range(4):
        asker = person(db.session, f"demandeur{number}@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")
        access_requests.request_access(db.session, asker, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"))
    clock.move_to((START + timedelta(days=7)).replace(tzinfo=UTC))
    start, done = threading.Barrier(2), []

    def run() -> None:
        with app.app_context():
            start.wait()
            done.append(access_requests.follow_up(db.session))
            db.session.remove()

    def together() -> None:
        runs = [threading.Thread(target=run) for _ in range(2)]
        for each in runs:
            each.start()
        for each in runs:
            each.join()

    together()
    assert sum(result.reminded for result in done) == 4
    assert [reminders(manager.email) for manager in managers] == [4, 4]
    assert len(events(AuditEventType.ACCESS_REQUEST_REMINDED)) == 4
    done.clear()
    clock.move_to((START + timedelta(days=15)).replace(tzinfo=UTC))
    together()
    assert sum(result.escalated for result in done) == 4
    assert len(events(AuditEventType.ACCESS_REQUEST_ESCALATED)) == 4
