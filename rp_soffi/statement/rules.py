"""The consistency rules of soffi.md §6 as plain functions. Each returns the problems it finds (an empty list
when all is well), each problem with a stable `code`, its `kind`, the line codes it concerns (so that a page
shows it next to the field; empty for the statement as a whole) and the French message of the specification.

When they run (§6): `amount_format` and `count_format` on « Enregistrer », on what is typed; `figure_problems`
on « Vérifier »; `filing_problems` (everything) on « Déposer ». Alerts never block."""

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rp_soffi import messages
from rp_soffi.statement.amounts import InvalidAmount, InvalidCount, parse_amount, parse_count
from rp_soffi.statement.attachments import MAX_BYTES, AttachmentKind, extension, looks_like
from rp_soffi.statement.catalogue import BY_CODE, LINES, Line, LineKind
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import EDITABLE, CampaignStatus, Status


class Kind(enum.StrEnum):
    FORMAT = "format"  # what is typed cannot be stored: « Enregistrer » refuses it
    BLOCKING = "bloquant"  # stored, but « Déposer l'état » refuses
    ALERT = "alerte"  # shown; filing asks « J'ai pris connaissance des alertes »


@dataclass(frozen=True)
class Problem:
    code: str
    kind: Kind
    lines: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Thresholds:
    """« Thresholds are configuration » (§6): percentages above which an alert is raised."""

    management_fees_percent: int = 20
    variation_percent: int = 50


PAIRED_LINES = ("E1", "E2", "E3", "E4", "E6", "E7")
ATTACHMENT_TYPES = ("pdf", "xlsx", "csv")


def amount_format(code: str, text: str) -> list[Problem]:
    try:
        parse_amount(text)
    except InvalidAmount:
        return [Problem("amount_format", Kind.FORMAT, (code,), messages.AMOUNT_FORMAT)]
    return []


def count_format(code: str, text: str) -> list[Problem]:
    try:
        parse_count(text)
    except InvalidCount:
        return [Problem("count_format", Kind.BLOCKING, (code,), messages.COUNT_FORMAT)]
    return []


def negative_amounts(statement: StatementData) -> list[Problem]:
    return [
        Problem("negative_amount", Kind.BLOCKING, (line.code,), messages.NEGATIVE_AMOUNT.format(code=line.code))
        for line in _typed(statement)
        if not line.signed and (statement.value(line.code).amount_cents or 0) < 0
    ]


def negative_counts(statement: StatementData) -> list[Problem]:
    return [
        Problem("count_format", Kind.BLOCKING, (line.code,), messages.COUNT_FORMAT)
        for line in _typed(statement)
        if (statement.value(line.code).count or 0) < 0
    ]


def missing_lines(statement: StatementData) -> list[Problem]:
    """Every typed line of the body's type filled, 0 allowed; a line with a « Nombre » needs both figures."""
    found = []
    for line in _typed(statement):
        value = statement.value(line.code)
        if (line.has_amount and value.amount_cents is None) or (line.has_count and value.count is None):
            message = messages.LINE_REQUIRED.format(code=line.code, label=line.label)
            found.append(Problem("line_required", Kind.BLOCKING, (line.code,), message))
    return found


def total_incorrect(statement: StatementData) -> list[Problem]:
    """Totals are computed, so this only fails on an import whose file gave other figures."""
    computed = statement.computed()
    return [
        Problem("total_incorrect", Kind.BLOCKING, (code,), messages.TOTAL_INCORRECT.format(code=code))
        for code, declared in statement.declared.items()
        if declared != computed[code]
    ]


def amount_without_count(statement: StatementData) -> list[Problem]:
    found = []
    for code in PAIRED_LINES:
        value = statement.value(code)
        if ((value.amount_cents or 0) > 0) != ((value.count or 0) > 0):
            found.append(
                Problem("amount_without_count", Kind.BLOCKING, (code,), messages.AMOUNT_WITHOUT_COUNT.format(code=code))
            )
    return found


def management_fees(statement: StatementData, thresholds: Thresholds = Thresholds()) -> list[Problem]:
    """E8 above the threshold's share of RT (not at it). Without resources no share can be written: no alert."""
    fees, resources = statement.amount("E8"), statement.amount("RT")
    if resources <= 0 or fees * 100 <= resources * thresholds.management_fees_percent:
        return []
    message = messages.MANAGEMENT_FEES.format(p=_percent(fees, resources))
    return [Problem("management_fees", Kind.ALERT, ("E8",), message)]


def negative_treasury(statement: StatementData) -> list[Problem]:
    if statement.amount("S3") >= 0:
        return []
    return [Problem("negative_treasury", Kind.ALERT, ("S3",), messages.NEGATIVE_TREASURY)]


def variations(
    statement: StatementData, previous: StatementData | None, thresholds: Thresholds = Thresholds()
) -> list[Problem]:
    """Lines that moved by more than the threshold since the last validated statement. A line that was 0 or blank
    then, or is blank now, has no percentage to show and raises nothing."""
    if previous is None:
        return []
    found = []
    for line in LINES:
        if not line.applies_to(statement.body_type):
            continue
        before, now = _main_figure(previous, line.code), _main_figure(statement, line.code)
        if not before or now is None or abs(now - before) * 100 <= abs(before) * thresholds.variation_percent:
            continue
        message = messages.VARIATION.format(p=_percent(now - before, abs(before)), previous=previous.exercice)
        found.append(Problem("variation", Kind.ALERT, (line.code,), message))
    return found


def certified_accounts(attachment_kinds: Iterable[AttachmentKind]) -> list[Problem]:
    if AttachmentKind.COMPTES_CERTIFIES in attachment_kinds:
        return []
    return [Problem("certified_accounts", Kind.BLOCKING, (), messages.CERTIFIED_ACCOUNTS)]


def campaign_open(campaign: CampaignStatus, status: Status) -> list[Problem]:
    if campaign is CampaignStatus.OUVERTE and status in EDITABLE:
        return []
    return [Problem("campaign_closed", Kind.BLOCKING, (), messages.CAMPAIGN_CLOSED)]


def attachment_format(filename: str, size: int, head: bytes) -> list[Problem]:
    """`head`: the file's first bytes (attachments.HEAD_BYTES are enough)."""
    kind = extension(filename)
    if kind in ATTACHMENT_TYPES and 0 < size <= MAX_BYTES and looks_like(kind, head):
        return []
    return [Problem("attachment_format", Kind.BLOCKING, (), messages.ATTACHMENT_FORMAT)]


def figure_problems(
    statement: StatementData, previous: StatementData | None = None, thresholds: Thresholds = Thresholds()
) -> list[Problem]:
    """« Vérifier »: every rule on the figures, in the order of the table of §6."""
    return [
        *negative_amounts(statement),
        *negative_counts(statement),
        *missing_lines(statement),
        *total_incorrect(statement),
        *amount_without_count(statement),
        *management_fees(statement, thresholds),
        *negative_treasury(statement),
        *variations(statement, previous, thresholds),
    ]


def filing_problems(
    statement: StatementData,
    attachment_kinds: Iterable[AttachmentKind],
    campaign: CampaignStatus,
    status: Status,
    previous: StatementData | None = None,
    thresholds: Thresholds = Thresholds(),
) -> list[Problem]:
    """« Déposer l'état »: the figures, the certified accounts, the campaign and the state."""
    return [
        *figure_problems(statement, previous, thresholds),
        *certified_accounts(attachment_kinds),
        *campaign_open(campaign, status),
    ]


def blocking(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.kind is not Kind.ALERT]


def _typed(statement: StatementData) -> Iterator[Line]:
    return (line for line in LINES if line.kind.typed and line.applies_to(statement.body_type))


def _main_figure(statement: StatementData, code: str) -> int | None:
    """The amount of a line (computed for totals), the number of a count-only line; None when blank."""
    line = BY_CODE[code]
    if line.kind is LineKind.COUNT:
        return statement.value(code).count
    if line.kind.typed:
        return statement.value(code).amount_cents
    return statement.amount(code)


def _percent(part: int, whole: int) -> str:
    """part / whole in %, one decimal at most, French comma: « 25 », « 33,3 », « -60 »."""
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value:f}".removesuffix(".0").replace(".", ",")
