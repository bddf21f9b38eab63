"""The printable BPF (bpf.md §7): frames A to H with the cerfa 10443's labels from lines.py, figures
right-aligned with French thousands separators, totals in bold on a grey band, « dont » lines indented. Each
frame is one table whose title row (and column headings) repeat when it runs over a page, so that a page
never shows figures without saying which frame they belong to."""

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from rp_bpf import messages
from rp_bpf.bpf.content import BpfContent, Figures
from rp_bpf.bpf.lines import LINES, PAIR_KINDS, Kind, Line
from rp_bpf.bpf.pdf import FIGURE, FIGURE_BOLD, TITLE, euros, french_date, render
from shared import pdf

_CODE_WIDTH = 17 * mm
_FIGURE_WIDTH = 28 * mm
_TEXT_LABEL_WIDTH = 78 * mm
_DONT = "dont"  # lines.py's group of F-3's « dont » lines: a prefix, not a heading row

LABEL = pdf.style("label", 8)
LABEL_BOLD = pdf.style("label_bold", 8, bold=True)
INDENTED = pdf.style("indented", 8, leftIndent=5 * mm)
GROUP = pdf.style("group", 8, fontName="Helvetica-Oblique")
CODE = pdf.style("code", 7, textColor=pdf.GREY)
FRAME_TITLE = pdf.style("frame_title", 9, bold=True, textColor=colors.white)
COLUMN = pdf.style("column", 7, bold=True, alignment=TA_RIGHT)
_TEXT_FRAMES = ("A", "B", "H")


@dataclass(frozen=True)
class _Row:
    """One row of a frame of figures; a heading row (« Produits provenant : ») has a label only."""

    code: str
    label: str
    values: tuple[str, ...] = ()
    bold: bool = False
    indent: bool = False


def _letter(cadre: str) -> str:
    return cadre.split(" — ")[0]


def _yes_no(value: object) -> str:
    return messages.DOCUMENT_YES if value else messages.DOCUMENT_NO


def _text_value(line: Line, value: object) -> str:
    if line.kind is Kind.YES_NO:
        return _yes_no(value)
    return str(value) if value not in (None, "") else messages.DOCUMENT_UNKNOWN


def _text_rows(letter: str, lines: list[Line], content: BpfContent) -> list[tuple[str, str]]:
    if letter == "B":
        # the cerfa's « Exercice comptable du … au … » is one sentence: one row, not « au » alone
        du, au = french_date(content.exercice_du), french_date(content.exercice_au)
        period = messages.RECEIPT_EXERCICE_VALUE.format(du=du, au=au)
        return [(messages.CERFA_EXERCICE, period), (lines[-1].label, _yes_no(content.actions_distance))]
    values = content.identification if letter == "A" else content.dirigeant
    return [(line.label, _text_value(line, values.get(line.code))) for line in lines]


def _values(line: Line, figures: Figures, pairs: bool) -> tuple[str, ...]:
    if line.kind in PAIR_KINDS:
        pair = figures.pair(line.code)
        return pdf.french_number(pair.count), pdf.french_number(pair.hours)
    number = figures.number(line.code)
    if line.kind is Kind.PERCENT:
        return (f"{number}\u00a0%",)
    if line.kind is Kind.AMOUNT:
        return (euros(number),)
    return (pdf.french_number(number), "") if pairs else (pdf.french_number(number),)


def _figure_row(line: Line, figures: Figures, pairs: bool) -> _Row:
    label = messages.CERFA_DONT.format(label=line.label) if line.group == _DONT else line.label
    # a « dont » line is indented under the line it details when both sit in the same frame (F-2 stands alone)
    details_here = any(other.code == line.details and other.cadre == line.cadre for other in LINES)
    return _Row(
        code=line.code,
        label=label,
        values=_values(line, figures, pairs),
        bold=line.is_total or line.label.startswith("Total"),
        indent=bool(line.group) or details_here,
    )


def _figure_rows(letter: str, lines: list[Line], figures: Figures, pairs: bool) -> Iterator[_Row]:
    if letter == "C":
        yield _Row("", messages.CERFA_C_INTRO)
    group = ""
    for line in lines:
        if line.group not in ("", _DONT, group):
            yield _Row("", line.group)
        group = line.group
        if line.code == "f4_autres":  # the main specialities come first, then the others, then the total
            for speciality in figures.specialities:
                label = messages.CERFA_SPECIALITY.format(code_nsf=speciality.code_nsf, libelle=speciality.libelle)
                pair = speciality.pair
                values = (pdf.french_number(pair.count), pdf.french_number(pair.hours))
                yield _Row(speciality.line_code, label.removesuffix(" — "), values)
        yield _figure_row(line, figures, pairs)


def _title_row(cadre: str, columns: int) -> list[Flowable | str]:
    return [pdf.paragraph(cadre, FRAME_TITLE)] + [""] * (columns - 1)


def _frame_style(header_rows: int) -> list[tuple[object, ...]]:
    return [
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), pdf.BLUE_FRANCE),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.4, pdf.RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, pdf.RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.1 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.1 * mm),
    ]


def _text_table(cadre: str, rows: list[tuple[str, str]]) -> Table:
    data = [_title_row(cadre, 2)]
    data += [[pdf.paragraph(label, LABEL_BOLD), pdf.paragraph(value, LABEL)] for label, value in rows]
    table = Table(data, colWidths=[_TEXT_LABEL_WIDTH, pdf.WIDTH - _TEXT_LABEL_WIDTH], repeatRows=1)
    table.setStyle(TableStyle(_frame_style(1)))
    return table


def _column_headings(kinds: set[Kind]) -> tuple[str, str]:
    if Kind.PERSONS_HOURS in kinds:
        return messages.CERFA_PERSONS, messages.CERFA_PERSONS_HOURS
    return messages.CERFA_TRAINEES, messages.CERFA_TRAINEES_HOURS


def _figure_table(cadre: str, lines: list[Line], figures: Figures) -> Table:
    kinds = {line.kind for line in lines}
    pairs = bool(kinds & set(PAIR_KINDS))
    headings = _column_headings(kinds) if pairs else ()
    columns = 2 + (len(headings) or 1)
    data = [_title_row(cadre, columns)]
    if headings:
        data.append(["", "", *(pdf.paragraph(heading, COLUMN) for heading in headings)])
    style = _frame_style(len(data))
    for row in _figure_rows(_letter(cadre), lines, figures, pairs):
        index = len(data)
        if not row.values:  # a heading of several lines spans the label and figure columns
            data.append(["", pdf.paragraph(row.label, GROUP)] + [""] * (columns - 2))
            style.append(("SPAN", (1, index), (-1, index)))
            continue
        label_style = LABEL_BOLD if row.bold else INDENTED if row.indent else LABEL
        figure_style = FIGURE_BOLD if row.bold else FIGURE
        figures_cells = [pdf.paragraph(value, figure_style) for value in row.values]
        data.append([pdf.paragraph(row.code, CODE), pdf.paragraph(row.label, label_style), *figures_cells])
        if row.bold:
            style.append(("BACKGROUND", (0, index), (-1, index), pdf.LIGHT))
    label_width = pdf.WIDTH - _CODE_WIDTH - (columns - 2) * _FIGURE_WIDTH
    widths = [_CODE_WIDTH, label_width] + [_FIGURE_WIDTH] * (columns - 2)
    table = Table(data, colWidths=widths, repeatRows=1 + bool(headings))
    table.setStyle(TableStyle(style))
    return table


def _frames(content: BpfContent) -> Iterator[Flowable]:
    for cadre, grouped in groupby(LINES, key=lambda line: line.cadre):
        lines, letter = list(grouped), _letter(cadre)
        if letter in _TEXT_FRAMES:
            yield _text_table(cadre, _text_rows(letter, lines, content))
        else:
            yield _figure_table(cadre, lines, content.figures)
        yield Spacer(0, 2.5 * mm)


def bpf_pdf(content: BpfContent, *, mention: str = "") -> bytes:
    """The BPF as a printable A4 PDF (two to three pages); `mention` is printed under the title, for instance
    « Brouillon » or the version and date of a transmitted BPF. The same arguments always give the same bytes."""
    denomination = str(content.identification.get("denomination", ""))
    siret = str(content.identification.get("siret", ""))
    title = messages.CERFA_TITLE.format(exercice=content.exercice)
    story: list[Flowable] = [
        pdf.paragraph(messages.DOCUMENT_AUTHOR, pdf.SMALL),
        Spacer(0, 2 * mm),
        pdf.paragraph(title, TITLE),
        pdf.paragraph(messages.CERFA_SUBTITLE, pdf.SMALL),
    ]
    if mention:
        story += [Spacer(0, 2 * mm), Paragraph(pdf.markup(mention), pdf.BOLD)]
    story += [Spacer(0, 4 * mm), *_frames(content)]
    footer = messages.CERFA_FOOTER.format(exercice=content.exercice, denomination=denomination, siret=siret)
    return render(story, title=title, footer=footer)
