"""Another body's ids typed in a URL (issue 17 « Rules »): every page and every action of SOFFi answers 404 for a
statement or an attachment of another body, as if it did not exist, and writes nothing; the agents' actions are
refused (403) to a body's users; odd query parameters give a French message, never a 500."""

from pathlib import Path

import pytest
import sqlalchemy as sa
import webtest

from rp_soffi.extensions import db
from shared.db import DbSession
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn
from tests.rp_soffi.factories import OTHER_SIRET, make_body, make_campaign, make_filed, make_in_instruction
from tests.rp_soffi.web import alert_text, fresh


def all_rows() -> dict[str, list[tuple[object, ...]]]:
    fresh()
    with db.engine.connect() as connection:
        return {t.name: sorted(connection.execute(sa.select(t)).all(), key=repr) for t in db.metadata.sorted_tables}


@pytest.fixture
def others(session: DbSession, attachments_folder: Path) -> dict[str, int]:
    """Our OPCO, and another OPCO's statement filed with its certified accounts, one in instruction."""
    make_body(session)
    other = make_filed(session, make_body(session, OTHER_SIRET), make_campaign(session), attachments_folder)
    third = make_in_instruction(
        session, make_body(session, "99104575800018"), make_campaign(session, 2023), attachments_folder
    )
    return {"statement": other.id, "attachment": other.attachments[0].id, "third": third.id}


GETS = ("/etats/{s}", "/etats/{s}/historique", "/etats/{s}/export.csv", "/etats/{s}/export.xlsx",
        "/etats/{s}/modele.xlsx", "/pieces-jointes/{a}")  # fmt: skip
POSTS = ("/etats/{s}", "/etats/{s}/deposer", "/etats/{s}/retirer", "/etats/{s}/importer",
         "/etats/{s}/pieces-jointes", "/pieces-jointes/{a}/supprimer")  # fmt: skip
AGENT_POSTS = ("/etats/{s}/instruire", "/etats/{s}/commentaires", "/etats/{s}/valider", "/etats/{s}/corriger",
               "/etats/{s}/rouvrir")  # fmt: skip


def token(soffi: webtest.TestApp) -> str:
    return soffi.get("/campagnes").html.select_one("input[name=csrf_token]")["value"]


@pytest.mark.parametrize("path", GETS)
@pytest.mark.parametrize("role", ["consultation", "organisme_collecteur", "gestionnaire"])
def test_another_body_s_pages_answer_404(others, soffi, log_in: LogIn, role: str, path: str) -> None:
    log_in(role)
    soffi.get(path.format(s=others["statement"], a=others["attachment"]), status=404)


@pytest.mark.parametrize("path", POSTS)
def test_another_body_s_actions_answer_404_and_write_nothing(others, soffi, log_in: LogIn, path: str) -> None:
    log_in("organisme_collecteur")
    csrf, before = token(soffi), all_rows()
    fields = {"csrf_token": csrf, "version": "2", "certified": "y", "montant-R1": "1,00", "kind": "AUTRE"}
    soffi.post(path.format(s=others["statement"], a=others["attachment"]), fields, status=404)
    assert all_rows() == before


@pytest.mark.parametrize("path", AGENT_POSTS)
def test_the_agents_actions_are_refused_to_a_body_s_users(others, soffi, log_in: LogIn, path: str) -> None:
    log_in("gestionnaire")
    csrf, before = token(soffi), all_rows()
    fields = {"csrf_token": csrf, "line_code": "E8", "text": "x", "valider-comment": "", "corriger-comment": "x"}
    soffi.post(path.format(s=others["third"]), fields, status=403)
    assert all_rows() == before


@pytest.mark.parametrize("path", ["/admin", "/admin/etats", "/admin/campagnes", "/admin/export.csv"])
def test_the_agents_pages_are_refused_to_a_body_s_users(others, soffi, log_in: LogIn, path: str) -> None:
    log_in("gestionnaire")
    soffi.get(path, status=403)


def test_an_unknown_id_answers_404_not_500(others, soffi, log_in: LogIn) -> None:
    log_in("agent_dgefp", AGENT_SIRET)
    soffi.get("/etats/2147483647", status=404)
    soffi.get("/etats/99999999999999999999", status=404)
    soffi.get("/pieces-jointes/0", status=404)
    soffi.get("/guides/..%2F..%2Fetc", status=404)


@pytest.mark.parametrize(
    "query",
    ["page=-1", "page=abc", "page=99999999999", "statut=PIRATE", "type=%00", "campagne=1e9", "campagne=-3",
     "page=1&page=2&statut=" + "X" * 5000],
)  # fmt: skip
def test_odd_query_parameters_are_ignored_with_a_french_message(others, soffi, log_in: LogIn, query: str) -> None:
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get(f"/admin/etats?{query}", expect_errors=True)
    assert page.status_int in (200, 400)
    if page.status_int == 200:
        assert "Ce filtre n'est pas valide" in alert_text(page)
    assert soffi.get(f"/admin?campagne={query}", expect_errors=True).status_int in (200, 400)  # 400: a NUL byte


ODD = ["", "abc", "-1", "9" * 40, "1e9", "１２", "<script>", "x" * 20_000, "0,001", "--", "1 2 3", "'; DROP TABLE x"]


@pytest.mark.parametrize("value", ODD)
def test_odd_input_on_every_form_gives_a_french_answer_never_a_500(
    session: DbSession, soffi, log_in: LogIn, attachments_folder: Path, value: str
) -> None:
    """Every POST of a collector on its own draft, and of an agent on a statement in instruction, with odd values
    in every field: a page or a redirect, never a 500 (PROPAGATE_UNEXPECTED_ERRORS would raise here)."""
    body, campaign = make_body(session), make_campaign(session)
    draft = make_filed(session, body, campaign, attachments_folder)
    third = make_in_instruction(session, make_body(session, OTHER_SIRET), campaign, attachments_folder)
    fields = {"version": value, "montant-R1": value, "nombre-E1": value, "commentaire-E8": value, "kind": value,
              "certified": value, "alerts": value, "line_code": value, "text": value, "valider-comment": value,
              "corriger-comment": value, "c1-due_on": value}  # fmt: skip
    log_in("organisme_collecteur")
    fields["csrf_token"] = token(soffi)
    for path in ("/etats/{s}/retirer", "/etats/{s}", "/etats/{s}/deposer", "/etats/{s}/importer",
                 "/etats/{s}/pieces-jointes", f"/campagnes/{campaign.id}/etat"):  # fmt: skip
        assert soffi.post(path.format(s=draft.id), fields, expect_errors=True).status_int < 500
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get(f"/etats/{third.id}")
    fields["csrf_token"] = page.html.select_one("input[name=csrf_token]")["value"]
    for path in ("/etats/{s}/commentaires", "/etats/{s}/corriger", "/etats/{s}/valider", "/etats/{s}/instruire",
                 f"/admin/campagnes/{campaign.id}/date-limite"):  # fmt: skip
        assert soffi.post(path.format(s=third.id), fields, expect_errors=True).status_int < 500
