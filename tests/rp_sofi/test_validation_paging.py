"""The « File de validation » a page at a time (issue 18): each list (actions en attente de validation, en attente de
réponses, établissements and sites) counted and paged in SQL, oldest first, the département and « since » filters
kept from page to page, odd page numbers giving the nearest page, and the page read in the same few statements
however long the queue."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import webtest
from sqlalchemy import event

from rp_sofi.extensions import db
from rp_sofi.models import Action, ActionStatus, Etablissement, RecordStatus
from rp_sofi.services import annuaire, validation
from rp_sofi.services.validation import QueueFilter
from shared.paging import PAGE_SIZE
from tests.rp_sofi import factories as f
from tests.rp_sofi.conftest import FORMALOIRE, IDMV
from tests.rp_sofi.web import text

POSTAL_CODES = ("44000", "49000", "53000", "72000", "85000")  # one site of IDMV in each département
START = datetime(2026, 1, 5, 8, 0)


def make_pending(count: int, first: int = 0) -> list[Action]:
    """`count` actions en attente de validation, one département after the other, each sent a minute after the
    one before but made in reverse order, so that the ids run against the order the queue shows."""
    s = db.session
    etablissement = s.get(Etablissement, IDMV) or f.make_etablissement(s, IDMV)
    sites = {site.code_postal: site for site in etablissement.sites if site.code_postal in POSTAL_CODES}
    for code in POSTAL_CODES:
        sites.setdefault(code, f.make_site(s, IDMV, f"Site {code}", code_postal=code))
    made = [
        f.make_action(s, IDMV, site=sites[POSTAL_CODES[number % 5]], status=ActionStatus.EN_ATTENTE_VALIDATION,
                      submitted_at=START + timedelta(minutes=number))
        for number in reversed(range(first, first + count))
    ]  # fmt: skip
    s.commit()
    return sorted(made, key=lambda action: action.submitted_at or START)


@pytest.fixture
def crowd(sofi_app: Any) -> list[Action]:
    """120 actions waiting, 24 in each département, oldest first."""
    return make_pending(120)


def shown_actions(page: webtest.TestResponse, section: str = "actions") -> list[int]:
    rows = page.html.find(id=section).select("tbody tr")
    return [int(row["id"].removeprefix("action-")) for row in rows]


def ids(actions: list[Action]) -> list[int]:
    return [action.id for action in actions]


def test_the_first_page_holds_the_oldest_and_says_the_total(
    sofi: webtest.TestApp, carif: None, crowd: list[Action]
) -> None:
    page = sofi.get("/validation")
    assert shown_actions(page) == ids(crowd[:PAGE_SIZE])
    assert "Actions de formation en attente de validation (120)" in text(page, "actions")
    pager = page.html.find(id="actions").select_one("nav.fr-pagination")
    assert pager is not None and "Page suivante" in pager.get_text()


def test_the_next_and_the_last_pages(sofi: webtest.TestApp, carif: None, crowd: list[Action]) -> None:
    second = sofi.get("/validation").click(description="Page suivante", href="page_actions=2")
    assert shown_actions(second) == ids(crowd[PAGE_SIZE : 2 * PAGE_SIZE])
    last = second.click(description="Dernière page", href="page_actions=")
    assert shown_actions(last) == ids(crowd[-PAGE_SIZE:])  # 120 = 6 full pages
    assert last.html.find(id="actions").select_one("a[aria-current=page]").text == "6"


def test_the_departement_is_kept_from_page_to_page(sofi: webtest.TestApp, carif: None, crowd: list[Action]) -> None:
    in_44 = [action for action in crowd if action.site_dispensateur.code_postal.startswith("44")]
    form = sofi.get("/validation").forms["filtres"]
    form["departement"] = "44"
    first = form.submit()
    assert "(24)" in text(first, "actions") and shown_actions(first) == ids(in_44[:PAGE_SIZE])
    second = first.click(description="Page suivante", href="page_actions=2")
    assert "departement=44" in second.request.url
    assert shown_actions(second) == ids(in_44[PAGE_SIZE:])  # the last 4
    assert {row.select("td")[4].text for row in second.html.find(id="actions").select("tbody tr")} == {"44"}


def test_each_list_pages_on_its_own(sofi: webtest.TestApp, carif: None, crowd: list[Action], today: date) -> None:
    """Paging the actions keeps the page of the answers, and the reverse."""
    s = db.session
    sessions = [(today, f.days(today, 30))]
    asked = [f.ask(s, f.make_action(s, IDMV, sessions=sessions), today) for _ in range(PAGE_SIZE + 1)]
    s.commit()
    page = sofi.get("/validation", params={"page_reponses": "2"})
    assert shown_actions(page, "reponses") == [asked[-1].id]
    following = page.click(description="Page suivante", href="page_actions=2")
    assert shown_actions(following, "reponses") == [asked[-1].id]
    assert shown_actions(following) == ids(crowd[PAGE_SIZE : 2 * PAGE_SIZE])


@pytest.mark.parametrize(
    ("number", "shown"),
    [("abc", 1), ("0", 1), ("-3", 1), ("", 1), ("2.5", 1), ("1e3", 1), ("6", 6), ("7", 6), (str(10**30), 6),
     ("9" * 5000, 1)],
)  # fmt: skip
def test_an_odd_page_number_gives_the_nearest_page(
    sofi: webtest.TestApp, carif: None, crowd: list[Action], number: str, shown: int
) -> None:
    page = sofi.get("/validation", params={"page_actions": number, "page_reponses": number, "page_annuaire": number})
    assert shown_actions(page) == ids(crowd[(shown - 1) * PAGE_SIZE : shown * PAGE_SIZE])
    assert "Aucune action." in text(page, "reponses") and "Aucune fiche en attente." in text(page, "annuaire")


# The annuaire: établissements and sites, one list from two tables


def test_etablissements_and_sites_are_paged_together_oldest_first(sofi: webtest.TestApp, carif: None) -> None:
    s = db.session
    f.make_etablissement(s, IDMV)
    sent = [
        (START + timedelta(hours=number), f.make_site(s, IDMV, f"Site en attente {number}", code_postal=code,
                                                      status=RecordStatus.EN_ATTENTE_VALIDATION,
                                                      submitted_at=START + timedelta(hours=number)))
        for number, code in enumerate(POSTAL_CODES * 5)
    ]  # fmt: skip
    formaloire = f.make_etablissement(s, FORMALOIRE)
    formaloire.previous = annuaire.values(formaloire)
    formaloire.status, formaloire.submitted_at = RecordStatus.EN_ATTENTE_VALIDATION, START + timedelta(minutes=90)
    s.commit()
    rows = [(at, f"fiche-site-{site.id}", site.code_postal[:2]) for at, site in sent]
    rows = sorted([*rows, (START + timedelta(minutes=90), f"fiche-etablissement-{FORMALOIRE}", "44")])
    expected = [name for _at, name, _departement in rows]
    assert expected[2] == f"fiche-etablissement-{FORMALOIRE}"  # sent between the second and the third site
    page = sofi.get("/validation", params={"type": "annuaire"})
    assert "(26)" in text(page, "annuaire")
    assert [row["id"] for row in page.html.find(id="annuaire").select("tbody tr")] == expected[:PAGE_SIZE]
    second = page.click(description="Page suivante", href="page_annuaire=2")
    assert "type=annuaire" in second.request.url
    assert [row["id"] for row in second.html.find(id="annuaire").select("tbody tr")] == expected[PAGE_SIZE:]
    in_44 = sofi.get("/validation", params={"departement": "44"})  # FORMA'LOIRE is in Nantes, per the directory
    assert [row["id"] for row in in_44.html.find(id="annuaire").select("tbody tr")] == [
        name for _at, name, departement in rows if departement == "44"
    ]


# « Soumis depuis le » is a day in Paris


def test_since_starts_at_midnight_in_paris(sofi_app: Any) -> None:
    """15 January 2026 begins at 23:00 UTC on the 14th (winter time)."""
    late, midnight = make_pending(2)
    late.submitted_at, midnight.submitted_at = datetime(2026, 1, 14, 22, 59), datetime(2026, 1, 14, 23, 0)
    db.session.commit()
    found = validation.queue(db.session, QueueFilter(since=date(2026, 1, 15)))
    assert [item.id for item in found.actions.items] == [midnight.id]


# A page reads a page


@pytest.fixture
def statements(sofi_app: Any) -> Iterator[list[str]]:
    """The SQL statements sent while the test runs."""
    sent: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield sent
    event.remove(db.engine, "before_cursor_execute", note)


def test_the_queue_reads_one_page_whatever_its_length(crowd: list[Action], statements: list[str]) -> None:
    found = validation.queue(db.session, QueueFilter(), {"actions": 3})
    assert [item.id for item in found.actions.items] == ids(crowd[2 * PAGE_SIZE : 3 * PAGE_SIZE])
    assert (found.actions.total, found.actions.number, found.actions.count) == (120, 3, 6)
    first = len(statements)
    assert first <= 6  # a count and a page for each list (the annuaire empty: nothing to load)
    make_pending(120, first=120)
    statements.clear()
    found = validation.queue(db.session, QueueFilter(), {"actions": 3})
    assert len(found.actions.items) == PAGE_SIZE and found.actions.total == 240
    assert len(statements) == first
    assert all("LIMIT" in statement.upper() or "COUNT(" in statement.upper() for statement in statements)


def test_the_page_shows_one_page_of_a_long_queue(
    sofi: webtest.TestApp, carif: None, crowd: list[Action], statements: list[str]
) -> None:
    page = sofi.get("/validation", params={"departement": "85"})
    assert len(shown_actions(page)) == PAGE_SIZE and "(24)" in text(page, "actions")
    queue_statements = [statement for statement in statements if "action" in statement or "site" in statement]
    assert len(queue_statements) <= 8
