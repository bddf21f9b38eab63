"""The consistency rules of soffi.md §6 (rp_soffi.statement.rules): the demo statement passes them all; each
rule fires on a variant made to break it, with its code, kind, line and the specification's French message,
on both sides of its boundary."""

import pytest

from rp_soffi.statement import rules
from rp_soffi.statement.attachments import MAX_BYTES, AttachmentKind
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.rules import Kind, Problem, Thresholds
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import CampaignStatus, Status
from tests.rp_soffi.factories import load, with_line, without_line

CERTIFIED = [AttachmentKind.COMPTES_CERTIFIES]


def codes(problems: list[Problem]) -> list[tuple[str, tuple[str, ...]]]:
    return [(problem.code, problem.lines) for problem in problems]


def test_the_demo_statement_passes_every_rule():
    previous = load("etat_opco_2023")
    assert rules.filing_problems(load(), CERTIFIED, CampaignStatus.OUVERTE, Status.BROUILLON, previous) == []


def test_amount_format_on_what_is_typed():
    assert rules.amount_format("R1", "1 234,56") == []
    assert rules.amount_format("R1", "") == []  # blank is « obligatoire » at filing, not a format error
    assert rules.amount_format("R1", "1 234,567") == [
        Problem(
            "amount_format", Kind.FORMAT, ("R1",),
            "Montant invalide : saisissez un nombre avec au plus deux décimales (ex. 1 234,56).",
        )
    ]  # fmt: skip
    assert codes(rules.amount_format("R1", "douze")) == [("amount_format", ("R1",))]


def test_count_format_on_what_is_typed():
    assert rules.count_format("E1", "0") == []
    assert rules.count_format("E1", "-1") == [
        Problem("count_format", Kind.BLOCKING, ("E1",), "Le nombre doit être un entier positif ou nul.")
    ]
    assert codes(rules.count_format("E1", "2,5")) == [("count_format", ("E1",))]


def test_negative_amount_refused_on_an_unsigned_line():
    assert rules.negative_amounts(with_line(load(), "R7", amount=0)) == []
    assert rules.negative_amounts(with_line(load(), "R7", amount=-1)) == [
        Problem("negative_amount", Kind.BLOCKING, ("R7",), "Le montant de la ligne R7 ne peut pas être négatif.")
    ]


def test_negative_amount_accepted_on_the_carry_forward_and_treasury():
    statement = with_line(with_line(load(), "S1", amount=-500), "S3", amount=-1)
    assert rules.negative_amounts(statement) == []


def test_negative_count_refused():
    assert rules.negative_counts(with_line(load(), "Q5", count=0)) == []
    assert codes(rules.negative_counts(with_line(load(), "Q5", count=-1))) == [("count_format", ("Q5",))]


def test_every_line_of_the_body_type_is_required_zero_allowed():
    assert rules.missing_lines(with_line(load(), "R6", amount=0)) == []
    assert rules.missing_lines(without_line(load(), "R6")) == [
        Problem(
            "line_required", Kind.BLOCKING, ("R6",),
            "La ligne R6 « Contributions collectées directement » est obligatoire (saisissez 0 si sans objet).",
        )
    ]  # fmt: skip


def test_a_line_with_a_number_needs_the_number_too():
    assert codes(rules.missing_lines(with_line(load(), "E1", count=None))) == [("line_required", ("E1",))]
    assert codes(rules.missing_lines(with_line(load(), "Q1", count=None))) == [("line_required", ("Q1",))]


def test_lines_of_other_body_types_are_not_required():
    statement = StatementData(2024, "999123456", BodyType.TRANSITIONS_PRO)
    assert [problem.lines for problem in rules.missing_lines(statement)] == [
        ("R3",), ("R7",), ("E6",), ("E8",), ("E9",), ("S1",), ("S3",),
    ]  # fmt: skip


def test_declared_totals_must_match_the_computed_ones():
    statement = load()
    right = StatementData(**(vars(statement) | {"declared": {"RT": 111_550_000_050, "S2": 4_750_000_050}}))
    assert rules.total_incorrect(right) == []
    wrong = StatementData(**(vars(statement) | {"declared": {"RT": 111_550_000_049, "ET": 106_800_000_000}}))
    assert rules.total_incorrect(wrong) == [
        Problem("total_incorrect", Kind.BLOCKING, ("RT",), "Le total RT ne correspond pas à la somme des lignes.")
    ]


@pytest.mark.parametrize("code", ["E1", "E2", "E3", "E4"])
def test_an_amount_without_its_number_or_the_reverse_is_refused(code):
    assert rules.amount_without_count(with_line(load(), code, amount=0, count=0)) == []
    expected = [
        Problem(
            "amount_without_count", Kind.BLOCKING, (code,),
            f"Ligne {code} : un montant sans nombre (ou l'inverse) n'est pas accepté.",
        )
    ]  # fmt: skip
    assert rules.amount_without_count(with_line(load(), code, count=0)) == expected
    assert rules.amount_without_count(with_line(load(), code, amount=0)) == expected
    assert rules.amount_without_count(with_line(load(), code, amount=1, count=1)) == []


@pytest.mark.parametrize(("body_type", "code"), [(BodyType.TRANSITIONS_PRO, "E6"), (BodyType.FAF, "E7")])
def test_the_pairing_covers_e6_and_e7(body_type, code):
    statement = StatementData(2024, "999123456", body_type)
    assert codes(rules.amount_without_count(with_line(statement, code, amount=100, count=0))) == [
        ("amount_without_count", (code,))
    ]


def test_management_fees_above_twenty_percent_of_resources_raise_an_alert():
    assert load().amount("RT") == 111_550_000_050
    assert rules.management_fees(with_line(load(), "E8", amount=22_310_000_010)) == []  # exactly 20 %
    assert rules.management_fees(with_line(load(), "E8", amount=22_310_000_011)) == [
        Problem(
            "management_fees", Kind.ALERT, ("E8",),
            "Les frais de gestion représentent 20 % des ressources : merci de justifier en commentaire.",
        )
    ]  # fmt: skip
    assert rules.management_fees(with_line(load(), "E8", amount=27_887_500_013))[0].message.startswith(
        "Les frais de gestion représentent 25 % des ressources"
    )


def test_management_fees_threshold_is_configuration():
    statement = with_line(load(), "E8", amount=11_155_000_006)  # a little over 10 %
    assert rules.management_fees(statement) == []
    assert codes(rules.management_fees(statement, Thresholds(management_fees_percent=10))) == [
        ("management_fees", ("E8",))
    ]


def test_management_fees_without_resources_raise_nothing():
    statement = StatementData(2024, "999123456", BodyType.AUTRE)
    assert rules.management_fees(with_line(statement, "E8", amount=100)) == []


def test_negative_treasury_raises_an_alert():
    assert rules.negative_treasury(with_line(load(), "S3", amount=0)) == []
    assert rules.negative_treasury(with_line(load(), "S3", amount=-1)) == [
        Problem("negative_treasury", Kind.ALERT, ("S3",), "Trésorerie négative : vérifiez la saisie.")
    ]


def test_variation_above_fifty_percent_since_the_last_validated_statement():
    previous = load("etat_opco_2023")  # R7: 2 250 000 €
    assert rules.variations(with_line(load(), "R7", amount=337_500_000), previous) == []  # + 50 % exactly
    assert rules.variations(with_line(load(), "R7", amount=112_500_000), previous) == []  # − 50 % exactly
    assert codes(rules.variations(with_line(load(), "R7", amount=337_500_001), previous)) == [("variation", ("R7",))]
    up = rules.variations(with_line(load(), "R7", amount=360_000_000), previous)
    assert up == [Problem("variation", Kind.ALERT, ("R7",), "Variation de 60 % par rapport à l'exercice 2023.")]
    down = rules.variations(with_line(load(), "R7", amount=45_000_000), previous)
    assert down == [Problem("variation", Kind.ALERT, ("R7",), "Variation de -80 % par rapport à l'exercice 2023.")]


def test_variation_covers_counts_and_totals():
    previous = load("etat_opco_2023")
    assert codes(rules.variations(with_line(load(), "Q5", count=10), previous)) == [("variation", ("Q5",))]
    # E1 alone moves ET by more than half: both are reported.
    found = codes(rules.variations(with_line(load(), "E1", amount=400_000_000_000), previous))
    assert ("variation", ("E1",)) in found
    assert ("variation", ("ET",)) in found


def test_variation_needs_a_previous_figure():
    assert rules.variations(load(), None) == []
    assert rules.variations(with_line(load(), "R6", amount=100_000), load("etat_opco_2023")) == []  # was 0


def test_certified_accounts_are_required_to_file():
    assert rules.certified_accounts([AttachmentKind.ANNEXE, AttachmentKind.COMPTES_CERTIFIES]) == []
    assert rules.certified_accounts([AttachmentKind.RAPPORT_CAC]) == [
        Problem("certified_accounts", Kind.BLOCKING, (), "Joignez les comptes annuels certifiés avant de déposer.")
    ]


@pytest.mark.parametrize("status", [Status.BROUILLON, Status.A_CORRIGER])
def test_filing_needs_an_open_campaign_and_an_editable_statement(status):
    assert rules.campaign_open(CampaignStatus.OUVERTE, status) == []
    closed = [Problem("campaign_closed", Kind.BLOCKING, (), "La campagne est close : contactez la DGEFP.")]
    assert rules.campaign_open(CampaignStatus.CLOSE, status) == closed
    assert rules.campaign_open(CampaignStatus.PREPARATION, status) == closed


@pytest.mark.parametrize("status", [Status.DEPOSE, Status.EN_INSTRUCTION, Status.VALIDE])
def test_filing_refused_once_filed(status):
    assert codes(rules.campaign_open(CampaignStatus.OUVERTE, status)) == [("campaign_closed", ())]


@pytest.mark.parametrize(
    ("name", "size", "head"),
    [("comptes.pdf", 1, b"%PDF-1.7"), ("Annexe.XLSX", MAX_BYTES, b"PK\x03\x04"), ("c.csv", 10, b"a;b\r\n")],
)
def test_attachments_accepted(name, size, head):
    assert rules.attachment_format(name, size, head) == []


@pytest.mark.parametrize(
    ("name", "size", "head"),
    [
        ("comptes.pdf", MAX_BYTES + 1, b"%PDF-1.7"),  # 10 Mo and one byte
        ("comptes.pdf", 0, b""),
        ("comptes.exe", 10, b"MZ\x90\x00"),
        ("comptes.pdf", 10, b"<html>"),  # not what its name says
        ("comptes.xlsx", 10, b"%PDF-1.7"),
        ("comptes.csv", 10, b"\x00\x01"),
        ("../../comptes.pdf.exe", 10, b"%PDF-1.7"),
        ("comptes", 10, b"%PDF-1.7"),
    ],
)
def test_attachments_refused(name, size, head):
    assert rules.attachment_format(name, size, head) == [
        Problem("attachment_format", Kind.BLOCKING, (), "Format accepté : PDF, XLSX ou CSV, 10 Mo maximum.")
    ]


def test_filing_lists_every_problem_alerts_apart():
    statement = with_line(with_line(without_line(load(), "R6"), "S3", amount=-1), "R7", amount=-5)
    problems = rules.filing_problems(statement, [], CampaignStatus.CLOSE, Status.BROUILLON)
    assert codes(problems) == [
        ("negative_amount", ("R7",)), ("line_required", ("R6",)), ("negative_treasury", ("S3",)),
        ("certified_accounts", ()), ("campaign_closed", ()),
    ]  # fmt: skip
    assert [problem.code for problem in rules.blocking(problems)] == [
        "negative_amount", "line_required", "certified_accounts", "campaign_closed",
    ]  # fmt: skip
