"""« Connectez-vous », throttling, sessions and logout."""

from datetime import timedelta

import time_machine
import webtest
from sqlalchemy import func, select

from idp.extensions import db
from idp.models import AuditEvent, AuditEventType, UserSession
from tests.idp.conftest import FreshContext
from tests.idp.factories import PASSWORD, make_account
from tests.idp.web import alert_text, field_error, form, log_in

WRONG = "Pas-Le-Bon-Mot-De-Passe-1"


def events(event: AuditEventType) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == event)) or 0


def strip_tokens(html: str) -> str:
    import re

    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", html)


def test_login_opens_the_users_space(client):
    make_account(db.session)
    page = client.get("/connexion")
    assert "Connectez-vous" in page.text
    assert "Mot de passe oublié ?" in page.text
    assert "Pas encore de compte ?" in page.text
    home = log_in(client, "claire.testeuse@exemple.fr").maybe_follow()
    assert home.request.path == "/portail/services/"
    assert "<h1>Mes démarches</h1>" in home.text and "Claire TESTEUSE" in home.text
    assert events(AuditEventType.LOGIN_SUCCESS) == 1


def test_address_is_case_insensitive(client):
    make_account(db.session)
    assert log_in(client, "Claire.Testeuse@EXEMPLE.fr").status_code == 303


def test_unknown_address_and_wrong_password_get_the_same_answer(client):
    make_account(db.session)
    wrong_password = log_in(client, "claire.testeuse@exemple.fr", WRONG)
    unknown = log_in(client, "personne@exemple.fr", WRONG)
    assert wrong_password.status_code == unknown.status_code == 422
    assert "Adresse électronique ou mot de passe incorrect." in alert_text(wrong_password)
    assert strip_tokens(wrong_password.text).replace("claire.testeuse@exemple.fr", "X") == strip_tokens(
        unknown.text
    ).replace("personne@exemple.fr", "X")
    assert events(AuditEventType.LOGIN_FAILURE) == 2


def test_empty_fields_get_messages_next_to_them(client):
    login = form(client.get("/connexion"), "/connexion")
    response = login.submit(status=422)
    assert "Ce champ est obligatoire." in response.text
    assert 'aria-invalid="true"' in response.text


def test_an_overlong_password_is_refused_next_to_the_field(client):
    """Over 4 096 bytes passlib refuses to hash (it was a server error); over 1 024 characters no password is ours."""
    make_account(db.session)
    response = log_in(client, "claire.testeuse@exemple.fr", "\U0001f512" * 1025)
    assert response.status_code == 422
    assert "Le mot de passe ne peut pas dépasser 1 024 caractères." in field_error(response, "password")
    assert events(AuditEventType.LOGIN_SUCCESS) == 0


def test_a_file_sent_for_the_address_is_a_missing_address(client):
    """A multipart body with a file part where the form has a text field (it was a server error)."""
    login = form(client.get("/connexion"), "/connexion")
    fields = [(name, value) for name, value in login.submit_fields() if name != "email"] + [("password", PASSWORD)]
    response = client.post("/connexion", fields, upload_files=[("email", "adresse.txt", b"a@b.fr")], status=422)
    assert "Ce champ est obligatoire." in field_error(response, "email")


def test_login_without_csrf_token_is_refused_in_french(client):
    make_account(db.session)
    response = client.post("/connexion", {"email": "claire.testeuse@exemple.fr", "password": PASSWORD}, status=400)
    assert "Votre session a expiré" in response.text


def test_repeated_failures_block_the_address_for_everyone_then_release_it(client):
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        make_account(db.session)
        for _ in range(5):
            assert "incorrect" in alert_text(log_in(client, "claire.testeuse@exemple.fr", WRONG))
        # From the sixth failure, even the right password is refused for a while.
        blocked = log_in(client, "claire.testeuse@exemple.fr")
        assert "Trop de tentatives de connexion" in alert_text(blocked)
        traveller.shift(timedelta(minutes=1, seconds=1))
        assert log_in(client, "claire.testeuse@exemple.fr").status_code == 303
    assert events(AuditEventType.LOGIN_BLOCKED) == 1


def test_blocking_reveals_nothing_about_unknown_addresses(client):
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False):
        for _ in range(5):
            log_in(client, "inconnue@exemple.fr", WRONG)
        assert "Trop de tentatives de connexion" in alert_text(log_in(client, "inconnue@exemple.fr", WRONG))


def test_an_address_gets_at_most_100_guesses_an_hour(client):
    """Someone trying without a pause is slowed down more and more: far fewer than 100 tries an hour."""
    make_account(db.session)
    tries = 0
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        for _ in range(120):
            response = log_in(client, "claire.testeuse@exemple.fr", WRONG)
            if "Trop de tentatives" in alert_text(response):
                traveller.shift(timedelta(minutes=1))
            else:
                tries += 1
    assert 5 < tries <= 100


def test_many_failures_from_one_ip_block_that_ip_only(client, app):
    make_account(db.session)
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False):
        for number in range(50):
            log_in(client, f"essai{number}@exemple.fr", WRONG)
        assert "Trop de tentatives" in alert_text(log_in(client, "claire.testeuse@exemple.fr"))
        elsewhere = webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": "203.0.113.9"})
        assert log_in(elsewhere, "claire.testeuse@exemple.fr").status_code == 303


def test_logout_ends_the_session_on_the_server(client, app):
    make_account(db.session)
    log_in(client, "claire.testeuse@exemple.fr")
    stolen_cookie = client.cookies["idp_session"]
    home = client.get("/portail/services/")
    logout = form(home, "/deconnexion").submit().follow()
    assert "Vous êtes déconnecté." in logout.text
    thief = webtest.TestApp(FreshContext(app))
    thief.set_cookie("idp_session", stolen_cookie)
    assert thief.get("/portail/services/").status_code == 302  # the copied cookie no longer opens the session
    assert events(AuditEventType.LOGOUT) == 1


def test_each_login_gets_a_new_session(client):
    make_account(db.session)
    anonymous_cookie = client.get("/connexion") and client.cookies["idp_session"]
    log_in(client, "claire.testeuse@exemple.fr")
    first_cookie = client.cookies["idp_session"]
    assert first_cookie != anonymous_cookie
    assert client.get("/connexion").status_code == 302  # already logged in: no second login form
    form(client.get("/portail/services/"), "/deconnexion").submit()
    log_in(client, "claire.testeuse@exemple.fr")
    assert client.cookies["idp_session"] != first_cookie
    sessions = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
    assert len(sessions) == 2
    assert sessions[0].ended_at is not None and sessions[1].ended_at is None


def test_idle_session_expires_after_30_minutes(client):
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        make_account(db.session)
        log_in(client, "claire.testeuse@exemple.fr")
        traveller.shift(timedelta(minutes=29))
        assert client.get("/portail/services/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        expired = client.get("/mon-compte").follow()
    assert "Votre session a expiré" in expired.text


def test_session_ends_after_12_hours_even_when_used(client):
    make_account(db.session)
    with time_machine.travel("2026-03-02 08:00:00+00:00", tick=False) as traveller:
        log_in(client, "claire.testeuse@exemple.fr")
        for _ in range(35):  # active every 20 minutes for 11 h 40
            traveller.shift(timedelta(minutes=20))
            assert client.get("/portail/services/").status_code == 200
        traveller.shift(timedelta(minutes=21))
        assert client.get("/portail/services/").status_code == 302


def test_next_parameter_cannot_send_users_to_another_site(client):
    make_account(db.session)
    for target in ("https://phishing.example/", "//phishing.example/", "/\\phishing.example"):
        page = client.get("/connexion", params={"next": target})
        login = form(page, "/connexion")
        login["email"], login["password"] = "claire.testeuse@exemple.fr", PASSWORD
        assert login.submit().location in ("/", "http://localhost/")
        form(client.get("/portail/services/"), "/deconnexion").submit()


def test_next_parameter_brings_back_to_the_page_asked(client):
    make_account(db.session)
    asked = client.get("/mon-compte").follow()
    assert "Connectez-vous pour accéder à cette page." in asked.text
    login = form(asked, "/connexion")
    login["email"], login["password"] = "claire.testeuse@exemple.fr", PASSWORD
    assert login.submit().location.endswith("/mon-compte")


def test_login_rehashes_an_older_hash_to_argon2id(client):
    from passlib.hash import pbkdf2_sha256

    account = make_account(db.session, password_hash=pbkdf2_sha256.hash(PASSWORD))
    assert log_in(client, account.email).status_code == 303
    db.session.expire_all()
    assert db.session.get(type(account), account.id).password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
