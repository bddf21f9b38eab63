"""« Tableau de bord » (guide 003): each counter equals what a person counts by hand in a known dataset, on both
sides of each date boundary; each loupe lists exactly what its row counts; the Carif-Oref sees the region."""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
import webtest
from flask import Flask
from sqlalchemy import select

from rp_sofi import messages
from rp_sofi.access import Scope
from rp_sofi.extensions import db
from rp_sofi.models import Action, RecordStatus, Site
from rp_sofi.services import dashboard, workflow
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import FORMALOIRE, IDMV, IDMV_CHOLET, LogIn

# 31 January: « in less than a month » ends on 28 February (the last day of the shorter month).
TODAY = date(2026, 1, 31)
IN_A_MONTH = date(2026, 2, 28)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 1, 31, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def dataset(sofi_app: Flask, frozen: None) -> dict[str, Action]:
    """IDMV (La Roche-sur-Yon, 85) and FORMA'LOIRE (Nantes, 44), every state once or more."""
    s = db.session
    idmv = f.make_etablissement(s, IDMV)
    f.make_site(s, IDMV, "IDMV atelier")
    f.make_site(s, IDMV, "IDMV nouveau site", status=RecordStatus.EN_ATTENTE_VALIDATION)
    validee = [
        (date(2025, 9, 1), TODAY),  # ends today: active, and inactive within a month
        (date(2025, 9, 1), IN_A_MONTH),  # ends in exactly one month: active, not « bientôt »
        (date(2025, 9, 1), date(2026, 1, 30)),  # ended yesterday: inactive
        (date(2025, 9, 1), date(2026, 2, 27)),  # the day before: « bientôt »
        (date(2026, 3, 1), date(2026, 8, 31)),
    ]
    publique = [
        (TODAY, f.days(TODAY, 10)),  # public, active: « publiques actives » only
        (date(2025, 9, 1), f.days(TODAY, -5)),  # public, ended: in no row
    ]
    upcoming = [(TODAY, f.days(TODAY, 60))]
    actions = {
        "saisie-vide": f.make_action(s, IDMV),
        "saisie": f.make_action(s, IDMV, sessions=upcoming),
        "attente": f.submit(s, f.make_action(s, IDMV, sessions=upcoming), TODAY),
        "question": f.ask(s, f.make_action(s, IDMV, sessions=upcoming), TODAY),
        "validee": f.validate(s, f.make_action(s, IDMV, 999001, sessions=validee), TODAY),
        "publique": f.validate(s, f.make_action(s, IDMV, 999002, public=True, sessions=publique), TODAY),
        "remplacee": f.validate(s, f.make_action(s, IDMV, 999004, sessions=[(TODAY, f.days(TODAY, 100))]), TODAY),
        "reouverte": f.validate(s, f.make_action(s, IDMV, 999005, sessions=[(TODAY, f.days(TODAY, 50))]), TODAY),
        "formaloire": f.validate(s, f.make_action(s, FORMALOIRE, sessions=[(TODAY, f.days(TODAY, 30))]), TODAY),
        "formaloire-saisie": f.make_action(s, FORMALOIRE),
    }
    workflow.replace_certifinfo(s, actions["remplacee"], f.carif_scope(), 999003, "Mauvais titre")
    workflow.before_edit(s, actions["reouverte"], f.of_scope(IDMV))  # validated, edited: en saisie, still online
    f.make_etablissement(s, FORMALOIRE).status = RecordStatus.EN_ATTENTE_VALIDATION
    assert idmv.status is RecordStatus.ACTIF
    s.commit()
    return actions


IDMV_COUNTS = {
    "en-saisie": 3,  # saisie-vide, saisie, reouverte
    "attente-validation": 1,
    "attente-reponses": 1,
    "certifinfo-remplace": 1,
    "sessions-actives": 6,  # 4 of « validee » (not the ended one), remplacee, reouverte
    "sessions-bientot-inactives": 2,  # ends today, ends the day before the month
    "sessions-inactives": 1,  # ended yesterday (the ended public one is in no row)
    "sessions-publiques": 1,
    "annuaire-attente": 1,  # the new site
    "annuaire-actifs": 3,  # the établissement, its main site, the atelier
}
REGION_COUNTS = IDMV_COUNTS | {
    "en-saisie": 4,
    "sessions-actives": 7,  # + FORMA'LOIRE's, ending on 2 March: not « bientôt »
    "annuaire-attente": 2,  # + FORMA'LOIRE's établissement
    "annuaire-actifs": 4,  # + its main site
}


def shown_counts(page: webtest.TestResponse) -> dict[str, int]:
    """Each row's count as the page shows it, by the row's label."""
    counts = {}
    for row in page.html.select("tbody tr"):
        label, count = row.find("th"), row.find("td", class_="dashboard-count")
        if label and count:
            counts[label.get_text(strip=True)] = int(count.get_text(strip=True))
    return counts


def by_label(counts: dict[str, int]) -> dict[str, int]:
    return {messages.DASHBOARD_ROWS[key]: value for key, value in counts.items()}


def test_counters_of_an_organisation_are_the_hand_counted_ones(
    dataset: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("consultation", siret=IDMV)
    page = sofi.get("/")
    assert page.html.find("h1").get_text() == "Tableau de bord"
    assert shown_counts(page) == by_label(IDMV_COUNTS)
    assert [h.get_text() for h in page.html.select("table caption")] == ["Actions", "Sessions", "Sites et contacts"]


def test_the_carif_oref_counts_the_whole_region_and_filters_by_departement(
    dataset: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("valideur_carif", siret=f.CARIF_SIRET)
    assert shown_counts(sofi.get("/")) == by_label(REGION_COUNTS)
    loire_atlantique = sofi.get("/").forms["filtre-departement"]
    loire_atlantique["departement"] = "44"
    counts = shown_counts(loire_atlantique.submit())
    assert counts == by_label(dict.fromkeys(IDMV_COUNTS, 0) | {
        "en-saisie": 1, "sessions-actives": 1, "annuaire-attente": 1, "annuaire-actifs": 1,
    })  # fmt: skip
    assert shown_counts(sofi.get("/?departement=85")) == by_label(IDMV_COUNTS)


def test_an_unknown_departement_is_said_on_the_field_and_ignored(
    dataset: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("valideur_carif", siret=f.CARIF_SIRET)
    page = sofi.get("/?departement=75", status=422)
    assert "Choisissez un département des Pays de la Loire." in page.html.find(id="departement-messages").get_text()
    assert shown_counts(page) == by_label(REGION_COUNTS)


def test_another_organisation_sees_only_its_own(
    dataset: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("gestionnaire", siret=FORMALOIRE)
    assert shown_counts(sofi.get("/")) == by_label(dict.fromkeys(IDMV_COUNTS, 0) | {
        "en-saisie": 1, "sessions-actives": 1, "annuaire-attente": 1, "annuaire-actifs": 1,
    })  # fmt: skip
    assert sofi.get("/?departement=85").html.find(id="departement") is None  # no filter for an organisation
    log_in("contributeur", siret=IDMV_CHOLET)  # the antenna is another SIRET: nothing yet
    assert set(shown_counts(sofi.get("/")).values()) == {0}


def listed(page: webtest.TestResponse) -> list[str]:
    """The first cell of each row of the list under the counters."""
    section = page.html.find(id="liste")
    return [row.find("td").get_text(strip=True) for row in section.select("tbody tr")] if section else []


@pytest.mark.parametrize("key", list(IDMV_COUNTS))
def test_each_loupe_lists_exactly_what_its_row_counts(
    key: str, dataset: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("consultation", siret=IDMV)
    scope = Scope(IDMV, frozenset({"consultation"}), "sub", "name")
    filters = dashboard.Filter(scope.sirets, TODAY)
    label = messages.DASHBOARD_ROWS[key]
    page = sofi.get("/").click(href=f"liste={key}", description=re.compile(re.escape(label), re.I))
    items = listed(page)
    assert len(items) == IDMV_COUNTS[key] == dashboard.items(db.session, key, filters).total
    assert page.html.find(id="liste-titre").get_text() == f"{label} ({IDMV_COUNTS[key]})"


def test_the_loupe_names_its_row_and_links_each_item_to_its_page(
    dataset: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("consultation", siret=IDMV)
    page = sofi.get("/")
    loupe = page.html.find("a", href=re.compile("liste=attente-reponses"))
    assert loupe["title"] == "Afficher les actions de formation en attente de réponses"
    question = dataset["question"]
    page = sofi.get("/?liste=attente-reponses")
    assert listed(page) == [f"Action {question.id}"]
    assert page.html.find(id="liste").find("a")["href"] == f"/actions/{question.id}/recapitulatif"
    sessions = sofi.get("/?liste=sessions-bientot-inactives")
    ends = [row.select("td")[-1].get_text() for row in sessions.html.find(id="liste").select("tbody tr")]
    assert ends == ["31/01/2026", "27/02/2026"]  # soonest end first
    sites = sofi.get("/?liste=annuaire-attente")
    assert "IDMV nouveau site" in sites.html.find(id="liste").get_text()
    pending = db.session.scalar(select(Site).where(Site.status == RecordStatus.EN_ATTENTE_VALIDATION))
    assert sites.html.find(id="liste").find("a")["href"] == f"/annuaire?site={pending.id}"


def test_the_carif_oref_opens_the_annuaire_of_the_listed_organisation(
    dataset: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in("valideur_carif", siret=f.CARIF_SIRET)
    links = [a["href"] for a in sofi.get("/?liste=annuaire-attente").html.find(id="liste").select("tbody a")]
    assert links[0] == f"/annuaire?siret={FORMALOIRE}"  # établissements first
    assert links[1].startswith(f"/annuaire?siret={IDMV}&site=")


def test_an_unknown_list_shows_no_list(dataset: dict[str, Action], sofi: webtest.TestApp, log_in: LogIn) -> None:
    log_in("consultation", siret=IDMV)
    assert sofi.get("/?liste=nimporte-quoi&page=abc").html.find(id="liste") is None


def test_a_long_list_is_paged(sofi_app: Flask, frozen: None, sofi: webtest.TestApp, log_in: LogIn) -> None:
    for _ in range(dashboard.LIST_SIZE + 3):
        f.make_action(db.session, IDMV)
    db.session.commit()
    log_in("consultation", siret=IDMV)
    first = sofi.get("/?liste=en-saisie")
    assert len(listed(first)) == dashboard.LIST_SIZE
    second = first.click(description="Page suivante")
    assert len(listed(second)) == 3 and "liste=en-saisie" in second.request.url


def test_pages_of_actions_follow_each_other_in_id_order_with_their_own_organisation(
    sofi_app: Flask, frozen: None
) -> None:
    """The loupe pages the actions' ids first, then joins their formation, site and établissement."""
    made = [f.make_action(db.session, siret) for siret in (IDMV, FORMALOIRE) * 27]
    db.session.commit()
    filters = dashboard.Filter(None, TODAY)
    first, second = (dashboard.items(db.session, "en-saisie", filters, page) for page in (1, 2))
    assert first.total == second.total == 54 and len(first.items) == dashboard.LIST_SIZE
    seen = [(item.id, item.siret) for item in first.items + second.items]
    assert seen == sorted((action.id, action.siret) for action in made)
    in_nantes = dashboard.items(db.session, "en-saisie", dashboard.Filter(None, TODAY, "44"))
    assert in_nantes.total == 27 and {item.siret for item in in_nantes.items} == {FORMALOIRE}


def test_paging_across_etablissements_and_sites(sofi_app: Flask, frozen: None) -> None:
    for siret in (IDMV, FORMALOIRE, IDMV_CHOLET):
        f.make_etablissement(db.session, siret)
    for number in range(dashboard.LIST_SIZE):
        f.make_site(db.session, IDMV, f"Site {number}")
    filters = dashboard.Filter(None, TODAY)
    first, second = (dashboard.items(db.session, "annuaire-actifs", filters, page) for page in (1, 2))
    assert first.total == second.total == 3 + 3 + dashboard.LIST_SIZE
    assert [item.kind for item in first.items[:4]] == ["Etablissement"] * 3 + ["Site"]
    seen = [(item.kind, item.id) for item in first.items + second.items]
    assert len(seen) == len(set(seen)) == first.total and len(second.items) == 6


def test_one_month_later_is_the_same_day_or_the_end_of_a_shorter_month() -> None:
    assert dashboard.add_one_month(date(2026, 1, 31)) == date(2026, 2, 28)
    assert dashboard.add_one_month(date(2026, 3, 15)) == date(2026, 4, 15)
    assert dashboard.add_one_month(date(2026, 12, 31)) == date(2027, 1, 31)


def test_visitors_get_the_home_page_with_the_activation_links(sofi_app: Flask, sofi: webtest.TestApp) -> None:
    page = sofi.get("/")
    assert page.html.find("a", string="Se connecter avec Mes démarches")["href"] == "/connexion"
    key = page.html.find("a", string="J'ai reçu une clé d'activation et je veux créer mon compte")
    assert key["href"] == "http://127.0.0.1:9/services/sofi/cle-activation"
    ask = page.html.find("a", string="Je n'ai pas de clé d'activation et souhaite en faire la demande")
    assert ask["href"] == sofi_app.config["RP_PORTAL_URL"] + "portail/services/sofi/ajouter"


def test_someone_without_a_sofi_role_here_gets_the_shared_home(sofi: webtest.TestApp, log_in: LogIn) -> None:
    log_in()
    page = sofi.get("/")
    assert "Vous n'avez encore aucune habilitation pour SOFI" in page.text
    assert "Tableau de bord" not in page.html.find("h1").get_text()


def test_the_dashboard_offers_the_lheo_export(sofi_app: Flask, sofi: webtest.TestApp, log_in: LogIn) -> None:
    log_in("consultation", siret=IDMV)
    assert sofi.get("/").html.find("a", string=re.compile("Exporter"))["href"] == "/export/lheo.xml"


def test_a_gestionnaire_is_asked_to_check_the_establishment_until_its_domains_are_given(
    sofi: webtest.TestApp, log_in: LogIn
) -> None:
    """Guide 003, step 4: at the first visit the gestionnaire checks the establishment's information."""
    log_in("gestionnaire", siret=IDMV)
    first = sofi.get("/")
    assert "Vérifiez les informations de votre établissement" in first.text
    assert first.click(description="Vérifier mon établissement").request.path == "/annuaire"
    f.make_etablissement(db.session, IDMV, domaines=["14201"])
    db.session.commit()
    assert "Vérifiez les informations de votre établissement" not in sofi.get("/").text


@pytest.mark.parametrize("role", ["contributeur", "consultation"])
def test_only_the_gestionnaire_is_asked_to_check_the_establishment(
    role: str, sofi: webtest.TestApp, log_in: LogIn
) -> None:
    log_in(role, siret=IDMV)
    assert "Vérifiez les informations de votre établissement" not in sofi.get("/").text
