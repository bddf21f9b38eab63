"""« Déléguer une habilitation à un tiers » (guide 004): the gestionnaire's form and confirmation, the invitation
e-mail, the third party's answer, and every rule a form cannot break."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
import webtest
from flask import Flask
from sqlalchemy import func, select

from idp.extensions import db
from idp.models import (
    Account,
    AuditEvent,
    AuditEventType,
    DelegationInvitation,
    Habilitation,
    InvitationStatus,
    OutboxMessage,
    Service,
)
from idp.services import habilitations
from shared.clock import utcnow
from tests.idp.conftest import FreshContext
from tests.idp.portal_data import (
    CLOSED_SIRET,
    FORMALOIRE_ANJOU,
    FORMALOIRE_ESTUAIRE,
    FORMALOIRE_NANTES,
    OPCO_NANTES,
    OPCO_PARIS,
    habilitate,
    person,
    services,
)
from tests.idp.web import alert_text, field_error, form, log_in
from tests.mail_server import ReceivedMail

Inbox = Callable[[str], list[ReceivedMail]]
USERS = "/portail/services/bpf/utilisateurs"
NEW = f"{USERS}/deleguer"
ACCOUNTANT = "expert@opco.example"
SUBJECT = "Invitation à rejoindre la démarche Mon Activité Formation pour le compte de FORMA'LOIRE CONSEIL"


@pytest.fixture
def bpf(app: Flask) -> Service:
    return services(db.session)["bpf"]


@pytest.fixture
def gestionnaire(bpf: Service) -> Account:
    """Amandine MUNOZ, gestionnaire of Mon Activité Formation for FORMA'LOIRE CONSEIL."""
    account = person(db.session, "amandine@formaloire.example", FORMALOIRE_NANTES, "MUNOZ", "Amandine")
    habilitate(db.session, account, bpf, "gestionnaire")
    return account


@pytest.fixture
def browser(client: webtest.TestApp, gestionnaire: Account) -> webtest.TestApp:
    log_in(client, gestionnaire.email)
    return client


@pytest.fixture
def accountant(app: Flask) -> Account:
    """The third party: an accountant of OPCO DEMO (another company), with an account already."""
    return person(db.session, ACCOUNTANT, OPCO_PARIS, "COMPTABLE", "Dominique")


def another_browser(app: Flask, ip: str = "198.51.100.20") -> webtest.TestApp:
    return webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": ip})


def text(page: webtest.TestResponse) -> str:
    return str(page.html.get_text(" ", strip=True))


def fill(page: webtest.TestResponse, **values: str) -> webtest.Form:
    delegation = form(page, NEW)
    fields = {"tiers_siret": OPCO_PARIS, "email": ACCOUNTANT, "role": "declarant", "siret": FORMALOIRE_ESTUAIRE}
    for name, value in {**fields, **values}.items():
        delegation[name] = value
    return delegation


def propose(browser: webtest.TestApp, **values: str) -> webtest.TestResponse:
    """« Continuer »: the confirmation page, or the form again with its errors."""
    return fill(browser.get(NEW), **values).submit(expect_errors=True)


def delegate(browser: webtest.TestApp, **values: str) -> webtest.TestResponse:
    """The whole gestionnaire's journey: form, « Continuer », « Confirmer »."""
    confirmation = propose(browser, **values).follow()
    return form(confirmation, f"{NEW}/confirmer").submit().follow()


def invitation_link(inbox: Inbox, address: str = ACCOUNTANT) -> str:
    mail = inbox(address)[-1]
    assert mail.subject == SUBJECT
    return mail.link("/delegation/").replace("http://localhost", "")


def rows() -> dict[str, int]:
    """How many rows each table a delegation writes holds (nothing half-written after a refusal)."""
    db.session.rollback()
    tables = (DelegationInvitation, Habilitation, OutboxMessage)
    return {table.__name__: db.session.scalar(select(func.count()).select_from(table)) or 0 for table in tables}


def events(event: AuditEventType) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == event)))


def delegated_habilitations(account: Account) -> list[tuple[Any, ...]]:
    db.session.rollback()
    query = select(Habilitation.siret, Habilitation.on_behalf_of_siret, Habilitation.company_siren).where(
        Habilitation.account_id == account.id
    )
    return [tuple(row) for row in db.session.execute(query)]


# --- the gestionnaire -----------------------------------------------------------------------------------------


def test_the_guides_form_then_its_confirmation_send_the_invitation(browser: webtest.TestApp, inbox: Inbox) -> None:
    users = browser.get(USERS)
    page = browser.get(users.html.find("a", string="Déléguer une habilitation à un tiers")["href"])
    for heading in ("À qui souhaitez-vous déléguer une habilitation ?", "Quel rôle souhaitez-vous déléguer ?",
                    "Pour quel établissement de votre entreprise ?", "Pour quelle durée ?"):  # fmt: skip
        assert heading in text(page)
    assert "Remplir votre déclaration d'activité et votre bilan pédagogique et financier" in text(page)
    assert "Gestionnaire" not in [label.get_text(strip=True) for label in page.html.select("fieldset label")]

    confirmation = fill(page, expires_on="2030-06-30").submit().follow()
    assert "Confirmez la délégation d'habilitation à un tiers" in text(confirmation)
    assert f"Vous allez habiliter l'utilisateur {ACCOUNTANT} sur Mon Activité Formation" in text(confirmation)
    assert SUBJECT in text(confirmation)
    assert rows()["DelegationInvitation"] == 0  # nothing before « Confirmer »

    done = form(confirmation, f"{NEW}/confirmer").submit().follow()
    assert f"Invitation envoyée à {ACCOUNTANT}" in alert_text(done)
    [mail] = inbox(ACCOUNTANT)
    assert mail.subject == SUBJECT
    assert "Amandine MUNOZ vous invite à accéder au service Mon Activité Formation pour agir au nom de" in mail.text
    assert "Fin d'habilitation : 30/06/2030" in mail.text
    invitation = db.session.scalar(select(DelegationInvitation))
    assert (invitation.siret, invitation.tiers_siret, invitation.status) == (
        FORMALOIRE_ESTUAIRE,
        OPCO_PARIS,
        InvitationStatus.SENT,
    )
    assert invitation_link(inbox).split("/")[-1] not in invitation.token_hash  # stored hashed
    assert len(events(AuditEventType.DELEGATION_INVITED)) == 1


def test_retour_brings_back_the_form_as_it_was_filled(browser: webtest.TestApp) -> None:
    confirmation = propose(browser, email="autre.expert@opco.example").follow()
    back = browser.get(confirmation.html.find("a", string="Retour")["href"])
    assert form(back, NEW)["email"].value == "autre.expert@opco.example"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"tiers_siret": FORMALOIRE_ANJOU}, "tiers_siret", "utilisez « + Ajouter une nouvelle habilitation »"),
        ({"tiers_siret": "12345678901234"}, "tiers_siret", "SIRET"),
        ({"tiers_siret": "99999999999999"[:-1] + "2"}, "tiers_siret", "SIRET"),
        ({"tiers_siret": CLOSED_SIRET}, "tiers_siret", "Cet établissement est fermé"),
        ({"email": "pas-une-adresse"}, "email", "adresse"),
        ({"expires_on": "2001-01-01"}, "expires_on", "postérieure à aujourd'hui"),
    ],
)
def test_each_rule_is_shown_next_to_its_field_and_nothing_is_written(
    browser: webtest.TestApp, values: dict[str, str], field: str, message: str
) -> None:
    before = rows()
    refused = propose(browser, **values)
    assert refused.status_int == 422
    assert message in field_error(refused, field)
    assert rows() == before


def test_a_role_or_establishment_the_form_does_not_offer_is_refused(browser: webtest.TestApp) -> None:
    """The gestionnaire role, or another company's establishment, slipped into the post."""
    page = browser.get(NEW)
    for name, value in (("role", "gestionnaire"), ("siret", OPCO_NANTES)):
        delegation = fill(page)
        fields = [(key, value if key == name else old) for key, old in delegation.submit_fields()]
        refused = browser.post(NEW, fields, status=422)
        assert field_error(refused, name)
    assert rows()["DelegationInvitation"] == 0


def test_never_past_the_end_of_the_gestionnaires_own_right(client: webtest.TestApp, bpf: Service) -> None:
    until = utcnow() + timedelta(days=60)
    temporary = person(db.session, "temporaire@formaloire.example", FORMALOIRE_NANTES, "TEMPORAIRE", "Lou")
    habilitate(db.session, temporary, bpf, "gestionnaire", expires_at=until)
    log_in(client, temporary.email)
    for expires_on in ("", (until + timedelta(days=2)).date().isoformat()):
        refused = propose(client, expires_on=expires_on)
        assert "ne peut pas aller au-delà" in field_error(refused, "expires_on")
    assert propose(client, expires_on=(until - timedelta(days=2)).date().isoformat()).status_int == 302


def test_only_a_gestionnaire_of_the_service_reaches_the_form(app: Flask, bpf: Service) -> None:
    declarant = person(db.session, "declarant@formaloire.example", FORMALOIRE_NANTES, "DECLARANT", "Max")
    habilitate(db.session, declarant, bpf, "declarant")
    visitor = another_browser(app)
    log_in(visitor, declarant.email)
    assert visitor.get(NEW, status=403).status_int == 403
    assert visitor.get(f"{NEW}/confirmer", status=403).status_int == 403


def test_the_invitations_are_listed_and_can_be_resent_or_cancelled(
    browser: webtest.TestApp, inbox: Inbox, app: Flask
) -> None:
    delegate(browser)
    first = invitation_link(inbox)
    listing = browser.get(f"{USERS}/invitations")
    assert "Envoyée" in text(listing) and ACCOUNTANT in text(listing)

    resent = form(listing, "/renvoyer").submit().follow()
    assert "Invitation renvoyée" in alert_text(resent)
    second = invitation_link(inbox)
    assert second != first
    assert "Ce lien d'invitation ne peut pas être utilisé" in text(another_browser(app).get(first, status=404))

    cancelled = form(resent, "/annuler").submit().follow()
    assert "est annulée" in alert_text(cancelled) and "Annulée" in text(cancelled)
    assert another_browser(app).get(second, status=404).status_int == 404
    assert len(events(AuditEventType.DELEGATION_INVITATION_CANCELLED)) == 1


# --- the third party ------------------------------------------------------------------------------------------


def test_the_invited_person_accepts_and_acts_for_the_company(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account, gestionnaire: Account
) -> None:
    delegate(browser, expires_on="2030-06-30")
    link = invitation_link(inbox)
    third_party = another_browser(app)
    anonymous = third_party.get(link)
    assert "Se connecter" in text(anonymous) and "Se créer un compte" in text(anonymous)

    log_in(third_party, ACCOUNTANT)
    page = third_party.get(link)
    assert "vous invite à accéder au service Mon Activité Formation" in text(page)
    done = form(page, f"{link}/accepter").submit().follow()
    assert "Vous agissez désormais pour le compte de FORMA'LOIRE CONSEIL sur Mon Activité Formation" in alert_text(done)

    assert delegated_habilitations(accountant) == [(OPCO_PARIS, FORMALOIRE_ESTUAIRE, "997915665")]
    habilitation = db.session.scalar(select(Habilitation).where(Habilitation.account_id == accountant.id))
    assert habilitation.delegated_by == "Amandine MUNOZ" and habilitation.expires_at is not None
    assert "a accepté la délégation" in inbox(gestionnaire.email)[-1].text
    assert third_party.get(link, status=404).status_int == 404  # single use
    listing = browser.get(f"{USERS}/invitations")
    assert "Acceptée" in text(listing)


def test_a_third_party_without_account_signs_up_from_the_invitation(
    browser: webtest.TestApp, inbox: Inbox, app: Flask
) -> None:
    delegate(browser)
    link = invitation_link(inbox)
    newcomer = another_browser(app)
    invitation = newcomer.get(link)
    button = invitation.html.select_one("main a.fr-btn--secondary")  # the header has its own « Se créer un compte »
    assert button.get_text(strip=True) == "Se créer un compte"
    signup = newcomer.get(button["href"])
    found = text(signup)
    assert "1 résultat trouvé" in found and f"{OPCO_PARIS} OPCO DEMO INDUSTRIES ET SERVICES" in found
    credentials = form(signup, "/inscription/etablissement").submit().follow()
    assert form(credentials, "/inscription/identifiants")["email"].value == ACCOUNTANT  # the invited address


def test_a_link_opened_by_someone_else_grants_nothing(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account
) -> None:
    delegate(browser)
    link = invitation_link(inbox)
    colleague = person(db.session, "collegue@opco.example", OPCO_NANTES, "COLLEGUE", "Sacha")  # same firm
    stranger = person(db.session, ACCOUNTANT.replace("opco", "autre"), FORMALOIRE_ANJOU, "AUTRE", "Eden")
    for account, message in ((colleague, "une autre adresse électronique"), (stranger, "une autre adresse")):
        other = another_browser(app, "198.51.100.31")
        log_in(other, account.email)
        refused = other.get(link, status=403)
        assert message in alert_text(refused)
        token = form(other.get("/mon-compte"), "/mon-compte/coordonnees")["csrf_token"].value
        other.post(f"{link}/accepter", {"csrf_token": token}).follow(status=403)
        assert delegated_habilitations(account) == []
    assert len(events(AuditEventType.DELEGATION_REFUSED_TO)) == 6  # each: the page, the post, the page again
    assert db.session.scalar(select(DelegationInvitation.status)) is InvitationStatus.SENT


def test_the_invited_address_on_another_company_cannot_accept(
    browser: webtest.TestApp, inbox: Inbox, app: Flask
) -> None:
    delegate(browser, email="expert@ailleurs.example")
    link = invitation_link(inbox, "expert@ailleurs.example")
    elsewhere = person(db.session, "expert@ailleurs.example", FORMALOIRE_ANJOU, "AILLEURS", "Noa")
    other = another_browser(app)
    log_in(other, elsewhere.email)
    assert f"l'entreprise du SIRET {OPCO_PARIS}" in alert_text(other.get(link, status=403))
    assert delegated_habilitations(elsewhere) == [] or all(row[1] is None for row in delegated_habilitations(elsewhere))


def test_the_third_party_may_decline(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account, gestionnaire: Account
) -> None:
    delegate(browser)
    link = invitation_link(inbox)
    third_party = another_browser(app)
    log_in(third_party, ACCOUNTANT)
    done = form(third_party.get(link), f"{link}/refuser").submit().follow()
    assert "Vous avez refusé l'invitation de FORMA'LOIRE CONSEIL" in alert_text(done)
    assert delegated_habilitations(accountant) == []
    assert "a refusé la délégation" in inbox(gestionnaire.email)[-1].text
    assert db.session.scalar(select(DelegationInvitation.status)) is InvitationStatus.DECLINED


def test_an_invitation_expires_after_seven_days(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, gestionnaire: Account
) -> None:
    with time_machine.travel(utcnow(), tick=False) as traveller:
        delegate(browser)
        link = invitation_link(inbox)
        traveller.shift(timedelta(days=7) - timedelta(seconds=1))
        assert another_browser(app).get(link).status_int == 200
        traveller.shift(timedelta(seconds=2))
        assert another_browser(app).get(link, status=404).status_int == 404
        log_in(browser, gestionnaire.email)  # a week later, the session has ended
        listing = browser.get(f"{USERS}/invitations")
        assert "Expirée" in text(listing)


def test_the_gestionnaire_sees_the_delegation_and_revokes_it(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account
) -> None:
    delegate(browser)
    link = invitation_link(inbox)
    third_party = another_browser(app)
    log_in(third_party, ACCOUNTANT)
    form(third_party.get(link), f"{link}/accepter").submit()

    tiers_only = browser.get(USERS, {"tiers": "oui"})
    assert "COMPTABLE" in text(tiers_only)
    panel = browser.get(USERS, {"personne": accountant.id})
    assert f"Déclarant - SIRET {FORMALOIRE_ESTUAIRE}" in text(panel)
    assert "délégué le" in text(panel) and "par Amandine MUNOZ" in text(panel)
    asked = browser.get(panel.html.find("a", title=lambda title: bool(title and title.startswith("Révoquer")))["href"])
    done = form(asked, "/supprimer").submit().follow()
    assert "est supprimée" in alert_text(done)
    db.session.rollback()
    assert db.session.scalar(select(Habilitation.revoked_at).where(Habilitation.account_id == accountant.id))
    assert len(events(AuditEventType.HABILITATION_REVOKED)) == 1


def delegation_of(account: Account) -> Habilitation:
    db.session.rollback()
    found = db.session.scalar(select(Habilitation).where(Habilitation.account_id == account.id))
    assert found is not None and found.delegated
    return found


def test_the_gestionnaire_changes_the_end_of_a_delegation(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account
) -> None:
    """« ✎ » on a delegation: its end date only; the third party is told, the change is audited."""
    accepted(browser, inbox, app)
    panel = browser.get(USERS, {"personne": accountant.id})
    described = f"Déclarant - SIRET {FORMALOIRE_ESTUAIRE}"
    pencil = panel.html.find("a", title=f"Modifier la fin de la délégation {described} de Dominique COMPTABLE")
    editing = browser.get(pencil["href"])
    change = form(editing, "/modifier")
    assert change["modifier-expires_on"].value == "2030-06-30"
    assert "modifier-role" not in change.fields  # a delegation keeps its role
    change["modifier-expires_on"] = "2030-12-31"
    done = change.submit().follow()
    assert "La délégation de Dominique COMPTABLE prend fin le 31/12/2030" in alert_text(done)
    assert "Fin le 31/12/2030" in text(done)
    changed = delegation_of(accountant)
    assert changed.role.code == "declarant" and changed.expires_at is not None
    [event] = events(AuditEventType.HABILITATION_CHANGED)
    assert event.data["after"]["expires_at"].startswith("2030-12-31")
    mail = inbox(ACCOUNTANT)[-1]
    assert mail.subject == "Votre habilitation pour Mon Activité Formation a été modifiée"
    assert f"pour le compte du SIRET {FORMALOIRE_ESTUAIRE}" in mail.text and "le 31/12/2030" in mail.text


def test_a_delegation_never_becomes_gestionnaire_whatever_the_form_sends(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account, bpf: Service, gestionnaire: Account
) -> None:
    accepted(browser, inbox, app)
    delegation = delegation_of(accountant)
    editing = browser.get(USERS, {"personne": accountant.id, "modifier": delegation.id})
    token = form(editing, "/modifier")["modifier-csrf_token"].value
    browser.post(
        f"{USERS}/habilitations/{delegation.id}/modifier",
        {"modifier-csrf_token": token, "modifier-role": "gestionnaire", "modifier-expires_on": "2030-06-30"},
    )
    assert delegation_of(accountant).role.code == "declarant"
    # and the rule holds below the form, for any caller of the service
    manager = next(role for role in bpf.roles if role.code == "gestionnaire")
    with pytest.raises(habilitations.RoleNotGrantable):
        habilitations.change_habilitation(db.session, gestionnaire, delegation_of(accountant), manager, None)
    assert delegation_of(accountant).role.code == "declarant"


def test_a_delegation_is_not_prolonged_past_the_gestionnaires_own_end(
    client: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account, bpf: Service
) -> None:
    until = utcnow() + timedelta(days=60)
    temporary = person(db.session, "temporaire@formaloire.example", FORMALOIRE_NANTES, "TEMPORAIRE", "Lou")
    habilitate(db.session, temporary, bpf, "gestionnaire", expires_at=until)
    log_in(client, temporary.email)
    within = (until - timedelta(days=2)).date()
    delegate(client, expires_on=within.isoformat())
    link = invitation_link(inbox)
    third_party = another_browser(app)
    log_in(third_party, ACCOUNTANT)
    form(third_party.get(link), f"{link}/accepter").submit()
    delegation = delegation_of(accountant)
    before, mails = delegation.expires_at, len(inbox(ACCOUNTANT))
    editing = client.get(USERS, {"personne": accountant.id, "modifier": delegation.id})
    for expires_on in ("", (until + timedelta(days=2)).date().isoformat()):
        change = form(editing, "/modifier")
        change["modifier-expires_on"] = expires_on
        refused = change.submit(status=422)
        assert "ne peut pas aller au-delà" in field_error(refused, "modifier-expires_on")
    assert delegation_of(accountant).expires_at == before
    assert events(AuditEventType.HABILITATION_CHANGED) == [] and len(inbox(ACCOUNTANT)) == mails


# --- another company --------------------------------------------------------------------------------------------


def test_another_companys_gestionnaire_can_neither_see_nor_touch_the_invitations(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, bpf: Service
) -> None:
    """OPCO DEMO's gestionnaire, with a valid session and tokens, aims at FORMA'LOIRE's invitation and screens."""
    delegate(browser)
    invitation_id = db.session.scalar(select(DelegationInvitation.id))
    opco = person(db.session, "gestion@opco.example", OPCO_PARIS, "GESTION", "Opco")
    habilitate(db.session, opco, bpf, "gestionnaire")
    intruder = another_browser(app, "198.51.100.40")
    log_in(intruder, opco.email)
    own_listing = intruder.get(f"{USERS}/invitations")
    assert ACCOUNTANT not in text(own_listing)
    token = form(intruder.get(NEW), NEW)["csrf_token"].value
    before = rows()
    for action in ("renvoyer", "annuler"):
        intruder.post(f"{USERS}/invitations/{invitation_id}/{action}", {"csrf_token": token}, status=404)
    for page in (NEW, f"{NEW}/confirmer", f"{USERS}/invitations"):
        assert intruder.get(page, {"siren": "997915665"}, status=403).status_int == 403
    assert rows() == before
    assert db.session.scalar(select(DelegationInvitation.status)) is InvitationStatus.SENT
    assert len(inbox(ACCOUNTANT)) == 1  # nothing resent


# --- « Mes clients » ----------------------------------------------------------------------------------------------


def accepted(browser: webtest.TestApp, inbox: Inbox, app: Flask) -> webtest.TestApp:
    """The accountant's browser, once the invitation is accepted."""
    delegate(browser, expires_on="2030-06-30")
    link = invitation_link(inbox)
    third_party = another_browser(app)
    log_in(third_party, ACCOUNTANT)
    form(third_party.get(link), f"{link}/accepter").submit()
    return third_party


def test_the_third_party_finds_its_clients_and_may_renounce(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account, gestionnaire: Account
) -> None:
    third_party = accepted(browser, inbox, app)
    portal = third_party.get("/portail/services/")
    assert "Pour le compte de 1 organisation (Mes clients)" in text(portal)
    clients = third_party.get("/portail/mes-clients")
    row = text(clients)
    assert "Mon Activité Formation FORMA'LOIRE CONSEIL SIRET " + FORMALOIRE_ESTUAIRE in row
    assert "Déclarant" in row and "par Amandine MUNOZ" in row and "Jusqu'au 30/06/2030" in row

    asked = third_party.get(clients.html.find("a", string="Renoncer")["href"])
    assert "Vous allez renoncer à agir pour le compte de FORMA'LOIRE CONSEIL" in text(asked)
    done = form(asked, "/renoncer").submit().follow()
    assert "Vous n'agissez plus pour le compte de FORMA'LOIRE CONSEIL" in alert_text(done)
    assert "aucune organisation" in text(done)
    assert "a renoncé à la délégation" in inbox(gestionnaire.email)[-1].text
    assert len(events(AuditEventType.DELEGATION_RENOUNCED)) == 1
    assert "Mes clients" not in text(third_party.get("/portail/services/"))


def test_nobody_renounces_someone_elses_delegation(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account
) -> None:
    accepted(browser, inbox, app)
    held = db.session.scalar(select(Habilitation.id).where(Habilitation.account_id == accountant.id))
    colleague = person(db.session, "collegue@opco.example", OPCO_NANTES, "COLLEGUE", "Sacha")
    other = another_browser(app, "198.51.100.50")
    log_in(other, colleague.email)
    token = form(other.get("/mon-compte"), "/mon-compte/coordonnees")["csrf_token"].value
    other.post(f"/portail/mes-clients/{held}/renoncer", {"csrf_token": token}, status=404)
    # the gestionnaire's own habilitation is not a delegation: not renounceable either
    own = db.session.scalar(select(Habilitation.id).where(Habilitation.on_behalf_of_siret.is_(None)))
    browser.post(f"/portail/mes-clients/{own}/renoncer", {"csrf_token": token}, expect_errors=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(Habilitation.revoked_at.is_not(None))) == 0


def test_hundreds_of_clients_are_listed_a_page_at_a_time(app: Flask, bpf: Service, accountant: Account) -> None:
    """An accountant acting for 45 establishments: 20 per page, the portal's tile only counts them."""
    declarant = next(role for role in bpf.roles if role.code == "declarant")
    for number in range(45):
        db.session.add(
            Habilitation(
                account=accountant,
                role=declarant,
                siret=OPCO_PARIS,
                on_behalf_of_siret=f"{number:014d}",
                granted_via="par délégation",
                delegated_by="Quelqu'un",
            )
        )
    db.session.commit()
    third_party = another_browser(app)
    log_in(third_party, ACCOUNTANT)
    assert "Pour le compte de 45 organisations (Mes clients)" in text(third_party.get("/portail/services/"))
    first, last = third_party.get("/portail/mes-clients"), third_party.get("/portail/mes-clients", {"page": 3})
    assert len(first.html.select("tbody tr")) == 20 and len(last.html.select("tbody tr")) == 5
    assert "Vous agissez pour le compte de 45 organisations" in text(first)


# --- « Délégations reçues » -------------------------------------------------------------------------------------

RECEIVED = f"{USERS}/delegations-recues"


def test_the_firms_gestionnaire_hands_a_delegation_to_a_colleague(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account, gestionnaire: Account, bpf: Service
) -> None:
    accepted(browser, inbox, app)
    firm_manager = person(db.session, "associe@opco.example", OPCO_NANTES, "ASSOCIE", "Claude")
    habilitate(db.session, firm_manager, bpf, "gestionnaire")
    colleague = person(db.session, "relais@opco.example", OPCO_NANTES, "RELAIS", "Camille")
    firm = another_browser(app, "198.51.100.60")
    log_in(firm, firm_manager.email)
    listing = firm.get(RECEIVED)
    assert "FORMA'LOIRE CONSEIL" in text(listing) and "Dominique COMPTABLE" in text(listing)

    asked = firm.get(listing.html.find("a", string="Confier à un collègue")["href"])
    refused = form(asked, "/confier")
    refused["email"] = "amandine@formaloire.example"  # not of the firm
    refused = refused.submit(status=422)
    assert "Aucun compte actif de votre entreprise" in field_error(refused, "email")

    handing = form(refused, "/confier")
    handing["email"] = colleague.email
    done = handing.submit().follow()
    assert "la délégation est confiée à Camille RELAIS" in alert_text(done)
    assert delegated_habilitations(colleague) == [(OPCO_NANTES, FORMALOIRE_ESTUAIRE, "997915665")]
    db.session.rollback()
    previous = db.session.scalar(select(Habilitation).where(Habilitation.account_id == accountant.id))
    handed = db.session.scalar(select(Habilitation).where(Habilitation.account_id == colleague.id))
    assert previous.revoked_at is not None and handed.expires_at == previous.expires_at
    assert "a été confiée par son entreprise à Camille RELAIS" in inbox(gestionnaire.email)[-1].text
    assert len(events(AuditEventType.DELEGATION_HANDED_OVER)) == 2  # the client's journal and the firm's


def test_only_the_firms_gestionnaire_hands_over_and_only_its_own_delegations(
    browser: webtest.TestApp, inbox: Inbox, app: Flask, accountant: Account, bpf: Service, gestionnaire: Account
) -> None:
    accepted(browser, inbox, app)
    held = db.session.scalar(select(Habilitation.id).where(Habilitation.account_id == accountant.id))
    # The client's gestionnaire manages FORMA'LOIRE, not the firm: the firm's screen is refused to them.
    assert browser.get(RECEIVED, {"siren": "999722812"}, status=403).status_int == 403
    # On their own company's screen, the delegation held by OPCO's accountant is not « received » there.
    own = browser.get(RECEIVED)
    assert "Aucune délégation reçue." in text(own)
    token = form(browser.get(NEW), NEW)["csrf_token"].value
    forged = {"csrf_token": token, "email": "amandine@formaloire.example"}
    browser.post(f"{RECEIVED}/{held}/confier", forged, status=404)
    assert delegated_habilitations(accountant) == [(OPCO_PARIS, FORMALOIRE_ESTUAIRE, "997915665")]
