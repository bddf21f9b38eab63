"""The printable statement (soffi.md §7): what a reader finds in it — the body, the status badges, the last filing
in Paris time, the figures in euros French style, the comments whole, the checksum of the filed snapshot (or why
there is none) and « Page n / N » on every page —, read back from the PDF with pypdfium2; and who may download
it (the body's users, consultation included, and agents; another body's statement is not found)."""

import dataclasses
import re
from datetime import datetime
from pathlib import Path

import pytest

from rp_soffi.statement.pdf import Header, statement_pdf
from rp_soffi.statement.workflow import Status
from tests.rp_bpf.pdfs import page_count, pdf_text
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn
from tests.rp_soffi.factories import OTHER_SIRET, load, make_body, make_campaign, make_draft, make_filed

DEMO = load()
CHECKSUM = "0123456789abcdef" * 4
FILED = Header(
    name="OPCO DEMO INDUSTRIES",
    campaign="Campagne 2024",
    status=Status.DEPOSE,
    late=False,
    filing_number=2,
    filed_at=datetime(2025, 1, 10, 16, 5),  # UTC: 17h05 in Paris (winter time)
    filed_by="Claire COLLECTE",
    checksum=CHECKSUM,
)
DRAFT = dataclasses.replace(
    FILED, status=Status.BROUILLON, filing_number=0, filed_at=None, filed_by=None, checksum=None
)
HEX_64 = re.compile(r"\b[0-9a-f]{64}\b")


def test_a_filed_statement_shows_its_body_status_filing_figures_and_checksum() -> None:
    text = pdf_text(statement_pdf(DEMO, FILED))
    assert "État statistique et financier 2024" in text
    assert "Raison sociale OPCO DEMO INDUSTRIES SIREN 999123456 Type d'organisme Opérateur de compétences" in text
    assert "Campagne Campagne 2024 Statut Déposé Dépôt Version" in text  # no « Hors délai »: filed on time
    assert "Version 2 déposée le 10/01/2025 à 17h05 par Claire COLLECTE" in text
    assert "R5 Versements volontaires des entreprises 8 000 000,50 €" in text
    assert "RT Total des ressources 1 115 500 000,50 €" in text  # the total, computed as the page shows it
    assert "S2 Solde de l'exercice 47 500 000,50 €" in text
    assert "E1 Contrats d'apprentissage 720 000 000,00 € 95 000" in text  # with its « Nombre »
    assert "Q5 Salariés couverts 2 400 000" in text
    assert "Frais de gestion du réseau régional." in text  # E8's comment
    assert [section in text for section in ("A. Ressources", "B. Emplois", "C. Solde", "D. Statistiques")] == [True] * 4
    assert f"Somme de contrôle SHA-256 de la version 2 déposée : {CHECKSUM}" in text
    assert "Non déposé" not in text


@pytest.mark.parametrize(
    ("status", "late", "badges"),
    [
        (Status.EN_INSTRUCTION, False, "Statut En instruction Dépôt"),
        (Status.VALIDE, True, "Statut Validé Hors délai Dépôt"),
        (Status.A_CORRIGER, False, "Statut À corriger Dépôt"),
    ],
)
def test_the_status_badges_are_printed(status: Status, late: bool, badges: str) -> None:
    assert badges in pdf_text(statement_pdf(DEMO, dataclasses.replace(FILED, status=status, late=late)))


def test_a_draft_says_it_has_no_checksum() -> None:
    text = pdf_text(statement_pdf(DEMO, DRAFT))
    assert "Statut Brouillon Dépôt Non déposé A. Ressources" in text
    assert "Non déposé : cet état n'a pas de somme de contrôle." in text
    assert HEX_64.search(text) is None


def test_a_statement_being_corrected_does_not_vouch_for_its_figures_with_the_old_checksum() -> None:
    text = pdf_text(statement_pdf(DEMO, dataclasses.replace(FILED, status=Status.A_CORRIGER)))
    assert "ne garantit pas les montants ci-dessus" in text and CHECKSUM in text
    assert "Somme de contrôle SHA-256 de la version 2 déposée :" not in text


def test_a_name_is_printed_as_typed_not_read_as_markup() -> None:
    text = pdf_text(statement_pdf(DEMO, dataclasses.replace(FILED, name="OPCO <Sud> & Co")))
    assert "Raison sociale OPCO <Sud> & Co SIREN" in text


def test_long_comments_wrap_whole_and_run_over_numbered_pages() -> None:
    """Every typed line with a comment of 500 characters (the most a statement keeps): each is printed to its last
    word, and each page says which page of how many it is."""
    lines = {
        code: dataclasses.replace(value, comment=("Justification détaillée du montant " * 15)[:490] + f" fin-{code}")
        for code, value in DEMO.lines.items()
    }
    data = statement_pdf(dataclasses.replace(DEMO, lines=lines), FILED)
    pages, text = page_count(data), pdf_text(data)
    assert pages > 2  # the usual statement holds on two pages
    assert all(f"fin-{code}" in text for code in lines)
    assert [f"Page {number} / {pages}" in text for number in range(1, pages + 1)] == [True] * pages
    assert f"Page {pages + 1} / " not in text


def test_the_usual_statement_holds_on_two_numbered_pages() -> None:
    text = pdf_text(statement_pdf(DEMO, FILED))
    assert "Page 1 / 2" in text and "Page 2 / 2" in text and "/ 3" not in text


# --- the download -------------------------------------------------------------------------------------------------


def test_a_consultation_user_downloads_the_filed_statement_from_its_page(
    session, soffi, log_in: LogIn, attachments_folder: Path
) -> None:
    statement = make_filed(session, make_body(session), make_campaign(session), attachments_folder)
    log_in("consultation")
    answer = soffi.get(f"/etats/{statement.id}").click(description="^PDF$", href=r"export\.pdf")
    assert answer.content_type == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="soffi-etat-2024-999722812.pdf"')
    text = pdf_text(answer.body)
    assert "Raison sociale ORGANISME 999722812 SIREN 999722812" in text
    assert "Statut Déposé Dépôt Version 1 déposée le 20/05/2025 à 11h00 par Claire COLLECTE" in text  # 9h UTC, summer
    assert statement.checksum is not None and f"déposée : {statement.checksum}" in text


def test_a_draft_downloaded_by_its_collector_has_no_checksum(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("organisme_collecteur")
    text = pdf_text(soffi.get(f"/etats/{statement.id}/export.pdf").body)
    assert "Statut Brouillon" in text and "Non déposé : cet état n'a pas de somme de contrôle." in text


def test_another_bodys_statement_is_not_found(session, soffi, log_in: LogIn) -> None:
    campaign = make_campaign(session)
    make_draft(session, make_body(session), campaign)
    other = make_draft(session, make_body(session, OTHER_SIRET), campaign)
    log_in("gestionnaire")
    soffi.get(f"/etats/{other.id}/export.pdf", status=404)


def test_an_agent_downloads_any_bodys_statement(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session, OTHER_SIRET), make_campaign(session))
    log_in("agent_dgefp", AGENT_SIRET)
    answer = soffi.get(f"/etats/{statement.id}/export.pdf")
    assert answer.content_type == "application/pdf"
    assert "Raison sociale ORGANISME 996201166" in pdf_text(answer.body)
