"""The printable statement (soffi.md §7 « PDF: printable statement with status and checksum »): the body, the
campaign, the status badges and the last filing, then sections A to D with every line of the body's type
(totals computed as the page shows them), and the SHA-256 of the filed snapshot at the end.

Built like the BPF's PDFs (rp_bpf/bpf/pdf.py): ReportLab's platypus, so that long labels and comments wrap
inside their cell and a long statement runs over as many pages as it needs, each section's title and column
headings repeated; the standard Helvetica (Windows-1252 holds every letter of French and « € »), so nothing is
downloaded nor installed; `invariant` so that the same statement always gives the same bytes."""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from rp_soffi import messages
from rp_soffi.statement.amounts import format_amount
from rp_soffi.statement.catalogue import Line, Section, lines_for
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import EDITABLE, LATE_LABEL, Status
from shared.clock import in_paris

MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN - 12  # the frame's usable width: platypus pads its frame by 6 points each side
_CODE, _AMOUNT, _COUNT = 11 * mm, 36 * mm, 20 * mm
_LABEL = (WIDTH - _CODE - _AMOUNT - _COUNT) / 2
_BLUE = colors.HexColor("#000091")  # « bleu France », as the DSFR pages
_ORANGE = colors.HexColor("#B34000")
_GREY = colors.HexColor("#666666")
_LIGHT = colors.HexColor("#EEEEEE")
_RULE = colors.HexColor("#BBBBBB")
_NBSP = "\u00a0"
_FRENCH_SPACES = re.compile(r"(?<=«) | (?=[:;!?»])")


@dataclass(frozen=True)
class Header:
    """What the PDF says of the statement besides its figures (`filed_at` naive UTC, as stored)."""

    name: str
    campaign: str
    status: Status
    late: bool
    filing_number: int  # 0 until the first filing
    filed_at: datetime | None
    filed_by: str | None
    checksum: str | None  # of the last filed snapshot


def _showable(char: str) -> str:
    try:
        char.encode("cp1252")  # what the standard fonts can draw; anything else would be a box
        return char
    except UnicodeEncodeError:
        base = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
        try:
            return base.encode("cp1252").decode("cp1252") or "?"
        except UnicodeEncodeError:
            return "?"


def _text(value: object) -> str:
    """Text the standard fonts show, French no-break spaces kept (a « : » never starts a line)."""
    text = _FRENCH_SPACES.sub(_NBSP, str(value).replace("\u202f", _NBSP))
    return "".join(_showable(char) for char in text)


def _style(name: str, size: float = 8, bold: bool = False, **options: Any) -> ParagraphStyle:
    options.setdefault("leading", size * 1.25)
    options.setdefault("fontName", "Helvetica-Bold" if bold else "Helvetica")
    return ParagraphStyle(name, fontSize=size, **options)


TITLE = _style("title", 15, bold=True, leading=19, spaceAfter=2 * mm)
SMALL = _style("small", 7.5, textColor=_GREY)
BODY = _style("body", 9)
BOLD = _style("bold", 9, bold=True)
CELL = _style("cell")
CELL_BOLD = _style("cell_bold", bold=True)
FIGURE = _style("figure", alignment=TA_RIGHT)
FIGURE_BOLD = _style("figure_bold", bold=True, alignment=TA_RIGHT)
COLUMN = _style("column", 7.5, bold=True)
COLUMN_FIGURE = _style("column_figure", 7.5, bold=True, alignment=TA_RIGHT)
SECTION = _style("section", 9.5, bold=True, textColor=colors.white)
BADGE = _style("badge", 8.5, bold=True, textColor=colors.white)
CHECKSUM = _style("checksum", 8.5, fontName="Courier")


def _paragraph(value: object, style: ParagraphStyle = BODY) -> Paragraph:
    """User text enters the PDF only through here: escaped, so a « < » or « & » in a name is not markup."""
    return Paragraph(escape(_text(value)), style)


def _euros(cents: int) -> str:
    """« 1 234 567,89 € », no-break spaces so that a figure never wraps inside its cell."""
    return f"{format_amount(cents)}{_NBSP}€".replace("\u202f", _NBSP)


def _number(count: int) -> str:
    return f"{count:,}".replace(",", _NBSP)


def _filed_at(value: datetime) -> str:
    return in_paris(value).strftime("%d/%m/%Y à %Hh%M")


_BADGE_GAP = ("LINEAFTER", (0, 0), (-2, 0), 3, colors.white)


def _badges(header: Header) -> Table:
    labels = [(header.status.label, _BLUE)] + ([(LATE_LABEL, _ORANGE)] if header.late else [])
    widths = [stringWidth(_text(label), BADGE.fontName, BADGE.fontSize) + 4 * mm + 1 for label, _ in labels]
    table = Table([[_paragraph(label, BADGE) for label, _ in labels]], colWidths=widths, hAlign="LEFT")
    style = [("BACKGROUND", (index, 0), (index, 0), color) for index, (_, color) in enumerate(labels)]
    table.setStyle(TableStyle([*style, ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm), _BADGE_GAP]))
    return table


def _identity(data: StatementData, header: Header) -> Table:
    filing = messages.PDF_NEVER_FILED
    if header.filing_number and header.filed_at:
        filing = messages.PDF_FILED.format(
            number=header.filing_number, date=_filed_at(header.filed_at), name=header.filed_by or ""
        )
    rows = [
        (messages.PDF_NAME, header.name),
        (messages.PDF_SIREN, data.siren),
        (messages.PDF_BODY_TYPE, data.body_type.label),
        (messages.PDF_CAMPAIGN, header.campaign),
        (messages.PDF_STATUS, _badges(header)),
        (messages.PDF_FILING, filing),
    ]
    cells = [
        [_paragraph(label, BOLD), value if isinstance(value, Flowable) else _paragraph(value)] for label, value in rows
    ]
    table = Table(cells, colWidths=[38 * mm, WIDTH - 38 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _row(line: Line, data: StatementData) -> list[Flowable]:
    value = data.value(line.code)
    total = not line.kind.typed
    if total:
        amount = _euros(data.amount(line.code))
    else:
        amount = _euros(value.amount_cents) if line.has_amount and value.amount_cents is not None else ""
    count = _number(value.count) if line.has_count and value.count is not None else ""
    return [
        _paragraph(line.code, CELL_BOLD if total else CELL),
        _paragraph(line.label, CELL_BOLD if total else CELL),
        _paragraph(amount, FIGURE_BOLD if total else FIGURE),
        _paragraph(count, FIGURE),
        _paragraph("" if total else value.comment, CELL),
    ]


def _section(section: Section, lines: tuple[Line, ...], data: StatementData) -> Table:
    rows: list[list[Flowable | str]] = [[_paragraph(section.label, SECTION), "", "", "", ""]]
    code, label, amount, count, comment = messages.PDF_COLUMNS
    rows.append([_paragraph(code, COLUMN), _paragraph(label, COLUMN), _paragraph(amount, COLUMN_FIGURE),
                 _paragraph(count, COLUMN_FIGURE), _paragraph(comment, COLUMN)])  # fmt: skip
    style: list[tuple[object, ...]] = [
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), _BLUE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, _RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, _RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for line in lines:
        if not line.kind.typed:
            style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), _LIGHT))
        rows.append(list(_row(line, data)))
    table = Table(rows, colWidths=[_CODE, _LABEL, _AMOUNT, _COUNT, _LABEL], repeatRows=2)
    table.setStyle(TableStyle(style))
    return table


def _sections(data: StatementData) -> Iterator[Flowable]:
    for section in Section:
        lines = lines_for(data.body_type, section)
        if lines:  # section D holds no line for a body other than an OPCO
            yield _section(section, lines, data)
            yield Spacer(0, 4 * mm)


def _checksum(header: Header) -> list[Flowable]:
    if header.checksum is None:
        return [_paragraph(messages.PDF_NOT_FILED, BODY)]
    # A draft again (withdrawn) or one being corrected may differ from the snapshot the checksum was taken of.
    sentence = messages.PDF_CHECKSUM_STALE if header.status in EDITABLE else messages.PDF_CHECKSUM
    return [_paragraph(sentence.format(number=header.filing_number)), _paragraph(header.checksum, CHECKSUM)]


def _numbered_canvas(footer: str) -> type[Canvas]:
    """Writes « {footer} … Page n / N » at the foot of each page: N is known only once every page is laid out,
    so pages are kept and drawn at save (ReportLab's usual recipe, as the BPF's)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont("Helvetica", 7.5)
                self.setFillColor(_GREY)
                self.drawString(MARGIN + 6, 9 * mm, footer)
                page = messages.PDF_PAGE.format(number=number, total=len(self._pages))
                self.drawRightString(A4[0] - MARGIN - 6, 9 * mm, page)
                super().showPage()
            super().save()

    return NumberedCanvas


def _footer(data: StatementData, header: Header) -> str:
    name = header.name if len(header.name) <= 60 else header.name[:59] + "…"  # leaves room for « Page n / N »
    return _text(messages.PDF_FOOTER.format(exercice=data.exercice, name=name, siren=data.siren))


def statement_pdf(data: StatementData, header: Header) -> bytes:
    """The statement as a printable A4 PDF; the same arguments always give the same bytes."""
    title = messages.PDF_TITLE.format(exercice=data.exercice)
    story: list[Flowable] = [
        _paragraph(messages.PDF_AUTHOR, SMALL),
        Spacer(0, 2 * mm),
        _paragraph(title, TITLE),
        _identity(data, header),
        Spacer(0, 5 * mm),
        *_sections(data),
        _paragraph(messages.PDF_CHECKSUM_TITLE, BOLD),
        Spacer(0, 1 * mm),
        *_checksum(header),
    ]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=_text(title),
        author=messages.PDF_AUTHOR,
        creator=messages.PDF_AUTHOR,
        lang="fr-FR",
        invariant=1,
    )
    document.build(story, canvasmaker=_numbered_canvas(_footer(data, header)))
    return buffer.getvalue()
