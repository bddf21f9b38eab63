"""« Importer un fichier » (soffi.md §7): a statement CSV, as the export writes it, read into the figures of a
draft. Whole-file rejection: if any line fails, nothing is imported and every bad line is listed at once.

The file: `;`-separated, UTF-8 (with or without the BOM Excel adds), decimal comma, this header::

    exercice;siren;raison_sociale;code_ligne;libelle;montant_euros;nombre;commentaire

`raison_sociale` and `libelle` are for the reader and are not checked. Lines may be missing (a draft may be
incomplete: « Déposer » requires them); total lines (RT, ET, S2) may be present and must then match."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from rp_soffi import messages
from rp_soffi.statement.amounts import InvalidAmount, InvalidCount, parse_amount, parse_count
from rp_soffi.statement.catalogue import BY_CODE, BodyType, Line
from rp_soffi.statement.rules import total_incorrect
from rp_soffi.statement.values import LineValue, StatementData
from shared.text import has_control_character

HEADER = ("exercice", "siren", "raison_sociale", "code_ligne", "libelle", "montant_euros", "nombre", "commentaire")
# One body's statement is about thirty lines: these bounds refuse anything else before it is parsed.
MAX_BYTES = 100_000
MAX_ROWS = 200
MAX_COMMENT = 500  # StatementLine.comment is str(500) (§3)


@dataclass(frozen=True)
class RejectedLine:
    number: int  # line of the file, the header being 1; 0 for the file as a whole
    line_code: str  # the statement line it is about (« code_ligne »), "" when unknown
    code: str  # stable error code
    reason: str  # French, for the page


class ImportRejected(Exception):
    def __init__(self, errors: list[RejectedLine]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass(frozen=True)
class _Expected:
    exercice: int
    siren: str
    body_type: BodyType


def parse_statement_csv(data: bytes, exercice: int, siren: str, body_type: BodyType) -> StatementData:
    """The figures of the file, for the body and exercice of the statement it is imported into; or ImportRejected."""
    if len(data) > MAX_BYTES:
        raise ImportRejected([_whole("too_large", messages.IMPORT_TOO_LARGE.format(limit=MAX_BYTES // 1000))])
    text = _decode(data)
    if text is None:
        raise ImportRejected([_whole("not_utf8", messages.IMPORT_NOT_UTF8)])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(reader, None)
    if header is None or tuple(cell.strip() for cell in header) != HEADER:
        raise ImportRejected([RejectedLine(1, "", "header", messages.IMPORT_HEADER.format(header=";".join(HEADER)))])
    # line_num read after each row: the physical line it ends on, quoted line breaks included.
    return _read_rows(((reader.line_num, row) for row in reader), _Expected(exercice, siren, body_type))


def read_rows(rows: Iterator[tuple[int, list[str]]], exercice: int, siren: str, body_type: BodyType) -> StatementData:
    """The rows of a statement file after its header (the XLSX import shares them): (line number, cells as text)."""
    return _read_rows(rows, _Expected(exercice, siren, body_type))


def _read_rows(rows: Iterator[tuple[int, list[str]]], expected: _Expected) -> StatementData:
    errors: list[RejectedLine] = []
    lines: dict[str, LineValue] = {}
    declared: dict[str, int] = {}
    row_of: dict[str, int] = {}  # the line each accepted code came from
    seen: set[str] = set()  # every code met, accepted or not, so that a repeated bad line is reported too
    for number, row in rows:
        if number > MAX_ROWS + 1:
            raise ImportRejected([_whole("too_many_rows", messages.IMPORT_TOO_MANY_ROWS.format(limit=MAX_ROWS))])
        if not any(cell.strip() for cell in row):
            continue  # spreadsheets leave blank lines at the end
        found = _row_errors(row, number, expected, seen)
        errors.extend(found)
        seen.add(row[3].strip() if len(row) > 3 else "")
        if found:
            continue
        line, value = BY_CODE[row[3].strip()], _value(row)
        row_of[line.code] = number
        if line.kind.typed:
            lines[line.code] = value
        elif value.amount_cents is not None:
            declared[line.code] = value.amount_cents
    if not row_of and not errors:
        errors.append(_whole("empty", messages.IMPORT_EMPTY))
    statement = StatementData(expected.exercice, expected.siren, expected.body_type, lines, declared)
    for problem in total_incorrect(statement):
        code = problem.lines[0]
        errors.append(RejectedLine(row_of[code], code, problem.code, problem.message))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.number))
    return statement


def _row_errors(row: list[str], number: int, expected: _Expected, seen: set[str]) -> list[RejectedLine]:
    if len(row) != len(HEADER):
        return [RejectedLine(number, "", "columns", messages.IMPORT_COLUMNS.format(count=len(HEADER)))]
    exercice, siren, _name, code, _label, amount, count, comment = (cell.strip() for cell in row)
    errors: list[tuple[str, str]] = []
    if exercice != str(expected.exercice):
        errors.append(("exercice", messages.IMPORT_WRONG_EXERCICE.format(found=exercice, expected=expected.exercice)))
    if siren != expected.siren:
        errors.append(("siren", messages.IMPORT_WRONG_SIREN.format(found=siren, expected=expected.siren)))
    line = BY_CODE.get(code)
    if line is None or not line.applies_to(expected.body_type):
        errors.append(("unknown_code", messages.IMPORT_UNKNOWN_CODE.format(code=code)))
    elif code in seen:
        errors.append(("duplicate", messages.IMPORT_DUPLICATE.format(code=code)))
    else:
        errors.extend(_figure_errors(line, amount, count))
    if len(comment) > MAX_COMMENT:
        errors.append(("comment_too_long", messages.IMPORT_COMMENT_TOO_LONG.format(limit=MAX_COMMENT)))
    elif has_control_character(comment):
        errors.append(("comment_control", messages.COMMENT_CONTROL))
    return [RejectedLine(number, code, error_code, reason) for error_code, reason in errors]


def _figure_errors(line: Line, amount: str, count: str) -> list[tuple[str, str]]:
    errors = []
    if amount and not line.has_amount:
        errors.append(("no_amount", messages.IMPORT_NO_AMOUNT.format(code=line.code)))
    elif amount:
        try:
            if (parse_amount(amount) or 0) < 0 and not line.signed:
                errors.append(("negative_amount", messages.NEGATIVE_AMOUNT.format(code=line.code)))
        except InvalidAmount:
            errors.append(("amount_format", messages.AMOUNT_FORMAT))
    if count and not line.has_count:
        errors.append(("no_count", messages.IMPORT_NO_COUNT.format(code=line.code)))
    elif count:
        try:
            parse_count(count)
        except InvalidCount:
            errors.append(("count_format", messages.COUNT_FORMAT))
    return errors


def _value(row: list[str]) -> LineValue:
    return LineValue(parse_amount(row[5]), parse_count(row[6]), row[7].strip())


def _decode(data: bytes) -> str | None:
    """The file's text, or None when it is not UTF-8 text (an XLSX or PDF sent instead is valid UTF-8 at times,
    but holds NUL bytes)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _whole(code: str, reason: str) -> RejectedLine:
    return RejectedLine(0, "", code, reason)
