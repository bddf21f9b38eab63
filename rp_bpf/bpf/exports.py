"""A BPF's exports (bpf.md §7): the printable PDF, the CSV in the import's own layout, the JSON snapshot, and
the control services' campaign CSV with one row per organisation.

Both CSVs end their rows with CRLF (RFC 4180, what spreadsheets write; `imports.import_csv` reads either) and
separate cells with « ; », the separator French spreadsheets expect. The BPF's CSV is ASCII (codes and whole
numbers) and needs no BOM; the campaign CSV carries users' text and starts with a UTF-8 BOM, without which
Excel reads it as Windows-1252."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rp_bpf import messages
from rp_bpf.bpf import cerfa_pdf
from rp_bpf.bpf.content import BpfContent, Figures
from rp_bpf.bpf.lines import LINES, MAX_SPECIALITIES, NUMBER_KINDS, PAIR_KINDS, Kind, Line
from rp_bpf.bpf.snapshot import content_to_json
from shared.clock import in_paris

CSV_HEADER = ("code", "stagiaires_ou_montant", "heures")
_DIALECT: dict[str, Any] = {"delimiter": ";", "lineterminator": "\r\n"}
_BOM = "\ufeff"
_CHUNK = 64 * 1024  # the campaign CSV is yielded by pieces of about this size: few writes, little memory
# A cell a spreadsheet would read as a formula (OWASP « CSV injection »): « = + - @ », tab and carriage return
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def bpf_pdf(content: BpfContent, *, mention: str = "") -> bytes:
    """The BPF as a printable A4 PDF, frames A to H (cerfa_pdf); deterministic bytes."""
    return cerfa_pdf.bpf_pdf(content, mention=mention)


def _csv_rows(figures: Figures) -> Iterator[tuple[str, int, int | str]]:
    for line in LINES:
        if line.kind in NUMBER_KINDS:
            yield line.code, figures.number(line.code), ""
        elif line.kind in PAIR_KINDS:
            if line.code == "f4_autres":  # the main specialities sit before the other ones, as on the cerfa
                for row in figures.specialities:
                    yield row.line_code, row.pair.count, row.pair.hours
            pair = figures.pair(line.code)
            yield line.code, pair.count, pair.hours


def bpf_csv(figures: Figures) -> bytes:
    """Frames C to G as `code;stagiaires_ou_montant;heures`, every line (zeros and computed totals included),
    which `imports.import_csv` reads back to the same figures — but for F-4's libellés, which the three-column
    layout has no room for (the JSON export keeps them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, **_DIALECT)
    writer.writerow(CSV_HEADER)
    writer.writerows(_csv_rows(figures))
    return buffer.getvalue().encode("utf-8")


def bpf_json(content: BpfContent) -> bytes:
    """The BPF as its snapshot (snapshot.content_to_json), indented for a reader; `imports.import_json` reads
    its figures back, F-4's libellés included. The receipt's SHA-256 is not this file's but that of the
    snapshot's canonical bytes: `snapshot.sha256(json.loads(file))` gives it back, whatever the indentation."""
    text = json.dumps(content_to_json(content), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


@dataclass(frozen=True)
class CampaignRow:
    """One organisation of a campaign as the control services export it; `content` is the last transmitted
    BPF (None when nothing was transmitted: its figures' cells are left empty, not zero)."""

    nda: str
    siret: str
    denomination: str
    region: str
    departement: str
    status: str
    version: int | None = None
    transmitted_at: datetime | None = None  # naive UTC, as stored
    late: bool = False
    content: BpfContent | None = None


_LEADING: tuple[str, ...] = (
    *("nda", "siret", "denomination", "region", "departement", "statut", "version"),
    *("transmis_le_heure_de_paris", "hors_delai"),
)
_SPECIALITY_COLUMNS = ("code_nsf", "libelle", "stagiaires", "heures")
_IN_LEADING = ("nda", "siret", "denomination")  # lines of frame A that the leading columns already hold


def _line_columns(line: Line) -> list[str]:
    if line.kind in PAIR_KINDS:
        # frame E counts the persons who train, not trainees: its first column says so
        first = "personnes" if line.kind is Kind.PERSONS_HOURS else "stagiaires"
        columns = [f"{line.code}_{first}", f"{line.code}_heures"]
    else:
        columns = [line.code]
    if line.code != "f4_autres":
        return columns
    rows = [f"f4_{rank}_{name}" for rank in range(1, MAX_SPECIALITIES + 1) for name in _SPECIALITY_COLUMNS]
    return rows + columns


CAMPAIGN_COLUMNS: tuple[str, ...] = _LEADING + tuple(
    column for line in LINES if line.code not in _IN_LEADING for column in _line_columns(line)
)


def neutralised(text: str) -> str:
    """User text that a spreadsheet shows as typed: a leading « = + - @ » (or tab, carriage return) gets a
    quote before it, so that « =HYPERLINK(…) » in a dénomination is never run as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _text_cell(line: Line, content: BpfContent) -> str:
    if line.kind is Kind.DATE:
        day = content.exercice_du if line.code == "exercice_du" else content.exercice_au
        return day.isoformat() if day else ""
    if line.kind is Kind.YES_NO:
        flag = content.actions_distance if line.code == "actions_distance" else content.identification.get(line.code)
        return "" if flag is None else messages.DOCUMENT_YES if flag else messages.DOCUMENT_NO
    values = content.dirigeant if line.code.startswith("h_") else content.identification
    return neutralised(str(values.get(line.code, "")))


def _speciality_cells(figures: Figures) -> list[str | int]:
    cells: list[str | int] = []
    for row in figures.specialities[:MAX_SPECIALITIES]:
        cells += [neutralised(row.code_nsf), neutralised(row.libelle), row.pair.count, row.pair.hours]
    return cells + [""] * (len(_SPECIALITY_COLUMNS) * MAX_SPECIALITIES - len(cells))


def _line_cells(line: Line, content: BpfContent) -> list[str | int]:
    figures = content.figures
    if line.kind in PAIR_KINDS:
        pair = figures.pair(line.code)
        cells: list[str | int] = [pair.count, pair.hours]
    elif line.kind in NUMBER_KINDS:
        cells = [figures.number(line.code)]
    else:
        cells = [_text_cell(line, content)]
    return _speciality_cells(figures) + cells if line.code == "f4_autres" else cells


def _campaign_cells(row: CampaignRow) -> list[str | int]:
    transmitted = in_paris(row.transmitted_at).strftime("%Y-%m-%d %H:%M") if row.transmitted_at else ""
    cells: list[str | int] = [neutralised(text) for text in (row.nda, row.siret, row.denomination)]
    cells += [neutralised(row.region), neutralised(row.departement), neutralised(row.status)]
    cells += [row.version or "", transmitted, messages.DOCUMENT_YES if row.late else messages.DOCUMENT_NO]
    if row.content is None:
        return cells + [""] * (len(CAMPAIGN_COLUMNS) - len(cells))
    for line in LINES:
        if line.code not in _IN_LEADING:
            cells += _line_cells(line, row.content)
    return cells


def campaign_csv(rows: Iterable[CampaignRow]) -> Iterator[bytes]:
    """The campaign's CSV, one row per organisation (see `stream_csv`)."""
    return stream_csv(CAMPAIGN_COLUMNS, (_campaign_cells(row) for row in rows))


def stream_csv(header: Iterable[str], rows: Iterable[list[str | int]]) -> Iterator[bytes]:
    """A CSV for spreadsheets, UTF-8 with a BOM, streamed: rows are read one at a time and written out by pieces
    of about 64 KiB, so that 100 000 organisations never sit in memory together. The header goes out first,
    before any row is read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, **_DIALECT)
    writer.writerow(header)
    yield (_BOM + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for cells in rows:
        writer.writerow(cells)
        if buffer.tell() >= _CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")
