"""« Mot de passe oublié ? » (guide 000, steps 5 to 8)."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine
import webtest
from sqlalchemy import select

from idp.extensions import db
from idp.models import AccountStatus, AuditEvent, AuditEventType
from tests.idp.conftest import FreshContext
from tests.idp.factories import make_account
from tests.idp.web import alert_text, field_error, form, log_in

NEW = "Nouveau-Mot-De-Passe-2026"
SUBJECT = (
    "Demande de réinitialisation de mot de passe de votre compte Mes Démarches Emploi et Formation Professionnelle"
)


def ask_reset(client: webtest.TestApp, email: str) -> webtest.TestResponse:
    page = client.get("/mot-de-passe/oublie")
    assert "Veuillez renseigner votre adresse e-mail (login)" in page.text
    request = form(page, "/mot-de-passe/oublie")
    request["email"] = email
    return request.submit()


def reset_link(client, inbox, email="claire.testeuse@exemple.fr") -> str:  # type: ignore[no-untyped-def]
    ask_reset(client, email)
    return str(inbox(email)[-1].link("/mot-de-passe/reinitialisation/").replace("http://localhost", ""))


def choose(client: webtest.TestApp, path: str, password: str = NEW, confirm: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    page = client.get(path, **kwargs)
    step = form(page, "/mot-de-passe/reinitialisation/")
    step["password"], step["confirm"] = password, password if confirm is None else confirm
    return step.submit(expect_errors=True)


def test_reset_mail_then_new_password_then_login(client, inbox):
    make_account(db.session)
    requested = ask_reset(client, "claire.testeuse@exemple.fr")
    assert "Vérifiez votre boîte mail" in requested.text
    [mail] = inbox("claire.testeuse@exemple.fr")
    assert mail.subject == SUBJECT
    assert "Bonjour Claire TESTEUSE," in mail.text
    assert "Afin de saisir un nouveau mot de passe, cliquez sur le lien de réinitialisation ci-dessous :" in mail.text
    path = mail.link("/mot-de-passe/reinitialisation/").replace("http://localhost", "")
    page = client.get(path)
    assert "Réinitialisation de votre mot de passe" in page.text
    assert "Veuillez saisir un nouveau mot de passe et le confirmer" in page.text
    done = choose(client, path).follow()
    assert "Votre mot de passe a été modifié" in done.text
    assert log_in(client, "claire.testeuse@exemple.fr", NEW).status_code == 303
    assert "incorrect" in alert_text(
        log_in(webtest.TestApp(client.app), "claire.testeuse@exemple.fr", "Correct-Horse-Battery-42")
    )
    notice = inbox("claire.testeuse@exemple.fr")[-1]
    assert "a été modifié" in notice.subject
    recorded = db.session.scalars(select(AuditEvent.event)).all()
    assert AuditEventType.PASSWORD_RESET_REQUESTED in recorded and AuditEventType.PASSWORD_RESET in recorded


def test_known_and_unknown_addresses_get_the_same_answer(client, inbox, mail_server):
    make_account(db.session)
    known = ask_reset(client, "claire.testeuse@exemple.fr").text.replace("claire.testeuse@exemple.fr", "X")
    unknown = ask_reset(client, "personne@exemple.fr").text.replace("personne@exemple.fr", "X")
    assert known == unknown
    assert inbox("claire.testeuse@exemple.fr")[-1].subject == SUBJECT
    (told,) = inbox("personne@exemple.fr")
    assert "aucun compte actif n'utilise cette adresse" in told.text


def writes(client: webtest.TestApp, email: str) -> list[str]:
    """The statements the reset request runs, with their tables, in order (values left out)."""
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        verb = statement.split()[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"}:
            statements.append(" ".join(statement.split()[:3]))

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        ask_reset(client, email)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    return statements


def test_known_and_unknown_addresses_cost_the_same_work(client):
    """A known address took twice as long as an unknown one (9.7 ms against 5.5 ms): the reset told who has an
    account by its timing. Each path now writes an e-mail and an audit row; a known one also its link."""
    make_account(db.session)
    make_account(db.session, email="desactive@exemple.fr").status = AccountStatus.DISABLED
    db.session.commit()
    known = writes(client, "claire.testeuse@exemple.fr")
    unknown = writes(client, "personne@exemple.fr")
    disabled = writes(client, "desactive@exemple.fr")
    assert sorted(unknown) == sorted(disabled) == ["INSERT INTO audit_event", "INSERT INTO outbox_message"]
    assert sorted(known) == ["INSERT INTO audit_event", "INSERT INTO one_time_link", "INSERT INTO outbox_message"]


def test_bad_address_gets_a_message_next_to_the_field(client):
    request = form(client.get("/mot-de-passe/oublie"), "/mot-de-passe/oublie")
    request["email"] = "claire@"
    response = request.submit(status=422)
    assert "adresse électronique valide" in field_error(response, "email")


def test_link_is_valid_60_minutes(client, inbox):
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        make_account(db.session)
        path = reset_link(client, inbox)
        traveller.shift(timedelta(minutes=59))
        assert client.get(path).status_code == 200
        traveller.shift(timedelta(minutes=2))
        expired = client.get(path, status=410)
    assert "Ce lien a expiré." in alert_text(expired)


def test_link_cannot_be_used_twice(client, inbox):
    make_account(db.session)
    path = reset_link(client, inbox)
    choose(client, path)
    again = client.get(path, status=410)
    assert "Ce lien a déjà été utilisé." in alert_text(again)


def test_older_link_dies_when_a_later_reset_is_done(client, inbox):
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        make_account(db.session)
        first = reset_link(client, inbox)
        traveller.shift(timedelta(minutes=5))
        second = reset_link(client, inbox)
        choose(client, second)
        traveller.shift(timedelta(minutes=1))
        assert client.get(first, status=410).status_code == 410


def test_link_dies_when_the_password_is_changed_another_way(client, inbox):
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        make_account(db.session)
        path = reset_link(client, inbox)
        traveller.shift(timedelta(minutes=1))
        log_in(client, "claire.testeuse@exemple.fr")
        change = form(client.get("/mon-compte"), "/mon-compte/mot-de-passe")
        change["current"], change["password"], change["confirm"] = "Correct-Horse-Battery-42", NEW, NEW
        change.submit()
        form(client.get("/portail/services/"), "/deconnexion").submit()
        assert client.get(path, status=410).status_code == 410


def test_new_password_must_follow_the_policy(client, inbox):
    make_account(db.session)
    path = reset_link(client, inbox)
    short = choose(client, path, "Court-1")
    assert short.status_code == 422
    assert "au minimum 12 caractères" in field_error(short, "password")
    mismatch = choose(client, path, NEW, NEW + "!")
    assert "ne sont pas identiques" in field_error(mismatch, "confirm")
    made_of_email = choose(client, path, "Claire.Testeuse-2026")
    assert "ne doit pas contenir votre adresse" in field_error(made_of_email, "password")
    assert choose(client, path).status_code == 302  # the link survived the refused attempts


def test_reset_ends_every_other_session(client, inbox, app):
    make_account(db.session)
    elsewhere = webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": "203.0.113.5"})
    log_in(elsewhere, "claire.testeuse@exemple.fr")
    assert elsewhere.get("/portail/services/").status_code == 200
    choose(client, reset_link(client, inbox))
    assert elsewhere.get("/portail/services/").status_code == 302


def test_pending_account_asking_a_reset_gets_its_activation_link(client, inbox):
    make_account(db.session, active=False)
    ask_reset(client, "claire.testeuse@exemple.fr")
    [mail] = inbox("claire.testeuse@exemple.fr")
    assert "/activation/" in mail.text


def test_no_password_or_token_is_written_in_the_audit_log(client, inbox):
    make_account(db.session)
    path = reset_link(client, inbox)
    choose(client, path)
    token = path.rsplit("/", 1)[1]
    for row in db.session.scalars(select(AuditEvent)):
        assert token not in str(row.data) and NEW not in str(row.data)


def test_a_disabled_account_cannot_use_a_link_sent_before(client, inbox, app):
    make_account(db.session)
    path = reset_link(client, inbox)
    result = app.test_cli_runner().invoke(args=["accounts", "disable", "claire.testeuse@exemple.fr"])
    assert result.exit_code == 0
    assert client.get(path, status=404).status_code == 404


def test_a_file_sent_for_the_address_is_a_missing_address(client, inbox):
    """A multipart body with a file part where the form has a text field (it was a server error)."""
    make_account(db.session)
    request = form(client.get("/mot-de-passe/oublie"), "/mot-de-passe/oublie")
    fields = [(name, value) for name, value in request.submit_fields() if name != "email"]
    upload = [("email", "adresse.txt", b"claire.testeuse@exemple.fr")]
    response = client.post("/mot-de-passe/oublie", fields, upload_files=upload, status=422)
    assert "Ce champ est obligatoire." in field_error(response, "email")
    assert inbox("claire.testeuse@exemple.fr") == []
