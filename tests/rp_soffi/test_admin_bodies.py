"""« Organismes collecteurs » (soffi.md §5.6): the register listed, filtered, searched and paged in SQL; a body added
by the SIRET of its head office, changed, deactivated (its users are then told their body is not referenced, §8)
and reactivated, each action in the body's journal; every bad field refused next to it, nothing written; the type
locked once a statement was filed; agents only."""

from pathlib import Path

import pytest
import webtest
from sqlalchemy import select

from rp_soffi import messages
from rp_soffi.models import BodyEvent, BodyEventType, CollectingBody, Statement
from rp_soffi.services import bodies
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.values import StatementData
from shared.identifiers import SIRET_INVALID_MESSAGE
from shared.oidc_client.messages import FORBIDDEN_TITLE
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn
from tests.rp_soffi.factories import AGENT, OPCO_SIRET, make_body, make_campaign, make_draft, make_filed
from tests.rp_soffi.web import alert_text, count, form_to, fresh, messages_of, text, title

NEW_SIRET = "99972281200016"  # OPCO DEMO INDUSTRIES ET SERVICES' head office
SAME_SIREN = "99972281200024"  # another establishment of the same SIREN


def register(session, how_many: int) -> None:
    """Bodies with made-up SIRENs (the register's checks are the services'); every third one inactive."""
    for number in range(how_many):
        session.add(
            CollectingBody(
                siren=f"8{number:08d}",
                siret_siege=f"8{number:08d}00010",
                name=f"ORGANISME {number:03d}",
                body_type=BodyType.FAF if number % 2 else BodyType.OPCO,
                agrement_ref=f"AGR-{number}",
                branches_count=number,
                active=number % 3 != 0,
            )
        )
    session.commit()


def agent_page(soffi: webtest.TestApp, log_in: LogIn, url: str, **kwargs) -> webtest.TestResponse:
    log_in("agent_dgefp", AGENT_SIRET)
    return soffi.get(url, **kwargs)


def warning_shown(page: webtest.TestResponse) -> bool:
    return messages.FILTER_INVALID in alert_text(page)


def test_the_register_is_listed_filtered_searched_and_paged(session, soffi, log_in: LogIn) -> None:
    register(session, 25)
    page = agent_page(soffi, log_in, "/admin/organismes")
    assert title(page).startswith("Organismes collecteurs")
    assert text(page, "nombre-organismes") == "25 organismes"
    rows = page.html.select("#organismes tbody tr")
    assert len(rows) == 20
    assert " ".join(rows[0].get_text(" ").split()) == "ORGANISME 000 800000000 Opérateur de compétences AGR-0 0 Non"
    assert " ".join(rows[1].get_text(" ").split()) == "ORGANISME 001 800000001 Fonds d'assurance formation AGR-1 1 Oui"
    second = page.click(description="Page suivante")
    assert len(second.html.select("#organismes tbody tr")) == 5 and "ORGANISME 024" in text(second, "organismes")
    form = page.forms["filtres"]
    form["type"] = "FAF"
    faf = form.submit()
    assert text(faf, "nombre-organismes") == "12 organismes"
    form["type"], form["q"] = "", "organisme 01"
    by_name = form.submit()
    assert text(by_name, "nombre-organismes") == "10 organismes"  # 010 to 019, any case
    form["q"] = "800 000 02"
    by_siren = form.submit()
    assert text(by_siren, "nombre-organismes") == "5 organismes"  # 020 to 024
    form["q"] = "%"
    assert text(form.submit(), "nombre-organismes") == "0 organisme"  # a wildcard is a character like any other


@pytest.mark.parametrize(
    "query", ["page=abc", f"page={10**30}", "page=-1", "type=PAS_UN_TYPE", "q=" + "x" * 101, "page=%C2%B2"]
)
def test_odd_parameters_of_the_register_are_ignored_with_a_message(session, soffi, log_in: LogIn, query) -> None:
    register(session, 3)
    page = agent_page(soffi, log_in, f"/admin/organismes?{query}")
    assert page.status_int == 200 and warning_shown(page)
    assert text(page, "nombre-organismes") == "3 organismes"


def test_an_agent_adds_a_body_to_the_register(session, soffi, log_in: LogIn) -> None:
    page = agent_page(soffi, log_in, "/admin/organismes").click(description="Ajouter un organisme")
    form = page.forms["ajout"]
    form["siret_siege"] = "999 722 812 00016"
    form["name"] = "  OPCO DEMO INDUSTRIES ET SERVICES "
    form["body_type"] = "OPCO"
    form["agrement_ref"] = "Arrêté du 29 mars 2019"
    form["branches_count"] = "53"
    page = form.submit().follow()
    assert messages.BODY_REGISTERED.format(name="OPCO DEMO INDUSTRIES ET SERVICES") in alert_text(page)
    assert "SIREN : 999722812" in text(page, "identite") and "SIRET du siège : 99972281200016" in text(page, "identite")
    assert "Ajout au registre" in text(page, "journal") and "Claire AGENT_DGEFP" in text(page, "journal")
    fresh()
    body = session.scalar(select(CollectingBody))
    assert (body.name, body.body_type, body.agrement_ref, body.branches_count, body.active) == (
        "OPCO DEMO INDUSTRIES ET SERVICES", BodyType.OPCO, "Arrêté du 29 mars 2019", 53, True
    )  # fmt: skip
    event = session.scalar(select(BodyEvent))
    assert (event.body_id, event.event, event.actor_sub, event.actor_role) == (
        body.id, BodyEventType.REGISTERED, "sub-agent_dgefp", "agent_dgefp"
    )  # fmt: skip
    assert bodies.find_body(session, "999722812").id == body.id  # its users are referenced at once


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret_siege", "99972281200017", SIRET_INVALID_MESSAGE),  # wrong key
        ("siret_siege", "", messages.BODY_SIRET_REQUIRED),
        ("name", "O" * 201, messages.TOO_LONG.format(limit=200)),
        ("name", "   ", messages.BODY_NAME_REQUIRED),
        ("name", "OPCO\x00", "caractère de contrôle"),
        ("body_type", "PAS_UN_TYPE", messages.BODY_TYPE_REQUIRED),
        ("agrement_ref", "A" * 51, messages.TOO_LONG.format(limit=50)),
        ("branches_count", "-3", messages.BODY_BRANCHES),
        ("branches_count", "2,5", messages.BODY_BRANCHES),
        ("branches_count", "9" * 40, messages.BODY_BRANCHES),
    ],
)
def test_each_bad_field_is_refused_next_to_it_and_nothing_is_written(
    session, soffi, log_in: LogIn, field: str, value: str, message: str
) -> None:
    form = agent_page(soffi, log_in, "/admin/organismes/nouveau").forms["ajout"]
    values = {"siret_siege": NEW_SIRET, "name": "OPCO DEMO", "body_type": "OPCO", "branches_count": "2"}
    for name, typed in (values | {field: value}).items():
        if name == "body_type":
            form[name].force_value(typed)
        else:
            form[name] = typed
    page = form.submit(status=422)
    assert title(page).startswith("Erreur")
    assert message in messages_of(page, field)
    control = page.html.find(id=field)
    assert "-messages" in control["aria-describedby"] and control["aria-invalid"] == "true"
    group = page.html.find(id=f"{field}-group")
    assert {"fr-input-group--error", "fr-select-group--error"} & set(group["class"])
    others = set(values) - {field}
    assert all(messages_of(page, other) == "" for other in others)
    fresh()
    assert count(CollectingBody) == 0 and count(BodyEvent) == 0


def test_a_siren_already_in_the_register_is_refused(session, soffi, log_in: LogIn) -> None:
    make_body(session)
    form = agent_page(soffi, log_in, "/admin/organismes/nouveau").forms["ajout"]
    form["siret_siege"], form["name"], form["body_type"] = SAME_SIREN, "OPCO DEMO NANTES", "OPCO"
    page = form.submit(status=422)
    assert messages.BODY_EXISTS in messages_of(page, "siret_siege")
    fresh()
    assert count(CollectingBody) == 1


def test_an_agent_changes_a_body_and_the_journal_says_what(session, soffi, log_in: LogIn) -> None:
    body = make_body(session)
    page = agent_page(soffi, log_in, f"/admin/organismes/{body.id}")
    assert page.html.find(id="siret_siege") is None  # the SIREN and SIRET are shown, never editable
    form = page.forms["modifier"]
    assert form["name"].value == "ORGANISME 999722812"
    form["name"], form["body_type"], form["agrement_ref"], form["branches_count"] = "OPCO EP", "FAF", "AGR-7", "12"
    page = form.submit().follow()
    assert messages.BODY_CHANGED in alert_text(page)
    journal = text(page, "journal")
    assert "Raison sociale : ORGANISME 999722812 → OPCO EP" in journal
    assert "Type d'organisme : Opérateur de compétences → Fonds d'assurance formation" in journal
    assert "Nombre de branches couvertes : — → 12" in journal
    fresh()
    body = session.get(CollectingBody, body.id)
    assert (body.siren, body.name, body.body_type, body.agrement_ref, body.branches_count) == (
        "999722812", "OPCO EP", BodyType.FAF, "AGR-7", 12
    )  # fmt: skip
    event = session.scalars(select(BodyEvent)).one()
    assert event.event is BodyEventType.CHANGED and event.changes["name"] == ["ORGANISME 999722812", "OPCO EP"]


def test_a_change_from_a_stale_page_is_refused(session, soffi, log_in: LogIn) -> None:
    body = make_body(session)
    form = agent_page(soffi, log_in, f"/admin/organismes/{body.id}").forms["modifier"]
    bodies.update_body(session, AGENT, body.id, body.lock, "AUTRE NOM", BodyType.OPCO, "", None, body.created_at)
    form["name"] = "MON NOM"
    page = form.submit().follow()
    assert messages.BODY_STALE in alert_text(page)
    fresh()
    assert session.get(CollectingBody, body.id).name == "AUTRE NOM"


def test_a_bad_change_is_refused_next_to_its_field(session, soffi, log_in: LogIn) -> None:
    body = make_body(session)
    form = agent_page(soffi, log_in, f"/admin/organismes/{body.id}").forms["modifier"]
    form["name"], form["branches_count"] = "", "-1"
    page = form.submit(status=422)
    assert messages.BODY_NAME_REQUIRED in messages_of(page, "name")
    assert messages.BODY_BRANCHES in messages_of(page, "branches_count")
    fresh()
    assert session.get(CollectingBody, body.id).name == "ORGANISME 999722812" and count(BodyEvent) == 0


def test_the_type_cannot_change_once_a_statement_was_filed(
    session, soffi, log_in: LogIn, attachments_folder: Path
) -> None:
    body = make_body(session)
    make_filed(session, body, make_campaign(session), attachments_folder)
    form = agent_page(soffi, log_in, f"/admin/organismes/{body.id}").forms["modifier"]
    form["body_type"], form["name"] = "TRANSITIONS_PRO", "NOUVEAU NOM"
    page = form.submit(status=422)
    assert messages.BODY_TYPE_LOCKED in messages_of(page, "body_type")
    fresh()
    body = session.get(CollectingBody, body.id)
    assert (body.body_type, body.name) == (BodyType.OPCO, "ORGANISME 999722812")  # nothing written
    form = page.forms["modifier"]
    form["body_type"] = "OPCO"
    assert messages.BODY_CHANGED in alert_text(form.submit().follow())  # the other fields still change


def test_a_draft_follows_a_new_type(session, soffi, log_in: LogIn) -> None:
    body = make_body(session)
    draft = make_draft(session, body, make_campaign(session))
    form = agent_page(soffi, log_in, f"/admin/organismes/{body.id}").forms["modifier"]
    form["body_type"] = "TRANSITIONS_PRO"
    form.submit().follow()
    fresh()
    data = StatementData.from_json(session.get(Statement, draft.id).figures)
    assert data.body_type is BodyType.TRANSITIONS_PRO and "R1" not in data.lines and "R7" in data.lines


def test_a_deactivated_body_s_users_are_told_it_is_not_referenced(session, soffi, log_in: LogIn) -> None:
    body = make_body(session)
    make_campaign(session)
    page = agent_page(soffi, log_in, f"/admin/organismes/{body.id}")
    page = form_to(page, f"/admin/organismes/{body.id}/desactiver").submit().follow()
    assert messages.BODY_DEACTIVATED.format(name=body.name) in alert_text(page)
    assert "Actif : Non" in text(page, "identite") and "Désactivation" in text(page, "journal")
    log_in("organisme_collecteur", OPCO_SIRET)
    refused = soffi.get("/campagnes", status=403)
    assert messages.NOT_REFERENCED in text(refused)
    log_in("agent_dgefp", AGENT_SIRET)
    page = form_to(soffi.get(f"/admin/organismes/{body.id}"), f"/admin/organismes/{body.id}/reactiver").submit()
    assert messages.BODY_REACTIVATED.format(name=body.name) in alert_text(page.follow())
    log_in("organisme_collecteur", OPCO_SIRET)
    assert "Campagne 2024" in text(soffi.get("/campagnes"))
    fresh()
    events = [e.event for e in session.scalars(select(BodyEvent).order_by(BodyEvent.id))]
    assert events == [BodyEventType.DEACTIVATED, BodyEventType.REACTIVATED]


def test_deactivating_twice_from_two_tabs_is_refused_the_second_time(session, soffi, log_in: LogIn) -> None:
    body = make_body(session)
    page = agent_page(soffi, log_in, f"/admin/organismes/{body.id}")
    form = form_to(page, f"/admin/organismes/{body.id}/desactiver")
    form.submit()
    assert messages.BODY_STALE in alert_text(form.submit().follow())
    fresh()
    assert count(BodyEvent) == 1


NEW_PAGES = ["/admin/organismes", "/admin/organismes/nouveau", "/admin/organismes/{id}", "/admin/comparaison"]
NEW_POSTS = [
    "/admin/organismes/nouveau",
    "/admin/organismes/{id}",
    "/admin/organismes/{id}/desactiver",
    "/admin/organismes/{id}/reactiver",
]


@pytest.mark.parametrize("role", ["organisme_collecteur", "consultation", "gestionnaire"])
def test_only_agents_reach_the_register_and_the_comparison(session, soffi, log_in: LogIn, role: str) -> None:
    body = make_body(session)
    log_in(role, OPCO_SIRET)
    for url in NEW_PAGES:
        assert title(soffi.get(url.format(id=body.id), status=403)).startswith(FORBIDDEN_TITLE)
    token = soffi.get("/").html.select_one("input[name=csrf_token]")["value"]  # the header's « Se déconnecter »
    fields = {"csrf_token": token, "siret_siege": SAME_SIREN, "name": "PIRATE", "body_type": "AUTRE", "lock": "1"}
    for url in NEW_POSTS:
        assert title(soffi.post(url.format(id=body.id), fields, status=403)).startswith(FORBIDDEN_TITLE)
    fresh()
    body = session.get(CollectingBody, body.id)
    assert (body.name, body.active, count(CollectingBody), count(BodyEvent)) == ("ORGANISME 999722812", True, 1, 0)


def test_an_unknown_body_is_a_404(session, soffi, log_in: LogIn) -> None:
    agent_page(soffi, log_in, "/admin/organismes/4242", status=404)
    agent_page(soffi, log_in, f"/admin/organismes/{10**30}", status=404)
