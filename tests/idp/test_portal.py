"""« Mes démarches » and « Ajouter une démarche », driven through the real pages as the requester sees them."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
import webtest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from sqlalchemy import func, select
from stdnum import luhn

from idp import messages
from idp.extensions import db
from idp.models import (
    AccessRequest,
    AccessRequestStatus,
    Account,
    ActivationCode,
    AuditEvent,
    AuditEventType,
    Habilitation,
    OutboxMessage,
    Service,
)
from idp.services import access_requests, activation_codes
from tests.idp.conftest import FreshContext
from tests.idp.factories import make_siret
from tests.idp.portal_data import (
    CLOSED_SIRET,
    FORMALOIRE_ANJOU,
    FORMALOIRE_ESTUAIRE,
    FORMALOIRE_NANTES,
    OPCO_NANTES,
    OPCO_PARIS,
    habilitate,
    person,
    role,
    services,
)
from tests.idp.web import alert_text, field_error, form, log_in

PORTAL = "/portail/services/"
REQUESTER = "demandeur@formaloire.example"
MANAGER = "gestion@formaloire.example"
UNKNOWN_SIREN = "12345678" + luhn.calc_check_digit("12345678")
UNKNOWN_SIRET = make_siret(UNKNOWN_SIREN, 1)  # a right SIRET no directory row has


# --- helpers -------------------------------------------------------------------------------------


def soup(page: webtest.TestResponse) -> BeautifulSoup:
    return BeautifulSoup(page.text, "html.parser")


def text(page: webtest.TestResponse) -> str:
    """What the page says (entities decoded: the apostrophes of French come as &#39;)."""
    return soup(page).get_text(" ", strip=True)


def title(page: webtest.TestResponse) -> str:
    found = soup(page).title
    assert found is not None
    return found.get_text(strip=True)


def tile(page: webtest.TestResponse, code: str) -> Tag | None:
    """The tile of « Mes démarches » for this service, if the page shows one."""
    found = soup(page).find(id=f"tuile-{code}")
    return found if isinstance(found, Tag) else None


def tile_text(page: webtest.TestResponse, code: str) -> str:
    found = tile(page, code)
    assert found is not None, f"no tile for {code}"
    return found.get_text(" ", strip=True)


def others(page: webtest.TestResponse) -> list[str]:
    """The services of « Les autres démarches », by name."""
    section = soup(page).find(id="autres-demarches")
    assert isinstance(section, Tag)
    return [heading.get_text(strip=True) for heading in section.select(".fr-card__title")]


def link(page: webtest.TestResponse, text: str) -> str:
    """The address of the one link whose text (including what only screen readers hear) is this."""
    found = [a["href"] for a in soup(page).find_all("a") if a.get_text(" ", strip=True) == text]
    assert len(found) == 1, f"{len(found)} links named {text!r}"
    return str(found[0])


def follow(client: webtest.TestApp, page: webtest.TestResponse, text: str) -> webtest.TestResponse:
    return client.get(link(page, text))


def rows(model: type) -> int:
    db.session.rollback()  # the requests committed in their own sessions
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def audit_events(event: AuditEventType) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == event).order_by(AuditEvent.id)))


def mails_to(address: str) -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def add_page(client: webtest.TestApp, code: str = "soffi", **params: str) -> webtest.TestResponse:
    return client.get(f"{PORTAL}{code}/ajouter", params=params)


def ask(client: webtest.TestApp, role_code: str | None, siret: str | None = None, code: str = "soffi"):
    request_form = form(add_page(client, code), "/ajouter/demande")
    if siret is not None:
        request_form["siret"] = siret
    if role_code is not None:
        request_form["role"] = role_code
    return request_form.submit(expect_errors=True)


def redeem(client: webtest.TestApp, siret: str, code: str, service: str = "soffi") -> webtest.TestResponse:
    code_form = form(add_page(client, service, onglet="code"), "/ajouter/code")
    code_form["siret"], code_form["code"] = siret, code
    return code_form.submit(expect_errors=True)


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(app: Flask) -> dict[str, Service]:
    return services(db.session)


@pytest.fixture
def soffi(catalogue: dict[str, Service]) -> Service:
    return catalogue["soffi"]


@pytest.fixture
def requester(catalogue: dict[str, Service]) -> Account:
    return person(db.session, REQUESTER, FORMALOIRE_NANTES, "DEMANDEUR", "Lou")


@pytest.fixture
def manager(soffi: Service) -> Account:
    """The gestionnaire of FORMA'LOIRE for SOFFi, employed by another establishment of the company."""
    account = person(db.session, MANAGER, FORMALOIRE_ANJOU, "GERANTE", "Sam")
    habilitate(db.session, account, soffi, "gestionnaire")
    return account


@pytest.fixture
def user(client: webtest.TestApp, requester: Account) -> webtest.TestApp:
    """The client, logged in as the requester."""
    assert log_in(client, REQUESTER).status_int == 303
    return client


def browser(app: Flask, email: str, ip: str) -> webtest.TestApp:
    """Another person's browser, logged in."""
    other = webtest.TestApp(FreshContext(app), extra_environ={"REMOTE_ADDR": ip})
    assert log_in(other, email).status_int == 303
    return other


# --- « Mes démarches » ---------------------------------------------------------------------------


def test_the_portal_asks_to_log_in_first(client: webtest.TestApp, catalogue: dict[str, Service]) -> None:
    for path in (PORTAL, f"{PORTAL}soffi/ajouter"):
        login = client.get(path).follow()
        assert "Connectez-vous pour accéder à cette page." in alert_text(login)


def test_after_login_users_land_on_their_portal(client: webtest.TestApp, requester: Account) -> None:
    home = log_in(client, REQUESTER).follow()
    assert home.status_int == 302 and home.location.endswith(PORTAL)  # "/" sends logged-in users on
    portal = home.follow()
    assert title(portal).startswith("Mes démarches - ")
    assert soup(portal).h1 is not None and soup(portal).h1.get_text(strip=True) == "Mes démarches"


def test_a_newcomer_sees_the_invitation_and_every_service_to_add(user: webtest.TestApp) -> None:
    portal = user.get(PORTAL)

    assert "Ajoutez votre première démarche depuis la liste ci-dessous" in text(portal)
    assert others(portal) == ["Mon Activité Formation", "SOFFi", "SOFI"]
    assert link(portal, "Ajouter SOFFi") == f"{PORTAL}soffi/ajouter"


def test_held_services_are_tiles_and_no_longer_offered(
    user: webtest.TestApp, requester: Account, soffi: Service
) -> None:
    habilitate(db.session, requester, soffi, "consultation")
    expired = habilitate(db.session, requester, services(db.session)["bpf"], "declarant")
    expired.expires_at = datetime(2020, 1, 1)
    db.session.commit()

    portal = user.get(PORTAL)

    assert "Ajoutez votre première démarche" not in text(portal)
    assert f"Consultation - SIRET {FORMALOIRE_NANTES}" in tile_text(portal, "soffi")
    assert link(portal, "SOFFi") == soffi.url  # single sign-on does the rest
    assert others(portal) == ["Mon Activité Formation", "SOFI"]  # an expired habilitation is not held
    assert "Gérer les utilisateurs" not in text(portal)  # no gear without the manager role


# --- the access request --------------------------------------------------------------------------


def test_a_request_goes_through_the_pages_to_the_gestionnaire(
    user: webtest.TestApp, requester: Account, manager: Account
) -> None:
    page = follow(user, user.get(PORTAL), "Ajouter SOFFi")
    assert title(page).startswith("Ajouter une démarche - SOFFi - ")
    tabs = [tab.get_text(strip=True) for tab in soup(page).select("[role=tab]")]
    assert tabs == ["DEMANDER L'ACCÈS À UN GESTIONNAIRE", "SAISIR LE CODE D'ACTIVATION"]
    request_form = form(page, "/ajouter/demande")
    assert request_form["siret"].value == FORMALOIRE_NANTES  # the account's establishment
    roles = {label.get_text(" ", strip=True) for label in soup(page).select("#role label")}
    assert roles == {
        "Consultation Consultation",
        "Organisme Collecteur Rôle destiné aux organismes collecteurs",
        "Gestionnaire Gérer les droits d'accès de vos collaborateurs et déléguer vos droits à un tiers.",
    }  # not the agents' role
    assert "Gestionnaire : Sam GERANTE *" in text(page)
    assert "* Ce gestionnaire est un employé d'un autre établissement de votre entreprise" in text(page)
    assert messages.PORTAL_REQUEST_INTRO in text(page)

    request_form["role"] = "organisme_collecteur"
    portal = request_form.submit().follow()

    assert "Votre demande d'accès à SOFFi a été envoyée" in alert_text(portal)
    assert "En attente de validation" in tile_text(portal, "soffi")
    assert f"Organisme Collecteur - SIRET {FORMALOIRE_NANTES}" in tile_text(portal, "soffi")
    assert "SOFFi" not in others(portal)
    [mail] = mails_to(MANAGER)
    assert mail.subject == "Demande d'accès à SOFFi"
    assert "Lou DEMANDEUR vous demande l'accès à la démarche 'SOFFi'" in mail.body_text


def test_a_pending_request_can_be_cancelled_from_its_tile(
    user: webtest.TestApp, requester: Account, manager: Account
) -> None:
    portal = ask(user, "consultation").follow()

    portal = form(portal, "/annuler").submit().follow()

    assert "Votre demande d'accès à SOFFi a été annulée." in alert_text(portal)
    assert tile(portal, "soffi") is None and "SOFFi" in others(portal)
    db.session.rollback()
    assert db.session.scalar(select(AccessRequest.status)) is AccessRequestStatus.WITHDRAWN


def test_nobody_can_cancel_someone_elses_request(
    app: Flask, user: webtest.TestApp, requester: Account, manager: Account, soffi: Service
) -> None:
    pending = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation")
    )
    person(db.session, "intrus@formaloire.example", FORMALOIRE_NANTES)
    intruder = browser(app, "intrus@formaloire.example", "198.51.100.8")
    token = form(intruder.get("/mon-compte"), "/coordonnees")["csrf_token"].value

    refused = intruder.post(f"/portail/demandes/{pending.id}/annuler", {"csrf_token": token}, status=404)
    without_token = user.post(f"/portail/demandes/{pending.id}/annuler", status=400)

    assert "Page non trouvée" in text(refused)
    assert "Votre session a expiré ou le formulaire a déjà été envoyé" in text(without_token)
    assert "En attente de validation" in tile_text(user.get(PORTAL), "soffi")


def test_an_id_too_big_for_the_database_is_not_found_or_ignored(user: webtest.TestApp, manager: Account) -> None:
    """Ids over 64 bits in the address were a server error (no column holds them)."""
    huge = "99999999999999999999"
    portal = ask(user, "consultation").follow()
    token = form(portal, "/annuler")["csrf_token"].value
    assert "Page non trouvée" in text(user.post(f"/portail/demandes/{huge}/annuler", {"csrf_token": token}, status=404))
    assert add_page(user, "sofi", demande=huge).status_int == 200
    assert "En attente de validation" in tile_text(user.get(PORTAL), "soffi")


def test_a_refused_request_shows_the_reason_and_can_be_corrected(
    user: webtest.TestApp, requester: Account, manager: Account, soffi: Service
) -> None:
    request = access_requests.request_access(
        db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "gestionnaire")
    )
    access_requests.refuse_request(db.session, manager, request, "Demandez plutôt la consultation.")

    portal = user.get(PORTAL)
    assert "Demande refusée" in tile_text(portal, "soffi")
    assert "Motif : Demandez plutôt la consultation." in tile_text(portal, "soffi")
    page = follow(user, portal, "Corriger et renvoyer ma demande d'accès à SOFFi")
    request_form = form(page, "/ajouter/demande")
    assert (request_form["siret"].value, request_form["role"].value) == (FORMALOIRE_NANTES, "gestionnaire")

    request_form["role"] = "consultation"
    portal = request_form.submit().follow()

    assert "Demande refusée" not in tile_text(portal, "soffi")
    assert f"Consultation - SIRET {FORMALOIRE_NANTES}" in tile_text(portal, "soffi")
    assert "En attente de validation" in tile_text(portal, "soffi")


def test_without_gestionnaire_the_page_explains_the_activation_code(user: webtest.TestApp) -> None:
    page = add_page(user, "sofi")
    assert "Votre entreprise n'a pas encore de gestionnaire pour SOFI." in text(page)
    assert "obtient l'accès avec le code d'activation reçu par courrier" in text(page)

    request_form = form(page, "/ajouter/demande")
    request_form["role"] = "contributeur"
    portal = request_form.submit().follow()

    assert "elle a été transmise aux agents du ministère" in alert_text(portal)
    assert "En attente de validation" in tile_text(portal, "sofi")


def test_the_gestionnaires_listed_are_those_of_the_siret_typed(
    app: Flask, user: webtest.TestApp, soffi: Service, manager: Account
) -> None:
    opco = person(db.session, "opco@opco.example", OPCO_PARIS, "OPCOLAND", "Noa")
    habilitate(db.session, opco, soffi, "gestionnaire")

    page = ask(user, None, siret=OPCO_NANTES)  # no role chosen: the page comes back

    assert page.status_int == 422
    assert "Gestionnaire : Noa OPCOLAND *" in text(page) and "Sam GERANTE" not in text(page)


@pytest.mark.parametrize(
    ("siret", "role_code", "field", "message"),
    [
        ("123", "consultation", "demande_siret", "Le SIRET doit comporter 14 chiffres."),
        ("99791566500018", "consultation", "demande_siret", "Ce numéro SIRET n'est pas valide."),
        (UNKNOWN_SIRET, "consultation", "demande_siret", messages.PORTAL_ESTABLISHMENT_UNKNOWN),
        (CLOSED_SIRET, "consultation", "demande_siret", messages.PORTAL_ESTABLISHMENT_CLOSED),
        ("", "consultation", "demande_siret", messages.REQUIRED),
        (FORMALOIRE_NANTES, None, "role", messages.PORTAL_ROLE_REQUIRED),
        (FORMALOIRE_NANTES, "agent_dgefp", "role", messages.PORTAL_ROLE_REQUIRED),
        (FORMALOIRE_NANTES, "inconnu", "role", messages.PORTAL_ROLE_REQUIRED),
    ],
)
def test_a_wrong_request_is_explained_next_to_its_field_and_writes_nothing(
    user: webtest.TestApp,
    manager: Account,
    siret: str,
    role_code: str | None,
    field: str,
    message: str,
) -> None:
    request_form = form(add_page(user), "/ajouter/demande")
    request_form["siret"] = siret
    if role_code is not None:
        request_form["role"].force_value(role_code)  # what a tampered page would send

    page = request_form.submit(status=422)

    assert message in field_error(page, field)
    assert title(page).startswith("Erreur - Ajouter une démarche - SOFFi")
    assert "Le formulaire contient 1 erreur" in alert_text(page)
    assert rows(AccessRequest) == 0 and rows(Habilitation) == 1  # the manager's own
    assert mails_to(MANAGER) == []


def test_a_second_request_or_a_role_already_held_is_refused_on_the_page(
    user: webtest.TestApp, requester: Account, manager: Account, soffi: Service
) -> None:
    habilitate(db.session, requester, soffi, "consultation")
    held = ask(user, "consultation")
    assert held.status_int == 422
    assert messages.PORTAL_REQUEST_ALREADY_HABILITATED in field_error(held, "role")

    assert ask(user, "organisme_collecteur").status_int == 302
    again = ask(user, "gestionnaire")
    assert again.status_int == 422
    assert "Vous avez déjà une demande en attente pour SOFFi et ce SIRET." in field_error(again, "demande_siret")
    assert rows(AccessRequest) == 1 and rows(Habilitation) == 2
    assert len(mails_to(MANAGER)) == 1


# --- the activation code -------------------------------------------------------------------------


def test_an_activation_code_makes_the_user_gestionnaire(
    app: Flask, user: webtest.TestApp, soffi: Service, requester: Account
) -> None:
    code = activation_codes.create_code(db.session, soffi, FORMALOIRE_NANTES, "ligne de commande")
    page = add_page(user, onglet="code")
    selected = soup(page).select_one("[role=tab][aria-selected=true]")
    assert selected is not None and selected.get_text(strip=True) == "SAISIR LE CODE D'ACTIVATION"
    assert "Pour valider votre accès à la démarche, veuillez préciser :" in text(page)
    assert messages.PORTAL_CODE_HELP in text(page)

    portal = redeem(user, "997 915 665 00019", code.lower()).follow()

    assert "Vous êtes maintenant gestionnaire de SOFFi pour le SIRET 99791566500019" in alert_text(portal)
    gear = link(portal, "Gérer les utilisateurs de SOFFi")
    assert gear == "/portail/services/soffi/utilisateurs"
    assert f"Gestionnaire - SIRET {FORMALOIRE_NANTES}" in tile_text(portal, "soffi")
    # The same code serves once: a colleague who types it is refused.
    person(db.session, "collegue@formaloire.example", FORMALOIRE_NANTES)
    colleague = browser(app, "collegue@formaloire.example", "198.51.100.9")
    second = redeem(colleague, FORMALOIRE_NANTES, code)
    assert second.status_int == 422
    assert field_error(second, "code") == messages.PORTAL_CODE_INVALID
    assert rows(Habilitation) == 1


def test_a_wrong_siret_or_an_expired_code_get_the_same_answer(
    client: webtest.TestApp, soffi: Service, requester: Account
) -> None:
    code = activation_codes.create_code(db.session, soffi, FORMALOIRE_NANTES, "ligne de commande")
    assert log_in(client, REQUESTER).status_int == 303
    other_siret = redeem(client, FORMALOIRE_ESTUAIRE, code)
    unknown = redeem(client, FORMALOIRE_NANTES, "ABCD-EFGH-JKLM")
    with time_machine.travel(datetime.now(UTC) + timedelta(days=91), tick=False):
        assert log_in(client, REQUESTER).status_int == 303
        expired = redeem(client, FORMALOIRE_NANTES, code)

    for page in (other_siret, unknown, expired):
        assert page.status_int == 422
        assert field_error(page, "code") == messages.PORTAL_CODE_INVALID
        assert title(page).startswith("Erreur - ")
    assert rows(Habilitation) == 0
    reasons = [event.data["reason"] for event in audit_events(AuditEventType.ACTIVATION_CODE_REFUSED)]
    assert reasons == ["other_siret", "unknown", "expired"]  # told apart in the audit log only


def test_guessing_codes_is_suspended_after_five_failures(
    client: webtest.TestApp, soffi: Service, requester: Account
) -> None:
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False):  # 10h00 in Paris
        code = activation_codes.create_code(db.session, soffi, FORMALOIRE_NANTES, "ligne de commande")
        assert log_in(client, REQUESTER).status_int == 303
        for guess in range(5):
            assert redeem(client, FORMALOIRE_NANTES, f"ABCD-EFGH-JKL{guess + 2}").status_int == 422
        blocked = redeem(client, FORMALOIRE_NANTES, code)  # even the right code waits

    assert blocked.status_int == 429
    assert "la saisie est suspendue jusqu'à 10h01" in field_error(blocked, "code")
    assert rows(Habilitation) == 0
    assert len(audit_events(AuditEventType.ACTIVATION_CODE_REFUSED)) == 5
    assert len(audit_events(AuditEventType.ACTIVATION_CODE_BLOCKED)) == 1


@pytest.mark.parametrize(
    ("siret", "code", "field", "message"),
    [
        ("", "ABCD-EFGH-JKLM", "code_siret", messages.REQUIRED),
        ("9979156650001", "ABCD-EFGH-JKLM", "code_siret", "Le SIRET doit comporter 14 chiffres."),
        (FORMALOIRE_NANTES, "", "code", messages.REQUIRED),
        (FORMALOIRE_NANTES, "ABCD-EFGH", "code", messages.PORTAL_CODE_FORMAT),
    ],
)
def test_a_malformed_code_form_is_explained_and_costs_no_attempt(
    user: webtest.TestApp, soffi: Service, siret: str, code: str, field: str, message: str
) -> None:
    page = redeem(user, siret, code)

    assert page.status_int == 422
    assert field_error(page, field) == message
    assert title(page).startswith("Erreur - Ajouter une démarche - SOFFi")
    assert audit_events(AuditEventType.ACTIVATION_CODE_REFUSED) == []
    assert rows(Habilitation) == 0


def test_a_gestionnaire_is_told_so_and_keeps_the_code_for_a_colleague(
    user: webtest.TestApp, soffi: Service, requester: Account
) -> None:
    habilitate(db.session, requester, soffi, "gestionnaire")
    code = activation_codes.create_code(db.session, soffi, FORMALOIRE_NANTES, "ligne de commande")

    page = redeem(user, FORMALOIRE_NANTES, code)

    assert page.status_int == 422
    assert field_error(page, "code_siret") == "Vous êtes déjà gestionnaire de SOFFi pour ce SIRET."
    db.session.rollback()
    assert db.session.scalar(select(ActivationCode.used_at)) is None
    assert rows(Habilitation) == 1


# --- the gestionnaire's tile ---------------------------------------------------------------------


def test_a_gestionnaire_sees_who_waits_and_another_company_does_not(
    app: Flask, requester: Account, manager: Account, soffi: Service
) -> None:
    access_requests.request_access(db.session, requester, soffi, FORMALOIRE_NANTES, role(soffi, "consultation"))
    opco = person(db.session, "opco@opco.example", OPCO_PARIS, "OPCOLAND", "Noa")
    habilitate(db.session, opco, soffi, "gestionnaire")

    managing = browser(app, MANAGER, "198.51.100.10").get(PORTAL)
    elsewhere = browser(app, "opco@opco.example", "198.51.100.11").get(PORTAL)

    assert "En attente 1 personne" in tile_text(managing, "soffi")
    assert link(managing, "En attente 1 personne") == "/portail/services/soffi/utilisateurs?role=en-attente"
    assert link(elsewhere, "Gérer les utilisateurs de SOFFi") == "/portail/services/soffi/utilisateurs"
    assert "En attente" not in tile_text(elsewhere, "soffi")


# --- addresses -----------------------------------------------------------------------------------


def test_unknown_services_and_closed_paths_are_not_found(user: webtest.TestApp, soffi: Service) -> None:
    missing = user.get(f"{PORTAL}inconnu/ajouter", status=404)
    assert "Page non trouvée" in text(missing)

    soffi.allows_activation_code = False
    db.session.commit()
    page = add_page(user)
    assert [tab.get_text(strip=True) for tab in soup(page).select("[role=tab]")] == [
        "DEMANDER L'ACCÈS À UN GESTIONNAIRE"
    ]
    token = form(page, "/ajouter/demande")["csrf_token"].value
    closed = user.post(f"{PORTAL}soffi/ajouter/code", {"csrf_token": token, "siret": FORMALOIRE_NANTES}, status=404)
    assert "Page non trouvée" in text(closed)
