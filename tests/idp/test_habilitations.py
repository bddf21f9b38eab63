"""The habilitation rules of idp/services/habilitations.py, from the domain functions: who is a gestionnaire, the
last gestionnaire kept, what a gestionnaire may grant, change and delete, and what each change writes."""

from datetime import timedelta

import pytest

from idp.extensions import db
from idp.models import Account, AccountStatus, AuditEvent, AuditEventType, Habilitation, OutboxMessage, Service
from idp.services import habilitations
from shared.clock import utcnow
from tests.idp.portal_data import (
    CLOSED_SIRET,
    FORMALOIRE_ESTUAIRE,
    FORMALOIRE_NANTES,
    OPCO_NANTES,
    OPCO_PARIS,
    habilitate,
    person,
    role,
    services,
)

FORMALOIRE = FORMALOIRE_NANTES[:9]


def test_the_last_gestionnaire_cannot_remove_their_own_manager_role(soffi, manager):
    [own] = habilitations.habilitations_of(db.session, manager, soffi)
    with pytest.raises(habilitations.LastGestionnaire):
        habilitations.revoke_habilitation(db.session, manager, own)
    with pytest.raises(habilitations.LastGestionnaire):
        habilitations.change_habilitation(db.session, manager, own, role(soffi, "consultation"), None)

    second = person(db.session, "second@formaloire.example", FORMALOIRE_NANTES, "SECOND", "Max")
    habilitate(db.session, second, soffi, "gestionnaire")
    habilitations.revoke_habilitation(db.session, manager, own)
    assert habilitations.habilitations_of(db.session, manager, soffi) == []


def test_operator_roles_are_not_a_gestionnaires_to_change_or_delete(soffi, manager):
    agent = person(db.session, "agent@formaloire.example", FORMALOIRE_NANTES, "AGENT", "Dom")
    operator = habilitate(db.session, agent, soffi, "agent_dgefp")
    with pytest.raises(habilitations.NotGestionnaire):
        habilitations.get_managed_habilitation(db.session, manager, soffi, operator.id)


@pytest.mark.parametrize("siret", [CLOSED_SIRET, "99791566500043"])
def test_a_new_habilitation_needs_an_open_establishment_of_the_company(soffi, manager, siret):
    colleague = person(db.session, "collegue@formaloire.example", FORMALOIRE_NANTES, "COLLEGUE", "Noa")
    with pytest.raises(habilitations.NotInCompany):
        habilitations.add_habilitation(
            db.session, manager, soffi, "997915665", colleague.email, role(soffi, "consultation"), siret, None
        )
    assert habilitations.habilitations_of(db.session, colleague, soffi) == []


# --- helpers -------------------------------------------------------------------------------------


def delegate(account: Account, service: Service, role_code: str, for_siret: str) -> Habilitation:
    """A habilitation held by a third party's person on behalf of the company of `for_siret`."""
    habilitation = Habilitation(
        account=account,
        role=role(service, role_code),
        siret=account.siret,
        on_behalf_of_siret=for_siret,
        granted_via="par délégation",
    )
    db.session.add(habilitation)
    db.session.commit()
    return habilitation


def end(habilitation: Habilitation, *, revoked: bool = False) -> None:
    """Revoked now, or expired a minute ago."""
    if revoked:
        habilitation.revoked_at = utcnow()
    else:
        habilitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def colleague(email: str = "collegue@formaloire.example", siret: str = FORMALOIRE_NANTES) -> Account:
    return person(db.session, email, siret, "COLLEGUE", "Noa")


def events(kind: AuditEventType) -> list[AuditEvent]:
    return db.session.query(AuditEvent).filter_by(event=kind).all()


def mails_to(account: Account) -> list[OutboxMessage]:
    return db.session.query(OutboxMessage).filter_by(recipient=account.email).all()


# --- who is a gestionnaire -----------------------------------------------------------------------


@pytest.mark.parametrize("revoked", [False, True], ids=["expired", "revoked"])
def test_an_ended_gestionnaire_role_no_longer_makes_a_gestionnaire(soffi, manager, revoked):
    [own] = habilitations.habilitations_of(db.session, manager, soffi)
    end(own, revoked=revoked)

    assert not habilitations.is_gestionnaire(db.session, manager, soffi, FORMALOIRE)
    assert habilitations.managed_sirens(db.session, manager, soffi) == []
    assert habilitations.gestionnaires(db.session, soffi, FORMALOIRE) == []


def test_a_third_party_holding_the_gestionnaire_role_by_delegation_does_not_manage_the_company(soffi):
    third_party = person(db.session, "tiers@opco.example", OPCO_PARIS)
    delegate(third_party, soffi, "gestionnaire", FORMALOIRE_NANTES)

    assert not habilitations.is_gestionnaire(db.session, third_party, soffi, FORMALOIRE)
    assert habilitations.managed_sirens(db.session, third_party, soffi) == []


def test_another_role_does_not_make_a_gestionnaire(soffi):
    consultant = colleague()
    habilitate(db.session, consultant, soffi, "consultation")

    assert not habilitations.is_gestionnaire(db.session, consultant, soffi, FORMALOIRE)


def test_a_gestionnaire_of_two_companies_manages_both_listed_once_in_order(soffi, manager):
    habilitate(db.session, manager, soffi, "gestionnaire", OPCO_NANTES)
    habilitate(db.session, manager, soffi, "gestionnaire", OPCO_PARIS)

    assert habilitations.managed_sirens(db.session, manager, soffi) == [FORMALOIRE, OPCO_PARIS[:9]]


def test_the_gestionnaires_of_a_company_are_its_active_accounts_by_name(soffi, manager):
    second = person(db.session, "second@formaloire.example", FORMALOIRE_NANTES, "ABEL", "Max")
    habilitate(db.session, second, soffi, "gestionnaire")
    disabled = person(db.session, "parti@formaloire.example", FORMALOIRE_NANTES, "BERGER", "Eli")
    habilitate(db.session, disabled, soffi, "gestionnaire")
    disabled.status = AccountStatus.DISABLED
    db.session.commit()

    assert habilitations.gestionnaires(db.session, soffi, FORMALOIRE) == [second, manager]


def test_a_persons_habilitations_are_the_active_ones_on_the_service_asked_oldest_first(soffi, manager):
    sofi = services(db.session)["sofi"]
    person_ = colleague()
    first = habilitate(db.session, person_, soffi, "consultation")
    first.granted_at = utcnow() - timedelta(days=2)
    ended = habilitate(db.session, person_, soffi, "organisme_collecteur")
    end(ended)
    other_service = habilitate(db.session, person_, sofi, "contributeur")
    latest = habilitate(db.session, person_, soffi, "consultation", FORMALOIRE_ESTUAIRE)

    assert habilitations.habilitations_of(db.session, person_, soffi) == [first, latest]
    assert habilitations.habilitations_of(db.session, person_) == [first, other_service, latest]


# --- the last gestionnaire -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "other",
    ["with an end date", "disabled", "by delegation", "of another company", "with another role"],
)
def test_only_a_lasting_gestionnaire_of_the_company_lets_the_last_one_go(soffi, manager, other):
    second = person(db.session, "second@formaloire.example", FORMALOIRE_NANTES, "SECOND", "Max")
    if other == "with an end date":
        habilitate(db.session, second, soffi, "gestionnaire", expires_at=utcnow() + timedelta(days=30))
    elif other == "disabled":
        habilitate(db.session, second, soffi, "gestionnaire")
        second.status = AccountStatus.DISABLED
        db.session.commit()
    elif other == "by delegation":
        delegate(person(db.session, "tiers@opco.example", OPCO_PARIS), soffi, "gestionnaire", FORMALOIRE_NANTES)
    elif other == "of another company":
        habilitate(db.session, person(db.session, "autre@opco.example", OPCO_PARIS), soffi, "gestionnaire")
    else:
        habilitate(db.session, second, soffi, "consultation")
    [own] = habilitations.habilitations_of(db.session, manager, soffi)

    with pytest.raises(habilitations.LastGestionnaire):
        habilitations.revoke_habilitation(db.session, manager, own)
    assert own.revoked_at is None


def test_the_last_gestionnaire_may_keep_the_role_and_drop_its_end_date(soffi):
    last = colleague()
    own = habilitate(db.session, last, soffi, "gestionnaire", expires_at=utcnow() + timedelta(days=30))

    habilitations.change_habilitation(db.session, last, own, role(soffi, "gestionnaire"), None)

    assert own.expires_at is None


def test_a_delegated_gestionnaire_role_can_always_be_revoked(soffi):
    third_party = person(db.session, "tiers@opco.example", OPCO_PARIS)
    delegation = delegate(third_party, soffi, "gestionnaire", FORMALOIRE_NANTES)

    habilitations.revoke_habilitation(db.session, third_party, delegation)

    assert delegation.revoked_at is not None


# --- what a gestionnaire may grant, change and delete --------------------------------------------


def test_a_role_of_another_service_is_not_grantable(soffi, manager):
    sofi = services(db.session)["sofi"]
    person_ = colleague()

    with pytest.raises(habilitations.RoleNotGrantable):
        habilitations.add_habilitation(
            db.session, manager, soffi, FORMALOIRE, person_.email, role(sofi, "consultation"), FORMALOIRE_NANTES, None
        )
    assert habilitations.habilitations_of(db.session, person_) == []


def test_the_same_role_on_the_same_establishment_is_not_given_twice_unless_the_first_ended(soffi, manager):
    person_ = colleague()
    consultation = role(soffi, "consultation")
    first = habilitations.add_habilitation(
        db.session, manager, soffi, FORMALOIRE, person_.email, consultation, FORMALOIRE_NANTES, None
    )
    with pytest.raises(habilitations.AlreadyHabilitated):
        habilitations.add_habilitation(
            db.session, manager, soffi, FORMALOIRE, person_.email, consultation, FORMALOIRE_NANTES, None
        )

    habilitations.revoke_habilitation(db.session, manager, first)
    again = habilitations.add_habilitation(
        db.session, manager, soffi, FORMALOIRE, person_.email, consultation, FORMALOIRE_NANTES, None
    )
    assert habilitations.habilitations_of(db.session, person_, soffi) == [again]


@pytest.mark.parametrize("who", ["disabled", "of another company"])
def test_a_new_habilitation_needs_an_active_account_of_the_company(soffi, manager, who):
    person_ = colleague("autre@opco.example", OPCO_PARIS) if who == "of another company" else colleague()
    if who == "disabled":
        person_.status = AccountStatus.DISABLED
        db.session.commit()

    with pytest.raises(habilitations.NotInCompany):
        habilitations.add_habilitation(
            db.session, manager, soffi, FORMALOIRE, person_.email, role(soffi, "consultation"), FORMALOIRE_NANTES, None
        )
    assert habilitations.habilitations_of(db.session, person_) == []


def test_a_new_habilitation_cannot_be_on_an_establishment_of_another_company(soffi, manager):
    person_ = colleague()

    with pytest.raises(habilitations.NotInCompany):
        habilitations.add_habilitation(
            db.session, manager, soffi, FORMALOIRE, person_.email, role(soffi, "consultation"), OPCO_PARIS, None
        )
    assert habilitations.habilitations_of(db.session, person_) == []


def test_a_new_habilitation_is_audited_and_mailed_to_the_person(soffi, manager):
    person_ = colleague()

    added = habilitations.add_habilitation(
        db.session, manager, soffi, FORMALOIRE, person_.email, role(soffi, "consultation"), FORMALOIRE_NANTES, None
    )

    assert added.granted_via == "par Sam GERANTE" and added.granted_by_id == manager.id
    [granted] = events(AuditEventType.HABILITATION_GRANTED)
    assert (granted.account_id, granted.subject_account_id) == (manager.id, person_.id)
    assert len(mails_to(person_)) == 1


@pytest.mark.parametrize("revoked", [False, True], ids=["expired", "revoked"])
def test_an_ended_habilitation_is_no_longer_a_gestionnaires_to_manage(soffi, manager, revoked):
    ended = habilitate(db.session, colleague(), soffi, "consultation")
    end(ended, revoked=revoked)

    with pytest.raises(habilitations.NotGestionnaire):
        habilitations.get_managed_habilitation(db.session, manager, soffi, ended.id)


def test_a_habilitation_on_another_service_is_not_managed_from_this_one(soffi, manager):
    sofi = services(db.session)["sofi"]
    habilitate(db.session, manager, sofi, "gestionnaire")
    other = habilitate(db.session, colleague(), sofi, "contributeur")

    with pytest.raises(habilitations.NotGestionnaire):
        habilitations.get_managed_habilitation(db.session, manager, soffi, other.id)


def test_a_change_that_changes_nothing_writes_nothing(soffi, manager):
    person_ = colleague()
    kept = habilitate(db.session, person_, soffi, "consultation")

    habilitations.change_habilitation(db.session, manager, kept, role(soffi, "consultation"), None)

    assert events(AuditEventType.HABILITATION_CHANGED) == []
    assert mails_to(person_) == []


def test_a_change_keeps_before_and_after_and_is_mailed_to_the_person(soffi, manager):
    person_ = colleague()
    changed = habilitate(db.session, person_, soffi, "consultation")

    habilitations.change_habilitation(db.session, manager, changed, role(soffi, "organisme_collecteur"), None)

    [event] = events(AuditEventType.HABILITATION_CHANGED)
    assert (event.data["before"]["role"], event.data["after"]["role"]) == ("consultation", "organisme_collecteur")
    assert len(mails_to(person_)) == 1


def test_a_deletion_says_who_deleted_and_when_and_is_mailed_to_the_person(soffi, manager):
    person_ = colleague()
    deleted = habilitate(db.session, person_, soffi, "consultation")

    habilitations.revoke_habilitation(db.session, manager, deleted)

    assert deleted.revoked_at is not None and deleted.revoked_by_id == manager.id
    [event] = events(AuditEventType.HABILITATION_REVOKED)
    assert event.data["before"]["role"] == "consultation"
    assert len(mails_to(person_)) == 1
