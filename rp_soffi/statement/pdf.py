"""The printable statement (soffi.md §7 « PDF: printable statement with status and checksum »): the body, the
campaign, the status badges and the last filing, then sections A to D with every line of the body's type
(totals computed as the page shows them), and the SHA-256 of the filed snapshot at the end.

Built with the services' ReportLab toolkit (shared/pdf.py), as the BPF's PDFs: platypus, so that long labels
and comments wrap inside their cell and a long statement runs over as many pages as it needs, each section's
title and column headings repeated; the standard Helvetica (Windows-1252 holds every letter of French and « € »),
so nothing is downloaded nor installed; the same statement always gives the same bytes."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from rp_soffi import messages
from rp_soffi.statement.amounts import format_amount
from rp_soffi.statement.catalogue import Line, Section, lines_for
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import EDITABLE, LATE_LABEL, Status
from shared import pdf
from shared.clock import in_paris

_CODE, _AMOUNT, _COUNT = 11 * mm, 36 * mm, 20 * mm
_LABEL = (pdf.WIDTH - _CODE - _AMOUNT - _COUNT) / 2
_ORANGE = colors.HexColor("#B34000")


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


TITLE = pdf.style("title", 15, bold=True, leading=19, spaceAfter=2 * mm)
CELL = pdf.style("cell", 8)
CELL_BOLD = pdf.style("cell_bold", 8, bold=True)
FIGURE = pdf.style("figure", 8, alignment=TA_RIGHT)
FIGURE_BOLD = pdf.style("figure_bold", 8, bold=True, alignment=TA_RIGHT)
COLUMN = pdf.style("column", 7.5, bold=True)
COLUMN_FIGURE = pdf.style("column_figure", 7.5, bold=True, alignment=TA_RIGHT)
SECTION = pdf.style("section", 9.5, bold=True, textColor=colors.white)
BADGE = pdf.style("badge", 8.5, bold=True, textColor=colors.white)
CHECKSUM = pdf.style("checksum", 8.5, fontName="Courier")


def _euros(cents: int) -> str:
    """« 1 234 567,89 € », no-break spaces so that a figure never wraps inside its cell."""
    return f"{format_amount(cents)}{pdf.NBSP}€".replace("\u202f", pdf.NBSP)


def _filed_at(value: datetime) -> str:
    return in_paris(value).strftime("%d/%m/%Y à %Hh%M")


_BADGE_GAP = ("LINEAFTER", (0, 0), (-2, 0), 3, colors.white)


def _badges(header: Header) -> Table:
    labels = [(header.status.label, pdf.BLUE_FRANCE)] + ([(LATE_LABEL, _ORANGE)] if header.late else [])
    widths = [stringWidth(pdf.pdf_text(label), BADGE.fontName, BADGE.fontSize) + 4 * mm + 1 for label, _ in labels]
    table = Table([[pdf.paragraph(label, BADGE) for label, _ in labels]], colWidths=widths, hAlign="LEFT")
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
        [pdf.paragraph(label, pdf.BOLD), value if isinstance(value, Flowable) else pdf.paragraph(value)]
        for label, value in rows
    ]
    table = Table(cells, colWidths=[38 * mm, pdf.WIDTH - 38 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _row(line: Line, data: StatementData) -> list[Flowable]:
    value = data.value(line.code)
    total = not line.kind.typed
    if total:
        amount = _euros(data.amount(line.code))
    else:
        amount = _euros(value.amount_cents) if line.has_amount and value.amount_cents is not None else ""
    count = pdf.french_number(value.count) if line.has_count and value.count is not None else ""
    return [
        pdf.paragraph(line.code, CELL_BOLD if total else CELL),
        pdf.paragraph(line.label, CELL_BOLD if total else CELL),
        pdf.paragraph(amount, FIGURE_BOLD if total else FIGURE),
        pdf.paragraph(count, FIGURE),
        pdf.paragraph("" if total else value.comment, CELL),
    ]


def _section(section: Section, lines: tuple[Line, ...], data: StatementData) -> Table:
    rows: list[list[Flowable | str]] = [[pdf.paragraph(section.label, SECTION), "", "", "", ""]]
    code, label, amount, count, comment = messages.PDF_COLUMNS
    rows.append([pdf.paragraph(code, COLUMN), pdf.paragraph(label, COLUMN), pdf.paragraph(amount, COLUMN_FIGURE),
                 pdf.paragraph(count, COLUMN_FIGURE), pdf.paragraph(comment, COLUMN)])  # fmt: skip
    style: list[tuple[object, ...]] = [
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), pdf.BLUE_FRANCE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, pdf.RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, pdf.RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for line in lines:
        if not line.kind.typed:
            style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), pdf.LIGHT))
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
        return [pdf.paragraph(messages.PDF_NOT_FILED, pdf.BODY)]
    # A draft again (withdrawn) or one being corrected may differ from the snapshot the checksum was taken of.
    sentence = messages.PDF_CHECKSUM_STALE if header.status in EDITABLE else messages.PDF_CHECKSUM
    return [pdf.paragraph(sentence.format(number=header.filing_number)), pdf.paragraph(header.checksum, CHECKSUM)]


def _footer(data: StatementData, header: Header) -> str:
    # A name cut at 60 characters leaves room for « Page n / N » in most footers; render() cuts what still reaches it.
    name = header.name if len(header.name) <= 60 else header.name[:59] + "…"
    return messages.PDF_FOOTER.format(exercice=data.exercice, name=name, siren=data.siren)


def statement_pdf(data: StatementData, header: Header) -> bytes:
    """The statement as a printable A4 PDF; the same arguments always give the same bytes."""
    title = messages.PDF_TITLE.format(exercice=data.exercice)
    story: list[Flowable] = [
        pdf.paragraph(messages.PDF_AUTHOR, pdf.SMALL),
        Spacer(0, 2 * mm),
        pdf.paragraph(title, TITLE),
        _identity(data, header),
        Spacer(0, 5 * mm),
        *_sections(data),
        pdf.paragraph(messages.PDF_CHECKSUM_TITLE, pdf.BOLD),
        Spacer(0, 1 * mm),
        *_checksum(header),
    ]
    footer = _footer(data, header)
    return pdf.render(story, title=title, author=messages.PDF_AUTHOR, footer=footer, page_label=messages.PDF_PAGE)
