"""Import of a BPF draft's figures (frames C to G) from CSV `code;stagiaires_ou_montant;heures` or JSON
`{"c1": 12000, "f1a": [12, 840]}` (bpf.md §7), or from a BPF's JSON export (its snapshot). All or nothing: a
file with any bad line is refused with every bad line listed, so that the declarant corrects it once. Totals in
the file are checked against the sums of their lines, never taken. The speciality rows of F-4 are coded
f4_<code NSF> (f4_326); the three-column format has no room for their libellé, which the declarant types on
screen (the JSON export keeps it)."""

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from rp_bpf import messages
from rp_bpf.bpf.content import MAX_FIGURE, Figures, Pair, Speciality
from rp_bpf.bpf.lines import BY_CODE, MAX_SPECIALITIES, NSF_CODE, NUMBER_KINDS, PAIR_KINDS, SPECIALITY_PREFIX
from rp_bpf.bpf.rules import declared_totals

MAX_BYTES = 1_000_000  # the whole cerfa is some sixty lines: a bigger file is not a BPF
MAX_LINES = 500
_WHOLE = re.compile(r"[0-9]+")  # ASCII digits: int() would read other scripts' too
_DECIMAL = re.compile(r"-?\d*[.,]\d+")


@dataclass(frozen=True)
class BadLine:
    line: int  # the line number in the file, as a text editor or a spreadsheet shows it
    code: str
    reason: str

    @property
    def message(self) -> str:
        return messages.IMPORT_BAD_LINE.format(line=self.line, code=self.code, reason=self.reason)


class ImportRefused(ValueError):
    """The whole file is refused: `message` says why, `bad_lines` lists every bad line (none when the file as a
    whole is unreadable: too large, not UTF-8, not JSON)."""

    def __init__(self, message: str, bad_lines: tuple[BadLine, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.bad_lines = bad_lines


class _Bad(Exception):
    """One value's reason for refusal, caught per line."""


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRefused(messages.IMPORT_TOO_LARGE.format(limit=f"{MAX_BYTES // 1_000_000} Mo"))
    try:
        text = data.decode("utf-8-sig")  # spreadsheets save UTF-8 with a BOM, editors without
    except UnicodeDecodeError:
        raise ImportRefused(messages.IMPORT_NOT_UTF8) from None
    if len(text.splitlines()) > MAX_LINES:
        raise ImportRefused(messages.IMPORT_TOO_MANY_LINES.format(limit=MAX_LINES))
    if not text.strip():
        raise ImportRefused(messages.IMPORT_EMPTY)
    return text


def _csv_whole(cell: str) -> int:
    cell = cell.strip()
    if not cell:
        raise _Bad(messages.IMPORT_MISSING_VALUE)
    if _WHOLE.fullmatch(cell):
        if len(cell.lstrip("0")) > len(str(MAX_FIGURE)):  # before int(), which refuses over 4 300 digits
            raise _Bad(messages.IMPORT_TOO_LARGE_VALUE.format(value=cell[:20] + "…"))
        return _bounded(int(cell))
    raise _Bad(
        (messages.IMPORT_DECIMALS if _DECIMAL.fullmatch(cell) else messages.IMPORT_NOT_INTEGER).format(value=cell)
    )


def _bounded(value: int) -> int:
    if value > MAX_FIGURE:
        raise _Bad(messages.IMPORT_TOO_LARGE_VALUE.format(value=value))
    return value


def _json_whole(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return _bounded(value)
    if isinstance(value, float) and value >= 0:
        raise _Bad(messages.IMPORT_DECIMALS.format(value=value))
    raise _Bad(messages.IMPORT_NOT_INTEGER.format(value=json.dumps(value, ensure_ascii=False)[:40]))


def _csv_value(is_pair: bool, cells: list[str]) -> int | Pair:
    while len(cells) > 3 and not cells[-1].strip():  # spreadsheets often end rows with a separator
        cells = cells[:-1]
    if len(cells) > 3:
        raise _Bad(messages.IMPORT_COLUMNS)
    first = cells[1] if len(cells) > 1 else ""
    hours = cells[2].strip() if len(cells) > 2 else ""
    if not is_pair:
        if hours:
            raise _Bad(messages.IMPORT_UNEXPECTED_HOURS)
        return _csv_whole(first)
    count = _csv_whole(first)
    if not hours:
        raise _Bad(messages.IMPORT_MISSING_HOURS)
    return Pair(count, _csv_whole(hours))


def _json_value(is_pair: bool, value: Any) -> int | Pair:
    if not is_pair:
        return _json_whole(value)
    if isinstance(value, list) and len(value) == 1:
        raise _Bad(messages.IMPORT_MISSING_HOURS)
    if not isinstance(value, list) or len(value) != 2:
        raise _Bad(messages.IMPORT_PAIR_EXPECTED)
    return Pair(_json_whole(value[0]), _json_whole(value[1]))


def _is_pair(code: str) -> bool:
    """Whether a line holds [stagiaires, heures]; raises _Bad for a code an import cannot set."""
    if code.startswith(SPECIALITY_PREFIX) and NSF_CODE.fullmatch(code.removeprefix(SPECIALITY_PREFIX)):
        return True
    line = BY_CODE.get(code)
    if line is None:
        raise _Bad(messages.IMPORT_UNKNOWN_CODE)
    if line.kind not in NUMBER_KINDS + PAIR_KINDS:
        raise _Bad(messages.IMPORT_NOT_IMPORTABLE)
    return line.kind in PAIR_KINDS


def _figures(entries: Iterable[tuple[int, str, Any]], parse: Callable[[bool, Any], int | Pair]) -> Figures:
    """Figures from (line number, code, raw value) entries; `parse(is_pair, raw)` reads one value."""
    bad: list[BadLine] = []
    seen: dict[str, int] = {}
    values: dict[str, tuple[int, int | Pair]] = {}
    for number, code, raw in entries:
        try:
            if code in seen:
                raise _Bad(messages.IMPORT_DUPLICATE.format(first=seen[code]))
            seen[code] = number
            is_pair = _is_pair(code)
            specialities = [known for known in values if known not in BY_CODE]
            if code not in BY_CODE and len(specialities) >= MAX_SPECIALITIES:
                raise _Bad(messages.IMPORT_SPECIALITIES)
            values[code] = (number, parse(is_pair, raw))
        except _Bad as reason:
            bad.append(BadLine(number, code, str(reason)))
    totals = {code: value for code, (_, value) in values.items() if code in BY_CODE and BY_CODE[code].is_total}
    figures = _assemble({code: value for code, (_, value) in values.items() if code not in totals})
    # a total is compared only with the sum of well-read lines: a bad line would make any total look wrong
    unreadable = {"f4_*" if bad_line.code not in BY_CODE else bad_line.code for bad_line in bad}
    totals = {code: value for code, value in totals.items() if not unreadable & _parts(code)}
    if totals:
        for problem in declared_totals(totals, figures):
            code = problem.lines[0]
            bad.append(BadLine(values[code][0], code, problem.message))
    if bad:
        raise ImportRefused(messages.IMPORT_REFUSED, tuple(sorted(bad, key=lambda bad_line: bad_line.line)))
    return figures


def _parts(total: str) -> set[str]:
    """The typed lines a total adds up, through the totals it includes (c_total includes c2)."""
    parts = {total}
    for code in BY_CODE[total].sum_of:
        parts |= _parts(code) if BY_CODE[code].is_total else {code}
    return parts | ({"f4_*"} if total == "f4_total" else set())


def _assemble(values: dict[str, int | Pair]) -> Figures:
    numbers, pairs, rows = {}, {}, []
    for code, value in values.items():
        if isinstance(value, int):
            numbers[code] = value
        elif code in BY_CODE:
            pairs[code] = value
        else:
            rows.append(Speciality(code.removeprefix(SPECIALITY_PREFIX), "", value))
    return Figures(numbers, pairs, tuple(rows))


def _csv_entries(text: str) -> Iterator[tuple[int, str, list[str]]]:
    reader = csv.reader(text.splitlines(), delimiter=";")
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        code = cells[0].strip().lower()
        if code == "code" and reader.line_num == 1:  # the header row is optional
            continue
        yield reader.line_num, code, cells


def import_csv(data: bytes) -> Figures:
    """Figures from `code;stagiaires_ou_montant;heures` rows; raises ImportRefused listing every bad line."""
    return _figures(_csv_entries(_text(data)), _csv_value)


def _json_pairs(text: str) -> list[tuple[str, Any]]:
    try:
        # pairs kept as a list: a duplicated key must be reported, not silently overwritten
        pairs = json.loads(text, object_pairs_hook=lambda pairs: pairs)
    except json.JSONDecodeError as error:
        raise ImportRefused(messages.IMPORT_BAD_JSON.format(detail=f"ligne {error.lineno}")) from None
    except ValueError:  # a number of more than 4 300 digits
        raise ImportRefused(messages.IMPORT_BAD_JSON.format(detail="nombre trop long")) from None
    except RecursionError:  # absurdly nested arrays
        raise ImportRefused(messages.IMPORT_BAD_JSON.format(detail="imbrication trop profonde")) from None
    if not isinstance(pairs, list) or not all(isinstance(pair, tuple) for pair in pairs):
        raise ImportRefused(messages.IMPORT_JSON_NOT_OBJECT)
    return pairs


class _Lines:
    """Each key's line number, found in document order: json gives no positions for valid input."""

    def __init__(self, text: str) -> None:
        self.text, self.position = text, 0

    def of(self, key: str) -> int:
        found = re.compile(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:').search(self.text, self.position)
        self.position = found.end() if found else self.position
        return self.text.count("\n", 0, self.position) + 1


def _json_entries(text: str, pairs: list[tuple[str, Any]]) -> list[tuple[int, str, Any]]:
    lines = _Lines(text)
    return [(lines.of(key), str(key).strip().lower(), value) for key, value in pairs]


# The JSON export's shape (snapshot.content_to_json, bpf.md §7 « JSON snapshot »): figures nested by frame, F-4's
# rows as a list, computed totals under "totaux_calcules" (checked like any declared total). Frames A, B and H
# are typed on screen, so their keys are passed over rather than refused.
_SNAPSHOT_FRAMES = ("c", "d", "e", "f1", "f3", "totaux_calcules")
_SNAPSHOT_MARKS = {*_SNAPSHOT_FRAMES, "f4"}
_SNAPSHOT_SKIPPED = {"siren", "siret", "nda", "exercice", "exercice_du", "exercice_au", "actions_distance", "a", "h"}


def _is_object(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(pair, tuple) for pair in value)


def _snapshot_entries(text: str, pairs: list[tuple[str, Any]]) -> tuple[list[tuple[int, str, Any]], dict[str, str]]:
    """The snapshot's figures as flat entries, and F-4's libellés by code NSF (the flat shape has none)."""
    lines, entries, libelles = _Lines(text), [], {}
    for key, value in pairs:
        number = lines.of(key)
        if key in _SNAPSHOT_SKIPPED:
            continue
        if key in _SNAPSHOT_FRAMES and _is_object(value):
            entries += [(lines.of(code), code.strip().lower(), figure) for code, figure in value]
        elif key == "f4" and isinstance(value, list) and all(_is_object(row) for row in value):
            for row in map(dict, value):
                code_nsf = str(row.get("code_nsf", "")).strip().lower()
                libelles[code_nsf] = str(row.get("libelle", ""))
                entries.append(
                    (lines.of("code_nsf"), SPECIALITY_PREFIX + code_nsf, [row.get("stagiaires"), row.get("heures")])
                )
        else:  # f2, f4_autres and g sit at the top; anything else is reported as an unknown code
            entries.append((number, key.strip().lower(), value))
    return entries, libelles


def _with_libelles(figures: Figures, libelles: dict[str, str]) -> Figures:
    rows = tuple(replace(row, libelle=libelles.get(row.code_nsf, "")) for row in figures.specialities)
    return replace(figures, specialities=rows)


def import_json(data: bytes) -> Figures:
    """Figures from `{"c1": 12000, "f1a": [12, 840]}`, or from the JSON export of a BPF (its snapshot, frames
    nested, F-4's libellés kept); raises ImportRefused listing every bad key."""
    text = _text(data)
    pairs = _json_pairs(text)
    if any(key in _SNAPSHOT_MARKS for key, _ in pairs):
        entries, libelles = _snapshot_entries(text, pairs)
        return _with_libelles(_figures(entries, _json_value), libelles)
    return _figures(_json_entries(text, pairs), _json_value)


def import_file(filename: str, data: bytes) -> Figures:
    """By the file's extension: .json is JSON, anything else is read as CSV."""
    return import_json(data) if filename.lower().endswith(".json") else import_csv(data)
