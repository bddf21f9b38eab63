"""What a rule or an import finds wrong, in a shape a view can place next to the field it concerns."""

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    BLOCKING = "bloquant"  # the BPF cannot be transmitted
    ALERT = "alerte"  # shown, transmission still possible
    CONFIRM = "confirmation"  # transmission needs the declarant's explicit confirmation


@dataclass(frozen=True)
class Problem:
    code: str  # stable, for code and tests: F_TOTALS, PART_CA…
    severity: Severity
    lines: tuple[str, ...]  # the line codes it concerns (c_part_ca, f3a_n3, f4_326…)
    message: str  # French, ready to show


def blocking(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.BLOCKING]
