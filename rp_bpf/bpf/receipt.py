"""The receipt « Accusé de réception » of a transmitted BPF (bpf.md §5.3): what it says, built from the frozen
snapshot only (never from live data), and its PDF. The service renders the PDF once, at transmission, and
stores it; `receipt_pdf` is deterministic all the same, so that rendering it again gives the same file."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from rp_bpf import messages
from rp_bpf.bpf.content import Pair, content_from_json
from rp_bpf.bpf.pdf import FIGURE, HEADING, TITLE, euros, french_date, render
from rp_bpf.bpf.snapshot import sha256
from shared import pdf
from shared.clock import PARIS  # the receipt states the time a French declarant reads on their clock

_LABEL_WIDTH = 62 * mm


def receipt_number(exercice: int, nda: str, version: int) -> str:
    """`BPF-{N}-{NDA}-{version}`: one number per transmission, stable, readable over the phone."""
    return f"BPF-{exercice}-{nda}-{version}"


@dataclass(frozen=True)
class Receipt:
    """Everything the receipt states. `version` counts transmissions (1 = initial); `third_party_siret` is the
    SIRET of the firm that transmitted by delegation, `on_behalf_of` the organisation it acted for."""

    number: str
    exercice: int
    denomination: str
    siret: str
    nda: str
    exercice_du: date | None
    exercice_au: date | None
    transmitted_at: datetime
    transmitted_by: str
    version: int
    late: bool
    c_total: int
    d_total: int
    f1_total: Pair
    snapshot_sha256: str
    third_party_siret: str | None = None
    on_behalf_of: str | None = None

    def __post_init__(self) -> None:
        # a naive time would be printed as if it were Paris time, whatever it meant: refuse it
        if self.transmitted_at.utcoffset() is None:
            raise ValueError("transmitted_at must be an aware datetime")
        if self.version < 1:
            raise ValueError("version counts from 1")


def receipt_from_snapshot(
    snapshot: Mapping[str, Any],
    *,
    version: int,
    transmitted_at: datetime,
    transmitted_by: str,
    late: bool = False,
    third_party_siret: str | None = None,
    on_behalf_of: str | None = None,
) -> Receipt:
    """The receipt of the snapshot stored at transmission (snapshot.content_to_json's shape). Totals are
    recomputed from its lines, the hash is of its canonical bytes. When a third party transmitted,
    `on_behalf_of` defaults to the snapshot's dénomination: the organisation acted for is the BPF's own."""
    content = content_from_json(snapshot)
    identification = content.identification
    denomination = str(identification.get("denomination", ""))
    nda = str(identification.get("nda", ""))
    figures = content.figures
    return Receipt(
        number=receipt_number(content.exercice, nda, version),
        exercice=content.exercice,
        denomination=denomination,
        siret=str(identification.get("siret", "")),
        nda=nda,
        exercice_du=content.exercice_du,
        exercice_au=content.exercice_au,
        transmitted_at=transmitted_at,
        transmitted_by=transmitted_by,
        version=version,
        late=late,
        c_total=figures.number("c_total"),
        d_total=figures.number("d_total"),
        f1_total=figures.pair("f1_total"),
        snapshot_sha256=sha256(dict(snapshot)),
        third_party_siret=third_party_siret,
        on_behalf_of=(on_behalf_of or denomination) if third_party_siret else None,
    )


def paris_time(moment: datetime) -> str:
    """« le 01/04/2026 à 01 h 30 (heure de Paris) », summer or winter time as Paris had it at that moment."""
    local = moment.astimezone(PARIS)
    return messages.RECEIPT_TRANSMITTED_AT_VALUE.format(
        day=local.strftime("%d/%m/%Y"), hour=f"{local:%H}", minute=f"{local:%M}"
    )


def version_label(version: int) -> str:
    """« initial (version 1) », « rectificatif n° 2 (version 3) »: the second rectification is the third
    transmission; both numbers are shown so that neither reader has to guess."""
    if version == 1:
        return messages.RECEIPT_VERSION_INITIAL
    return messages.RECEIPT_VERSION_RECTIFICATIVE.format(number=version - 1, version=version)


def transmitted_by_label(receipt: Receipt) -> str:
    if receipt.third_party_siret is None:
        return receipt.transmitted_by
    return messages.RECEIPT_THIRD_PARTY.format(
        name=receipt.transmitted_by, siret=receipt.third_party_siret, on_behalf_of=receipt.on_behalf_of
    )


def receipt_fields(receipt: Receipt) -> list[tuple[str, str]]:
    """The receipt's fields as (label, value), in the order bpf.md §5.3 lists them."""
    exercice = messages.RECEIPT_EXERCICE_VALUE.format(
        du=french_date(receipt.exercice_du), au=french_date(receipt.exercice_au)
    )
    return [
        (messages.RECEIPT_NUMBER, receipt.number),
        (messages.RECEIPT_DENOMINATION, receipt.denomination),
        (messages.RECEIPT_SIRET, receipt.siret),
        (messages.RECEIPT_NDA, receipt.nda),
        (messages.RECEIPT_EXERCICE, exercice),
        (messages.RECEIPT_TRANSMITTED_AT, paris_time(receipt.transmitted_at)),
        (messages.RECEIPT_TRANSMITTED_BY, transmitted_by_label(receipt)),
        (messages.RECEIPT_VERSION, version_label(receipt.version)),
        (messages.RECEIPT_DEADLINE, messages.RECEIPT_LATE if receipt.late else messages.RECEIPT_ON_TIME),
    ]


def receipt_totals(receipt: Receipt) -> list[tuple[str, str]]:
    f1 = messages.RECEIPT_F1_VALUE.format(
        count=pdf.french_number(receipt.f1_total.count), hours=pdf.french_number(receipt.f1_total.hours)
    )
    return [
        (messages.RECEIPT_C_TOTAL, euros(receipt.c_total)),
        (messages.RECEIPT_D_TOTAL, euros(receipt.d_total)),
        (messages.RECEIPT_F1_TOTAL, f1),
    ]


def _table(rows: list[tuple[str, str]], value_style: ParagraphStyle, label_width: float) -> Table:
    # « Hors délai » is what a control agent looks for first: it stands out in bold
    cells = [
        [
            pdf.paragraph(label, pdf.BOLD),
            pdf.paragraph(value, pdf.BOLD if value == messages.RECEIPT_LATE else value_style),
        ]
        for label, value in rows
    ]
    table = Table(cells, colWidths=[label_width, pdf.WIDTH - label_width])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, pdf.RULE),
                ("BACKGROUND", (0, 0), (0, -1), pdf.LIGHT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
            ]
        )
    )
    return table


def _story(receipt: Receipt) -> list[Flowable]:
    return [
        pdf.paragraph(messages.DOCUMENT_AUTHOR, pdf.SMALL),
        Spacer(0, 2 * mm),
        pdf.paragraph(messages.RECEIPT_TITLE.format(exercice=receipt.exercice), TITLE),
        pdf.paragraph(messages.RECEIPT_INTRO),
        Spacer(0, 4 * mm),
        _table(receipt_fields(receipt), pdf.BODY, _LABEL_WIDTH),
        pdf.paragraph(messages.RECEIPT_TOTALS, HEADING),
        _table(receipt_totals(receipt), FIGURE, pdf.WIDTH - 50 * mm),
        pdf.paragraph(messages.RECEIPT_FINGERPRINT, HEADING),
        # 64 hexadecimal digits without a space cannot wrap: a monospaced line of the full width holds them
        Paragraph(pdf.markup(receipt.snapshot_sha256), pdf.style("sha", 9.5, fontName="Courier")),
        Spacer(0, 2 * mm),
        pdf.paragraph(messages.RECEIPT_FINGERPRINT_HELP, pdf.SMALL),
    ]


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as an A4 PDF; the same Receipt always gives the same bytes."""
    return render(
        _story(receipt),
        title=messages.RECEIPT_TITLE.format(exercice=receipt.exercice),
        footer=messages.RECEIPT_FOOTER.format(number=receipt.number),
    )
