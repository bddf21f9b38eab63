"""The consistency rules of bpf.md §6 as plain functions: each returns the problems it finds (empty when all
is well), with the exact French message and the line codes a view shows it next to. `check` runs them all."""

from collections.abc import Collection, Iterator, Mapping
from datetime import date

from rp_bpf import messages
from rp_bpf.bpf.content import BpfContent, Figures, Pair
from rp_bpf.bpf.lines import BY_CODE, MAX_SPECIALITIES, NSF_CODE, PAIR_LINES, Kind
from rp_bpf.bpf.problems import Problem, Severity

BLOCKING, ALERT, CONFIRM = Severity.BLOCKING, Severity.ALERT, Severity.CONFIRM
MAX_HOURS_PER_TRAINEE = 1600  # more is possible (long apprenticeships) but rare enough to be worth a look
MAX_PERIOD_MONTHS = 24  # a first or changed accounting year may be long, never beyond two years


def _pairs_typed(figures: Figures, trainees_only: bool = False) -> Iterator[tuple[str, Pair]]:
    """Every typed pair line (totals excepted) and every speciality row, by line code; `trainees_only` leaves
    out frame E, which counts trainers."""
    for code in PAIR_LINES:
        if not trainees_only or BY_CODE[code].kind is Kind.TRAINEES_HOURS:
            yield code, figures.pair(code)
    for speciality in figures.specialities:
        yield speciality.line_code, speciality.pair


def part_ca(figures: Figures) -> list[Problem]:
    if 0 <= figures.number("c_part_ca") <= 100:
        return []
    return [Problem("PART_CA", BLOCKING, ("c_part_ca",), messages.PART_CA)]


def declared_totals(declared: Mapping[str, int | Pair], figures: Figures) -> list[Problem]:
    """Totals given by an imported file, checked against the sums of their lines (never trusted)."""
    problems = []
    for code, value in declared.items():
        computed = figures.pair(code) if BY_CODE[code].kind is Kind.TRAINEES_HOURS else figures.number(code)
        if value == computed:
            continue
        if code == "c2":
            problems.append(Problem("C2_TOTAL", BLOCKING, (code,), messages.C2_TOTAL))
        elif code == "c_total":
            problems.append(Problem("C_TOTAL", BLOCKING, (code,), messages.C_TOTAL))
        else:
            problems.append(Problem("F_TOTAL", BLOCKING, (code,), messages.F_TOTAL_IMPORTED.format(code=code)))
    return problems


def f_totals(figures: Figures) -> list[Problem]:
    totals = figures.totals
    if totals.f1_total == totals.f3_total == totals.f4_total:
        return []
    return [Problem("F_TOTALS", BLOCKING, ("f1_total", "f3_total", "f4_total"), messages.F_TOTALS)]


def _exceeds(part: Pair, whole: Pair) -> bool:
    return part.count > whole.count or part.hours > whole.hours


def f3a_dont(figures: Figures) -> list[Problem]:
    """The « dont » lines of F-3 a (levels 6–8 … CQP) are disjoint parts of line a: alone or together, not more."""
    whole = figures.pair("f3a")
    dont = [code for code in PAIR_LINES if BY_CODE[code].details == "f3a"]
    over = [code for code in dont if _exceeds(figures.pair(code), whole)]
    if not over and _exceeds(sum((figures.pair(code) for code in dont), Pair()), whole):
        over = [code for code in dont if figures.pair(code) != Pair()]
    return [Problem("F3A_DONT", BLOCKING, ("f3a", *over), messages.DONT)] if over else []


def f_dont(figures: Figures) -> list[Problem]:
    """f1_distance (trainees) and F-2 (trainees and hours) are parts of the F-1 total."""
    total = figures.pair("f1_total")
    over = []
    if figures.number("f1_distance") > total.count:
        over.append("f1_distance")
    if _exceeds(figures.pair("f2"), total):
        over.append("f2")
    return [Problem("F_DONT", BLOCKING, (code, "f1_total"), messages.DONT) for code in over]


def d_dont(figures: Figures) -> list[Problem]:
    if figures.number("d_salaires") + figures.number("d_achats") <= figures.number("d_total"):
        return []
    return [Problem("D_DONT", BLOCKING, ("d_salaires", "d_achats", "d_total"), messages.D_DONT)]


def zero_mismatch(figures: Figures) -> list[Problem]:
    return [
        Problem("ZERO_MISMATCH", BLOCKING, (code,), messages.ZERO_MISMATCH.format(code=code))
        for code, pair in _pairs_typed(figures)
        if (pair.count == 0) != (pair.hours == 0)
    ]


def specialities(figures: Figures) -> list[Problem]:
    codes = [speciality.code_nsf.lower() for speciality in figures.specialities]
    malformed = any(not NSF_CODE.fullmatch(code) for code in codes)
    if len(codes) <= MAX_SPECIALITIES and not malformed and len(set(codes)) == len(codes):
        return []
    lines = tuple(speciality.line_code for speciality in figures.specialities)
    return [Problem("SPECIALITIES", BLOCKING, lines, messages.SPECIALITIES)]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (day.day, 30, 29, 28):  # 31 March + 1 month → 30 April
        try:
            return date(year, month, last_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def period(exercice_du: date | None, exercice_au: date | None) -> list[Problem]:
    """The accounting year runs forward and lasts at most 24 months (1/1/2024 → 31/12/2025 is accepted)."""
    if exercice_du and exercice_au and exercice_du < exercice_au < _add_months(exercice_du, MAX_PERIOD_MONTHS):
        return []
    return [Problem("PERIOD", BLOCKING, ("exercice_du", "exercice_au"), messages.PERIOD)]


def already_transmitted(exercice: int, transmitted_exercices: Collection[int], rectification: bool) -> list[Problem]:
    """A second BPF for an exercice goes through « Rectifier », never as a new initial one."""
    if rectification or exercice not in transmitted_exercices:
        return []
    return [Problem("ALREADY_TRANSMITTED", BLOCKING, ("exercice_du", "exercice_au"), messages.ALREADY_TRANSMITTED)]


def alerts(figures: Figures) -> list[Problem]:
    problems = []
    if figures.number("c_total") > 0 and figures.number("d_total") == 0:
        problems.append(Problem("NO_CHARGES", ALERT, ("d_total",), messages.NO_CHARGES))
    if (figures.pair("g").count > 0) != (figures.number("c10") > 0):
        problems.append(Problem("G_WITHOUT_C10", ALERT, ("g", "c10"), messages.G_WITHOUT_C10))
    if figures.pair("f1_total").count > 0 and figures.pair("e1").count + figures.pair("e2").count == 0:
        problems.append(Problem("NO_TRAINERS", ALERT, ("e1", "e2"), messages.NO_TRAINERS))
    for code, pair in _pairs_typed(figures, trainees_only=True):
        if pair.count > 0 and pair.hours > MAX_HOURS_PER_TRAINEE * pair.count:  # whole numbers: no division
            problems.append(Problem("HOURS_PER_TRAINEE", ALERT, (code,), messages.HOURS_PER_TRAINEE.format(code=code)))
    return problems


def no_activity(figures: Figures) -> list[Problem]:
    """Nothing in C, F or G: allowed, but the déclaration d'activité may become caduque, so the declarant confirms."""
    activity = [figures.number(code) for code in ("c_total", "f1_distance")]
    activity += [pair.count + pair.hours for _, pair in _pairs_typed(figures, trainees_only=True)]
    if any(activity):
        return []
    return [Problem("NO_ACTIVITY", CONFIRM, (), messages.NO_ACTIVITY)]


def figures_problems(figures: Figures) -> list[Problem]:
    """Every rule on frames C to G."""
    return [
        *part_ca(figures),
        *f_totals(figures),
        *f3a_dont(figures),
        *f_dont(figures),
        *d_dont(figures),
        *zero_mismatch(figures),
        *specialities(figures),
        *alerts(figures),
        *no_activity(figures),
    ]


def check(
    content: BpfContent, transmitted_exercices: Collection[int] = (), rectification: bool = False
) -> list[Problem]:
    """Every rule of bpf.md §6 on a whole BPF; `transmitted_exercices` are the organisation's exercices
    already transmitted (the caller reads them), `rectification` says this BPF is a rectificative version."""
    return [
        *period(content.exercice_du, content.exercice_au),
        *already_transmitted(content.exercice, transmitted_exercices, rectification),
        *figures_problems(content.figures),
    ]
