"""Odd input on SOFFi's pages (tests/security/test_soffi_odd_input.py walks them all): what a person sees when a
form is sent with a file where a text is expected, or with a control character in a text — a French message next
to the field and a 4xx, never a 500 — and that nothing is stored."""

from datetime import date
from pathlib import Path

import webtest

from rp_soffi import messages
from rp_soffi.models import Campaign, LineComment, Statement
from rp_soffi.services import instruction
from rp_soffi.statement.workflow import Status
from shared.forms import CONTROL_CHARACTER_TEXT
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn
from tests.rp_soffi.factories import (
    AGENT,
    BEFORE_DUE,
    make_body,
    make_campaign,
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
