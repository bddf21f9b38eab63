"""« Importer un fichier » from the XLSX template (soffi.md §7): the template the service gives, filled and
imported; and every kind of bad file refused whole with a French message — wrong sheet, a cell of the wrong type,
a negative amount, a line deleted, a file that is not an XLSX, a zip bomb (refused before openpyxl opens it)."""

import dataclasses
import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from rp_soffi import messages
from rp_soffi.models import Statement
from rp_soffi.services import statements
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.csv_import import ImportRejected
from rp_soffi.statement.exports import statement_csv, statement_xlsx, template_xlsx
from rp_soffi.statement.xlsx_import import parse_statement_xlsx
from tests.rp_soffi.conftest import LogIn
from tests.rp_soffi.factories import EXERCICE, load, make_body, make_campaign, make_draft
from tests.rp_soffi.web import alert_text, form_to, fresh, messages_of

DEMO = load()
SIREN = DEMO.siren


def filled(**changes: object) -> bytes:
    """The demo statement exported, then one cell of « État » changed per (code, column) → value."""
    workbook = load_workbook(io.BytesIO(statement_xlsx(DEMO, "OPCO DEMO")))
    sheet = workbook["État"]
    for key, value in changes.items():
        code, column = key.split("__")
        row = next(r for r in sheet.iter_rows(min_row=2) if r[3].value == code)
        row[{"montant": 5, "nombre": 6}[column]].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def reasons(data: bytes) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        parse_statement_xlsx(data, DEMO.exercice, SIREN, BodyType.OPCO)
    return [error.reason for error in rejected.value.errors]


def test_the_exported_statement_imports_back_exactly() -> None:
    assert parse_statement_xlsx(filled(), DEMO.exercice, SIREN, BodyType.OPCO).lines == DEMO.lines


def test_numbers_typed_in_the_spreadsheet_become_exact_cents() -> None:
    data = parse_statement_xlsx(filled(R1__montant=1234.56, R2__montant="7 000,1"), DEMO.exercice, SIREN, BodyType.OPCO)
    assert (data.value("R1").amount_cents, data.value("R2").amount_cents) == (123456, 700010)


def test_the_template_has_every_line_of_the_body_type_blank() -> None:
    sheet = load_workbook(io.BytesIO(template_xlsx(EXERCICE, SIREN, "TP", BodyType.TRANSITIONS_PRO)))["État"]
    codes = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["R3", "R7", "E6", "E8", "E9", "S1", "S3"]
    assert parse_statement_xlsx(
        template_xlsx(EXERCICE, SIREN, "TP", BodyType.TRANSITIONS_PRO), EXERCICE, SIREN, BodyType.TRANSITIONS_PRO
    ).lines.keys() == set(codes)


def test_a_renamed_sheet_is_refused() -> None:
    workbook = load_workbook(io.BytesIO(filled()))
    workbook["État"].title = "Feuil1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert reasons(buffer.getvalue()) == [messages.XLSX_SHEET.format(sheet="État")]


def test_a_cell_of_the_wrong_type_is_refused() -> None:
    assert messages.XLSX_CELL_TYPE.format(cell="F2") in reasons(filled(R1__montant=datetime(2024, 1, 1)))
    assert messages.XLSX_CELL_TYPE.format(cell="G8") in reasons(filled(E1__nombre=True))  # E1: the 7th line


def test_a_negative_amount_is_refused() -> None:
    assert messages.NEGATIVE_AMOUNT.format(code="R1") in reasons(filled(R1__montant=-5))


def test_a_text_that_is_no_amount_is_refused() -> None:
    assert messages.AMOUNT_FORMAT in reasons(filled(R1__montant="beaucoup"))


def test_a_deleted_line_is_refused() -> None:
    workbook = load_workbook(io.BytesIO(filled()))
    sheet = workbook["État"]
    sheet.delete_rows(next(r[0].row for r in sheet.iter_rows(min_row=2) if r[3].value == "E8"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    label = "Frais de gestion et de missions"
    assert reasons(buffer.getvalue()) == [messages.XLSX_MISSING_LINE.format(code="E8", label=label)]


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n%%EOF\n", b"exercice;siren\n2024;999\n", b"PK\x03\x04 truncated", b"", b"\x00" * 100],
)
def test_a_file_that_is_not_an_xlsx_is_refused(data: bytes) -> None:
    assert reasons(data) == [messages.XLSX_NOT_XLSX]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "bonjour")
    assert reasons(buffer.getvalue()) == [messages.XLSX_NOT_XLSX]


def test_a_zip_bomb_is_refused_before_it_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    """50 Mo of zeros compress to about 50 ko: refused from the sizes the archive declares, openpyxl never called."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 50_000_000)
    assert len(buffer.getvalue()) < 100_000

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr("rp_soffi.statement.xlsx_import.load_workbook", never)
    assert reasons(buffer.getvalue()) == [messages.XLSX_UNCOMPRESSED]


def test_a_header_changed_is_refused() -> None:
    workbook = Workbook()
    workbook.active.title = "État"
    workbook.active.append(["code", "montant"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "La première ligne doit être l'en-tête" in reasons(buffer.getvalue())[0]


# --- through the page --------------------------------------------------------------------------------------------


def test_the_page_offers_the_template_and_imports_the_filled_file(session, soffi, log_in: LogIn) -> None:
    body = make_body(session)
    statement = make_draft(session, body, make_campaign(session), figures=False)
    log_in("organisme_collecteur")
    page = soffi.get(f"/etats/{statement.id}")
    template = page.click(description="Télécharger le modèle XLSX")
    assert template.headers["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(template.body))
    sheet = workbook["État"]
    for row in sheet.iter_rows(min_row=2):
        row[5].value = 1000 if row[3].value not in ("Q1", "Q2", "Q3", "Q4", "Q5") else None
        row[6].value = 3 if row[3].value in ("E1", "E2", "E3", "E4", "Q1", "Q2", "Q3", "Q4", "Q5") else None
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = form_to(page, f"/etats/{statement.id}/importer")
    upload["classeur"] = ("etat.xlsx", buffer.getvalue())
    page = upload.submit().follow()
    assert messages.IMPORTED in alert_text(page)
    fresh()
    data = statements.data_of(session.get(Statement, statement.id))
    assert data.value("R1").amount_cents == 100_000 and data.value("Q5").count == 3


def test_a_bad_file_through_the_page_shows_its_messages_under_the_file_field(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session))
    version = statement.version
    log_in("organisme_collecteur")
    upload = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}/importer")
    upload["classeur"] = ("etat.xlsx", filled(R1__montant=-5))
    page = upload.submit(status=422)
    assert messages.NEGATIVE_AMOUNT.format(code="R1") in messages_of(page, "classeur")
    fresh()
    assert session.get(Statement, statement.id).version == version


def test_the_csv_of_the_export_imports_too(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session), figures=False)
    log_in("organisme_collecteur")
    csv = statement_csv(dataclasses.replace(DEMO, siren=statement.body.siren), statement.body.name)
    upload = form_to(soffi.get(f"/etats/{statement.id}"), f"/etats/{statement.id}/importer")
    upload["classeur"] = ("etat.csv", csv.encode("utf-8"))
    assert messages.IMPORTED in alert_text(upload.submit().follow())
    fresh()
    assert statements.data_of(session.get(Statement, statement.id)).lines == DEMO.lines
