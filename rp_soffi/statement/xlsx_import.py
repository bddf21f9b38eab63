"""« Importer un fichier » from the XLSX template (soffi.md §7): the sheet « État » of `exports.template_xlsx`, read
into the figures of a draft with the same checks and messages as the CSV import (`csv_import.read_rows`), plus
what only a workbook can get wrong: not a workbook at all, a zip bomb, the sheet renamed, a cell holding a date
or a boolean, a line of the template deleted.

An XLSX is a ZIP archive: before openpyxl opens anything, the archive's members are listed and their declared
uncompressed sizes added up, so that a small file inflating to gigabytes is refused unread (and openpyxl reads
in `read_only` mode, streaming the sheet). Spreadsheet numbers arrive as floats: each is turned back into the
shortest decimal text that reads as it (`repr`), then parsed as typed text — money is never computed in binary."""

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from rp_soffi import messages
from rp_soffi.statement.catalogue import BodyType, lines_for
from rp_soffi.statement.csv_import import HEADER, MAX_ROWS, ImportRejected, RejectedLine, read_rows
from rp_soffi.statement.exports import SHEET
from rp_soffi.statement.values import StatementData

MAX_BYTES = 1_000_000  # the template filled is about 10 ko
MAX_UNCOMPRESSED = 20_000_000  # what its members may add up to once inflated
MAX_MEMBERS = 200
_NUMERIC_COLUMNS = (5, 6)  # montant_euros, nombre


def parse_statement_xlsx(data: bytes, exercice: int, siren: str, body_type: BodyType) -> StatementData:
    """The figures of the workbook for this body and exercice, or ImportRejected listing every problem."""
    if len(data) > MAX_BYTES:
        raise ImportRejected([_whole("too_large", messages.XLSX_TOO_LARGE.format(limit=MAX_BYTES // 1000))])
    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        raise ImportRejected([_whole("not_xlsx", messages.XLSX_NOT_XLSX)]) from error
    try:
        if SHEET not in workbook.sheetnames:
            raise ImportRejected([_whole("sheet", messages.XLSX_SHEET.format(sheet=SHEET))])
        rows = list(_rows(workbook[SHEET]))
    finally:
        workbook.close()
    return _figures(rows, exercice, siren, body_type)


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportRejected([_whole("not_xlsx", messages.XLSX_NOT_XLSX)]) from error
    if len(members) > MAX_MEMBERS or sum(member.file_size for member in members) > MAX_UNCOMPRESSED:
        raise ImportRejected([_whole("uncompressed", messages.XLSX_UNCOMPRESSED)])


def _rows(sheet: object) -> Iterator[tuple[int, list[object]]]:
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):  # type: ignore[attr-defined]
        if number > MAX_ROWS + 1:
            raise ImportRejected([_whole("too_many_rows", messages.IMPORT_TOO_MANY_ROWS.format(limit=MAX_ROWS))])
        yield number, list(row)


def _figures(rows: list[tuple[int, list[object]]], exercice: int, siren: str, body_type: BodyType) -> StatementData:
    if not rows or tuple(_text(cell) for cell in rows[0][1][: len(HEADER)]) != HEADER:
        raise ImportRejected([RejectedLine(1, "", "header", messages.IMPORT_HEADER.format(header=";".join(HEADER)))])
    errors: list[RejectedLine] = []
    texts: list[tuple[int, list[str]]] = []
    for number, cells in rows[1:]:
        cells = (cells + [None] * len(HEADER))[: len(HEADER)]
        bad = [column for column in _NUMERIC_COLUMNS if isinstance(cells[column], bool | datetime | date | time)]
        for column in bad:
            cell = f"{get_column_letter(column + 1)}{number}"
            errors.append(RejectedLine(number, _text(cells[3]), "cell_type", messages.XLSX_CELL_TYPE.format(cell=cell)))
        if not bad:
            texts.append((number, [_text(cell) for cell in cells]))
    present = {row[3].strip() for _, row in texts} | {error.line_code for error in errors}
    for line in lines_for(body_type):
        if line.kind.typed and line.code not in present:
            message = messages.XLSX_MISSING_LINE.format(code=line.code, label=line.label)
            errors.append(RejectedLine(0, line.code, "missing_line", message))
    try:
        statement = read_rows(iter(texts), exercice, siren, body_type)
    except ImportRejected as rejected:
        errors.extend(rejected.errors)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.number))
    return statement


def _text(cell: object) -> str:
    """A cell as the text a person reads in it: numbers as their shortest decimal, blanks empty."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell).removesuffix(".0") if cell.is_integer() and abs(cell) < 1e15 else repr(cell)
    return str(cell)


def _whole(code: str, reason: str) -> RejectedLine:
    return RejectedLine(0, "", code, reason)
