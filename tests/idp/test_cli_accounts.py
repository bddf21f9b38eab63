"""The operators' `flask --app idp accounts …` commands, run through Flask's CLI runner."""

import html
import json
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import webtest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from idp import messages
from idp.extensions import db
from idp.models import Account, AccountStatus, AuditEvent, AuditEventType, Civilite, OutboxMessage, UserSession
from shared.identifiers import SIRET_INVALID_MESSAGE, SIRET_LENGTH_MESSAGE
from tests.idp import factories
from tests.mail_server import ReceivedMail

EMAIL = "nouvel.operateur@exemple.fr"
PASSWORD = "Operateur-Robuste-2025"
UNKNOWN_SIRET = "99791566500043"  # a valid key, absent from the directory

Inbox = Callable[[str], list[ReceivedMail]]


def run(app: Flask, *args: str) -> Result:
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.rollback()  # the command committed in its own session: see its rows
    return result


def create_args(*flags: str, **overrides: str | None) -> list[str]:
    values: dict[str, str | None] = {
        "--email": EMAIL,
        "--password": PASSWORD,
        "--civilite": "Mme",
        "--nom": "Opératrice",
        "--prenom": "Anne-Sophie",
        "--siret": factories.SIRET,
    }
    values.update({f"--{key}": value for key, value in overrides.items()})
    args = ["accounts", "create"]
    for option, value in values.items():
        if value is not None:
            args += [option, value]
    return args + list(flags)


def count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def log_in(client: webtest.TestApp, email: str, password: str, status: int | None = None) -> webtest.TestResponse:
    page = client.get("/connexion")
    (form,) = [form for key, form in page.forms.items() if isinstance(key, int) and "/connexion" in form.action]
    form["email"] = email
    form["password"] = password
    return form.submit(status=status)


# --- create --------------------------------------------------------------------------------------


def test_create_a_pending_account_queues_its_activation_mail(app: Flask, client: webtest.TestApp, inbox: Inbox) -> None:
    result = run(app, *create_args(telephone="01 22 33 44 55"))
    assert result.exit_code == 0, result.output
    assert "Compte créé" in result.output

    account = db.session.scalar(select(Account).where(Account.email == EMAIL))
    assert account is not None
    assert account.status is AccountStatus.PENDING
    assert (account.civilite, account.nom, account.prenom) == (Civilite.MADAME, "Opératrice", "Anne-Sophie")
    assert account.telephone == "+33122334455"
    assert account.siret == factories.SIRET
    assert account.password_hash.startswith("$argon2id$")
    (row,) = db.session.scalars(select(AuditEvent).where(AuditEvent.event == AuditEventType.SIGNUP))
    assert row.data == {"siret": factories.SIRET, "by": "operator"}

    (mail,) = inbox(EMAIL)
    link = urlsplit(mail.link("/activation/")).path
    page = client.get(link)
    (form,) = [form for key, form in page.forms.items() if isinstance(key, int) and form.method.lower() == "post"]
    assert "Votre compte est activé" in form.submit()
    assert log_in(client, EMAIL, PASSWORD).status_int == 303


def test_create_an_active_account_sends_no_mail(app: Flask, client: webtest.TestApp, inbox: Inbox) -> None:
    result = run(app, *create_args("--active", email="Nouvel.Operateur@Exemple.fr"))
    assert result.exit_code == 0, result.output
    account = db.session.scalar(select(Account).where(Account.email == EMAIL))
    assert account is not None
    assert account.status is AccountStatus.ACTIVE
    assert account.activated_at is not None
    assert account.telephone is None
    assert inbox(EMAIL) == []
    assert count(OutboxMessage) == 0
    assert log_in(client, EMAIL, PASSWORD).status_int == 303


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "court"}, messages.PASSWORD_TOO_SHORT),
        ({"password": "Motdepasse2024!"}, messages.PASSWORD_TOO_COMMON),
        ({"password": "Nouvel.Operateur-2025"}, messages.PASSWORD_CONTAINS_EMAIL),
        ({"email": "pas-une-adresse"}, messages.EMAIL_INVALID),
        ({"email": "deux@@exemple.fr"}, messages.EMAIL_INVALID),
        ({"siret": "99791566500018"}, SIRET_INVALID_MESSAGE),
        ({"siret": "9979156650001"}, SIRET_LENGTH_MESSAGE),
        ({"siret": UNKNOWN_SIRET}, messages.ESTABLISHMENT_UNKNOWN),
        ({"siret": factories.CLOSED_SIRET}, messages.ESTABLISHMENT_CLOSED),
        ({"telephone": "12"}, messages.PHONE_INVALID),
        ({"telephone": "+33 1 22 33 44 55 66"}, messages.PHONE_INVALID),
        ({"nom": "Dupont2"}, messages.NAME_INVALID),
        ({"prenom": "A" * 101}, messages.NAME_INVALID),
        ({"nom": "   "}, messages.NAME_INVALID),
    ],
)
def test_create_enforces_the_sign_up_rules(app: Flask, overrides: dict[str, str], message: str) -> None:
    result = run(app, *create_args(**overrides))
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert count(Account) == 0
    assert count(OutboxMessage) == 0
    assert count(AuditEvent) == 0


@pytest.mark.parametrize("email", [EMAIL, "NOUVEL.Operateur@exemple.FR"])
def test_create_refuses_an_address_that_already_has_an_account(app: Flask, email: str) -> None:
    factories.make_account(db.session, email=EMAIL)
    result = run(app, *create_args(email=email))
    assert result.exit_code != 0
    assert "un compte existe déjà avec cette adresse électronique" in result.stderr
    assert count(Account) == 1
    assert count(OutboxMessage) == 0


def test_create_accepts_a_siret_typed_with_spaces(app: Flask) -> None:
    result = run(app, *create_args(siret="997 915 665 00019"))
    assert result.exit_code == 0, result.output
    account = db.session.scalar(select(Account).where(Account.email == EMAIL))
    assert account is not None
    assert account.siret == factories.SIRET


# --- disable, enable -----------------------------------------------------------------------------


def test_disable_ends_sessions_and_refuses_login(app: Flask, client: webtest.TestApp) -> None:
    account = factories.make_account(db.session, email=EMAIL)
    assert log_in(client, EMAIL, factories.PASSWORD).status_int == 303
    assert client.get("/mon-compte").status_int == 200

    result = run(app, "accounts", "disable", "Nouvel.Operateur@exemple.fr")
    assert result.exit_code == 0, result.output
    assert db.session.get(Account, account.id).status is AccountStatus.DISABLED  # type: ignore[union-attr]
    live = select(func.count()).select_from(UserSession).where(UserSession.ended_at.is_(None))
    assert db.session.scalar(live) == 0
    (row,) = db.session.scalars(select(AuditEvent).where(AuditEvent.event == AuditEventType.DISABLED))
    assert row.account_id == account.id

    res = client.get("/mon-compte")
    assert res.status_int == 302
    assert urlsplit(res.location).path == "/connexion"

    # The reason is only told to whoever knows the password.
    wrong = log_in(client, EMAIL, "Pas-Le-Bon-Mot-2024", status=422)
    assert messages.LOGIN_FAILED in html.unescape(wrong.text)
    assert messages.LOGIN_DISABLED not in html.unescape(wrong.text)
    right = log_in(client, EMAIL, factories.PASSWORD, status=422)
    assert messages.LOGIN_DISABLED in html.unescape(right.text)
    assert client.get("/mon-compte").status_int == 302


def test_enable_lets_the_account_log_in_again(app: Flask, client: webtest.TestApp) -> None:
    account = factories.make_account(db.session, email=EMAIL, status=AccountStatus.DISABLED)
    result = run(app, "accounts", "enable", EMAIL)
    assert result.exit_code == 0, result.output
    assert db.session.get(Account, account.id).status is AccountStatus.ACTIVE  # type: ignore[union-attr]
    assert log_in(client, EMAIL, factories.PASSWORD).status_int == 303
    assert client.get("/mon-compte").status_int == 200
    (row,) = db.session.scalars(select(AuditEvent).where(AuditEvent.event == AuditEventType.ENABLED))
    assert row.account_id == account.id


def test_enable_an_account_never_activated_leaves_it_pending(app: Flask) -> None:
    account = factories.make_account(db.session, email=EMAIL, active=False, status=AccountStatus.DISABLED)
    assert run(app, "accounts", "enable", EMAIL).exit_code == 0
    assert db.session.get(Account, account.id).status is AccountStatus.PENDING  # type: ignore[union-attr]


# --- show ----------------------------------------------------------------------------------------


def test_show_prints_json_without_the_password_hash(app: Flask) -> None:
    account = factories.make_account(db.session, email=EMAIL, telephone="+33122334455")
    result = run(app, "accounts", "show", EMAIL.upper())
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["email"] == EMAIL
    assert shown["statut"] == "active"
    assert (shown["civilite"], shown["nom"], shown["prenom"]) == ("Madame", "TESTEUSE", "Claire")
    assert shown["telephone"] == "+33122334455"
    assert shown["siret"] == factories.SIRET
    assert shown["etablissement"]
    assert not any("password" in key or "mot_de_passe" in key for key in shown)
    assert account.password_hash not in result.output
    assert "argon2" not in result.output


# --- unknown address -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["show", "disable", "enable"])
def test_unknown_address_is_a_french_error(app: Flask, command: str) -> None:
    factories.make_account(db.session, email=EMAIL)
    result = run(app, "accounts", command, "inconnu@exemple.fr")
    assert result.exit_code != 0
    assert "aucun compte n'a l'adresse inconnu@exemple.fr" in result.stderr
    assert result.stdout == ""
    assert count(AuditEvent) == 0
