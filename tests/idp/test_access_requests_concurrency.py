"""Two gestionnaires of one company decide the same request at the same moment, from two real threads each
with its own database session: the conditional UPDATE lets exactly one of them win."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from idp.extensions import db
from idp.models import AccessRequest, AccessRequestStatus, Account, Habilitation, OutboxMessage, Service
from idp.services import access_requests
from tests.idp.portal_data import FORMALOIRE_ANJOU, FORMALOIRE_NANTES, habilitate, person, role, services

ROUNDS = 3
DECISION_SUBJECTS = {
    "Votre demande d'accès à SOFFi a été acceptée": AccessRequestStatus.ACCEPTED,
    "Votre demande d'accès à SOFFi a été refusée": AccessRequestStatus.REFUSED,
}


@pytest.fixture(autouse=True)
def postgresql_only(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--db") != "postgresql":
        pytest.skip("SQLite lets one writer at a time hold the whole database: no two decisions can overlap there")


@pytest.fixture
def gestionnaires(soffi: Service) -> list[int]:
    """Two gestionnaires of FORMA'LOIRE for SOFFi (their ids: each thread loads them in its own session)."""
    ids = []
    for email, nom in (("sam@formaloire.example", "GERANTE"), ("noa@formaloire.example", "COLLEGUE")):
        account = person(db.session, email, FORMALOIRE_ANJOU, nom)
        habilitate(db.session, account, soffi, "gestionnaire")
        ids.append(account.id)
    return ids


def decide(app: Flask, actor_id: int, request_id: int, how: str, barrier: threading.Barrier) -> str:
    """One gestionnaire's click, in its own application context and session, released with the other's."""
    with app.app_context():
        actor = db.session.get(Account, actor_id)
        assert actor is not None
        service = services(db.session)["soffi"]
        request = access_requests.get_request_to_decide(db.session, actor, service, request_id)
        db.session.commit()  # nothing held while waiting for the other thread
        barrier.wait(timeout=30)
        try:
            if how == "accept":
                access_requests.accept_request(db.session, actor, request)
            else:
                access_requests.refuse_request(db.session, actor, request, "Pas pour cette structure.")
        except access_requests.RequestAlreadyDecided:
            return "already decided"
        return "decided"


def at_once(actions: list[Callable[[threading.Barrier], Any]]) -> list[Any]:
    """Run each action in its own thread, all released together by a barrier; re-raise any failure."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)
    failures: list[BaseException] = []

    def work(index: int) -> None:
        try:
            results[index] = actions[index](barrier)
        except BaseException as failure:
            failures.append(failure)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    if failures:
        raise failures[0]
    return results


@pytest.mark.parametrize("decisions", [("accept", "accept"), ("accept", "refuse"), ("refuse", "refuse")])
def test_two_gestionnaires_deciding_the_same_request_at_once_decide_it_once(app, soffi, gestionnaires, decisions):
    for round_number in range(ROUNDS):
        requester = person(db.session, f"demandeur{round_number}@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR")
        request = access_requests.request_access(
            db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
        )
        request_id, requester_id, email = request.id, requester.id, requester.email

        results = at_once(
            [
                lambda barrier, actor=actor, how=how, target=request_id: decide(app, actor, target, how, barrier)
                for actor, how in zip(gestionnaires, decisions, strict=True)
            ]
        )

        assert sorted(results) == ["already decided", "decided"]
        db.session.expire_all()
        status = db.session.scalar(select(AccessRequest.status).where(AccessRequest.id == request_id))
        winner = decisions[results.index("decided")]
        assert status is {"accept": AccessRequestStatus.ACCEPTED, "refuse": AccessRequestStatus.REFUSED}[winner]
        held = db.session.scalar(select(func.count(Habilitation.id)).where(Habilitation.account_id == requester_id))
        assert held == (1 if winner == "accept" else 0)
        subjects = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.recipient == email)).all()
        assert [DECISION_SUBJECTS[subject] for subject in subjects] == [status]
