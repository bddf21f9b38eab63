"""A BPF's content as typed values (whole numbers only, never floats), built from the JSON shape of
demo_data/bpf_exemples.json. Totals are computed here from their lines: a total is never typed."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rp_bpf import messages
from rp_bpf.bpf.lines import BY_CODE, NUMBER_LINES, PAIR_LINES, TOTAL_LINES
from rp_bpf.bpf.problems import Problem, Severity


@dataclass(frozen=True)
class Pair:
    """[stagiaires, heures] (frame E: [personnes, heures dispensées])."""

    count: int = 0
    hours: int = 0

    def __add__(self, other: "Pair") -> "Pair":
        return Pair(self.count + other.count, self.hours + other.hours)


@dataclass(frozen=True)
class Speciality:
    """One of frame F-4's five main specialities."""

    code_nsf: str
    libelle: str
    pair: Pair

    @property
    def line_code(self) -> str:
        return f"f4_{self.code_nsf}"


@dataclass(frozen=True)
class Figures:
    """Frames C to G: numbers by line code (amounts, percent, count) and pairs by line code; a line left out
    is zero, as an empty line of the paper cerfa."""

    numbers: Mapping[str, int] = field(default_factory=dict)
    pairs: Mapping[str, Pair] = field(default_factory=dict)
    specialities: tuple[Speciality, ...] = ()

    def number(self, code: str) -> int:
        if code in TOTAL_LINES:
            return sum(self.number(part) for part in BY_CODE[code].sum_of)
        return self.numbers.get(code, 0)

    def pair(self, code: str) -> Pair:
        if code in TOTAL_LINES:
            parts = [self.pair(part) for part in BY_CODE[code].sum_of]
            if code == "f4_total":
                parts += [speciality.pair for speciality in self.specialities]
            return sum(parts, Pair())
        return self.pairs.get(code, Pair())

    @property
    def totals(self) -> "Totals":
        return Totals(
            c2=self.number("c2"),
            c_total=self.number("c_total"),
            f1_total=self.pair("f1_total"),
            f3_total=self.pair("f3_total"),
            f4_total=self.pair("f4_total"),
        )


@dataclass(frozen=True)
class Totals:
    """The computed totals (frames C and F), as the screen and the receipt show them."""

    c2: int
    c_total: int
    f1_total: Pair
    f3_total: Pair
    f4_total: Pair


@dataclass(frozen=True)
class BpfContent:
    """Everything a BPF says: identification (A), exercice (B), figures (C to G), dirigeant (H)."""

    exercice: int
    exercice_du: date | None
    exercice_au: date | None
    actions_distance: bool
    figures: Figures
    identification: Mapping[str, str | bool] = field(default_factory=dict)
    dirigeant: Mapping[str, str] = field(default_factory=dict)


class InvalidContent(ValueError):
    """Some figures are not non-negative integers: one NOT_INTEGER problem per line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(problem.lines[0] for problem in problems))
        self.problems = problems


# The largest figure a line holds (twelve digits: a thousand billion euros, hours or trainees): sums of the cerfa's
# lines stay far within the database's 64-bit integers.
MAX_FIGURE = 999_999_999_999


def is_whole(value: Any) -> bool:
    # bool is an int in Python, and 12.0 is not what the cerfa asks for: both are refused
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_FIGURE


def not_integer(code: str) -> Problem:
    return Problem("NOT_INTEGER", Severity.BLOCKING, (code,), messages.NOT_INTEGER)


def _pair(code: str, value: Any, bad: list[Problem]) -> Pair:
    if isinstance(value, list | tuple) and len(value) == 2 and all(is_whole(part) for part in value):
        return Pair(value[0], value[1])
    bad.append(not_integer(code))
    return Pair()


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None  # the period rule reports it


def figures_from_json(flat: Mapping[str, Any], specialities: list[Mapping[str, Any]]) -> Figures:
    """Frames C to G from {code: value}; raises InvalidContent listing every value that is not a whole number."""
    bad: list[Problem] = []
    numbers = {}
    for code in NUMBER_LINES:
        value = flat.get(code, 0)
        if is_whole(value):
            numbers[code] = value
        else:
            bad.append(not_integer(code))
    pairs = {code: _pair(code, flat.get(code, [0, 0]), bad) for code in PAIR_LINES}
    rows = []
    for row in specialities:
        code_nsf = str(row.get("code_nsf", ""))
        pair = _pair(f"f4_{code_nsf}", [row.get("stagiaires", 0), row.get("heures", 0)], bad)
        rows.append(Speciality(code_nsf, str(row.get("libelle", "")), pair))
    if bad:
        raise InvalidContent(bad)
    return Figures(numbers, pairs, tuple(rows))


def content_from_json(data: Mapping[str, Any]) -> BpfContent:
    """A BPF in the shape of bpf_exemples.json's "bpf" (frames nested: "c", "d", "e", "f1", "f3"…)."""
    flat: dict[str, Any] = {}
    for frame in ("c", "d", "e", "f1", "f3"):
        flat.update(data.get(frame, {}))
    for code in ("f2", "f4_autres", "g"):
        if code in data:
            flat[code] = data[code]
    identification = dict(data.get("a", {}))
    identification.update({code: data[code] for code in ("siret", "nda") if code in data})
    return BpfContent(
        exercice=data.get("exercice", 0),
        exercice_du=_date(data.get("exercice_du")),
        exercice_au=_date(data.get("exercice_au")),
        actions_distance=bool(data.get("actions_distance", False)),
        figures=figures_from_json(flat, list(data.get("f4", []))),
        identification=identification,
        dirigeant=dict(data.get("h", {})),
    )
