"""Who sees what (soffi.md §2, §8), from the claims alone: the « soffi » habilitations on the current
establishment, a delegated third party for the SIRET it acts for (not once its delegation has expired), agents
every body; another body's objects answer 404."""

from datetime import datetime

import pytest
from flask import Flask, session
from werkzeug.exceptions import NotFound

from rp_soffi.access import Scope, check_visible, current_scope, require_soffi_role, scope_of
from rp_soffi.statement.workflow import Role
from shared.clock import utcnow
from shared.oidc_client.access import LOGIN_AT_KEY, USER_KEY
from shared.oidc_client.claims import HabilitationClaim
from shared.oidc_client.establishments import CURRENT_KEY
from tests.rp_soffi.factories import OPCO_SIRET, OTHER_SIRET

NOW = datetime(2026, 3, 1, 12)
CABINET = "99643906300016"  # an auditor's firm, acting by delegation
MINISTRY = "11000201100044"


def habilitation(role: str, siret: str = OPCO_SIRET, service: str = "soffi", **extra: object) -> HabilitationClaim:
    return HabilitationClaim(service, role, role, siret, siret[:9], "par code d'activation", **extra)  # type: ignore[arg-type]


def delegated(expires_at: str | None) -> HabilitationClaim:
    return habilitation("consultation", CABINET, delegated=True, on_behalf_of_siret=OPCO_SIRET, expires_at=expires_at)


def scope(*held: HabilitationClaim, siret: str = OPCO_SIRET) -> Scope | None:
    return scope_of("sub-1", "Claire TESTEUSE", siret, held, NOW)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gives_its_scope_on_the_body_of_the_siret(role: Role) -> None:
    found = scope(habilitation(role.value))
    assert found == Scope(OPCO_SIRET[:9], role, "sub-1", "Claire TESTEUSE")
    assert found.actor.role is role and found.actor.sub == "sub-1"


def test_the_widest_role_held_is_the_one_acted_with() -> None:
    found = scope(habilitation("consultation"), habilitation("organisme_collecteur"), habilitation("gestionnaire"))
    assert found is not None and found.role is Role.GESTIONNAIRE


def test_other_services_other_establishments_and_unknown_roles_give_nothing() -> None:
    assert scope(habilitation("gestionnaire", service="sofi")) is None
    assert scope(habilitation("gestionnaire", OTHER_SIRET)) is None
    assert scope(habilitation("valideur_carif")) is None
    assert scope() is None


def test_a_delegated_third_party_acts_for_the_siret_it_holds_the_delegation_of() -> None:
    found = scope(delegated("2026-12-31T23:59:59+01:00"))
    assert found is not None and (found.siren, found.role) == (OPCO_SIRET[:9], Role.CONSULTATION)
    assert scope(delegated("2026-12-31T23:59:59+01:00"), siret=CABINET) is None  # not for its own firm


@pytest.mark.parametrize("expires_at", ["2026-03-01T12:00:00+00:00", "2026-02-28T10:00:00+01:00", "pas une date"])
def test_an_expired_delegation_is_refused(expires_at: str) -> None:
    assert scope(delegated(expires_at)) is None


def test_an_agent_sees_every_body_others_only_their_own() -> None:
    agent = scope(habilitation("agent_dgefp", MINISTRY), siret=MINISTRY)
    collector = scope(habilitation("organisme_collecteur"))
    assert agent is not None and collector is not None
    assert agent.sees(OTHER_SIRET[:9]) and agent.sees(OPCO_SIRET[:9])
    assert collector.sees(OPCO_SIRET[:9]) and not collector.sees(OTHER_SIRET[:9])
    check_visible(collector, OPCO_SIRET[:9])
    with pytest.raises(NotFound):
        check_visible(collector, OTHER_SIRET[:9])


def log_in(*held: HabilitationClaim, current: str = OPCO_SIRET) -> None:
    """In a request context (in an app context of its own, as a request has: `g` holds the scope): the session the
    callback opens."""
    session[USER_KEY] = {
        "sub": "sub-1",
        "given_name": "Claire",
        "family_name": "TESTEUSE",
        "email": "claire@exemple.fr",
        "habilitations": [claim.to_claim() for claim in held],
    }
    session[LOGIN_AT_KEY] = utcnow().isoformat()
    session[CURRENT_KEY] = current


def test_the_current_scope_is_read_from_the_session_claims(soffi_app: Flask) -> None:
    with soffi_app.app_context(), soffi_app.test_request_context():
        log_in(habilitation("organisme_collecteur"), habilitation("consultation", OTHER_SIRET))
        assert current_scope() == Scope(OPCO_SIRET[:9], Role.ORGANISME_COLLECTEUR, "sub-1", "Claire TESTEUSE")
    with soffi_app.app_context(), soffi_app.test_request_context():
        log_in(delegated("2000-01-01T00:00:00+00:00"))
        assert current_scope() is None
    with soffi_app.app_context(), soffi_app.test_request_context():
        assert current_scope() is None  # nobody logged in


def test_require_soffi_role_lets_in_the_roles_named_only(soffi_app: Flask) -> None:
    view = require_soffi_role(Role.AGENT_DGEFP)(lambda: "tableau de bord")
    with soffi_app.app_context(), soffi_app.test_request_context():
        log_in(habilitation("agent_dgefp", MINISTRY), current=MINISTRY)
        assert view() == "tableau de bord"
    with soffi_app.app_context(), soffi_app.test_request_context():
        log_in(habilitation("gestionnaire"))
        _, status = view()
        assert status == 403
    with soffi_app.app_context(), soffi_app.test_request_context("/admin"):
        assert view().status_code == 302  # to the sign-in
