"""Mon Activité Formation's e-mails, delivered by its worker to the relay: the reminders before the deadline
(30 April 2026 for the BPF 2025) — 30 and 7 days before it, each registered organisation without a transmitted BPF
gets one, once — and the receipt's link at each transmission."""

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from rp_bpf.models import OutboxMessage, ReminderSent
from rp_bpf.services import bpfs, declarations, reminders, transmission
from rp_bpf.services.transmission import Signature
from shared.db import DbSession
from tests.mail_server import MailServer
from tests.rp_bpf.conftest import AGENT, DECLARANT, IN_TIME
from tests.rp_bpf.factories import declaration_data, make_content

URL = "http://127.0.0.1:5003/"
THIRTY_DAYS_BEFORE = datetime(2026, 3, 31, 7, 0)  # 09:00 in Paris, 31 March: 30 days before 30 April
SEVEN_DAYS_BEFORE = datetime(2026, 4, 23, 7, 0)


@pytest.mark.parametrize(("days", "kind"), [(31, None), (30, "j-30"), (8, "j-30"), (7, "j-7"), (0, "j-7"), (-1, None)])
def test_which_reminder_is_due(days: int, kind: str | None) -> None:
    assert reminders.kind_on(days) == kind


def organisation(session: DbSession, siren: str, courriel: str, register: bool = True) -> None:
    siret = {"997915665": "99791566500019", "996439063": "99643906300016", "991000019": "99100001900010"}[siren]
    deposited = declarations.deposit(
        session, DECLARANT, siren, declaration_data(siret=siret, courriel=courriel), IN_TIME
    )
    if register:
        declarations.register(session, AGENT, deposited.id, None, IN_TIME)


def test_each_reminder_goes_once_to_the_organisations_without_a_bpf(
    bpf_app: Flask, session: DbSession, mail_server: MailServer
) -> None:
    organisation(session, "997915665", "contact@formaloire.example")
    organisation(session, "996439063", "cabinet@demo.example")
    organisation(session, "991000019", "nouveau@demo.example", register=False)  # not registered: no BPF due
    draft = bpfs.start(session, DECLARANT, "996439063", 2025, IN_TIME)
    saved = bpfs.save(session, DECLARANT, "996439063", draft.id, draft.lock, make_content(), IN_TIME)
    transmission.transmit(session, DECLARANT, "996439063", saved.id, saved.lock, Signature(True, "A", "B"), IN_TIME)

    assert reminders.send_due(session, datetime(2026, 3, 30, 7, 0)) == 0  # 31 days before
    assert reminders.send_due(session, THIRTY_DAYS_BEFORE) == 1
    assert reminders.send_due(session, datetime(2026, 4, 10, 7, 0)) == 0  # the 30 days' one already sent
    assert reminders.send_due(session, SEVEN_DAYS_BEFORE) == 1
    assert reminders.send_due(session, SEVEN_DAYS_BEFORE) == 0
    kinds = session.scalars(select(ReminderSent.kind).order_by(ReminderSent.sent_at)).all()
    assert kinds == ["j-30", "j-7"]

    mail_server.clear()
    result = bpf_app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    registered, *received = mail_server.to("contact@formaloire.example")
    assert registered.subject == "Mon Activité Formation : votre déclaration d'activité est enregistrée"
    assert [mail.subject for mail in received] == [
        "Mon Activité Formation : votre bilan pédagogique et financier 2025 est à transmettre avant le 30/04/2026"
    ] * 2
    assert "dans 30 jours" in received[0].text and "dans 7 jours" in received[1].text
    assert "peut devenir caduque" in received[0].text and URL in received[0].text
    # The organisation that transmitted got its receipt's link instead, no reminder.
    _, receipt = mail_server.to("cabinet@demo.example")  # its registration, then its receipt
    assert (
        receipt.subject == "Mon Activité Formation : accusé de réception de votre bilan pédagogique et financier 2025"
    )
    assert "BPF-2025-52440000002-1" in receipt.text and f"{URL}bilans/" in receipt.text
    assert mail_server.to("nouveau@demo.example") == []
    assert session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))) == 0
