"""« Utilisateurs du service »: a gestionnaire finds the company's people, decides requests and manages
habilitations, through the real pages; nobody else sees or changes anything."""

import re
from datetime import timedelta

import pytest
import webtest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select

from idp.extensions import db
from idp.models import (
    AccessRequest,
    AccessRequestStatus,
    Account,
    AuditEvent,
    AuditEventType,
    Civilite,
    Habilitation,
    OutboxMessage,
    Service,
)
from idp.services import access_requests, my_account, service_users
from shared.clock import in_paris, utcnow
from tests.idp.conftest import FreshContext
from tests.idp.portal_data import (
    FORMALOIRE_ANJOU,
    FORMALOIRE_ESTUAIRE,
    FORMALOIRE_NANTES,
    OPCO_PARIS,
    habilitate,
    person,
    role,
    services,
)
from tests.idp.web import alert_text, field_error, form, log_in

USERS = "/portail/services/soffi/utilisateurs"
FORMALOIRE = "997915665"
OPCO = "999722812"


# --- data and helpers ----------------------------------------------------------------------------


@pytest.fixture
def requester(soffi: Service, manager: Account) -> Account:
    """Lou DEMANDEUR, who asked for « Consultation » on the Nantes establishment."""
    account = person(db.session, "demandeur@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")
    access_requests.request_access(db.session, account, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"))
    return account


@pytest.fixture
def browser(client: webtest.TestApp, manager: Account) -> webtest.TestApp:
    """The gestionnaire, logged in."""
    log_in(client, manager.email)
    return client


def other_browser(app: Flask, email: str) -> webtest.TestApp:
    browser = webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": "203.0.113.9"})
    log_in(browser, email)
    return browser


def soup(page: webtest.TestResponse) -> BeautifulSoup:
    return BeautifulSoup(page.text, "html.parser")


def found(page: webtest.TestResponse) -> str:
    return soup(page).select_one("#resultats-nombre").get_text(" ", strip=True)


def listed(page: webtest.TestResponse) -> list[str]:
    """The names of the result list, as shown (« NOM Prénom »)."""
    return [item.a.get_text(" ", strip=True) for item in soup(page).select("#resultats > li")]


def facet(page: webtest.TestResponse, label: str) -> str:
    links = [a.get_text(" ", strip=True) for a in soup(page).select(".fr-sidemenu__link")]
    return next(text for text in links if text.startswith(label + " ("))


def link(page: webtest.TestResponse, accessible_name: str) -> str:
    """The address of the link whose text (visible or for screen readers) starts with this name."""
    for anchor in soup(page).find_all("a"):
        if anchor.get_text(" ", strip=True).startswith(accessible_name):
            return str(anchor["href"])
    raise AssertionError(f"no link {accessible_name!r}")


def mails_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.query(OutboxMessage).filter_by(recipient=address).all()


def habilitations_of(account: Account) -> list[tuple[str, str]]:
    """(role, SIRET) of the account's active habilitations, as the database has them now."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(Habilitation).where(Habilitation.account_id == account.id, Habilitation.revoked_at.is_(None))
    )
    return sorted((row.role.code, row.siret) for row in rows)


def events(kind: AuditEventType) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.query(AuditEvent).filter_by(event=kind).order_by(AuditEvent.id).all()


def delegate(third_party: Account, service: Service, for_siret: str) -> Habilitation:
    """A « Consultation » delegated to a third party acting for FORMA'LOIRE (its company is the one it acts for)."""
    delegation = Habilitation(
        account=third_party,
        role=role(service, "consultation"),
        siret=third_party.siret,
        on_behalf_of_siret=for_siret,
        granted_via="par délégation",
        delegated_by="Sam GERANTE",
    )
    db.session.add(delegation)
    db.session.commit()
    return delegation


def person_page(browser: webtest.TestApp, account: Account, query: str = "") -> webtest.TestResponse:
    return browser.get(f"{USERS}?personne={account.id}{query}")


# --- who may see the screen ----------------------------------------------------------------------


def test_someone_who_is_not_gestionnaire_gets_a_403_and_the_attempt_is_audited(client, soffi, manager, requester):
    log_in(client, requester.email)
    page = client.get(USERS, status=403)
    assert "Seuls les gestionnaires de SOFFi" in page.text
    assert "DEMANDEUR" not in page.text
    [denied] = events(AuditEventType.HABILITATION_DENIED)
    assert (denied.account_id, denied.siren) == (requester.id, FORMALOIRE)


def test_the_screen_asks_to_log_in_first(client, soffi):
    page = client.get(USERS + "?role=en-attente")
    assert page.status_int == 302
    assert "/connexion?next=" in page.headers["Location"]


def test_an_unknown_service_is_not_found(browser):
    browser.get("/portail/services/inconnu/utilisateurs", status=404)


def test_the_link_of_the_request_e_mail_lists_the_people_waiting(browser, requester):
    [mail] = mails_to("gestion@formaloire.example")
    address = re.search(r"http://localhost(/portail/services/soffi/utilisateurs\S*)", mail.body_text)
    assert address is not None
    page = browser.get(address.group(1))
    assert page.status_int == 200
    assert soup(page).title.get_text().startswith("Utilisateurs du service - SOFFi")
    assert found(page) == "1 Droit d'accès trouvé"
    assert listed(page) == ["DEMANDEUR Lou"]
    assert facet(page, "En attente") == "En attente (1)"


# --- filters, counts, search, pages ----------------------------------------------------------------


@pytest.fixture
def crowd(soffi, manager):
    """45 people of FORMA'LOIRE for SOFFi, and some who must not count."""
    for index in range(29):
        account = person(db.session, f"consult{index:02d}@formaloire.example", FORMALOIRE_NANTES, f"CONSULT{index:02d}")
        habilitate(db.session, account, soffi, "consultation")
    for index in range(10):
        account = person(
            db.session, f"collect{index:02d}@formaloire.example", FORMALOIRE_ESTUAIRE, f"COLLECT{index:02d}"
        )
        habilitate(db.session, account, soffi, "organisme_collecteur")
    for index in range(4):
        account = person(db.session, f"attente{index}@formaloire.example", FORMALOIRE_NANTES, f"ATTENTE{index}")
        access_requests.request_access(db.session, account, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"))
    delegate(person(db.session, "tiers@opco.example", OPCO_PARIS, "TIERS", "Théo"), soffi, FORMALOIRE_NANTES)
    # Not FORMA'LOIRE's people: another company, a revoked and an expired habilitation, another service.
    habilitate(db.session, person(db.session, "autre@opco.example", OPCO_PARIS, "AUTRE"), soffi, "consultation")
    revoked = habilitate(
        db.session, person(db.session, "parti@formaloire.example", FORMALOIRE_NANTES), soffi, "consultation"
    )
    revoked.revoked_at = utcnow()
    expired = person(db.session, "expire@formaloire.example", FORMALOIRE_NANTES, "EXPIRE")
    habilitate(db.session, expired, soffi, "consultation", expires_at=utcnow() - timedelta(days=1))
    other_service = person(db.session, "bpf@formaloire.example", FORMALOIRE_NANTES, "BPF")
    habilitate(db.session, other_service, services(db.session)["bpf"], "declarant")
    db.session.commit()


def test_forty_five_people_are_shown_twenty_per_page_with_the_counts_of_each_filter(browser, crowd):
    first = browser.get(USERS)
    assert found(first) == "45 Droits d'accès trouvés"
    assert [facet(first, label) for label in ("Consultation", "Organisme Collecteur", "Gestionnaire")] == [
        "Consultation (30)",
        "Organisme Collecteur (10)",
        "Gestionnaire (1)",
    ]
    assert facet(first, "En attente") == "En attente (4)"
    assert (facet(first, "Oui"), facet(first, "Non")) == ("Oui (1)", "Non (44)")
    second = browser.get(link(first, "Page suivante"))
    third = browser.get(link(second, "Page suivante"))
    pages = [listed(first), listed(second), listed(third)]
    assert [len(names) for names in pages] == [20, 20, 5]
    assert len({name for names in pages for name in names}) == 45
    assert pages[0][:2] == ["ATTENTE0 Alex", "ATTENTE1 Alex"] and pages[2][-1] == "TIERS Théo"
    assert soup(third).select_one('.fr-pagination [aria-current="page"]').get_text() == "3"
    assert "AUTRE" not in str(pages) and "EXPIRE" not in str(pages) and "BPF" not in str(pages)


def test_filters_come_from_the_links_and_combine_with_the_search(browser, crowd):
    page = browser.get(link(browser.get(USERS), "Organisme Collecteur"))
    assert found(page) == "10 Droits d'accès trouvés"
    assert all(name.startswith("COLLECT") for name in listed(page))
    search = form(page, "/utilisateurs")
    search["q"] = "collect03"
    assert listed(search.submit()) == ["COLLECT03 Alex"]

    waiting = browser.get(USERS + "?role=en-attente")
    assert listed(waiting) == ["ATTENTE0 Alex", "ATTENTE1 Alex", "ATTENTE2 Alex", "ATTENTE3 Alex"]
    assert all("En attente" in item.get_text() for item in soup(waiting).select("#resultats > li"))
    third_parties = browser.get(link(browser.get(USERS), "Oui"))
    assert listed(third_parties) == ["TIERS Théo"]
    assert "Tiers" in soup(third_parties).select_one("#resultats").get_text()
    assert found(browser.get(USERS + "?tiers=non")) == "44 Droits d'accès trouvés"


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("gérante", ["GERANTE Sam"]),  # accents and case do not matter
        ("SAM", ["GERANTE Sam"]),
        ("Sam Gerante", ["GERANTE Sam"]),  # first name and name, in any order
        ("collect07@FORMALOIRE", ["COLLECT07 Alex"]),  # the e-mail
        ("997 915 665 00027", [f"COLLECT{index:02d} Alex" for index in range(10)]),  # a SIRET, as typed
        ("99972281200016", ["TIERS Théo"]),  # the third party's own SIRET
        ("théo", ["TIERS Théo"]),
        ("personne_absente%", []),  # SQL wildcards are searched as text
    ],
)
def test_search_by_name_e_mail_or_siret(browser, crowd, query, names):
    page = browser.get(USERS, params={"q": query})
    assert listed(page) == names
    if not names:
        assert found(page) == "Aucun droit d'accès trouvé"


def test_a_person_is_found_by_the_name_they_changed_in_mon_compte(browser, crowd, manager):
    my_account.update_coordonnees(
        db.session, manager, my_account.Coordonnees(Civilite.MONSIEUR, "Lefèvre", "Samuel", None)
    )

    assert listed(browser.get(USERS, params={"q": "lefevre samuel"})) == ["Lefèvre Samuel"]
    assert listed(browser.get(USERS, params={"q": "gerante"})) == []


def test_a_stale_or_wrong_query_string_shows_everyone_rather_than_an_error(browser, crowd):
    page = browser.get(USERS + "?role=inconnu&tiers=peut-etre&page=99&siren=abc")
    assert found(page) == "45 Droits d'accès trouvés"
    assert len(listed(page)) == 5  # the last page


# --- deciding requests -----------------------------------------------------------------------------


def test_accepting_a_request_from_the_page_grants_the_role_and_tells_the_requester(browser, manager, requester):
    page = browser.get(link(browser.get(USERS + "?role=en-attente"), "DEMANDEUR"))
    panel = soup(page).select_one("#personne")
    assert "Rôle souhaité : Consultation - SIRET 99791566500019" in panel.get_text(" ", strip=True)
    assert panel.find("button", title="Valider la demande de Lou DEMANDEUR") is not None
    done = form(page, "/valider").submit().follow()

    assert "La demande de Lou DEMANDEUR est validée : rôle « Consultation » pour le SIRET 99791566500019" in alert_text(
        done
    )
    assert habilitations_of(requester) == [("consultation", FORMALOIRE_NANTES)]
    assert "Habilitations pour SOFFi" in done.text and "Consultation - SIRET 99791566500019" in done.text
    assert "Demandes en cours" not in done.text
    [mail] = mails_to(requester.email)
    assert mail.subject == "Votre demande d'accès à SOFFi a été acceptée"
    [accepted] = events(AuditEventType.ACCESS_REQUEST_ACCEPTED)
    assert (accepted.account_id, accepted.subject_account_id, accepted.siren) == (manager.id, requester.id, FORMALOIRE)
    [granted] = events(AuditEventType.HABILITATION_GRANTED)
    assert (granted.account_id, granted.subject_account_id) == (manager.id, requester.id)
    assert granted.data["after"] == {"role": "consultation", "siret": FORMALOIRE_NANTES, "expires_at": None}


def test_the_gestionnaire_may_grant_another_role_than_the_one_wished(browser, requester):
    page = person_page(browser, requester)
    accept = form(page, "/valider")
    accept[next(name for name in accept.fields if name.endswith("-role"))] = "organisme_collecteur"
    accept.submit().follow()
    assert habilitations_of(requester) == [("organisme_collecteur", FORMALOIRE_NANTES)]


def test_refusing_needs_a_reason_which_the_requester_receives(browser, requester):
    page = person_page(browser, requester)
    refusal = form(page, "/refuser")
    refused = refusal.submit(status=422)
    reason_field = next(name for name in refusal.fields if name.endswith("-reason"))
    assert field_error(refused, reason_field) == "Ce champ est obligatoire."
    assert refused.text.count("<title>Erreur - ") == 1
    assert db.session.scalar(select(AccessRequest.status)) is AccessRequestStatus.PENDING

    refusal = form(refused, "/refuser")
    refusal[reason_field] = "Vous ne travaillez pas sur la collecte."
    done = refusal.submit().follow()
    assert "La demande de Lou DEMANDEUR est refusée" in alert_text(done)
    assert "DEMANDEUR" not in " ".join(listed(done))  # nothing left of them in the company
    [mail] = mails_to(requester.email)
    assert "Motif du refus : Vous ne travaillez pas sur la collecte." in mail.body_text
    assert habilitations_of(requester) == []
    assert len(events(AuditEventType.ACCESS_REQUEST_REFUSED)) == 1


def test_a_request_decided_meanwhile_by_another_gestionnaire_says_so(app, browser, soffi, requester):
    colleague = person(db.session, "collegue@formaloire.example", FORMALOIRE_NANTES, "COLLEGUE", "Noa")
    habilitate(db.session, colleague, soffi, "gestionnaire")
    other = other_browser(app, colleague.email)
    mine, theirs = person_page(browser, requester), person_page(other, requester)

    form(mine, "/valider").submit().follow()
    refusal = form(theirs, "/refuser")
    refusal[next(name for name in refusal.fields if name.endswith("-reason"))] = "Trop tard."
    answer = refusal.submit().follow()

    decided_at = in_paris(db.session.scalar(select(AccessRequest.decided_at))).strftime("%d/%m/%Y à %Hh%M")
    assert f"Cette demande a déjà été traitée par Sam GERANTE le {decided_at}." in alert_text(answer)
    assert db.session.scalar(select(AccessRequest.status)) is AccessRequestStatus.ACCEPTED
    assert habilitations_of(requester) == [("consultation", FORMALOIRE_NANTES)]
    assert [mail.subject for mail in mails_to(requester.email)] == ["Votre demande d'accès à SOFFi a été acceptée"]


def test_a_request_withdrawn_meanwhile_says_so(browser, requester):
    page = person_page(browser, requester)
    request = db.session.scalar(select(AccessRequest))
    access_requests.withdraw_request(db.session, requester, request.id)
    answer = form(page, "/valider").submit().follow()
    assert "Cette demande a été annulée par Lou DEMANDEUR le " in alert_text(answer)
    assert habilitations_of(requester) == []


# --- other companies ---------------------------------------------------------------------------------


def test_a_gestionnaire_of_another_company_sees_and_decides_nothing_of_it(app, soffi, requester):
    stranger = person(db.session, "gestion@opco.example", OPCO_PARIS, "ETRANGER", "Eli")
    habilitate(db.session, stranger, soffi, "gestionnaire")
    other = other_browser(app, stranger.email)

    assert "DEMANDEUR" not in other.get(USERS).text  # their own company's screen
    assert other.get(f"{USERS}?siren={FORMALOIRE}", status=403)
    assert other.get(f"{USERS}?personne={requester.id}", status=404)
    token = soup(other.get(USERS + "?ajouter=1")).find("input", attrs={"name": "ajout-csrf_token"})["value"]
    request_id = db.session.scalar(select(AccessRequest.id))
    for action, field in (("valider", "role"), ("refuser", "reason")):
        fields = {f"{action}-{request_id}-csrf_token": token, f"{action}-{request_id}-{field}": "consultation"}
        other.post(f"{USERS}/demandes/{request_id}/{action}", fields, status=403)
    manager_habilitation = db.session.scalar(select(Habilitation.id).where(Habilitation.account_id != stranger.id))
    fields = {"supprimer-csrf_token": token}
    other.post(f"{USERS}/habilitations/{manager_habilitation}/supprimer", fields, status=403)

    db.session.expire_all()
    assert db.session.scalar(select(AccessRequest.status)) is AccessRequestStatus.PENDING
    assert habilitations_of(requester) == []
    assert db.session.scalar(select(func.count(Habilitation.id)).where(Habilitation.revoked_at.is_not(None))) == 0
    assert len(events(AuditEventType.HABILITATION_DENIED)) == 4
    assert mails_to(requester.email) == []


def test_a_gestionnaire_of_two_companies_chooses_which_one(browser, soffi, manager):
    habilitate(db.session, manager, soffi, "gestionnaire", siret=OPCO_PARIS)
    habilitate(db.session, person(db.session, "jules@opco.example", OPCO_PARIS, "JULES"), soffi, "consultation")
    page = browser.get(USERS)
    choice = form(page, "/utilisateurs")
    assert [label for _, _, label in choice["siren"].options] == [
        "FORMA'LOIRE CONSEIL (SIREN 997915665)",
        "OPCO DEMO INDUSTRIES ET SERVICES (SIREN 999722812)",
    ]
    choice["siren"] = OPCO
    opco = choice.submit()
    assert listed(opco) == ["GERANTE Sam", "JULES Alex"]
    assert "JULES Alex" not in listed(page)


# --- changing, deleting, adding ------------------------------------------------------------------------


@pytest.fixture
def colleague(soffi, manager) -> Account:
    account = person(db.session, "camille@formaloire.example", FORMALOIRE_NANTES, "COLLEGUE", "Camille")
    habilitate(db.session, account, soffi, "consultation")
    return account


def test_the_person_panel_shows_contact_details_and_how_each_role_was_given(browser, colleague):
    panel = soup(person_page(browser, colleague)).select_one("#personne").get_text(" ", strip=True)
    for text in ("Civilité Madame", "Nom COLLEGUE", "Prénom Camille", "camille@formaloire.example", "01 22 33 44 55"):
        assert text in panel
    today = in_paris(utcnow()).strftime("%d/%m/%Y")
    assert f"Consultation - SIRET 99791566500019 Habilité le {today} par code d'activation" in panel


def test_changing_the_role_and_end_date_mails_the_person_and_keeps_before_and_after(browser, manager, colleague):
    page = browser.get(link(person_page(browser, colleague), "Modifier l'habilitation Consultation"))
    change = form(page, "/modifier")
    end = (in_paris(utcnow()) + timedelta(days=90)).date()
    change["modifier-role"], change["modifier-expires_on"] = "organisme_collecteur", end.isoformat()
    done = change.submit().follow()

    assert "L'habilitation de Camille COLLEGUE est modifiée" in alert_text(done)
    assert f"Fin le {end:%d/%m/%Y}" in done.text
    assert habilitations_of(colleague) == [("organisme_collecteur", FORMALOIRE_NANTES)]
    [mail] = mails_to(colleague.email)
    assert mail.subject == "Votre habilitation pour SOFFi a été modifiée"
    assert f"jusqu'au {end:%d/%m/%Y}" in mail.body_text
    [changed] = events(AuditEventType.HABILITATION_CHANGED)
    assert changed.account_id == manager.id
    assert (changed.data["before"]["role"], changed.data["before"]["expires_at"]) == ("consultation", None)
    assert changed.data["after"]["role"] == "organisme_collecteur"


def test_an_end_date_in_the_past_is_refused_next_to_the_field(browser, colleague):
    page = browser.get(link(person_page(browser, colleague), "Modifier l'habilitation"))
    change = form(page, "/modifier")
    change["modifier-expires_on"] = (in_paris(utcnow()) - timedelta(days=1)).date().isoformat()
    refused = change.submit(status=422)
    assert field_error(refused, "modifier-expires_on") == "La date de fin doit être postérieure à aujourd'hui."
    change = form(refused, "/modifier")
    change["modifier-expires_on"] = "31/02/2030"
    assert field_error(change.submit(status=422), "modifier-expires_on").startswith("Saisissez une date valide")
    assert mails_to(colleague.email) == [] and events(AuditEventType.HABILITATION_CHANGED) == []


def test_deleting_asks_for_confirmation_then_ends_the_habilitation(browser, colleague):
    page = person_page(browser, colleague)
    assert not soup(page).select("#confirmation-suppression")
    confirm = browser.get(
        link(page, "Supprimer l'habilitation Consultation - SIRET 99791566500019 de Camille COLLEGUE")
    )
    warning = soup(confirm).select_one("#confirmation-suppression").get_text(" ", strip=True)
    assert "Supprimer l'habilitation « Consultation - SIRET 99791566500019 » de Camille COLLEGUE ?" in warning
    assert habilitations_of(colleague) == [("consultation", FORMALOIRE_NANTES)]  # nothing yet

    done = form(confirm, "/supprimer").submit().follow()
    assert "L'habilitation « Consultation - SIRET 99791566500019 » de Camille COLLEGUE est supprimée" in alert_text(
        done
    )
    assert "COLLEGUE Camille" not in listed(done)
    assert habilitations_of(colleague) == []
    assert [mail.subject for mail in mails_to(colleague.email)] == ["Votre habilitation pour SOFFi a été supprimée"]
    [revoked] = events(AuditEventType.HABILITATION_REVOKED)
    assert revoked.data["before"] == {"role": "consultation", "siret": FORMALOIRE_NANTES, "expires_at": None}


def test_the_last_gestionnaire_cannot_remove_their_own_role(browser, manager):
    own = person_page(browser, manager)
    confirm = browser.get(link(own, "Supprimer l'habilitation Gestionnaire"))
    refused = form(confirm, "/supprimer").submit().follow()
    message = "Vous êtes le dernier gestionnaire de SOFFi pour votre entreprise : nommez d'abord un autre gestionnaire"
    assert message in alert_text(refused)

    change = form(browser.get(link(own, "Modifier l'habilitation Gestionnaire")), "/modifier")
    change["modifier-role"] = "consultation"
    assert message in alert_text(change.submit().follow())
    assert habilitations_of(manager) == [("gestionnaire", FORMALOIRE_ANJOU)]
    assert events(AuditEventType.HABILITATION_REVOKED) == [] and events(AuditEventType.HABILITATION_CHANGED) == []


def test_adding_a_habilitation_by_e_mail(browser, manager):
    newcomer = person(db.session, "nouvelle@formaloire.example", FORMALOIRE_ESTUAIRE, "NOUVELLE", "Ada")
    page = browser.get(link(browser.get(USERS), "Ajouter une nouvelle habilitation"))
    add = form(page, "/ajouter")
    assert [value for value, _, _ in add["ajout-siret"].options][1:] == [
        FORMALOIRE_NANTES,
        FORMALOIRE_ESTUAIRE,
        FORMALOIRE_ANJOU,
    ]
    add["ajout-email"], add["ajout-role"], add["ajout-siret"] = (
        "Nouvelle@Formaloire.example",
        "consultation",
        FORMALOIRE_ESTUAIRE,
    )
    done = add.submit().follow()

    assert "Ada NOUVELLE a maintenant le rôle « Consultation » pour le SIRET 99791566500027" in alert_text(done)
    assert "NOUVELLE Ada" in listed(done)
    assert "Habilité le" in done.text and "par Sam GERANTE" in done.text
    assert habilitations_of(newcomer) == [("consultation", FORMALOIRE_ESTUAIRE)]
    assert [mail.subject for mail in mails_to(newcomer.email)] == ["Vous avez reçu une habilitation pour SOFFi"]


@pytest.mark.parametrize("email", ["inconnu@formaloire.example", "autre@opco.example"])
def test_adding_someone_who_is_not_of_the_company_is_refused_on_the_field(browser, email):
    person(db.session, "autre@opco.example", OPCO_PARIS, "AUTRE")
    add = form(browser.get(USERS + "?ajouter=1"), "/ajouter")
    add["ajout-email"], add["ajout-role"], add["ajout-siret"] = email, "consultation", FORMALOIRE_NANTES
    refused = add.submit(status=422)
    assert field_error(refused, "ajout-email").startswith("Aucun compte actif de votre entreprise")
    assert soup(refused).select_one("#ajout-email")["value"] == email  # what was typed stays
    assert db.session.scalar(select(func.count(Habilitation.id))) == 1  # the manager's only
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_adding_without_role_or_establishment_says_what_is_missing(browser):
    refused = form(browser.get(USERS + "?ajouter=1"), "/ajouter").submit(status=422)
    assert field_error(refused, "ajout-email") == "Ce champ est obligatoire."
    assert field_error(refused, "ajout-role") == "Sélectionnez un rôle dans la liste."
    assert field_error(refused, "ajout-siret") == "Sélectionnez un établissement de votre entreprise dans la liste."
    assert "Le formulaire contient 3 erreurs" in refused.text


def test_a_company_with_many_establishments_types_the_siret_instead(browser, monkeypatch):
    monkeypatch.setattr(service_users, "MAX_LISTED_ESTABLISHMENTS", 2)  # FORMA'LOIRE has three
    newcomer = person(db.session, "nouvelle@formaloire.example", FORMALOIRE_ESTUAIRE, "NOUVELLE", "Ada")
    add = form(browser.get(USERS + "?ajouter=1"), "/ajouter")
    assert soup(browser.get(USERS + "?ajouter=1")).select_one("#ajout-siret").name == "input"
    add["ajout-email"], add["ajout-role"], add["ajout-siret"] = newcomer.email, "consultation", OPCO_PARIS
    refused = add.submit(status=422)
    assert field_error(refused, "ajout-siret") == "Ce SIRET n'est pas celui d'un établissement de votre entreprise."
    add = form(refused, "/ajouter")
    add["ajout-siret"] = "997 915 665 00027"
    add.submit().follow()
    assert habilitations_of(newcomer) == [("consultation", FORMALOIRE_ESTUAIRE)]


def test_the_plus_gives_the_same_person_another_role(browser, colleague):
    page = browser.get(
        link(person_page(browser, colleague), "Donner un autre rôle ou un autre SIRET à Camille COLLEGUE")
    )
    add = form(page, "/ajouter")
    assert add["ajout-email"].value == colleague.email
    add["ajout-role"], add["ajout-siret"] = "consultation", FORMALOIRE_NANTES
    refused = add.submit(status=422)
    assert field_error(refused, "ajout-role") == "Cette personne a déjà ce rôle pour ce SIRET."
    add = form(refused, "/ajouter")
    add["ajout-siret"] = FORMALOIRE_ANJOU
    add.submit().follow()
    assert habilitations_of(colleague) == [("consultation", FORMALOIRE_NANTES), ("consultation", FORMALOIRE_ANJOU)]


def test_delegations_are_shown_apart_with_their_own_actions(browser, soffi):
    """Guide 004: « ✎ » changes a delegation's end date, « 🗑 » revokes it; not the habilitations' actions."""
    third_party = person(db.session, "tiers@opco.example", OPCO_PARIS, "TIERS", "Théo")
    delegation = delegate(third_party, soffi, FORMALOIRE_NANTES)
    panel = soup(person_page(browser, third_party)).select_one("#personne")
    text = panel.get_text(" ", strip=True)
    assert "Délégation(s) Consultation - SIRET 99791566500019 En tant que tiers (SIRET 99972281200016)" in text
    assert "par Sam GERANTE" in text
    actions = [link["title"] for link in panel.select(f"#delegation-{delegation.id} a")]
    assert [action.split(" la délégation ")[0] for action in actions] == ["Modifier la fin de", "Révoquer"]
    assert not panel.find("a", title=re.compile("^(Modifier|Supprimer) l'habilitation"))


def test_the_users_screen_links_to_the_access_journal(browser, requester):
    journal = browser.get(link(browser.get(USERS), "Journal des accès"))
    assert soup(journal).title.get_text().startswith("Journal des accès - SOFFi")


def test_a_refusal_reason_with_a_nul_byte_is_refused_next_to_the_field(browser, requester):
    """A NUL byte was stored (PostgreSQL refuses one with an error): a control character is refused by the form."""
    refusal = form(person_page(browser, requester), "/refuser")
    reason_field = next(name for name in refusal.fields if name.endswith("-reason"))
    refusal[reason_field] = "Vous ne travaillez pas\x00 sur la collecte."
    refused = refusal.submit(status=422)
    assert "caractère non autorisé" in field_error(refused, reason_field)
    assert db.session.scalar(select(AccessRequest.status)) is AccessRequestStatus.PENDING
    assert mails_to(requester.email) == []


HUGE = "99999999999999999999"  # over 64 bits: no column holds it (it was a server error)


@pytest.mark.parametrize("query", ["personne", "modifier", "supprimer"])
def test_an_id_too_big_for_the_database_in_the_address_is_ignored(browser, requester, query):
    page = browser.get(USERS, {"personne": HUGE, query: HUGE})
    assert page.status_int == 200 and "DEMANDEUR" in " ".join(listed(page))


@pytest.mark.parametrize("action", ["demandes/{}/valider", "demandes/{}/refuser", "habilitations/{}/modifier",
                                    "habilitations/{}/supprimer"])  # fmt: skip
def test_an_id_too_big_for_the_database_in_a_path_is_not_found(browser, requester, action):
    refusal = form(person_page(browser, requester), "/refuser")
    token = next((name, value) for name, value in refusal.submit_fields() if name.endswith("csrf_token"))
    answer = browser.post(f"{USERS}/{action.format(HUGE)}", dict([token]), status=404)
    assert "Page non trouvée" in answer.text
    assert db.session.scalar(select(AccessRequest.status)) is AccessRequestStatus.PENDING
