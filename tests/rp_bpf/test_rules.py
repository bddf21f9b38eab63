"""The consistency rules of bpf.md §6: each blocking rule refuses, each alert warns, the valid example passes;
messages are compared with the specification's text, word for word."""

from datetime import date

import pytest

from rp_bpf.bpf.content import Figures, InvalidContent, Pair, Speciality, content_from_json
from rp_bpf.bpf.problems import Severity, blocking
from rp_bpf.bpf.rules import (
    alerts,
    already_transmitted,
    check,
    d_dont,
    f3a_dont,
    f_dont,
    f_totals,
    no_activity,
    part_ca,
    period,
    specialities,
    zero_mismatch,
)
from tests.rp_bpf.factories import EXAMPLES, make_content, make_figures, valid_json, zero_json


def codes(problems):
    return sorted(problem.code for problem in problems)


def test_the_valid_example_has_no_problem_at_all():
    assert check(make_content()) == []


@pytest.mark.parametrize("case", EXAMPLES, ids=[case["id"] for case in EXAMPLES])
def test_each_example_gives_exactly_its_expected_blocking_codes(case):
    problems = check(content_from_json(case["bpf"]))
    assert codes(blocking(problems)) == sorted(case["attendu"])
    assert [problem for problem in problems if problem.severity is not Severity.BLOCKING] == []


@pytest.mark.parametrize("case", EXAMPLES, ids=[case["id"] for case in EXAMPLES])
def test_totals_are_computed_from_their_lines(case):
    totals = content_from_json(case["bpf"]).figures.totals
    expected = case["totaux_calcules"]
    assert (totals.c2, totals.c_total, totals.f1_total) == (
        expected["c2"],
        expected["c_total"],
        Pair(*expected["f1_total"]),
    )


def test_figures_that_are_not_whole_non_negative_numbers_are_all_listed():
    data = valid_json(c1=12000.5, c2a=-1, c3="12", c4=True, f1a=[120, 2800.0], e1=[4], g=None, c5=0)
    with pytest.raises(InvalidContent) as refused:
        content_from_json(data)
    problems = refused.value.problems
    assert [problem.lines for problem in problems] == [("c1",), ("c2a",), ("c3",), ("c4",), ("e1",), ("f1a",), ("g",)]
    assert {(problem.code, problem.severity, problem.message) for problem in problems} == {
        ("NOT_INTEGER", Severity.BLOCKING, "Saisissez un nombre entier positif ou nul (sans décimales).")
    }


@pytest.mark.parametrize(("value", "fires"), [(0, False), (100, False), (101, True), (120, True)])
def test_part_of_turnover_lies_between_0_and_100(value, fires):
    problems = part_ca(make_figures(c_part_ca=value))
    assert codes(problems) == (["PART_CA"] if fires else [])
    if fires:
        [problem] = problems
        assert (problem.code, problem.lines) == ("PART_CA", ("c_part_ca",))
        assert problem.message == "La part du chiffre d'affaires doit être comprise entre 0 et 100 %."


@pytest.mark.parametrize(
    "change",
    [{"f3d": [72, 1780]}, {"f3d": [82, 1781]}, {"f4_autres": [11, 300]}, {"f4_autres": [10, 299]}],
    ids=["f3-trainees", "f3-hours", "f4-trainees", "f4-hours"],
)
def test_f1_f3_and_f4_totals_must_agree_in_trainees_and_hours(change):
    [problem] = f_totals(make_figures(**change))
    assert problem.code == "F_TOTALS"
    assert problem.lines == ("f1_total", "f3_total", "f4_total")
    assert problem.message == "Les totaux des cadres F-1, F-3 et F-4 doivent être identiques (stagiaires et heures)."


def test_f4_total_counts_the_speciality_rows():
    figures = make_figures(f4=[{"code_nsf": "326", "libelle": "Informatique", "stagiaires": 142, "heures": 6000}])
    assert figures.totals.f4_total == Pair(152, 6300)
    assert f_totals(figures) == []


DONT = "Une ligne « dont » ne peut pas dépasser la ligne qu'elle détaille."


def test_a_dont_line_of_f3a_cannot_exceed_line_a():
    [problem] = f3a_dont(make_figures(f3a_n3=[40, 1440]))
    assert (problem.code, problem.lines, problem.message) == ("F3A_DONT", ("f3a", "f3a_n3"), DONT)


def test_the_dont_lines_of_f3a_together_cannot_exceed_line_a():
    """Levels are disjoint: 9 + 10 + 12 trainees at levels 5, 4 and 3 cannot be 30 trainees of line a."""
    [problem] = f3a_dont(make_figures(f3a_n5=[9, 1120]))
    assert problem.lines == ("f3a", "f3a_n5", "f3a_n4", "f3a_n3")
    [problem] = f3a_dont(make_figures(f3a_n3=[12, 1441]))
    assert problem.code == "F3A_DONT"


def test_dont_lines_equal_to_line_a_are_accepted():
    assert f3a_dont(make_figures(f3a=[12, 1440], f3a_n5=[0, 0], f3a_n4=[0, 0])) == []


@pytest.mark.parametrize(
    ("change", "line", "fires"),
    [
        ({"f1_distance": 152}, "f1_distance", False),
        ({"f1_distance": 153}, "f1_distance", True),
        ({"f2": [152, 6300]}, "f2", False),
        ({"f2": [153, 210]}, "f2", True),
        ({"f2": [6, 6301]}, "f2", True),
    ],
)
def test_distance_and_subcontracted_trainees_cannot_exceed_the_f1_total(change, line, fires):
    problems = f_dont(make_figures(**change))
    if not fires:
        assert problems == []
    else:
        [problem] = problems
        assert (problem.code, problem.lines, problem.message) == ("F_DONT", (line, "f1_total"), DONT)


@pytest.mark.parametrize(("d_total", "fires"), [(83000, False), (82999, True)])
def test_detailed_charges_cannot_exceed_the_total_of_charges(d_total, fires):
    """Salaries 61 000 + purchases 22 000 = 83 000."""
    problems = d_dont(make_figures(d_total=d_total))
    assert codes(problems) == (["D_DONT"] if fires else [])
    if fires:
        assert problems[0].message == "Les charges détaillées dépassent le total des charges."


@pytest.mark.parametrize("line", ["f1b", "f3c", "e2", "g", "f2"])
@pytest.mark.parametrize("pair", [[0, 35], [3, 0]], ids=["hours-without-trainee", "trainees-without-hours"])
def test_hours_without_trainees_or_the_reverse_are_refused_on_any_line(line, pair):
    [problem] = zero_mismatch(make_figures(**{line: pair}))
    assert (problem.code, problem.lines) == ("ZERO_MISMATCH", (line,))
    assert problem.message == f"Ligne {line} : des heures sans stagiaire (ou l'inverse) ne sont pas acceptées."


def test_a_speciality_row_with_trainees_but_no_hours_is_refused():
    rows = [{"code_nsf": "326", "libelle": "Informatique", "stagiaires": 4, "heures": 0}]
    assert [problem.lines for problem in zero_mismatch(make_figures(f4=rows))] == [("f4_326",)]


def test_lines_at_zero_or_filled_on_both_sides_are_accepted():
    assert zero_mismatch(make_figures(f1b=[0, 0], f1e=[1, 1])) == []


def _rows(*codes_nsf):
    return tuple(Speciality(code, "", Pair(1, 10)) for code in codes_nsf)


@pytest.mark.parametrize(
    ("rows", "fires"),
    [
        (_rows("100", "312", "326", "314", "136"), False),
        (_rows("326t", "326"), False),
        (_rows("100", "312", "326", "314", "136", "330"), True),
        (_rows("32"), True),
        (_rows("3266"), True),
        (_rows("abc"), True),
        (_rows("326", "326"), True),
        (_rows("326t", "326T"), True),
    ],
    ids=["five", "letter", "six", "two-digits", "four-digits", "letters", "duplicate", "duplicate-case"],
)
def test_at_most_five_specialities_with_a_valid_unique_nsf_code(rows, fires):
    problems = specialities(Figures(specialities=rows))
    assert codes(problems) == (["SPECIALITIES"] if fires else [])
    if fires:
        assert problems[0].message == "Indiquez au plus cinq spécialités, avec un code NSF valide, sans doublon."
        assert problems[0].lines == tuple(f"f4_{row.code_nsf}" for row in rows)


@pytest.mark.parametrize(
    ("du", "au", "fires"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), False),
        (date(2024, 1, 1), date(2025, 12, 31), False),  # exactly 24 months
        (date(2024, 1, 1), date(2026, 1, 1), True),  # one day more
        (date(2025, 3, 31), date(2027, 3, 30), False),
        (date(2025, 3, 31), date(2027, 3, 31), True),
        (date(2024, 2, 29), date(2026, 2, 27), False),
        (date(2024, 2, 29), date(2026, 2, 28), True),
        (date(2025, 12, 31), date(2025, 12, 31), True),
        (date(2025, 12, 31), date(2025, 1, 1), True),
        (None, date(2025, 12, 31), True),
        (date(2025, 1, 1), None, True),
    ],
)
def test_the_accounting_year_runs_forward_for_at_most_24_months(du, au, fires):
    problems = period(du, au)
    assert codes(problems) == (["PERIOD"] if fires else [])
    if fires:
        assert problems[0].message == "La période de l'exercice comptable est invalide."
        assert problems[0].lines == ("exercice_du", "exercice_au")


def test_an_unreadable_date_is_an_invalid_period():
    assert codes(check(make_content(exercice_du="31/12/2024"))) == ["PERIOD"]


def test_an_exercice_already_transmitted_must_be_rectified():
    [problem] = already_transmitted(2025, {2024, 2025}, rectification=False)
    assert problem.code == "ALREADY_TRANSMITTED"
    assert problem.message == "Un bilan a déjà été transmis pour cet exercice : utilisez « Rectifier »."
    assert already_transmitted(2025, {2024, 2025}, rectification=True) == []
    assert already_transmitted(2025, {2024}, rectification=False) == []
    assert codes(check(make_content(), transmitted_exercices={2025})) == ["ALREADY_TRANSMITTED"]


def _alert(**change):
    problems = alerts(make_figures(**change))
    assert all(problem.severity is Severity.ALERT for problem in problems)
    return [(problem.code, problem.lines, problem.message) for problem in problems]


def test_income_without_charges_is_an_alert():
    assert _alert(d_total=0, d_salaires=0, d_achats=0) == [
        ("NO_CHARGES", ("d_total",), "Vous déclarez des produits sans charges : vérifiez le cadre D.")
    ]


@pytest.mark.parametrize("change", [{"c10": 0}, {"g": [0, 0]}], ids=["trainees-without-income", "income-alone"])
def test_trainees_entrusted_by_another_organisation_go_with_income_on_line_10(change):
    message = "Stagiaires confiés par un autre organisme sans produit en ligne 10 (ou l'inverse)."
    assert _alert(**change) == [("G_WITHOUT_C10", ("g", "c10"), message)]


def test_no_alert_when_neither_g_nor_line_10():
    assert _alert(c10=0, g=[0, 0]) == []


def test_the_income_alert_reads_the_total_of_charges_not_its_details():
    assert [code for code, _, _ in _alert(d_total=0)] == ["NO_CHARGES"]
    assert _alert(d_salaires=0, d_achats=0) == []


def test_trainees_without_trainers_is_an_alert():
    assert _alert(e1=[0, 0], e2=[0, 0]) == [("NO_TRAINERS", ("e1", "e2"), "Aucun formateur déclaré au cadre E.")]
    assert _alert(e1=[0, 0]) == []  # subcontracted trainers are trainers


def test_more_than_1600_hours_per_trainee_is_an_alert():
    assert _alert(f1e=[5, 8000]) == []  # 1 600 hours each: still usual
    assert _alert(f1e=[5, 8001]) == [
        ("HOURS_PER_TRAINEE", ("f1e",), "Nombre d'heures par stagiaire inhabituel sur la ligne f1e.")
    ]
    rows = [{"code_nsf": "326", "libelle": "Informatique", "stagiaires": 1, "heures": 1601}]
    assert [line for _, line, _ in _alert(f4=rows)] == [("f4_326",)]


def test_frame_e_counts_trainers_so_their_hours_raise_no_alert():
    assert _alert(e1=[1, 1650]) == []


def test_a_bpf_without_activity_asks_for_confirmation():
    problems = check(content_from_json(zero_json()))
    assert [(p.code, p.severity, p.message) for p in problems] == [
        (
            "NO_ACTIVITY",
            Severity.CONFIRM,
            "Aucune activité déclarée : votre déclaration d'activité pourra devenir caduque.",
        )
    ]


@pytest.mark.parametrize("change", [{"c11": 1}, {"g": [1, 7]}, {"f1_distance": 1}, {"f3e": [1, 24]}])
def test_any_income_trainee_or_entrusted_trainee_is_activity(change):
    assert codes(no_activity(content_from_json(zero_json()).figures)) == ["NO_ACTIVITY"]
    assert no_activity(content_from_json(zero_json(**change)).figures) == []
