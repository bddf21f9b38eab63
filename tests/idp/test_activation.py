"""Activation of a new account from the e-mailed link (guide 000 steps 10–12, guide 004 steps 6–8)."""

from datetime import timedelta

import time_machine
from sqlalchemy import select

from idp.extensions import db
from idp.models import Account, AccountStatus, AuditEvent, AuditEventType
from idp.services.accounts import send_activation_link
from tests.idp.factories import make_account
from tests.idp.web import alert_text, form, log_in


def pending_with_link(inbox) -> tuple[Account, str]:  # type: ignore[no-untyped-def]
    account = make_account(db.session, active=False)
    send_activation_link(db.session, account)
    db.session.commit()
    [mail] = inbox(account.email)
    return account, mail.link("/activation/").replace("http://localhost", "")


def status_of(account: Account) -> AccountStatus:
    db.session.expire_all()
    return db.session.get(Account, account.id).status


def test_opening_the_link_does_not_activate_only_the_button_does(client, inbox):
    account, path = pending_with_link(inbox)
    page = client.get(path)
    assert "Activer mon compte" in page.text
    assert status_of(account) is AccountStatus.PENDING  # link scanners only GET
    done = form(page, "/activation/").submit()
    assert "Votre compte est activé" in done.text
    assert "Accéder au portail" in done.text
    assert status_of(account) is AccountStatus.ACTIVE
    assert log_in(client, account.email).status_code == 303
    events = db.session.scalars(select(AuditEvent.event).where(AuditEvent.account_id == account.id)).all()
    assert AuditEventType.ACTIVATION in events


def test_the_link_works_only_once(client, inbox):
    _, path = pending_with_link(inbox)
    form(client.get(path), "/activation/").submit()
    again = client.get(path, status=410)
    assert "Ce lien a déjà été utilisé." in alert_text(again)
    assert "Recevoir un nouveau lien" in again.text


def test_the_link_is_valid_24_hours(client, inbox):
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        account, path = pending_with_link(inbox)
        traveller.shift(timedelta(hours=23, minutes=59))
        page = client.get(path, status=200)
        traveller.shift(timedelta(minutes=2))  # 24 h 01 after sending
        expired = form(page, "/activation/").submit(status=410)
    assert "Ce lien a expiré." in alert_text(expired)
    assert status_of(account) is AccountStatus.PENDING


def test_a_made_up_link_is_refused_and_audited(client):
    page = client.get("/activation/nimporte-quoi", status=404)
    assert "Ce lien n'est pas valide" in alert_text(page)
    assert db.session.scalar(select(AuditEvent.event)) is AuditEventType.BAD_LINK


def test_a_new_link_can_be_asked_and_voids_the_old_one(client, inbox, mail_server):
    account, old_path = pending_with_link(inbox)
    page = client.get(old_path)
    request = form(client.get("/activation/nouveau-lien"), "/activation/nouveau-lien")
    request["email"] = account.email
    assert "un nouveau lien d'activation vient de lui être envoyé" in request.submit().text
    mails = inbox(account.email)
    assert len(mails) == 2
    form(page, "/activation/").submit(status=410)  # the first link died with the second
    new_path = mails[-1].link("/activation/").replace("http://localhost", "")
    form(client.get(new_path), "/activation/").submit()
    assert status_of(account) is AccountStatus.ACTIVE


def test_asking_a_new_link_says_the_same_for_any_address(client, inbox, mail_server):
    make_account(db.session, email="active@exemple.fr")
    answers = []
    for address in ("active@exemple.fr", "inconnue@exemple.fr"):
        request = form(client.get("/activation/nouveau-lien"), "/activation/nouveau-lien")
        request["email"] = address
        answers.append(request.submit().text.replace(address, "X"))
    assert answers[0] == answers[1]
    inbox("x")
    assert mail_server.received == []  # neither an active account nor an unknown address gets a link


def test_a_pending_account_cannot_log_in_and_is_sent_a_new_link_only_with_its_password(client, inbox):
    account = make_account(db.session, active=False)
    wrong = log_in(client, account.email, "Pas-Le-Bon-Mot-De-Passe-1")
    assert "Adresse électronique ou mot de passe incorrect." in alert_text(wrong)
    assert inbox(account.email) == []
    right = log_in(client, account.email)
    assert right.status_code == 422
    assert "Votre compte n'est pas encore activé" in alert_text(right)
    [mail] = inbox(account.email)
    assert "/activation/" in mail.text
    assert client.get("/portail/services/").status_code == 302  # still not logged in
