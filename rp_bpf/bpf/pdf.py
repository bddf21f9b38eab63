"""What the BPF's two PDFs (the receipt « Accusé de réception » and the printable BPF) share beyond the
services' common toolkit (shared/pdf.py): whole euros and dates as the cerfa writes them, the paragraph styles
of their titles and figures, and the document's French texts (author, « page n / total »).

The receipt is stored at transmission and compared with a new rendering later: these styles and texts, like
the toolkit, must keep giving the same bytes."""

from collections.abc import Sequence
from datetime import date

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from rp_bpf import messages
from shared import pdf


def euros(amount: int) -> str:
    return f"{pdf.french_number(amount)}{pdf.NBSP}€"


def french_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else messages.DOCUMENT_UNKNOWN


TITLE = pdf.style("title", 15, bold=True, leading=19, spaceAfter=3 * mm)
HEADING = pdf.style("heading", 10.5, bold=True, spaceBefore=4 * mm, spaceAfter=1.5 * mm)
FIGURE = pdf.style("figure", 9, alignment=TA_RIGHT)
FIGURE_BOLD = pdf.style("figure_bold", 9, bold=True, alignment=TA_RIGHT)


def render(story: Sequence[Flowable], *, title: str, footer: str) -> bytes:
    """The story on A4 pages signed by Mon Activité Formation, each with `footer` and « page n / total »."""
    return pdf.render(
        story, title=title, author=messages.DOCUMENT_AUTHOR, footer=footer, page_label=messages.DOCUMENT_PAGE
    )
