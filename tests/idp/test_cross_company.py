"""Cross-company refusals (issue 13): a gestionnaire acts only within their company and their service.

Sam GERANTE manages SOFFi for FORMA'LOIRE CONSEIL. Logged in, they take the real forms of their own
pages (CSRF token included) and aim them, as an attacker with a valid session would, at OPCO DEMO
(another company): its people, its pending request, its habilitation; or at SOFI rights of their own
company through the SOFFi screen. Each attempt is refused and writes nothing: accounts, habilitations,
requests, mails and journal stay as they were, but for the journal's row of a refused attempt.
"""

import re
from dataclasses import asdict, dataclass
from typing import Any

import pytest
import webtest
from bs4 import BeautifulSoup
from sqlalchemy import select

from idp.extensions import db
from idp.models import AccessRequest, AccessRequestStatus, Account, AuditEventType, Habilitation, Service
from idp.services import access_requests, habilitations, service_users
from tests.idp.portal_data import (
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

USERS = "/portail/services/soffi/utilisateurs"
FORMALOIRE = "997915665"
OPCO = "999722812"
# What must never show on FORMA'LOIRE's screen: OPCO's people, their e-mails, the company's name.
OPCO_TRACES = ("OPCOLAIS", "jules@opco.example", "ATTENDOPCO", "ines@opco.example", "ETRANGER", "OPCO DEMO")
WATCHED = ("account", "habilitation", "access_request", "outbox_message", "audit_event")
NOT_FOUND = "Page non trouvée"
NOT_GESTIONNAIRE = "Seuls les gestionnaires de SOFFi"

Snapshot = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Ids:
    """The database ids the gestionnaire's forms are aimed at."""

    colleague: int  # Camille COLLEGUE (FORMA'LOIRE), « Consultation » on SOFFi: the source of ✎ and 🗑
    colleague_habilitation: int
    own_requester: int  # Lou DEMANDEUR (FORMA'LOIRE), waiting for SOFFi: the source of ✓ and ✗
    own_request: int
    neighbour_habilitation: int  # Noa VOISIN (FORMA'LOIRE): fair targets, to prove the forged posts work
    neighbour_request: int
    opco_person: int  # Jules OPCOLAIS (OPCO), « Consultation » on SOFFi for OPCO Paris
    opco_habilitation: int
    opco_requester: int  # Inès ATTENDOPCO (OPCO), waiting for SOFFi on OPCO Nantes
    opco_request: int
    sofi_habilitation: int  # Camille's « Contributeur » on SOFI: same company, another service
    sofi_request: int  # Lou's request for SOFI


# --- data and helpers ----------------------------------------------------------------------------


@pytest.fixture
def ids(soffi: Service, manager: Account) -> Ids:
    catalogue = services(db.session)
    sofi = catalogue["sofi"]

    def ask(account: Account, service: Service, siret: str, role_code: str) -> int:
        return access_requests.request_access(db.session, account, service, siret, role(service, role_code)).id

    camille = person(db.session, "camille@formaloire.example", FORMALOIRE_NANTES, "COLLEGUE", "Camille")
    lou = person(db.session, "lou@formaloire.example", FORMALOIRE_NANTES, "DEMANDEUR", "Lou")
    noa = person(db.session, "noa@formaloire.example", FORMALOIRE_ESTUAIRE, "VOISIN", "Noa")
    opco_manager = person(db.session, "gestion@opco.example", OPCO_PARIS, "ETRANGER", "Eli")
    habilitate(db.session, opco_manager, soffi, "gestionnaire")  # OPCO's own gestionnaire decides its requests
    jules = person(db.session, "jules@opco.example", OPCO_PARIS, "OPCOLAIS", "Jules")
    ines = person(db.session, "ines@opco.example", OPCO_NANTES, "ATTENDOPCO", "Inès")
    return Ids(
        colleague=camille.id,
        colleague_habilitation=habilitate(db.session, camille, soffi, "consultation").id,
        own_requester=lou.id,
        own_request=ask(lou, soffi, FORMALOIRE_NANTES, "consultation"),
        neighbour_habilitation=habilitate(db.session, noa, soffi, "consultation").id,
        neighbour_request=ask(noa, soffi, FORMALOIRE_ESTUAIRE, "organisme_collecteur"),
        opco_person=jules.id,
        opco_habilitation=habilitate(db.session, jules, soffi, "consultation").id,
        opco_requester=ines.id,
        opco_request=ask(ines, soffi, OPCO_NANTES, "consultation"),
        sofi_habilitation=habilitate(db.session, camille, sofi, "contributeur").id,
        sofi_request=ask(lou, sofi, FORMALOIRE_NANTES, "consultation"),
    )


@pytest.fixture
def browser(client: webtest.TestApp, manager: Account, ids: Ids) -> webtest.TestApp:
    """Sam GERANTE, logged in (after the data: their own pages show it)."""
    log_in(client, manager.email)
    return client


def snapshot() -> Snapshot:
    """Every row of the tables an action could write, as the database has them now."""
    db.session.expire_all()
    tables = {name: db.metadata.tables[name] for name in WATCHED}
    return {
        name: [dict(row._mapping) for row in db.session.execute(select(table).order_by(table.c.id))]
        for name, table in tables.items()
    }


def refused_attempts(before: Snapshot) -> list[tuple[int | None, str | None]]:
    """Checks nothing was written since `before` but the journal's rows of refused attempts; returns them
    as (actor, SIREN)."""
    after = snapshot()
    journal, known = after.pop("audit_event"), before["audit_event"]
    assert after == {name: rows for name, rows in before.items() if name != "audit_event"}
    assert journal[: len(known)] == known
    added = journal[len(known) :]
    assert [row["event"] for row in added] == [AuditEventType.HABILITATION_DENIED] * len(added)
    return [(row["account_id"], row["siren"]) for row in added]


def own_page(browser: webtest.TestApp, ids: Ids, query: str) -> webtest.TestResponse:
    return browser.get(f"{USERS}?{query.format(**asdict(ids))}")


# Where each of the gestionnaire's own forms is shown: the pages the attacker starts from.
OWN_FORMS = {
    "valider": "personne={own_requester}",
    "refuser": "personne={own_requester}",
    "modifier": "personne={colleague}&modifier={colleague_habilitation}",
    "supprimer": "personne={colleague}&supprimer={colleague_habilitation}",
}


def own_form(browser: webtest.TestApp, ids: Ids, action: str) -> webtest.Form:
    """The gestionnaire's own form, filled so that it would write something: a reason, another role."""
    real = form(own_page(browser, ids, OWN_FORMS[action]), f"/{action}")
    if action == "refuser":
        real[f"refuser-{ids.own_request}-reason"] = "Vous ne travaillez pas sur la collecte."
    if action == "modifier":
        real["modifier-role"] = "organisme_collecteur"
    return real


def aimed_at(
    real: webtest.Form, target: int, status: int, values: dict[str, str] | None = None
) -> webtest.TestResponse:
    """The real form sent with another id, in its address and in its fields' prefix (« valider-12-role »):
    its CSRF token stays valid, only the id says whose data it is about."""
    found = re.search(r"/(\d+)/", real.action)
    assert found is not None, real.action
    own = found.group(1)
    fields = dict((name.replace(f"-{own}-", f"-{target}-"), value) for name, value in real.submit_fields())
    fields.update(values or {})
    action = real.action.replace(f"/{own}/", f"/{target}/", 1)
    return real.response.test_app.post(action, fields, status=status)


def shows_nothing_of_opco(page: webtest.TestResponse, ids: Ids, typed: str = "") -> None:
    """No OPCO name or e-mail (but what the gestionnaire typed), no form or link for OPCO's data."""
    for trace in OPCO_TRACES:
        assert trace == typed or trace not in page.text
    assert f"/habilitations/{ids.opco_habilitation}/" not in page.text
    assert f"/demandes/{ids.opco_request}/" not in page.text


# --- deciding, changing and deleting: another company's data, or another service's --------------


@pytest.mark.parametrize("action", ["valider", "refuser"])
@pytest.mark.parametrize(
    ("target", "journal"),
    [
        pytest.param("opco_request", [OPCO], id="another-company"),
        pytest.param("sofi_request", [], id="another-service"),
    ],
)
def test_deciding_a_request_of_another_company_or_service_is_forbidden(browser, manager, ids, action, target, journal):
    """The gestionnaire sees « Seuls les gestionnaires de SOFFi… » (403); the request stays pending, no mail goes."""
    real = own_form(browser, ids, action)
    before = snapshot()

    refused = aimed_at(real, getattr(ids, target), 403)

    assert NOT_GESTIONNAIRE in refused.text
    shows_nothing_of_opco(refused, ids)
    assert refused_attempts(before) == [(manager.id, siren) for siren in journal]


@pytest.mark.parametrize("action", ["modifier", "supprimer"])
@pytest.mark.parametrize(
    ("target", "journal"),
    [
        pytest.param("opco_habilitation", [OPCO], id="another-company"),
        pytest.param("sofi_habilitation", [], id="another-service"),
    ],
)
def test_changing_or_deleting_a_habilitation_of_another_company_or_service_is_forbidden(
    browser, manager, ids, action, target, journal
):
    """403 « Seuls les gestionnaires de SOFFi… »: the holder keeps their role, unchanged, and gets no mail."""
    real = own_form(browser, ids, action)
    before = snapshot()

    refused = aimed_at(real, getattr(ids, target), 403)

    assert NOT_GESTIONNAIRE in refused.text
    shows_nothing_of_opco(refused, ids)
    assert refused_attempts(before) == [(manager.id, siren) for siren in journal]


@pytest.mark.parametrize(
    ("find", "target", "journal"),
    [
        pytest.param(habilitations.get_managed_habilitation, "opco_habilitation", [OPCO], id="habilitation-opco"),
        pytest.param(habilitations.get_managed_habilitation, "sofi_habilitation", [], id="habilitation-sofi"),
        pytest.param(access_requests.get_request_to_decide, "opco_request", [OPCO], id="request-opco"),
        pytest.param(access_requests.get_request_to_decide, "sofi_request", [], id="request-sofi"),
    ],
)
def test_the_services_hand_out_nothing_of_another_company_or_service(soffi, manager, ids, find, target, journal):
    """Whoever calls them, the gates of ✎, 🗑, ✓ and ✗ refuse on their own (the views check the company again)."""
    before = snapshot()

    with pytest.raises(habilitations.NotGestionnaire):
        find(db.session, manager, soffi, getattr(ids, target))

    db.session.rollback()
    assert refused_attempts(before) == [(manager.id, siren) for siren in journal]


def test_a_siret_slipped_into_the_change_form_is_ignored(browser, ids):
    """✎ offers a role and an end date, never a SIRET: a forged one changes nothing (« Aucune modification »)."""
    real = own_form(browser, ids, "modifier")
    before = snapshot()

    answer = aimed_at(
        real, ids.colleague_habilitation, 302, {"modifier-siret": OPCO_PARIS, "modifier-role": "consultation"}
    )

    assert "Aucune modification : l'habilitation est restée telle quelle." in alert_text(answer.follow())
    assert refused_attempts(before) == []
    habilitation = db.session.get(Habilitation, ids.colleague_habilitation)
    assert habilitation is not None
    assert (habilitation.siret, habilitation.company_siren) == (FORMALOIRE_NANTES, FORMALOIRE)


@pytest.mark.parametrize(
    ("action", "target", "table"),
    [
        ("valider", "neighbour_request", "access_request"),
        ("refuser", "neighbour_request", "access_request"),
        ("modifier", "neighbour_habilitation", "habilitation"),
        ("supprimer", "neighbour_habilitation", "habilitation"),
    ],
)
def test_the_same_forged_posts_work_within_the_company(browser, ids, action, target, table):
    """Control: aimed at Noa, another person of FORMA'LOIRE, the same forged posts are obeyed; so the refusals
    above come from the company and service checks, not from a stale token or a misnamed field."""
    real = own_form(browser, ids, action)
    before = snapshot()

    aimed_at(real, getattr(ids, target), 302)

    assert snapshot()[table] != before[table]


# --- adding -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "siret", "typed", "field", "message"),
    [
        pytest.param(
            "jules@opco.example",
            FORMALOIRE_NANTES,
            False,
            "ajout-email",
            "Aucun compte actif de votre entreprise ne correspond à cette adresse électronique.",
            id="person-of-another-company",
        ),
        pytest.param(
            "camille@formaloire.example",
            OPCO_PARIS,
            False,
            "ajout-siret",
            "Sélectionnez un établissement de votre entreprise dans la liste.",
            id="siret-of-another-company-in-the-list",
        ),
        pytest.param(
            "camille@formaloire.example",
            OPCO_PARIS,
            True,
            "ajout-siret",
            "Ce SIRET n'est pas celui d'un établissement de votre entreprise.",
            id="siret-of-another-company-typed",
        ),
    ],
)
def test_adding_a_habilitation_outside_the_company_is_refused_next_to_the_field(
    browser, ids, monkeypatch, email, siret, typed, field, message
):
    """The form comes back (422) with the reason under the field; no habilitation, no mail."""
    if typed:
        monkeypatch.setattr(service_users, "MAX_LISTED_ESTABLISHMENTS", 2)  # FORMA'LOIRE has three
    add = form(browser.get(f"{USERS}?ajouter=1"), "/ajouter")
    add["ajout-email"], add["ajout-role"] = email, "organisme_collecteur"
    if typed:
        add["ajout-siret"] = siret
    else:
        add["ajout-siret"].force_value(siret)  # not among the options: as a browser's developer tools would
    before = snapshot()

    refused = add.submit(status=422)

    assert field_error(refused, field).startswith(message)
    shows_nothing_of_opco(refused, ids, typed=email)
    assert refused_attempts(before) == []


def test_adding_through_the_other_companys_screen_is_forbidden(browser, manager, ids):
    """The add form posted to « ?siren=<OPCO> »: 403, and the attempt is in the journal of OPCO."""
    add = form(browser.get(f"{USERS}?ajouter=1"), "/ajouter")
    assert f"siren={FORMALOIRE}" in add.action
    fields = dict(add.submit_fields())
    fields.update(
        {"ajout-email": "jules@opco.example", "ajout-role": "organisme_collecteur", "ajout-siret": OPCO_PARIS}
    )
    before = snapshot()

    refused = browser.post(add.action.replace(FORMALOIRE, OPCO), fields, status=403)

    assert NOT_GESTIONNAIRE in refused.text
    assert refused_attempts(before) == [(manager.id, OPCO)]


@pytest.mark.parametrize(
    ("email", "siret"),
    [("jules@opco.example", FORMALOIRE_NANTES), ("camille@formaloire.example", OPCO_PARIS)],
)
def test_the_service_refuses_a_person_or_siret_of_another_company_whatever_the_form(soffi, manager, ids, email, siret):
    """Whoever calls it (a form that forgot its check, a command), `add_habilitation` keeps to the company."""
    before = snapshot()
    with pytest.raises(habilitations.NotInCompany):
        habilitations.add_habilitation(
            db.session, manager, soffi, FORMALOIRE, email, role(soffi, "organisme_collecteur"), siret, None
        )
    db.session.rollback()
    assert refused_attempts(before) == []


# --- looking -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status", "journal"),
    [
        ("personne={opco_person}", 404, []),
        ("personne={opco_requester}", 404, []),
        ("modifier={opco_habilitation}", 200, []),
        ("personne={colleague}&modifier={opco_habilitation}", 200, []),
        ("supprimer={opco_habilitation}", 200, []),
        ("personne={colleague}&supprimer={opco_habilitation}", 200, []),
        ("personne={colleague}&ajouter=1&siren={opco_siren}", 403, [OPCO]),
        ("siren={opco_siren}", 403, [OPCO]),
        ("siren={opco_siren}&personne={opco_person}", 403, [OPCO]),
    ],
)
def test_the_screen_shows_nothing_of_another_company_whatever_the_address(
    browser, manager, ids, query, status, journal
):
    """An OPCO id or SIREN in the address: « Page non trouvée », the 403 page, or FORMA'LOIRE's own screen
    without any form for OPCO's data; never an OPCO name or e-mail."""
    before = snapshot()

    page = browser.get(f"{USERS}?{query.format(opco_siren=OPCO, **asdict(ids))}", status=status)

    shows_nothing_of_opco(page, ids)
    assert {404: NOT_FOUND, 403: NOT_GESTIONNAIRE, 200: "Utilisateurs du service"}[status] in page.text
    html = BeautifulSoup(page.text, "html.parser")
    assert html.select_one("#confirmation-suppression") is None
    if status == 200 and "personne=" in query:
        panel = html.select_one("#personne")
        assert panel is not None and "Camille COLLEGUE" in panel.get_text(" ", strip=True)
    assert refused_attempts(before) == [(manager.id, siren) for siren in journal]


# --- withdrawing someone else's request (« Mes démarches ») ------------------------------------------------


@pytest.mark.parametrize("target", ["opco_request", "own_request"])
def test_nobody_withdraws_a_request_that_is_not_theirs(browser, manager, ids, target):
    """Sam's own « Annuler ma demande » form, aimed at Inès's (OPCO) or Lou's (same company) request:
    « Page non trouvée » (a bad token would have been a 400), and the request is still pending."""
    bpf = services(db.session)["bpf"]
    access_requests.request_access(db.session, manager, bpf, FORMALOIRE_ANJOU, role(bpf, "declarant"))
    real = form(browser.get("/portail/services/"), "/annuler")
    before = snapshot()

    refused = aimed_at(real, getattr(ids, target), 404)

    assert NOT_FOUND in refused.text
    assert refused_attempts(before) == []
    pending = db.session.get(AccessRequest, getattr(ids, target))
    assert pending is not None and pending.status is AccessRequestStatus.PENDING
