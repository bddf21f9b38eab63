"""The statement's layout (soffi.md §3), its figures as a value object, its JSON shape and amounts typed in euros."""

import pytest

from rp_soffi.statement import catalogue
from rp_soffi.statement.amounts import InvalidAmount, InvalidCount, format_amount, parse_amount, parse_count
from rp_soffi.statement.catalogue import BodyType, LineKind, Section
from rp_soffi.statement.values import StatementData
from tests.rp_soffi.factories import load, with_line


def test_labels_and_sections_are_those_of_the_specification():
    assert catalogue.BY_CODE["R2"].label == (
        "Fonds reçus de France compétences — développement des compétences des entreprises de moins de 50 salariés"
    )
    assert catalogue.BY_CODE["E4"].count_label == "Nombre de bénéficiaires"
    assert catalogue.BY_CODE["S2"].label == "Solde de l'exercice"
    assert [section.label for section in Section] == ["A. Ressources", "B. Emplois", "C. Solde", "D. Statistiques"]
    assert [line.code for line in catalogue.LINES] == [
        *(f"R{n}" for n in range(1, 8)), "RT", *(f"E{n}" for n in range(1, 10)), "ET", "S1", "S2", "S3",
        *(f"Q{n}" for n in range(1, 6)),
    ]  # fmt: skip


def test_each_body_type_sees_its_own_lines():
    transitions = [line.code for line in catalogue.lines_for(BodyType.TRANSITIONS_PRO)]
    assert transitions == ["R3", "R7", "RT", "E6", "E8", "E9", "ET", "S1", "S2", "S3"]
    faf = [line.code for line in catalogue.lines_for(BodyType.FAF, Section.EMPLOIS)]
    assert faf == ["E5", "E7", "E8", "E9", "ET"]
    assert [line.code for line in catalogue.lines_for(BodyType.OPCO, Section.STATISTIQUES)] == [
        "Q1", "Q2", "Q3", "Q4", "Q5",
    ]  # fmt: skip


def test_totals_and_balance_are_computed():
    statement = load()
    assert statement.computed() == {"RT": 111_550_000_050, "ET": 106_800_000_000, "S2": 4_750_000_050}
    assert with_line(statement, "R7", amount=None).amount("RT") == 111_300_000_050


def test_total_ignores_a_line_the_body_does_not_fill():
    statement = StatementData(2024, "999123456", BodyType.TRANSITIONS_PRO)
    statement = with_line(with_line(statement, "R3", amount=500), "R1", amount=10_000)
    assert statement.amount("RT") == 500


def test_json_round_trip_keeps_every_figure():
    statement = load()
    assert StatementData.from_json(statement.to_json()) == statement
    assert statement.value("E1").count == 95_000
    assert statement.value("E8").comment == "Frais de gestion du réseau régional."


@pytest.mark.parametrize(
    "line",
    [
        {"code_ligne": "R1", "montant_centimes": 12.5},  # money never as a float
        {"code_ligne": "R1", "montant_centimes": True},
        {"code_ligne": "R3", "montant_centimes": 1},  # not an OPCO line
        {"code_ligne": "ZZ", "montant_centimes": 1},
        {"code_ligne": "R1", "nombre": 3},  # R1 has no « Nombre »
        {"code_ligne": "Q1", "montant_centimes": 3},  # Q1 has no amount
    ],
)
def test_json_shape_refuses_what_it_does_not_describe(line):
    with pytest.raises(ValueError):
        StatementData.from_json({"exercice": 2024, "siren": "999123456", "type_organisme": "OPCO", "lignes": [line]})


def test_json_refuses_a_line_twice():
    lignes = [{"code_ligne": "R1", "montant_centimes": 1}, {"code_ligne": "R1", "montant_centimes": 2}]
    with pytest.raises(ValueError):
        StatementData.from_json({"exercice": 2024, "siren": "999123456", "type_organisme": "OPCO", "lignes": lignes})


def test_json_keeps_declared_totals_apart():
    data = load().to_json()
    data["lignes"].append({"code_ligne": "RT", "montant_centimes": 1, "nombre": None, "commentaire": ""})
    statement = StatementData.from_json(data)
    assert statement.declared == {"RT": 1}
    assert statement.amount("RT") == 111_550_000_050


def test_only_amount_and_count_lines_are_typed():
    assert {line.code for line in catalogue.LINES if not line.kind.typed} == {"RT", "ET", "S2"}
    assert catalogue.BY_CODE["S2"].kind is LineKind.COMPUTED


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1 234,56", 123_456),
        ("1\u202f234,5", 123_450),
        ("1234.56", 123_456),
        ("0", 0),
        ("-12,30", -1_230),
        ("  ", None),
        ("9999999999999,99", 999_999_999_999_999),
    ],
)
def test_amounts_typed_in_euros_become_cents(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["1,234", "12,3,4", "abc", "1e3", "12 €", "--1", "10000000000000", "0,5%"])
def test_amounts_that_are_not_euros_with_two_decimals_are_refused(text):
    with pytest.raises(InvalidAmount):
        parse_amount(text)


def test_counts_are_whole_numbers_not_below_zero():
    assert parse_count("2 400 000") == 2_400_000
    assert parse_count("") is None
    for text in ("-1", "1,5", "dix"):
        with pytest.raises(InvalidCount):
            parse_count(text)


def test_amounts_are_written_the_french_way():
    assert format_amount(123_456) == "1\u202f234,56"
    assert format_amount(-5) == "-0,05"
