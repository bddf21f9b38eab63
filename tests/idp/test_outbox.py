"""Transactional outbox: e-mails survive an SMTP outage and are delivered once."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from idp.extensions import db, mail
from idp.models import AuditEvent, AuditEventType, OutboxMessage
from idp.services.password_reset import request_reset
from shared.outbox import deliver_due
from tests.idp.factories import make_account
from tests.mail_server import MailServer
from tests.shared.test_metrics import value


def test_mail_is_kept_during_an_smtp_outage_and_delivered_once_when_it_is_back(app, deliver, mail_server):
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        make_account(db.session)
        request_reset(db.session, "claire.testeuse@exemple.fr")
        mail_server.stop()
        try:
            deliver()
        finally:
            mail_server.start()
        row = db.session.scalar(select(OutboxMessage))
        assert row.sent_at is None and row.attempts == 1 and row.last_error
        assert mail_server.received == []
        assert deliver() == []  # not due yet: the retry waits 30 seconds
        traveller.shift(timedelta(seconds=31))
        delivered = deliver()
        assert len(delivered) == 1
        assert delivered[0].recipients == ["claire.testeuse@exemple.fr"]
        traveller.shift(timedelta(hours=2))
        assert len(deliver()) == 1  # never sent twice
        db.session.expire_all()
        assert db.session.scalar(select(OutboxMessage.sent_at)) is not None


def test_mail_exists_only_if_the_change_that_causes_it_is_committed(app):
    account = make_account(db.session, active=False)
    from idp.services.accounts import send_activation_link

    send_activation_link(db.session, account)
    db.session.rollback()
    assert db.session.scalar(select(OutboxMessage)) is None


def test_sender_subject_and_both_bodies_are_set(app, deliver):
    make_account(db.session)
    request_reset(db.session, "claire.testeuse@exemple.fr")
    [mail] = deliver()
    assert "no-reply@emploi.gouv.fr" in str(mail.message["From"])
    assert mail.message["Message-ID"]
    assert "Ce message est envoyé par un automate" in mail.text
    assert "<a href=" in mail.html


# The outbox under faults: the relay down, an address refused for good.

DEMO_FAILURES = 3


@pytest.fixture
def refused(mail_server: MailServer) -> Iterator[set[str]]:
    """Addresses the relay answers « 550 » for, until the test ends."""
    yield mail_server.refused
    mail_server.refused.clear()


def queue(*mails: tuple[str, str]) -> list[int]:
    """(recipient, subject) rows in the outbox, committed in this order; their ids."""
    rows = [
        OutboxMessage(recipient=to, subject=subject, body_text=subject, body_html=f"<p>{subject}</p>")
        for to, subject in mails
    ]
    db.session.add_all(rows)
    db.session.commit()
    return [row.id for row in rows]


def run_worker(app: Flask) -> int:
    return deliver_due(db.session, OutboxMessage, mail, app.config["MAIL_SENDER"], max_failures=DEMO_FAILURES)


def received(mail_server: MailServer) -> list[tuple[str, str]]:
    return [(found.recipients[0], found.subject) for found in mail_server.received]


def rows() -> dict[int, OutboxMessage]:
    db.session.expire_all()
    return {row.id: row for row in db.session.scalars(select(OutboxMessage))}


def test_a_relay_outage_delays_every_mail_which_then_leaves_once_in_order(app: Flask, mail_server: MailServer) -> None:
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        queue(("a@exemple.fr", "a1"), ("b@exemple.fr", "b1"), ("a@exemple.fr", "a2"), ("a@exemple.fr", "a3"))
        mail_server.stop()
        try:
            # Longer than DEMO_FAILURES attempts: an outage of the relay gives no e-mail up.
            for _ in range(DEMO_FAILURES + 2):
                assert run_worker(app) == 0
                traveller.shift(timedelta(hours=1, seconds=1))
        finally:
            mail_server.start()
        waiting = rows()
        assert all(row.sent_at is None and row.dead_at is None and row.failures == 0 for row in waiting.values())
        # Each address's head was tried and waits its delay; the e-mails behind it were not even tried.
        tried = [row.subject for row in waiting.values() if "ConnectionRefusedError" in (row.last_error or "")]
        assert tried == ["a1", "b1"]
        assert run_worker(app) == 4
        traveller.shift(timedelta(hours=2))
        assert run_worker(app) == 0
    assert received(mail_server) == [
        ("a@exemple.fr", "a1"),
        ("b@exemple.fr", "b1"),
        ("a@exemple.fr", "a2"),
        ("a@exemple.fr", "a3"),
    ]


def test_a_later_mail_never_overtakes_an_earlier_one_still_waiting(
    app: Flask, mail_server: MailServer, refused: set[str]
) -> None:
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        refused.add("a@exemple.fr")  # a mailbox full for a while
        queue(("a@exemple.fr", "réinitialisation"), ("a@exemple.fr", "mot de passe modifié"), ("b@exemple.fr", "b1"))
        assert run_worker(app) == 1
        assert received(mail_server) == [("b@exemple.fr", "b1")]
        refused.clear()
        traveller.shift(timedelta(seconds=10))
        assert run_worker(app) == 0  # the head waits its delay, and the second e-mail behind it
        traveller.shift(timedelta(seconds=30))
        assert run_worker(app) == 2
    assert received(mail_server)[1:] == [("a@exemple.fr", "réinitialisation"), ("a@exemple.fr", "mot de passe modifié")]


def test_an_address_refused_for_good_is_dead_after_n_refusals_and_blocks_no_one(
    app: Flask, mail_server: MailServer, refused: set[str]
) -> None:
    refused.add("inconnu@exemple.fr")
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        first, _, second, _ = queue(
            ("inconnu@exemple.fr", "x1"), ("b@exemple.fr", "b1"), ("inconnu@exemple.fr", "x2"), ("c@exemple.fr", "c1")
        )
        assert run_worker(app) == 2  # b and c at once, whatever waits for the refused address
        for _ in range(2 * DEMO_FAILURES):
            traveller.shift(timedelta(hours=1, seconds=1))
            run_worker(app)
        found = rows()
    assert received(mail_server) == [("b@exemple.fr", "b1"), ("c@exemple.fr", "c1")]
    for dead in (found[first], found[second]):  # the second was tried once the first was given up
        assert dead.dead_at is not None and dead.sent_at is None and dead.failures == DEMO_FAILURES
        assert "550" in (dead.last_error or "")
    assert value(app, "mail_dead_total") == 2 and value(app, "outbox_dead_messages") == 2
    assert value(app, "outbox_oldest_pending_age_seconds") == 0  # dead letters are not late mail


def test_agents_list_the_dead_letters_and_send_one_again(
    app: Flask, mail_server: MailServer, refused: set[str]
) -> None:
    refused.add("inconnu@exemple.fr")
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        (dead,) = queue(("inconnu@exemple.fr", "Réinitialisation de votre mot de passe"))
        for _ in range(DEMO_FAILURES):
            run_worker(app)
            traveller.shift(timedelta(hours=1, seconds=1))
        cli = app.test_cli_runner()
        listed = cli.invoke(args=["outbox", "dead"])
        assert listed.exit_code == 0
        assert (
            f"{dead}\t2026-03-02" in listed.output and "inconnu@exemple.fr" in listed.output and "550" in listed.output
        )
        refused.clear()  # the relay accepts it now (the address was fixed, the mailbox exists again)
        assert cli.invoke(args=["outbox", "retry", str(dead)]).exit_code == 0
        assert run_worker(app) == 1
    assert received(mail_server) == [("inconnu@exemple.fr", "Réinitialisation de votre mot de passe")]
    assert db.session.scalar(select(AuditEvent.event)) == AuditEventType.MAIL_RETRIED
    assert "Aucun e-mail abandonné" in cli.invoke(args=["outbox", "dead"]).output
    again = cli.invoke(args=["outbox", "retry", str(dead)])
    assert again.exit_code == 1 and "n'est pas abandonné" in again.output
    assert cli.invoke(args=["outbox", "retry", "999999"]).exit_code == 1
