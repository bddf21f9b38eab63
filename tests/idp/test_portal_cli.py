"""The operators' `flask --app idp activation-codes …` and `access-requests …` commands, through Flask's CLI runner."""

import json
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from click.testing import Result
from flask import Flask
from sqlalchemy import select

from idp.extensions import db
from idp.models import ActivationCode, AuditEvent, AuditEventType, OutboxMessage
from idp.services import access_requests, activation_codes, habilitations
from shared.clock import utcnow
from shared.identifiers import SIRET_INVALID_MESSAGE, SIRET_LENGTH_MESSAGE
from tests.idp.portal_data import (
    CLOSED_SIRET,
    FORMALOIRE_ANJOU,
    FORMALOIRE_ESTUAIRE,
    FORMALOIRE_NANTES,
    habilitate,
    person,
    role,
    services,
)

UNKNOWN_SIRET = "99791566500043"  # a valid key, absent from the directory
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")


def run(app: Flask, *args: str) -> Result:
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.rollback()  # the command committed in its own session: see its rows
    return result


@pytest.fixture
def soffi(app):
    return services(db.session)["soffi"]


# --- activation-codes create ---------------------------------------------------------------------


def test_create_prints_the_code_once_and_it_makes_a_gestionnaire(app, soffi):
    result = run(app, "activation-codes", "create", "--service", "soffi", "--siret", FORMALOIRE_NANTES)

    assert result.exit_code == 0, result.output
    [code] = CODE.findall(result.output)
    assert "SOFFi" in result.output and FORMALOIRE_NANTES in result.output
    assert "ne pourra plus être affiché" in result.output
    stored = db.session.scalar(select(ActivationCode))
    assert stored.code_hash == activation_codes.code_hash(code) and code not in stored.code_hash
    assert stored.created_by == "ligne de commande"
    assert timedelta(days=89, hours=23) < stored.expires_at - utcnow() <= timedelta(days=90)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.event == AuditEventType.ACTIVATION_CODE_CREATED))
    assert event.data["created_by"] == "ligne de commande" and event.siren == FORMALOIRE_NANTES[:9]

    someone = person(db.session, "nouvelle@formaloire.example")
    activation_codes.redeem_code(db.session, someone, soffi, FORMALOIRE_NANTES, code)
    assert habilitations.is_gestionnaire(db.session, someone, soffi, FORMALOIRE_NANTES[:9])


def test_create_in_json_for_a_mail_merge(app, soffi):
    result = run(
        app,
        "activation-codes",
        "create",
        "--service",
        "SOFFI",
        "--siret",
        "997 915 665 00027",
        "--days",
        "30",
        "--json",
    )

    assert result.exit_code == 0, result.output
    values = json.loads(result.output)
    assert set(values) == {"code", "service", "siret", "expires_at"}
    assert CODE.fullmatch(values["code"])
    assert (values["service"], values["siret"]) == ("soffi", FORMALOIRE_ESTUAIRE)
    expires = datetime.fromisoformat(values["expires_at"])
    assert expires.utcoffset() == timedelta(0)
    assert timedelta(days=29, hours=23) < expires.replace(tzinfo=None) - utcnow() <= timedelta(days=30)


@pytest.mark.parametrize(
    ("service", "siret", "message"),
    [
        (
            "inconnu",
            FORMALOIRE_NANTES,
            "aucune démarche n'a le code « inconnu » (démarches connues : bpf, soffi, sofi)",
        ),
        ("soffi", "99791566500018", SIRET_INVALID_MESSAGE),
        ("soffi", "1234", SIRET_LENGTH_MESSAGE),
        ("soffi", UNKNOWN_SIRET, f"le SIRET {UNKNOWN_SIRET} est introuvable dans le répertoire des établissements"),
        ("soffi", CLOSED_SIRET, f"l'établissement {CLOSED_SIRET} est fermé"),
    ],
)
def test_create_refuses_in_french_on_stderr(app, soffi, service, siret, message):
    result = run(app, "activation-codes", "create", "--service", service, "--siret", siret)

    assert result.exit_code == 1
    assert message in result.stderr and result.stdout == ""
    assert db.session.scalar(select(ActivationCode)) is None


# --- access-requests follow-up and queue -------------------------------------------------------


def test_follow_up_reports_what_it_did(app, soffi):
    manager = person(db.session, "gestion@formaloire.example", FORMALOIRE_ANJOU, "GERANTE", "Sam")
    habilitate(db.session, manager, soffi, "gestionnaire")
    requester = person(db.session, "demandeur@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")
    with time_machine.travel(utcnow() - timedelta(days=8)):
        access_requests.request_access(db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"))

    result = run(app, "access-requests", "follow-up")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 rappel(s) envoyé(s), 0 demande(s) transmise(s) aux agents"
    assert db.session.query(OutboxMessage).filter_by(recipient=manager.email).count() == 2  # request, reminder
    assert run(app, "access-requests", "follow-up").output.strip().startswith("0 rappel(s) envoyé(s)")


def test_queue_shows_each_escalated_request_with_its_context_and_history(app, soffi):
    requester = person(db.session, "demandeur@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")
    first = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "organisme_collecteur")
    )
    second = access_requests.request_access(db.session, requester, soffi, FORMALOIRE_ANJOU, role(soffi, "consultation"))
    access_requests.withdraw_request(db.session, requester, second.id)

    result = run(app, "access-requests", "queue")

    assert result.exit_code == 0, result.output
    assert f"Demande n° {first.id} du " in result.output
    assert f"Demande n° {second.id} " not in result.output  # withdrawn: no longer the agents' business
    for expected in (
        "Entreprise     : FORMA'LOIRE CONSEIL (SIREN 997915665)",
        f"(SIRET {FORMALOIRE_NANTES})",
        "Demandeur      : Lou DEMANDEUR <demandeur@formaloire.example>",
        "Démarche       : SOFFi, rôle souhaité : Organisme Collecteur",
        "(aucun gestionnaire de la démarche dans l'entreprise)",
    ):
        assert expected in result.output
    history = result.output.split("Historique     :")[1].splitlines()
    assert [line.split("  ")[-1] for line in history if line.strip()] == [
        "demande envoyée",
        "transmise aux agents du ministère",
    ]  # the withdrawn request's rows are not this one's history


def test_queue_says_when_it_is_empty(app, soffi):
    result = run(app, "access-requests", "queue")
    assert result.exit_code == 0 and result.output.strip() == "Aucune demande d'accès en attente des agents."


# --- the last gestionnaire disabled: the company goes to the agents ------------------------------------------


def test_disabling_the_last_gestionnaire_sends_the_company_to_the_agents(app, soffi):
    manager = person(db.session, "gestion@formaloire.example", FORMALOIRE_ANJOU, "GERANTE", "Sam")
    habilitate(db.session, manager, soffi, "gestionnaire")
    colleague = person(db.session, "collegue@formaloire.example", FORMALOIRE_NANTES, "COLLEGUE", "Max")
    habilitate(db.session, colleague, soffi, "consultation")
    requester = person(db.session, "demandeur@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")
    waiting = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
    )
    assert waiting.escalated_at is None  # the gestionnaire was told

    disabled = run(app, "accounts", "disable", manager.email)

    assert disabled.exit_code == 0, disabled.output
    assert "C'était le dernier gestionnaire de SOFFi pour l'entreprise 997915665" in disabled.output
    assert "1 demande(s) d'accès en attente leur sont transmises" in disabled.output
    db.session.rollback()
    assert access_requests.agents_queue(db.session) == [waiting]
    assert waiting.escalation_reason == "no_gestionnaire"
    queue = run(app, "access-requests", "queue").output
    assert f"Demande n° {waiting.id} du " in queue
    assert "Entreprises sans gestionnaire actif" in queue
    assert "SOFFi : FORMA'LOIRE CONSEIL (SIREN 997915665), 1 personne(s) habilitée(s)" in queue  # the colleague


def test_disabling_one_of_two_gestionnaires_leaves_the_company_with_its_own(app, soffi):
    manager = person(db.session, "gestion@formaloire.example", FORMALOIRE_ANJOU, "GERANTE", "Sam")
    habilitate(db.session, manager, soffi, "gestionnaire")
    other = person(db.session, "autre@formaloire.example", FORMALOIRE_NANTES, "AUTRE", "Alex")
    habilitate(db.session, other, soffi, "gestionnaire")
    requester = person(db.session, "demandeur@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")
    access_requests.request_access(db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"))

    disabled = run(app, "accounts", "disable", manager.email)

    assert disabled.exit_code == 0 and "dernier gestionnaire" not in disabled.output
    db.session.rollback()
    assert access_requests.agents_queue(db.session) == []
    assert "sans gestionnaire" not in run(app, "access-requests", "queue").output
