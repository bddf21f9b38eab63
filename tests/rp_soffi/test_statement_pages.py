"""The statement's page (soffi.md §5.3) as people use it: lines by body type, amounts in euros with cents kept as
integer cents, a refused figure kept on the page with its message next to the line, a save from a stale tab
refused with what was typed kept, « Vérifier » putting every rule next to its line, « Déposer » and its
certification, read-only once filed and for the consultation role."""

from pathlib import Path

from rp_soffi import messages
from rp_soffi.models import Statement
from rp_soffi.services import statements
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.workflow import Status
from shared.db import DbSession
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn
from tests.rp_soffi.factories import OTHER_SIRET, make_body, make_campaign, make_draft, make_fileable, make_filed
from tests.rp_soffi.web import alert_text, form_to, fresh, messages_of, text, title


def open_draft(session: DbSession, figures: bool = True, body_type: BodyType = BodyType.OPCO) -> Statement:
    return make_draft(session, make_body(session, body_type=body_type), make_campaign(session), figures=figures)


def test_the_page_shows_the_lines_of_the_body_type_and_its_title(session, soffi, log_in: LogIn) -> None:
    statement = open_draft(session, figures=False, body_type=BodyType.TRANSITIONS_PRO)
    log_in("organisme_collecteur")
    page = soffi.get(f"/etats/{statement.id}")
    assert title(page) == f"État 2024 — {statement.body.name} - SOFFi"
    assert page.html.select_one("label[for=montant-R3]") is not None  # France compétences — transition pro
    assert page.html.select_one("#montant-R1") is None  # an OPCO's line
    assert page.html.select_one("#nombre-Q1") is None  # section D is the OPCO's
    assert page.html.select_one("#montant-RT") is None and text(page, "total-RT") == "0,00"


def test_amounts_typed_in_euros_are_stored_as_integer_cents(session, soffi, log_in: LogIn) -> None:
    statement = open_draft(session, figures=False)
    log_in("organisme_collecteur")
    form = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}")
    form["montant-R1"], form["montant-R2"], form["montant-S1"] = "1 234,56", "0.5", "-12"
    page = form.submit("action", value="enregistrer").follow()
    assert "L'état a été enregistré." in alert_text(page)
    fresh()
    data = statements.data_of(session.get(Statement, statement.id))
    assert (data.value("R1").amount_cents, data.value("R2").amount_cents, data.value("S1").amount_cents) == (
        123456,
        50,
        -1200,
    )
    assert text(page, "total-RT") == "1 235,06"


def test_a_bad_amount_is_refused_next_to_its_line_and_what_was_typed_stays(session, soffi, log_in: LogIn) -> None:
    statement = open_draft(session)
    version = statement.version
    log_in("organisme_collecteur")
    form = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}")
    form["montant-R1"], form["montant-R2"], form["nombre-E1"] = "12,345", "777,00", "deux"
    page = form.submit("action", value="enregistrer", status=422)
    assert title(page).startswith("Erreur - ")
    assert messages.AMOUNT_FORMAT in messages_of(page, "ligne-R1")
    assert messages.COUNT_FORMAT in messages_of(page, "ligne-E1")
    assert page.html.select_one("#montant-R1")["aria-describedby"] == "ligne-R1-messages"
    assert page.forms and form_to(page, f"/etats/{statement.id}")["montant-R2"].value == "777,00"
    fresh()
    assert session.get(Statement, statement.id).version == version  # nothing written


def test_a_save_from_a_stale_tab_is_refused_and_keeps_what_was_typed(session, soffi, log_in: LogIn) -> None:
    statement = open_draft(session)
    log_in("organisme_collecteur")
    first = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}")
    second = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}")
    first["montant-R7"] = "100,00"
    first.submit("action", value="enregistrer").follow()
    second["montant-R7"] = "999,99"
    page = second.submit("action", value="enregistrer", status=409)
    assert messages.STALE in alert_text(page)
    assert form_to(page, f"/etats/{statement.id}")["montant-R7"].value == "999,99"
    fresh()
    assert statements.data_of(session.get(Statement, statement.id)).value("R7").amount_cents == 10000


def test_verify_puts_every_rule_next_to_its_line(session, soffi, log_in: LogIn) -> None:
    statement = open_draft(session, figures=False)
    log_in("organisme_collecteur")
    form = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}")
    form["montant-R1"], form["montant-E8"], form["montant-S3"] = "100,00", "50,00", "-5"
    form["montant-R2"], form["montant-E1"] = "-1", "10,00"
    page = form.submit("action", value="verifier")
    assert "anomalie(s)" in alert_text(page)
    assert messages.LINE_REQUIRED.format(code="R4", label="Contributions conventionnelles (accords de branche)") in (
        messages_of(page, "ligne-R4")
    )
    assert messages.NEGATIVE_AMOUNT.format(code="R2") in messages_of(page, "ligne-R2")
    assert messages.AMOUNT_WITHOUT_COUNT.format(code="E1") in messages_of(page, "ligne-E1")
    assert "Alerte : Les frais de gestion représentent" in messages_of(page, "ligne-E8")
    assert messages.NEGATIVE_TREASURY in messages_of(page, "ligne-S3")


def test_deposit_requires_the_certification_and_the_certified_accounts(
    session, soffi, log_in: LogIn, attachments_folder: Path
) -> None:
    body, campaign = make_body(session), make_campaign(session)
    statement = make_draft(session, body, campaign)
    log_in("organisme_collecteur")
    deposit = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}/deposer")
    deposit["certified"], deposit["alerts"] = True, True
    page = deposit.submit(status=422)
    assert messages.CERTIFIED_ACCOUNTS in text(page, "anomalies")
    other = make_fileable(session, make_body(session, OTHER_SIRET), campaign, attachments_folder)
    log_in("organisme_collecteur", OTHER_SIRET)
    page = form_to(soffi.get(f"/etats/{other.id}"), f"/etats/{other.id}/deposer").submit(status=422)
    assert messages.CERTIFICATION_REQUIRED in alert_text(page)
    fresh()
    assert session.get(Statement, other.id).status is Status.BROUILLON


def test_a_filed_statement_is_read_only_and_can_be_withdrawn(
    session, soffi, log_in: LogIn, attachments_folder: Path
) -> None:
    statement = make_filed(session, make_body(session), make_campaign(session), attachments_folder)
    log_in("organisme_collecteur")
    page = soffi.get(f"/etats/{statement.id}")
    assert page.html.select_one("#montant-R1") is None
    assert f"/etats/{statement.id}" not in [form.action for form in page.forms.values()]
    soffi.post(f"/etats/{statement.id}", {"version": "3", "montant-R1": "1"}, status=400)  # no CSRF token
    page = form_to(page, f"/etats/{statement.id}/retirer").submit().follow()
    assert messages.WITHDRAWN in alert_text(page)
    assert page.html.select_one("#montant-R1") is not None


def test_consultation_reads_only(session, soffi, log_in: LogIn) -> None:
    statement = open_draft(session)
    log_in("consultation")
    page = soffi.get(f"/etats/{statement.id}")
    assert [form.action for form in page.forms.values()] == ["/deconnexion"]
    assert "Fonds reçus de France compétences — alternance" in text(page, "section-A")
    token = page.html.select_one("input[name=csrf_token]")["value"]
    soffi.post(f"/etats/{statement.id}", {"csrf_token": token, "version": "2"}, status=403)
    soffi.post(f"/campagnes/{statement.campaign_id}/etat", {"csrf_token": token}, status=403)


def test_history_lists_every_event_and_filed_version(session, soffi, log_in: LogIn, attachments_folder) -> None:
    statement = make_filed(session, make_body(session), make_campaign(session), attachments_folder)
    log_in("consultation")
    page = soffi.get(f"/etats/{statement.id}/historique")
    assert title(page).startswith("Historique")
    assert "Brouillon → Déposé" in text(page, "evenements")
    assert statement.checksum in text(page, "versions")


def test_the_agent_sees_every_body_and_never_edits_amounts(session, soffi, log_in: LogIn) -> None:
    statement = open_draft(session)
    log_in("agent_dgefp", AGENT_SIRET)
    page = soffi.get(f"/etats/{statement.id}")
    assert page.html.select_one("#montant-R1") is None
    token = page.html.select_one("input[name=csrf_token]")["value"]
    soffi.post(f"/etats/{statement.id}", {"csrf_token": token, "version": "2", "montant-R1": "1"}, status=403)


def test_a_comment_too_long_is_refused_next_to_its_line(session, soffi, log_in: LogIn) -> None:
    statement = open_draft(session)
    log_in("organisme_collecteur")
    form = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}")
    form["commentaire-E8"] = "x" * 600
    page = form.submit("action", value="enregistrer", status=422)
    assert messages.COMMENT_TOO_LONG.format(limit=500) in messages_of(page, "ligne-E8")
