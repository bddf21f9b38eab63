"""Transactional outbox: e-mails survive an SMTP outage and are delivered once."""

from datetime import timedelta

import time_machine
from sqlalchemy import select

from idp.extensions import db
from idp.models import OutboxMessage
from idp.services.password_reset import request_reset
from tests.idp.factories import make_account


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
