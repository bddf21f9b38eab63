"""Access requests, from the domain functions: who is e-mailed, who may decide, and what a decision grants."""

import pytest

from idp.extensions import db
from idp.models import AccessRequestStatus, AuditEvent, AuditEventType, Habilitation, OutboxMessage
from idp.services import access_requests, habilitations
from tests.idp.portal_data import (
    CLOSED_SIRET,
    FORMALOIRE_NANTES,
    OPCO_PARIS,
    habilitate,
    person,
    role,
)


@pytest.fixture
def requester(soffi):
    return person(db.session, "demandeur@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")


def mails_to(address):
    return db.session.query(OutboxMessage).filter_by(recipient=address).all()


def test_a_request_is_e_mailed_to_every_gestionnaire_of_the_company(soffi, manager, requester):
    second = person(db.session, "second@formaloire.example", FORMALOIRE_NANTES, "SECOND", "Max")
    habilitate(db.session, second, soffi, "gestionnaire")
    other_company = person(db.session, "autre@opco.example", OPCO_PARIS)
    habilitate(db.session, other_company, soffi, "gestionnaire")

    request = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
    )

    assert request.status is AccessRequestStatus.PENDING and request.escalated_at is None
    [mail] = mails_to(manager.email)
    assert mail.subject == "Demande d'accès à SOFFi"
    assert "Lou DEMANDEUR vous demande l'accès à la démarche 'SOFFi' pour la structure FORMA'LOIRE" in mail.body_text
    assert "/portail/services/soffi/utilisateurs" in mail.body_text
    assert len(mails_to(second.email)) == 1
    assert mails_to(other_company.email) == []


def test_without_gestionnaire_the_request_goes_to_the_agents_at_once(soffi, requester):
    request = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
    )

    assert request.escalated_at is not None and request.escalation_reason == "no_gestionnaire"
    assert access_requests.agents_queue(db.session) == [request]


def test_a_second_identical_request_is_refused_while_the_first_waits(soffi, manager, requester):
    access_requests.request_access(db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"))
    with pytest.raises(access_requests.RequestAlreadyPending):
        access_requests.request_access(db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "gestionnaire"))
    assert len(mails_to(manager.email)) == 1


@pytest.mark.parametrize(
    ("siret", "error"),
    [("99999999999999", access_requests.EstablishmentNotFound), (CLOSED_SIRET, access_requests.EstablishmentClosed)],
)
def test_unknown_or_closed_establishments_are_refused(soffi, requester, siret, error):
    with pytest.raises(error):
        access_requests.request_access(db.session, requester, soffi, siret, role(soffi, "consultation"))


def test_operator_roles_cannot_be_requested(soffi, manager, requester):
    with pytest.raises(habilitations.RoleNotGrantable):
        access_requests.request_access(db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "agent_dgefp"))


def test_accepting_grants_the_role_and_tells_the_requester(soffi, manager, requester):
    request = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "organisme_collecteur")
    )
    access_requests.accept_request(db.session, manager, request)

    [granted] = habilitations.habilitations_of(db.session, requester, soffi)
    assert (granted.role.code, granted.siret, granted.granted_via) == (
        "organisme_collecteur",
        FORMALOIRE_NANTES,
        "par Sam GERANTE",
    )
    assert granted.company_siren == "997915665"
    [mail] = mails_to(requester.email)
    assert mail.subject == "Votre demande d'accès à SOFFi a été acceptée"
    events = {event.event for event in db.session.query(AuditEvent).filter_by(siren="997915665")}
    assert {AuditEventType.ACCESS_REQUESTED, AuditEventType.ACCESS_REQUEST_ACCEPTED} <= events
    assert AuditEventType.HABILITATION_GRANTED in events


def test_a_gestionnaire_of_another_company_cannot_decide(soffi, manager, requester):
    request = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
    )
    stranger = person(db.session, "autre@opco.example", OPCO_PARIS)
    habilitate(db.session, stranger, soffi, "gestionnaire")

    with pytest.raises(habilitations.NotGestionnaire):
        access_requests.get_request_to_decide(db.session, stranger, soffi, request.id)
    assert db.session.query(AuditEvent).filter_by(event=AuditEventType.HABILITATION_DENIED).count() == 1


def test_a_decided_request_cannot_be_decided_again(soffi, manager, requester):
    request = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
    )
    access_requests.refuse_request(db.session, manager, request, "Vous n'êtes pas dans l'équipe.")

    with pytest.raises(access_requests.RequestAlreadyDecided):
        access_requests.accept_request(db.session, manager, request)
    assert db.session.query(Habilitation).filter_by(account_id=requester.id).count() == 0
    assert request.status is AccessRequestStatus.REFUSED
    [mail] = mails_to(requester.email)
    assert "Motif du refus : Vous n'êtes pas dans l'équipe." in mail.body_text


def test_refusing_needs_a_reason(soffi, manager, requester):
    request = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
    )
    with pytest.raises(access_requests.ReasonRequired):
        access_requests.refuse_request(db.session, manager, request, "   ")
    assert request.status is AccessRequestStatus.PENDING
