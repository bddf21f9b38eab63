"""The habilitation rules of idp/services/habilitations.py, from the domain functions: who is a gestionnaire, the
last gestionnaire kept, what a gestionnaire may grant, change and delete, and what each change writes."""

import pytest

from idp.extensions import db
from idp.services import habilitations
from tests.idp.portal_data import CLOSED_SIRET, FORMALOIRE_NANTES, habilitate, person, role


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
