"""The ReportLab toolkit the services' printable documents share (the BPF's receipt and printable BPF, SOFFi's
statement): French text that the standard fonts can show, the paragraph styles, and a deterministic A4 document
whose pages are numbered « {footer} … {page label} ». Each service keeps its French texts (author, page label,
footer) in its own messages.py and passes them in.

The standard Helvetica is used, not an embedded font: its Windows-1252 encoding has every letter of French
(é è à ç œ « » € °), the files stay small, and nothing depends on a font file being installed on the server.
Deterministic means the same story always gives the same bytes: ReportLab's `invariant` fixes the creation
date and the document id, which it otherwise takes from the clock and a random source. A stored BPF receipt is
compared with a new rendering: any change here that moves a byte of the output is a change of every document."""

import re
import unicodedata
from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from babel.numbers import format_decimal
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN - 12  # the frame's usable width: platypus pads its frame by 6 points each side
BLUE_FRANCE = colors.HexColor("#000091")  # the French state's « bleu France », as the DSFR pages
GREY = colors.HexColor("#666666")
LIGHT = colors.HexColor("#EEEEEE")
RULE = colors.HexColor("#BBBBBB")
NBSP = "\u00a0"
_FRENCH_SPACES = re.compile(r"(?<=«) | (?=[:;!?»])")
_ENCODING = "cp1252"  # what the standard fonts' WinAnsiEncoding can show (ReportLab draws a box for the rest)
_FOOTER_SIZE = 7.5


def _showable(char: str) -> str:
    try:
        char.encode(_ENCODING)
        return char
    except UnicodeEncodeError:
        # a letter from another Latin script (ő, ń) loses its accent rather than becoming a box; ł has none to lose
        base = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
        try:
            return base.encode(_ENCODING).decode(_ENCODING) or "?"
        except UnicodeEncodeError:
            return "?"


def pdf_text(value: object) -> str:
    """Any value as text the standard fonts can show: Babel's narrow no-break space (French thousands)
    becomes a no-break space, as the space before « : » or inside « », so that a colon never starts a line; a
    character outside Windows-1252 loses its accent or becomes « ? »."""
    text = _FRENCH_SPACES.sub(NBSP, str(value).replace("\u202f", NBSP))
    return "".join(_showable(char) for char in text)


def markup(value: object) -> str:
    """Text to place inside a Paragraph: shown as typed, a name's « < » or « & » is not markup."""
    return escape(pdf_text(value))


def french_number(number: int) -> str:
    """155500 → « 155 500 » (no-break spaces, so that a figure never wraps inside a cell)."""
    return pdf_text(format_decimal(number, locale="fr_FR", group_separator=True))


def style(name: str, size: float = 9, bold: bool = False, **options: Any) -> ParagraphStyle:
    """A Helvetica paragraph style (bold or not) whose leading is 1.25 times its size unless given."""
    options.setdefault("leading", size * 1.25)
    options.setdefault("fontName", "Helvetica-Bold" if bold else "Helvetica")
    return ParagraphStyle(name, fontSize=size, **options)


BODY = style("body", 9)
BOLD = style("bold", 9, bold=True)
SMALL = style("small", 7.5, textColor=GREY)


def paragraph(text: object, paragraph_style: ParagraphStyle = BODY) -> Paragraph:
    """A Paragraph of plain text (escaped): the only way user text enters a PDF."""
    return Paragraph(markup(text), paragraph_style)


def fitted(text: str, width: float, size: float, font: str = "Helvetica") -> str:
    """The text cut with « … » so that it holds in `width` points: a long name in a footer line must not run
    over the page number or off the page."""
    if stringWidth(text, font, size) <= width:
        return text
    text = text[: int(width / (size * 0.19))]  # no Helvetica glyph is narrower than 0.19 em: the rest never fits
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _numbered_canvas(footer: str, page_label: str) -> type[Canvas]:
    """A canvas that writes the footer on the left of each page's foot and `page_label` (formatted with
    `number` and `total`) on the right: the total is known only once every page is laid out, so pages are kept
    and drawn at save (ReportLab's usual recipe)."""

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
                self.setFont("Helvetica", _FOOTER_SIZE)
                self.setFillColor(GREY)
                page = pdf_text(page_label.format(number=number, total=len(self._pages)))
                room = WIDTH - stringWidth(page, "Helvetica", _FOOTER_SIZE) - 5 * mm
                self.drawString(MARGIN + 6, 9 * mm, fitted(pdf_text(footer), room, _FOOTER_SIZE))
                self.drawRightString(A4[0] - MARGIN - 6, 9 * mm, page)
                super().showPage()
            super().save()

    return NumberedCanvas


def render(story: Sequence[Flowable], *, title: str, author: str, footer: str, page_label: str) -> bytes:
    """The story laid out on A4 pages, as bytes that depend on the arguments alone. Each page's foot shows
    `footer`, cut with « … » where it would reach the page number, and `page_label` such as
    « Page {number} / {total} »."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=pdf_text(title),
        author=author,
        creator=author,
        lang="fr-FR",
        invariant=1,
    )
    canvasmaker: Callable[..., Canvas] = _numbered_canvas(footer, page_label)
    document.build(list(story), canvasmaker=canvasmaker)
    return buffer.getvalue()
