"""Reminders 30 and 7 days before a habilitation or a delegation ends: to its holder and the company's
gestionnaires, each sent once however often (and on however many instances) the job runs."""

import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from idp.extensions import db
from idp.models import Account, ExpiryReminder, Habilitation, OutboxMessage, Service
from idp.services import expiry_reminders
from shared.clock import utcnow
from tests.idp.portal_data import FORMALOIRE_ESTUAIRE, FORMALOIRE_NANTES, OPCO_PARIS, habilitate, person, services


@pytest.fixture
def bpf(app: Flask) -> Service:
    return services(db.session)["bpf"]


@pytest.fixture
def gestionnaire(bpf: Service) -> Account:
    account = person(db.session, "amandine@formaloire.example", FORMALOIRE_NANTES, "MUNOZ", "Amandine")
    habilitate(db.session, account, bpf, "gestionnaire")
    return account


def mails() -> list[tuple[str, str]]:
    db.session.rollback()
    rows = db.session.execute(select(OutboxMessage.recipient, OutboxMessage.subject).order_by(OutboxMessage.id))
    return [(recipient, subject) for recipient, subject in rows]


def ending_in(account: Account, service: Service, days: float, **extra: str) -> Habilitation:
    return habilitate(db.session, account, service, "declarant", expires_at=utcnow() + timedelta(days=days), **extra)


def test_the_holder_and_the_gestionnaires_are_reminded_30_then_7_days_before(
    app: Flask, bpf: Service, gestionnaire: Account
) -> None:
    holder = person(db.session, "declarant@formaloire.example", FORMALOIRE_ESTUAIRE, "DECLARANT", "Max")
    ending = ending_in(holder, bpf, 25)
    assert expiry_reminders.send_reminders(db.session).sent == 1
    sent = mails()
    assert [recipient for recipient, _ in sent] == ["declarant@formaloire.example", "amandine@formaloire.example"]
    assert sent[0][1].startswith("Votre habilitation sur Mon Activité Formation prend fin le")
    assert "Une habilitation sur Mon Activité Formation prend fin le" in sent[1][1]
    body = db.session.scalars(select(OutboxMessage.body_text)).all()[1]
    assert f"personne={holder.id}&modifier={ending.id}" in body  # « Prolonger »: the change form, one click away

    assert expiry_reminders.send_reminders(db.session).sent == 0  # the same day again: nothing new
    assert expiry_reminders.send_reminders(db.session, utcnow() + timedelta(days=19)).sent == 1  # 6 days left
    assert expiry_reminders.send_reminders(db.session, utcnow() + timedelta(days=20)).sent == 0
    assert len(mails()) == 4


def test_a_short_habilitation_gets_the_last_reminder_only_and_others_none(
    app: Flask, bpf: Service, gestionnaire: Account
) -> None:
    holder = person(db.session, "declarant@formaloire.example", FORMALOIRE_ESTUAIRE, "DECLARANT", "Max")
    short = ending_in(holder, bpf, 5)
    far = person(db.session, "loin@formaloire.example", FORMALOIRE_ESTUAIRE, "LOIN", "Noa")
    ending_in(far, bpf, 45)
    ended = person(db.session, "fini@formaloire.example", FORMALOIRE_ESTUAIRE, "FINI", "Eden")
    revoked = ending_in(ended, bpf, 10)
    revoked.revoked_at = utcnow()
    db.session.commit()
    assert expiry_reminders.send_reminders(db.session).sent == 1
    assert db.session.scalars(select(ExpiryReminder.days_before)).all() == [7]
    assert {recipient for recipient, _ in mails()} == {"declarant@formaloire.example", "amandine@formaloire.example"}
    assert short.id == db.session.scalar(select(ExpiryReminder.habilitation_id))


def test_a_delegation_reminds_the_third_party_and_the_client_companys_gestionnaires(
    app: Flask, bpf: Service, gestionnaire: Account
) -> None:
    accountant = person(db.session, "expert@opco.example", OPCO_PARIS, "COMPTABLE", "Dominique")
    delegation = ending_in(accountant, bpf, 20, via="par délégation")
    delegation.on_behalf_of_siret, delegation.company_siren = FORMALOIRE_ESTUAIRE, FORMALOIRE_ESTUAIRE[:9]
    db.session.commit()
    expiry_reminders.send_reminders(db.session)
    (to_holder, holder_subject), (to_manager, _) = mails()
    assert (to_holder, to_manager) == ("expert@opco.example", "amandine@formaloire.example")
    assert holder_subject.startswith("Votre délégation sur Mon Activité Formation prend fin le")
    body = db.session.scalars(select(OutboxMessage.body_text)).all()[1]
    extend = f"personne={accountant.id}&modifier={delegation.id}#delegation-{delegation.id}"
    assert extend in body  # « Prolonger »: the delegation's ✎ form, one click away


def test_two_runs_at_the_same_moment_send_each_reminder_once(app: Flask, bpf: Service, gestionnaire: Account) -> None:
    """As two instances of the scheduled job would: each in its own connection, started together."""
    for number in range(6):
        holder = person(db.session, f"declarant{number}@formaloire.example", FORMALOIRE_ESTUAIRE, "DECL", "Max")
        ending_in(holder, bpf, 20)
    start, counts = threading.Barrier(2), []

    def run() -> None:
        with app.app_context():
            start.wait()
            counts.append(expiry_reminders.send_reminders(db.session).sent)
            db.session.remove()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for each in runs:
        each.start()
    for each in runs:
        each.join()
    assert sum(counts) == 6
    assert len(mails()) == 12  # each holder once, the gestionnaire once per habilitation


def test_the_command_says_how_many_reminders_it_sent(app: Flask, bpf: Service, gestionnaire: Account) -> None:
    holder = person(db.session, "declarant@formaloire.example", FORMALOIRE_ESTUAIRE, "DECLARANT", "Max")
    ending_in(holder, bpf, 3)
    runner = app.test_cli_runner()
    assert "1 rappel(s) d'échéance envoyé(s)" in runner.invoke(args=["habilitations", "remind"]).output
    assert "0 rappel(s) d'échéance envoyé(s)" in runner.invoke(args=["habilitations", "remind"]).output
