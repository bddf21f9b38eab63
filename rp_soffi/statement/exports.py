"""The exports of soffi.md §7 as plain code: a statement's rows (the CSV columns), the CSV text and the XLSX
workbook of one statement (sheet « État », the very layout the import template has, so that an export can be
filled again and imported, plus « Synthèse » with the computed totals), and the agents' cross-body table.

Text cells a person typed (names, labels, comments) are neutralised against formula injection: a spreadsheet
runs a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so such a cell gets a
leading apostrophe. Amounts leave as exact decimals (a Decimal of cents / 100), never as floats."""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from rp_soffi.statement.catalogue import LINES, BodyType, LineKind, lines_for
from rp_soffi.statement.csv_import import HEADER
from rp_soffi.statement.values import StatementData

SHEET = "État"
SUMMARY_SHEET = "Synthèse"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Value = str | int | Decimal | None


def neutralise(text: str) -> str:
    """A typed text as a spreadsheet must show it, never run it."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def euros_text(cents: int | None) -> str:
    """« 1234,56 »: the CSV's decimal comma, no thousands separator (what the import reads back)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def euros(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents) / 100


@dataclass(frozen=True)
class Row:
    """One line of a statement as the CSV columns hold it (the amount in cents)."""

    exercice: int
    siren: str
    name: str
    code: str
    label: str
    amount: int | None
    count: int | None
    comment: str


def statement_rows(data: StatementData, name: str) -> list[Row]:
    """One row per typed line of the body's type, in the catalogue's order."""
    rows = []
    for line in lines_for(data.body_type):
        if not line.kind.typed:
            continue
        value = data.value(line.code)
        amount = value.amount_cents if line.has_amount else None
        count = value.count if line.has_count else None
        rows.append(Row(data.exercice, data.siren, name, line.code, line.label, amount, count, value.comment))
    return rows


def statement_csv(data: StatementData, name: str) -> str:
    """The statement as the CSV of §7 (with its BOM, for Excel): `;`, decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in statement_rows(data, name):
        count = "" if row.count is None else str(row.count)
        writer.writerow(
            [row.exercice, row.siren, neutralise(row.name), row.code, neutralise(row.label), euros_text(row.amount),
             count, neutralise(row.comment)]
        )  # fmt: skip
    return "\ufeff" + buffer.getvalue()


def statement_xlsx(data: StatementData, name: str) -> bytes:
    """The statement as a workbook: « État » (the template's layout, amounts in euros) and « Synthèse »."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.append(list(HEADER))
    for row in statement_rows(data, name):
        sheet.append(
            [row.exercice, row.siren, _text(sheet, row.name), row.code, _text(sheet, row.label),
             _money(sheet, row.amount), row.count, _text(sheet, row.comment)]
        )  # fmt: skip
    summary = workbook.create_sheet(SUMMARY_SHEET)
    summary.append(["code_ligne", "libelle", "montant_euros"])
    for line in lines_for(data.body_type):
        if not line.kind.typed:
            summary.append([line.code, line.label, _money(summary, data.amount(line.code))])
    return _save(workbook)


def template_xlsx(exercice: int, siren: str, name: str, body_type: BodyType) -> bytes:
    """« Télécharger le modèle »: the sheet « État » with every line of the body's type, figures blank."""
    return statement_xlsx(StatementData(exercice, siren, body_type), name)


def cross_body_header() -> list[str]:
    """The agents' export: one row per body, one column per line code (§7)."""
    return ["exercice", "siren", "raison_sociale", "type_organisme", "statut", "hors_delai"] + [
        f"{line.code}_{'nombre' if line.kind is LineKind.COUNT else 'euros'}" for line in LINES
    ]


def cross_body_cells(data: StatementData, name: str, status: str, late: bool) -> list[Value]:
    cells: list[Value] = [
        data.exercice,
        data.siren,
        neutralise(name),
        data.body_type.label,
        status,
        "oui" if late else "non",
    ]
    for line in LINES:
        if not line.applies_to(data.body_type):
            cells.append(None)
        elif line.kind is LineKind.COUNT:
            cells.append(data.value(line.code).count)
        else:
            cells.append(data.amount(line.code) if not line.kind.typed else data.value(line.code).amount_cents)
    return cells


def cross_body_csv(rows: Iterable[list[Value]]) -> str:
    """Amount columns are cents in `rows`; written as euros with a decimal comma."""
    header = cross_body_header()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(column, value) for column, value in zip(header, row, strict=True)])
    return "\ufeff" + buffer.getvalue()


def cross_body_xlsx(rows: Iterable[Sequence[Value]]) -> bytes:
    header = cross_body_header()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Organismes")
    sheet.append(header)
    for row in rows:
        sheet.append(
            [
                _money(sheet, value)
                if column.endswith("_euros") and isinstance(value, int)
                else _text(sheet, value)
                if isinstance(value, str)
                else value
                for column, value in zip(header, row, strict=True)
            ]
        )
    return _save(workbook)


def _csv_cell(column: str, value: Value) -> str:
    if value is None:
        return ""
    if column.endswith("_euros") and isinstance(value, int):
        return euros_text(value)
    return neutralise(str(value)) if isinstance(value, str) else str(value)


def _text(sheet: WriteOnlyWorksheet, value: Value) -> Cell:
    """A text cell stored as a string (openpyxl would store « =… » as a formula), neutralised as well; without the
    control characters a worksheet cannot hold (openpyxl refuses them: a comment saved before they were refused)."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", neutralise(str(value or ""))))
    cell.data_type = "s"
    return cell


def _money(sheet: WriteOnlyWorksheet, cents: int | None) -> Cell:
    # openpyxl writes a Decimal as its exact digits; its stubs only list float.
    cell = WriteOnlyCell(sheet, value=euros(cents))  # type: ignore[arg-type]
    cell.number_format = "#,##0.00"
    return cell


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
