"""« Mon compte »: contact details, password and e-mail address, driven through the real forms."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
import webtest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from idp import messages
from idp.extensions import db
from idp.models import Account, AuditEvent, AuditEventType, Civilite, LinkPurpose, OneTimeLink
from tests.idp import factories
from tests.idp.conftest import FreshContext
from tests.mail_server import ReceivedMail

EMAIL = "claire.testeuse@exemple.fr"
NEW_EMAIL = "claire.nouvelle@exemple.fr"
NEW_PASSWORD = "Autre-Cheval-Agrafe-2025"

Inbox = Callable[[str], list[ReceivedMail]]


# --- helpers -------------------------------------------------------------------------------------


def form_posting_to(page: webtest.TestResponse, path: str) -> webtest.Form:
    """The form of the page whose action is this path (the header's logout form is one of them)."""
    found = [
        form
        for key, form in page.forms.items()
        if isinstance(key, int) and (urlsplit(form.action).path or page.request.path) == path
    ]
    assert len(found) == 1, f"{len(found)} forms post to {path}"
    return found[0]


def log_in(
    client: webtest.TestApp, email: str = EMAIL, password: str = factories.PASSWORD, status: int | None = None
) -> webtest.TestResponse:
    form = form_posting_to(client.get("/connexion"), "/connexion")
    form["email"] = email
    form["password"] = password
    return form.submit(status=status)


def other_client(app: Flask, ip: str) -> webtest.TestApp:
    """Another browser, with its own cookies and its own address."""
    return webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": ip})


def account_page(client: webtest.TestApp) -> webtest.TestResponse:
    page = client.get("/mon-compte")
    assert page.status_int == 200
    return page


def field_error(page: webtest.TestResponse, field_id: str) -> str:
    """The messages shown next to a field, checking the field is marked invalid for assistive technologies."""
    soup = BeautifulSoup(page.text, "html.parser")
    groups = soup.find_all(id=f"{field_id}-messages")
    assert len(groups) == 1, f"{len(groups)} elements with id {field_id}-messages"
    field = soup.find_all(id=field_id)
    assert len(field) == 1, f"{len(field)} elements with id {field_id}"
    if field[0].name == "fieldset":  # a radio group: the DSFR marks the fieldset
        assert "fr-fieldset--error" in field[0]["class"]
    else:
        assert field[0]["aria-invalid"] == "true"
        assert f"{field_id}-messages" in str(field[0]["aria-describedby"]).split()
    return str(groups[0].get_text(" ", strip=True))


def reload(account_id: int) -> Account:
    """The account as the database has it now (the requests ran in other sessions)."""
    db.session.rollback()
    db.session.expire_all()
    account = db.session.get(Account, account_id)
    assert account is not None
    return account


def snapshot(account_id: int) -> dict[str, Any]:
    account = reload(account_id)
    return {column.key: getattr(account, column.key) for column in Account.__table__.columns}


def audit_rows(event: AuditEventType | None = None) -> list[AuditEvent]:
    db.session.rollback()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if event is not None:
        query = query.where(AuditEvent.event == event)
    return list(db.session.scalars(query))


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def account(app: Flask) -> Account:
    return factories.make_account(db.session, email=EMAIL)


@pytest.fixture
def user(client: webtest.TestApp, account: Account) -> webtest.TestApp:
    """The client, logged in as the account."""
    assert log_in(client).status_int == 303
    return client


# --- access --------------------------------------------------------------------------------------


def test_account_page_requires_login_and_comes_back_after_it(client: webtest.TestApp, account: Account) -> None:
    res = client.get("/mon-compte")
    assert res.status_int == 302
    assert path_of(res.location) == "/connexion"
    assert parse_qs(urlsplit(res.location).query) == {"next": ["/mon-compte"]}
    login_page = res.follow()
    assert messages.LOGIN_REQUIRED in login_page
    form = form_posting_to(login_page, "/connexion")
    form["email"] = EMAIL
    form["password"] = factories.PASSWORD
    res = form.submit()
    assert res.status_int == 303
    assert path_of(res.location) == "/mon-compte"
    page = res.follow()
    assert "<title>Mon compte" in page
    assert EMAIL in page


def test_form_sent_after_the_session_expired_asks_to_log_in_again_without_a_dead_end(
    user: webtest.TestApp, account: Account
) -> None:
    form = form_posting_to(account_page(user), "/mon-compte/coordonnees")
    form["nom"] = "Autre"
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=31), tick=False):
        res = form.submit()
        assert path_of(res.location) == "/connexion"
        login_page = res.follow()
        assert messages.SESSION_EXPIRED in login_page
        login_form = form_posting_to(login_page, "/connexion")
        login_form["email"] = EMAIL
        login_form["password"] = factories.PASSWORD
        res = login_form.submit()
        assert res.status_int == 303
        assert res.maybe_follow().status_int == 200  # not the 405 of a GET on the form's POST-only address
    assert reload(account.id).nom == "TESTEUSE"


# --- coordonnées ---------------------------------------------------------------------------------


def test_the_optional_phone_field_is_not_announced_as_required(user: webtest.TestApp, account: Account) -> None:
    page = BeautifulSoup(account_page(user).text, "html.parser")
    assert page.find(id="telephone").get("required") is None
    assert page.find(id="nom").get("required") is not None
    assert "*" not in page.find("label", attrs={"for": "telephone"}).get_text()


def test_change_coordonnees_normalises_phone_and_records_before_after(user: webtest.TestApp, account: Account) -> None:
    form = form_posting_to(account_page(user), "/mon-compte/coordonnees")
    assert form["civilite"].value == "Mme"
    assert form["nom"].value == "TESTEUSE"
    form["civilite"] = "M"
    form["nom"] = "  Martin-Dupont "
    form["prenom"] = "Jean-Éric"
    form["telephone"] = "01 22 33 44 55"
    res = form.submit()
    assert res.status_int == 302
    page = res.follow()
    assert messages.PROFILE_UPDATED in page

    saved = reload(account.id)
    assert (saved.civilite, saved.nom, saved.prenom, saved.telephone) == (
        Civilite.MONSIEUR,
        "Martin-Dupont",
        "Jean-Éric",
        "+33122334455",
    )
    form = form_posting_to(page, "/mon-compte/coordonnees")
    assert form["telephone"].value == "+33122334455"
    assert form["civilite"].value == "M"

    (row,) = audit_rows(AuditEventType.PROFILE_UPDATED)
    assert row.account_id == account.id
    assert row.ip == "198.51.100.7"
    assert row.data == {
        "changed": {
            "civilite": ["Mme", "M"],
            "nom": ["TESTEUSE", "Martin-Dupont"],
            "prenom": ["Claire", "Jean-Éric"],
            "telephone": [None, "+33122334455"],
        }
    }


def test_phone_can_be_removed(client: webtest.TestApp, app: Flask) -> None:
    account = factories.make_account(db.session, email=EMAIL, telephone="+33122334455")
    log_in(client)
    form = form_posting_to(account_page(client), "/mon-compte/coordonnees")
    assert form["telephone"].value == "+33122334455"
    form["telephone"] = ""
    assert form.submit().status_int == 302
    assert reload(account.id).telephone is None


def uncheck(radio: webtest.forms.Radio) -> None:
    """What a forged request can do and a browser cannot: send no civilité at all."""
    radio.selectedIndex = None
    radio.options = [(value, False, text) for value, _checked, text in radio.options]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nom", "", messages.REQUIRED),
        ("nom", "   ", messages.REQUIRED),
        ("nom", "Dupont2", messages.NAME_INVALID),
        ("prenom", "A" * 101, messages.NAME_INVALID),
        ("prenom", "<script>", messages.NAME_INVALID),
        ("telephone", "12", messages.PHONE_INVALID),
        ("telephone", "01 22 33 44 55 66 77 88 99 00 11 22 33", messages.PHONE_INVALID),
        ("civilite", None, messages.CIVILITE_REQUIRED),
        ("civilite", "Mlle", messages.CIVILITE_REQUIRED),
    ],
)
def test_bad_coordonnees_are_refused_next_to_the_field(
    user: webtest.TestApp, account: Account, field: str, value: str | None, message: str
) -> None:
    before = snapshot(account.id)
    form = form_posting_to(account_page(user), "/mon-compte/coordonnees")
    form["telephone"] = "01 22 33 44 55"  # a valid change beside the bad one: it must not be saved either
    if field == "civilite" and value is None:
        uncheck(form["civilite"])
    elif field == "civilite":
        form["civilite"].force_value(value)
    else:
        form[field] = value
    res = form.submit(status=422)
    assert message in field_error(res, field)
    assert "Le formulaire contient 1 erreur" in res
    assert snapshot(account.id) == before
    assert audit_rows(AuditEventType.PROFILE_UPDATED) == []


# --- password ------------------------------------------------------------------------------------


def password_form(page: webtest.TestResponse, current: str, new: str, confirm: str | None = None) -> webtest.Form:
    form = form_posting_to(page, "/mon-compte/mot-de-passe")
    form["current"] = current
    form["password"] = new
    form["confirm"] = new if confirm is None else confirm
    return form


def test_change_password(user: webtest.TestApp, account: Account, app: Flask, inbox: Inbox) -> None:
    res = password_form(account_page(user), factories.PASSWORD, NEW_PASSWORD).submit()
    assert res.status_int == 302
    assert messages.PASSWORD_CHANGED in res.follow()

    (mail,) = inbox(EMAIL)
    assert mail.subject.startswith("Le mot de passe de votre compte")
    assert mail.subject.endswith("a été modifié")
    assert NEW_PASSWORD not in mail.text

    (row,) = audit_rows(AuditEventType.PASSWORD_CHANGED)
    assert row.account_id == account.id

    fresh = other_client(app, "198.51.100.8")
    refused = log_in(fresh, EMAIL, factories.PASSWORD, status=422)
    assert messages.LOGIN_FAILED in refused
    assert log_in(fresh, EMAIL, NEW_PASSWORD).status_int == 303
    assert account_page(fresh)


def test_change_password_ends_every_other_session_but_this_one(
    user: webtest.TestApp, account: Account, app: Flask
) -> None:
    elsewhere = other_client(app, "203.0.113.9")
    log_in(elsewhere)
    account_page(elsewhere)

    assert password_form(account_page(user), factories.PASSWORD, NEW_PASSWORD).submit().status_int == 302

    res = elsewhere.get("/mon-compte")
    assert res.status_int == 302
    assert path_of(res.location) == "/connexion"
    assert messages.SESSION_EXPIRED in res.follow()
    account_page(user)  # the session that made the change goes on


def test_change_password_voids_a_pending_reset_link(
    user: webtest.TestApp, account: Account, app: Flask, inbox: Inbox
) -> None:
    anonymous = other_client(app, "203.0.113.9")
    form = form_posting_to(anonymous.get("/mot-de-passe/oublie"), "/mot-de-passe/oublie")
    form["email"] = EMAIL
    form.submit()
    (reset_mail,) = inbox(EMAIL)
    reset_path = path_of(reset_mail.link("/mot-de-passe/reinitialisation"))
    assert anonymous.get(reset_path).status_int == 200  # usable before the change

    assert password_form(account_page(user), factories.PASSWORD, NEW_PASSWORD).submit().status_int == 302

    assert anonymous.get(reset_path, status=410).status_int == 410


def test_change_password_with_a_wrong_current_password_changes_nothing(
    user: webtest.TestApp, account: Account, inbox: Inbox
) -> None:
    before = snapshot(account.id)
    res = password_form(account_page(user), "Pas-Le-Bon-Mot-2024", NEW_PASSWORD).submit(status=422)
    assert messages.CURRENT_PASSWORD_WRONG in field_error(res, "current")
    assert snapshot(account.id) == before
    assert audit_rows(AuditEventType.PASSWORD_CHANGED) == []
    assert inbox(EMAIL) == []


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field", "message"),
    [
        ("", NEW_PASSWORD, None, "current", messages.REQUIRED),
        (factories.PASSWORD, "Court-1", None, "password", messages.PASSWORD_TOO_SHORT),
        (factories.PASSWORD, "pas-de-majuscule-2024", None, "password", messages.PASSWORD_NEEDS_UPPER),
        (factories.PASSWORD, "Motdepasse2024!", None, "password", messages.PASSWORD_TOO_COMMON),
        (factories.PASSWORD, "Claire.Testeuse-2024", None, "password", messages.PASSWORD_CONTAINS_EMAIL),
        (factories.PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "confirm", messages.PASSWORD_MISMATCH),
    ],
)
def test_new_password_policy_is_enforced(
    user: webtest.TestApp,
    account: Account,
    inbox: Inbox,
    current: str,
    new: str,
    confirm: str | None,
    field: str,
    message: str,
) -> None:
    before = snapshot(account.id)
    res = password_form(account_page(user), current, new, confirm).submit(status=422)
    assert message in field_error(res, field)
    assert snapshot(account.id) == before
    assert inbox(EMAIL) == []


# Over the policy's 1 024 characters a password cannot be the right one; four-byte characters make it more
# than the 4 096 bytes passlib hashes at all (it raised: a server error).
OVERLONG_PASSWORD = "\U0001f512" * 1025


def test_an_overlong_current_password_is_refused_next_to_the_field(
    user: webtest.TestApp, account: Account, inbox: Inbox
) -> None:
    before = snapshot(account.id)
    res = password_form(account_page(user), OVERLONG_PASSWORD, NEW_PASSWORD).submit(status=422)
    assert messages.PASSWORD_TOO_LONG in field_error(res, "current")
    assert snapshot(account.id) == before
    assert inbox(EMAIL) == []


def test_an_overlong_current_password_is_refused_when_changing_the_email(
    user: webtest.TestApp, account: Account, inbox: Inbox
) -> None:
    res = request_email_change(user, NEW_EMAIL, OVERLONG_PASSWORD, status=422)
    assert messages.PASSWORD_TOO_LONG in field_error(res, current_password_id(res))
    assert inbox(NEW_EMAIL) == []
    assert reload(account.id).email == EMAIL


def test_a_file_sent_for_the_name_is_a_missing_name(user: webtest.TestApp, account: Account) -> None:
    """A multipart body with a file part where the form has a text field (it was a server error)."""
    form = form_posting_to(account_page(user), "/mon-compte/coordonnees")
    fields = [(name, value) for name, value in form.submit_fields() if name != "nom"]
    res = user.post("/mon-compte/coordonnees", fields, upload_files=[("nom", "nom.txt", b"DUPONT")], status=422)
    assert messages.REQUIRED in field_error(res, "nom")
    assert reload(account.id).nom == account.nom


# --- e-mail address ------------------------------------------------------------------------------


def request_email_change(
    client: webtest.TestApp, new_email: str, password: str = factories.PASSWORD, status: int | None = None
) -> webtest.TestResponse:
    form = form_posting_to(account_page(client), "/mon-compte/adresse-electronique")
    form["email"] = new_email
    form["current"] = password
    return form.submit(status=status)


def confirmation_link(inbox: Inbox, address: str = NEW_EMAIL) -> str:
    (mail,) = inbox(address)
    assert mail.subject == "Confirmez votre nouvelle adresse électronique"
    return path_of(mail.link("/mon-compte/adresse-electronique/"))


def test_change_email(user: webtest.TestApp, account: Account, app: Flask, inbox: Inbox) -> None:
    res = request_email_change(user, NEW_EMAIL.upper())
    assert res.status_int == 302
    assert messages.EMAIL_CHANGE_SENT.format(email=NEW_EMAIL.upper()) in res.follow()
    link = confirmation_link(inbox)
    assert reload(account.id).email == EMAIL  # nothing changes before the click

    # Opening the link (or a mail scanner fetching it) changes nothing: a button posts the change.
    page = user.get(link)
    assert page.status_int == 200
    assert NEW_EMAIL in page
    assert reload(account.id).email == EMAIL
    assert inbox(EMAIL) == []

    res = form_posting_to(page, link).submit()
    assert res.status_int == 302
    assert messages.EMAIL_CHANGED in res.follow()
    assert reload(account.id).email == NEW_EMAIL

    (notice,) = inbox(EMAIL)
    assert NEW_EMAIL in notice.text
    assert "a été modifiée" in notice.subject
    assert len(inbox(NEW_EMAIL)) == 1  # only the confirmation link

    assert user.get(link, status=410).status_int == 410
    assert messages.LINK_USED in user.get(link, status=410)

    fresh = other_client(app, "198.51.100.8")
    assert messages.LOGIN_FAILED in log_in(fresh, EMAIL, status=422)
    assert log_in(fresh, NEW_EMAIL).status_int == 303
    assert NEW_EMAIL in account_page(fresh)

    requested, changed = audit_rows(AuditEventType.EMAIL_CHANGE_REQUESTED), audit_rows(AuditEventType.EMAIL_CHANGED)
    assert [row.account_id for row in requested + changed] == [account.id, account.id]
    assert changed[0].data == {"old": EMAIL, "new": NEW_EMAIL}


def test_confirmation_page_posted_twice_changes_once(user: webtest.TestApp, account: Account, inbox: Inbox) -> None:
    request_email_change(user, NEW_EMAIL)
    link = confirmation_link(inbox)
    page = user.get(link)
    assert form_posting_to(page, link).submit().status_int == 302
    res = form_posting_to(page, link).submit(status=410)
    assert messages.LINK_USED in res
    assert len(audit_rows(AuditEventType.EMAIL_CHANGED)) == 1
    assert len(inbox(EMAIL)) == 1


def test_change_email_with_a_wrong_password_changes_nothing(
    user: webtest.TestApp, account: Account, inbox: Inbox
) -> None:
    res = request_email_change(user, NEW_EMAIL, "Pas-Le-Bon-Mot-2024", status=422)
    assert messages.CURRENT_PASSWORD_WRONG in field_error(res, current_password_id(res))
    assert inbox(NEW_EMAIL) == []
    assert audit_rows(AuditEventType.EMAIL_CHANGE_REQUESTED) == []
    assert reload(account.id).email == EMAIL


def current_password_id(page: webtest.TestResponse) -> str:
    """The id of the password field of the e-mail form, as the page renders it."""
    form = form_posting_to(page, "/mon-compte/adresse-electronique")
    return str(form["current"].id)


@pytest.mark.parametrize(
    ("new_email", "message"),
    [(EMAIL, messages.EMAIL_SAME), (" Claire.TESTEUSE@exemple.fr ", messages.EMAIL_SAME), ("pas-une-adresse", None)],
)
def test_change_email_refuses_same_or_invalid_address(
    user: webtest.TestApp, account: Account, inbox: Inbox, new_email: str, message: str | None
) -> None:
    res = request_email_change(user, new_email, status=422)
    assert (message or messages.EMAIL_INVALID) in field_error(res, "email")
    assert audit_rows(AuditEventType.EMAIL_CHANGE_REQUESTED) == []
    assert inbox(EMAIL) == []


def test_change_email_to_a_registered_address_looks_the_same_and_warns_its_owner(
    user: webtest.TestApp, account: Account, inbox: Inbox
) -> None:
    taken = factories.make_account(db.session, email="deja.inscrit@exemple.fr", nom="INSCRIT", prenom="Paul")

    res = request_email_change(user, "Deja.Inscrit@exemple.fr")
    assert res.status_int == 302
    shown = res.follow()
    assert messages.EMAIL_CHANGE_SENT.format(email="Deja.Inscrit@exemple.fr") in shown

    # The same answer as for a free address, apart from the address itself.
    free = request_email_change(user, NEW_EMAIL).follow()
    assert strip_volatile(shown.text, "Deja.Inscrit@exemple.fr") == strip_volatile(free.text, NEW_EMAIL)

    (warning,) = inbox("deja.inscrit@exemple.fr")
    assert "un compte existe déjà" in warning.text
    assert "/mon-compte/adresse-electronique/" not in warning.text
    assert reload(account.id).email == EMAIL
    assert reload(taken.id).email == "deja.inscrit@exemple.fr"
    assert len(audit_rows(AuditEventType.EMAIL_CHANGE_REQUESTED)) == 2


def strip_volatile(html: str, email: str) -> str:
    """The page without what differs between two renderings: the address typed and the CSRF tokens."""
    soup = BeautifulSoup(html.replace(email, "ADRESSE"), "html.parser")
    for hidden in soup.find_all("input", attrs={"name": "csrf_token"}):
        hidden["value"] = ""
    return str(soup)


def test_confirming_an_address_taken_since_the_request_is_refused(
    user: webtest.TestApp, account: Account, inbox: Inbox
) -> None:
    request_email_change(user, NEW_EMAIL)
    link = confirmation_link(inbox)
    factories.make_account(db.session, email=NEW_EMAIL)
    page = user.get(link)
    form_posting_to(page, link).submit(status=404)
    assert reload(account.id).email == EMAIL


def link_created_at(account_id: int) -> datetime:
    db.session.rollback()
    link = db.session.scalar(
        select(OneTimeLink).where(OneTimeLink.account_id == account_id, OneTimeLink.purpose == LinkPurpose.EMAIL_CHANGE)
    )
    assert link is not None
    return link.created_at.replace(tzinfo=UTC)


def test_email_change_link_is_valid_for_24_hours(user: webtest.TestApp, account: Account, inbox: Inbox) -> None:
    request_email_change(user, NEW_EMAIL)
    link = confirmation_link(inbox)
    sent_at = link_created_at(account.id)
    with time_machine.travel(sent_at + timedelta(hours=23, minutes=59), tick=False):
        page = user.get(link)
        res = form_posting_to(page, link).submit()
        assert res.status_int == 302
        assert path_of(res.location) == "/connexion"  # the login session itself has long expired
    assert reload(account.id).email == NEW_EMAIL


def test_email_change_link_expires_after_24_hours(user: webtest.TestApp, account: Account, inbox: Inbox) -> None:
    request_email_change(user, NEW_EMAIL)
    link = confirmation_link(inbox)
    sent_at = link_created_at(account.id)
    with time_machine.travel(sent_at + timedelta(hours=23, minutes=59), tick=False) as traveller:
        page = user.get(link)  # opened just in time…
        traveller.shift(timedelta(minutes=2))
        res = form_posting_to(page, link).submit(status=410)  # … confirmed too late
        assert messages.LINK_EXPIRED in res
        assert messages.LINK_EXPIRED in user.get(link, status=410)
    assert reload(account.id).email == EMAIL


def test_email_change_link_needs_the_post_and_a_genuine_token(
    user: webtest.TestApp, account: Account, inbox: Inbox
) -> None:
    request_email_change(user, NEW_EMAIL)
    link = confirmation_link(inbox)
    user.post(link, status=400)  # no CSRF token: refused, nothing changed
    assert user.get(link[:-4] + "AAAA", status=404).status_int == 404
    assert reload(account.id).email == EMAIL


def test_a_new_email_change_request_voids_the_previous_link(
    user: webtest.TestApp, account: Account, inbox: Inbox
) -> None:
    """A mistyped address must not stay able to take the account once the right one was asked for."""
    request_email_change(user, "adresse.mal.saisie@exemple.fr")
    first = confirmation_link(inbox, "adresse.mal.saisie@exemple.fr")
    request_email_change(user, NEW_EMAIL)
    second = confirmation_link(inbox)
    assert messages.LINK_USED in user.get(first, status=410)
    page = user.get(second)
    assert form_posting_to(page, second).submit().status_int == 302
    assert reload(account.id).email == NEW_EMAIL


# --- audit ---------------------------------------------------------------------------------------


def test_audit_rows_never_hold_a_password_or_a_token(user: webtest.TestApp, account: Account, inbox: Inbox) -> None:
    password_form(account_page(user), factories.PASSWORD, NEW_PASSWORD).submit()
    request_email_change(user, NEW_EMAIL, NEW_PASSWORD)
    link = confirmation_link(inbox)
    form_posting_to(user.get(link), link).submit()

    events = {row.event for row in audit_rows()}
    assert {
        AuditEventType.PASSWORD_CHANGED,
        AuditEventType.EMAIL_CHANGE_REQUESTED,
        AuditEventType.EMAIL_CHANGED,
    } <= events
    token = link.rsplit("/", 1)[1]
    everything = json.dumps([row.data for row in audit_rows()])
    for secret in (factories.PASSWORD, NEW_PASSWORD, token, reload(account.id).password_hash):
        assert secret not in everything


def test_saving_unchanged_coordonnees_writes_no_audit_row(client):
    factories.make_account(db.session)
    log_in(client)
    form_posting_to(client.get("/mon-compte"), "/mon-compte/coordonnees").submit()
    assert audit_rows(AuditEventType.PROFILE_UPDATED) == []
