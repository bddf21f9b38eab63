"""What the BPF's two PDFs (the receipt « Accusé de réception » and the printable BPF) share: French text and
numbers that the standard fonts can show, the paragraph styles, and a deterministic A4 document.

The standard Helvetica is used, not an embedded font: its Windows-1252 encoding has every letter of French
(é è à ç œ « » € °), the files stay small, and nothing depends on a font file being installed on the server.
Deterministic means the same story always gives the same bytes: ReportLab's `invariant` fixes the creation
date and the document id, which it otherwise takes from the clock and a random source."""

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from babel.numbers import format_decimal
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from rp_bpf import messages

MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN - 12  # the frame's usable width: platypus pads its frame by 6 points each side
GREY = colors.HexColor("#666666")
LIGHT = colors.HexColor("#EEEEEE")
RULE = colors.HexColor("#BBBBBB")
_NBSP = "\u00a0"
_FRENCH_SPACES = re.compile(r"(?<=«) | (?=[:;!?»])")
_ENCODING = "cp1252"  # what the standard fonts' WinAnsiEncoding can show (ReportLab draws a box for the rest)


def _showable(char: str) -> str:
    try:
        char.encode(_ENCODING)
        return char
    except UnicodeEncodeError:
        # a letter from another Latin script (ő, ł) loses its accent rather than becoming a box
        base = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
        try:
            return base.encode(_ENCODING).decode(_ENCODING) or "?"
        except UnicodeEncodeError:
            return "?"


def pdf_text(value: object) -> str:
    """Any value as text the standard fonts can show: Babel's narrow no-break space (French thousands)
    becomes a no-break space, as the space before « : » or inside « », so that a colon never starts a line; a
    character outside Windows-1252 loses its accent or becomes « ? »."""
    text = _FRENCH_SPACES.sub(_NBSP, str(value).replace("\u202f", _NBSP))
    return "".join(_showable(char) for char in text)


def markup(value: object) -> str:
    """Text to place inside a Paragraph: shown as typed, a dénomination's « < » or « & » is not markup."""
    return escape(pdf_text(value))


def french_number(number: int) -> str:
    """155500 → « 155 500 » (no-break spaces, so that a figure never wraps inside a cell)."""
    return pdf_text(format_decimal(number, locale="fr_FR", group_separator=True))


def euros(amount: int) -> str:
    return f"{french_number(amount)}{_NBSP}€"


def french_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else messages.DOCUMENT_UNKNOWN


def style(name: str, size: float = 9, bold: bool = False, **options: Any) -> ParagraphStyle:
    options.setdefault("leading", size * 1.25)
    options.setdefault("fontName", "Helvetica-Bold" if bold else "Helvetica")
    return ParagraphStyle(name, fontSize=size, **options)


TITLE = style("title", 15, bold=True, leading=19, spaceAfter=3 * mm)
HEADING = style("heading", 10.5, bold=True, spaceBefore=4 * mm, spaceAfter=1.5 * mm)
BODY = style("body", 9)
BOLD = style("bold", 9, bold=True)
SMALL = style("small", 7.5, textColor=GREY)
FIGURE = style("figure", 9, alignment=TA_RIGHT)
FIGURE_BOLD = style("figure_bold", 9, bold=True, alignment=TA_RIGHT)


def paragraph(text: object, paragraph_style: ParagraphStyle = BODY) -> Paragraph:
    """A Paragraph of plain text (escaped): the only way user text enters a PDF."""
    return Paragraph(markup(text), paragraph_style)


def fitted(text: str, width: float, size: float, font: str = "Helvetica") -> str:
    """The text cut with « … » so that it holds in `width` points: a long dénomination in a footer line must
    not run over the page number or off the page."""
    if stringWidth(text, font, size) <= width:
        return text
    text = text[: int(width / (size * 0.19))]  # no Helvetica glyph is narrower than 0.19 em: the rest never fits
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _numbered_canvas(footer: str) -> type[Canvas]:
    """A canvas that writes « {footer} — page n / total » at the foot of each page: the total is known only
    once every page is laid out, so pages are kept and drawn at save (ReportLab's usual recipe)."""

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
                self.setFillColor(GREY)
                page = pdf_text(messages.DOCUMENT_PAGE.format(number=number, total=len(self._pages)))
                room = WIDTH - stringWidth(page, "Helvetica", 7.5) - 5 * mm
                self.drawString(MARGIN + 6, 9 * mm, fitted(pdf_text(footer), room, 7.5))
                self.drawRightString(A4[0] - MARGIN - 6, 9 * mm, page)
                super().showPage()
            super().save()

    return NumberedCanvas


def render(story: Sequence[Flowable], *, title: str, footer: str) -> bytes:
    """The story laid out on A4 pages with a numbered footer, as bytes that depend on the story alone."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=pdf_text(title),
        author=messages.DOCUMENT_AUTHOR,
        creator=messages.DOCUMENT_AUTHOR,
        lang="fr-FR",
        invariant=1,
    )
    canvasmaker: Callable[..., Canvas] = _numbered_canvas(footer)
    document.build(list(story), canvasmaker=canvasmaker)
    return buffer.getvalue()
