"""Odd input on SOFFi's pages (tests/security/test_soffi_odd_input.py walks them all): what a person sees when a
form is sent with a file where a text is expected, or with a control character in a text — a French message next
to the field and a 4xx, never a 500 — and that nothing is stored."""

from datetime import date
from pathlib import Path

import webtest

from rp_soffi import messages
from rp_soffi.models import Campaign, LineComment, Statement
from rp_soffi.services import instruction
from rp_soffi.statement import exports
from rp_soffi.statement.csv_import import ImportRejected, parse_statement_csv
from rp_soffi.statement.workflow import Status
from shared.forms import CONTROL_CHARACTER_TEXT
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn
from tests.rp_soffi.factories import (
    AGENT,
    BEFORE_DUE,
    OPCO_SIRET,
    load,
    make_body,
    make_campaign,
    make_draft,
    make_in_instruction,
)
from tests.rp_soffi.web import count, form_to, fresh, messages_of

PDF_PART = ("comptes.pdf", b"%PDF-1.7\n%%EOF\n")


def post_with_file(
    soffi: webtest.TestApp, page: webtest.TestResponse, action: str, name: str, status: int, **values: str
) -> webtest.TestResponse:
    """The form as the page renders it (with `values`), but `name` sent as a file part (a broken or hostile
    client)."""
    form = form_to(page, action)
    for key, value in values.items():
        form[key] = value
    fields = [(key, value) for key, value in form.submit_fields() if key != name]
    return soffi.post(action, fields, upload_files=[(name, *PDF_PART)], status=status)


def test_a_file_in_place_of_a_decision_comment_is_no_comment(
    session, soffi, log_in: LogIn, attachments_folder: Path
) -> None:
    """It used to be read as the comment's text (a 500): now it is no text, and the comment is asked for."""
    statement = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get(f"/etats/{statement.id}")
    refused = post_with_file(soffi, page, f"/etats/{statement.id}/corriger", "corriger-comment", 422)
    assert messages.COMMENT_REQUIRED in messages_of(refused, "corriger-comment")
    refused = post_with_file(soffi, page, f"/etats/{statement.id}/commentaires", "text", 422, line_code="E8")
    assert messages.LINE_COMMENT_REQUIRED in messages_of(refused, "text")
    fresh()
    assert session.get(Statement, statement.id).status is Status.EN_INSTRUCTION
    assert count(LineComment) == 0


def test_a_file_in_place_of_the_reason_to_reopen_is_no_reason(
    session, soffi, log_in: LogIn, attachments_folder: Path
) -> None:
    statement = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    instruction.validate(session, AGENT, statement.id, BEFORE_DUE)
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get(f"/etats/{statement.id}")
    refused = post_with_file(soffi, page, f"/etats/{statement.id}/rouvrir", "rouvrir-comment", 422)
    assert messages.COMMENT_REQUIRED in messages_of(refused, "rouvrir-comment")
    fresh()
    assert session.get(Statement, statement.id).status is Status.VALIDE


def test_a_file_in_place_of_the_date_limite_is_no_date(session, soffi, log_in: LogIn) -> None:
    campaign = make_campaign(session, due_on=date(2025, 6, 30))
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get("/admin/campagnes")
    name = f"c{campaign.id}-due_on"
    refused = post_with_file(soffi, page, f"/admin/campagnes/{campaign.id}/date-limite", name, 422)
    assert messages.DATE_FORMAT in messages_of(refused, name)
    fresh()
    assert session.get(Campaign, campaign.id).due_on == date(2025, 6, 30)


def test_a_control_character_in_a_decision_comment_is_refused_next_to_it(
    session, soffi, log_in: LogIn, attachments_folder: Path
) -> None:
    """NUL reached PostgreSQL's text column (a 500 there): refused before, with the field's message."""
    statement = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get(f"/etats/{statement.id}")
    form = form_to(page, f"/etats/{statement.id}/commentaires")
    form["line_code"], form["text"] = "E8", "Justifiez\x00 E8."
    refused = form.submit(status=422)
    assert CONTROL_CHARACTER_TEXT in messages_of(refused, "text")
    form = form_to(page, f"/etats/{statement.id}/corriger")
    form["corriger-comment"] = "Revoir\x00 E8."
    refused = form.submit(status=422)
    assert CONTROL_CHARACTER_TEXT in messages_of(refused, "corriger-comment")
    fresh()
    assert session.get(Statement, statement.id).status is Status.EN_INSTRUCTION
    assert count(LineComment) == 0


def test_a_control_character_in_a_line_comment_is_refused_next_to_its_line(session, soffi, log_in: LogIn) -> None:
    """Saved, it made « Exporter XLSX » fail (openpyxl refuses it in a cell: a 500): refused at the save now, what
    was typed elsewhere kept on the page."""
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("organisme_collecteur", OPCO_SIRET)
    form = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}")
    form["commentaire-R1"], form["montant-R7"] = "Reçu\x01 en mars", "12 345,67"
    page = form.submit(status=422)
    assert messages.COMMENT_CONTROL in messages_of(page, "ligne-R1")
    assert page.html.select_one("#montant-R7")["value"] == "12 345,67"
    fresh()
    assert session.get(Statement, statement.id).figures == statement.figures
    assert soffi.get(f"/etats/{statement.id}/export.xlsx").status_int == 200


def test_an_imported_csv_with_a_control_character_in_a_comment_is_refused_at_its_line() -> None:
    data = load()
    lines = exports.statement_csv(data, "OPCO DEMO").splitlines()
    lines[1] = lines[1] + "\x07"  # the last column: its comment
    try:
        parse_statement_csv("\r\n".join(lines).encode(), data.exercice, data.siren, data.body_type)
    except ImportRejected as rejected:
        assert [(error.number, error.reason) for error in rejected.errors] == [(2, messages.COMMENT_CONTROL)]
    else:
        raise AssertionError("imported")


def test_an_xlsx_export_leaves_out_what_a_worksheet_cannot_hold() -> None:
    """A comment saved before control characters were refused still exports (without them)."""
    data = load()
    line = next(code for code, value in data.lines.items() if value.amount_cents is not None)
    odd = data.lines[line].__class__(data.lines[line].amount_cents, data.lines[line].count, "Reçu\x01\x00 en mars")
    workbook = exports.statement_xlsx(data.__class__(data.exercice, data.siren, data.body_type, {line: odd}), "OPCO")
    assert workbook.startswith(b"PK")
