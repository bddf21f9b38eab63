"""« Importer un fichier » (soffi.md §7): the CSV the export writes comes back as the same figures; a file with
any bad line is rejected whole, every bad line listed at once with its number, line code and French reason."""

import pytest

from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.csv_import import MAX_BYTES, MAX_ROWS, ImportRejected, RejectedLine, parse_statement_csv
from tests.rp_soffi.factories import DATA, load

HEADER = "exercice;siren;raison_sociale;code_ligne;libelle;montant_euros;nombre;commentaire"
GOOD = (DATA / "etat_opco_2024.csv").read_bytes()


def parse(data: bytes, body_type: BodyType = BodyType.OPCO):
    return parse_statement_csv(data, exercice=2024, siren="999123456", body_type=body_type)


def rejected(data: bytes) -> list[RejectedLine]:
    with pytest.raises(ImportRejected) as refused:
        parse(data)
    return refused.value.errors


def csv(*rows: str, bom: bool = True) -> bytes:
    return ("\ufeff" if bom else "").encode() + "\r\n".join([HEADER, *rows]).encode("utf-8")


def row(code: str, amount: str = "", count: str = "", comment: str = "", exercice: str = "2024") -> str:
    return f"{exercice};999123456;OPCO DÉMO;{code};libellé;{amount};{count};{comment}"


def test_the_exported_file_gives_back_the_statement():
    statement = parse(GOOD)
    expected = load()
    assert statement.lines == expected.lines
    assert statement.declared == {"RT": 111_550_000_050, "ET": 106_800_000_000, "S2": 4_750_000_050}


def test_without_bom_with_unix_line_ends_and_thousands_spaces():
    statement = parse(csv(row("R1", "1 234,5"), row("E1", "10", "2"), bom=False).replace(b"\r\n", b"\n"))
    assert statement.value("R1").amount_cents == 123_450
    assert statement.value("E1").count == 2


def test_a_draft_may_be_imported_incomplete_and_blank_rows_are_skipped():
    statement = parse(csv(row("R1", "10"), ";;;;;;;", ""))
    assert list(statement.lines) == ["R1"]


def test_every_bad_line_is_listed_together():
    errors = rejected(
        csv(
            row("R1", "12,345"),  # 2
            row("ZZ", "1"),  # 3
            row("R3", "1"),  # 4: Transitions Pro only
            row("R4", "-1"),  # 5
            row("E1", "10", "1,5"),  # 6
            row("R4", "3"),  # 7: R4 again
            row("Q1", "5", "3"),  # 8
            row("R5", "1", "2"),  # 9
            row("R6", "0", exercice="2023"),  # 10
            "2024;999123456;OPCO DÉMO;R7",  # 11
            row("E8", "0", comment="x" * 501),  # 12
            row("S1", "-20,00"),  # 13: may be negative
        )
    )
    assert [(error.number, error.line_code, error.code) for error in errors] == [
        (2, "R1", "amount_format"),
        (3, "ZZ", "unknown_code"),
        (4, "R3", "unknown_code"),
        (5, "R4", "negative_amount"),
        (6, "E1", "count_format"),
        (7, "R4", "duplicate"),
        (8, "Q1", "no_amount"),
        (9, "R5", "no_count"),
        (10, "R6", "exercice"),
        (11, "", "columns"),
        (12, "E8", "comment_too_long"),
    ]
    reasons = {error.code: error.reason for error in errors}
    assert reasons["amount_format"] == (
        "Montant invalide : saisissez un nombre avec au plus deux décimales (ex. 1 234,56)."
    )
    assert reasons["unknown_code"] == "Code de ligne inconnu pour un organisme de ce type : R3."
    assert reasons["negative_amount"] == "Le montant de la ligne R4 ne peut pas être négatif."
    assert reasons["count_format"] == "Le nombre doit être un entier positif ou nul."
    assert reasons["exercice"] == "L'exercice 2023 ne correspond pas à celui de l'état (2024)."


def test_a_wrong_total_is_reported_on_its_line():
    errors = rejected(
        GOOD.replace(b";RT;Total des ressources;1115500000,50", b";RT;Total des ressources;1115500000,51")
    )
    assert errors == [RejectedLine(8, "RT", "total_incorrect", "Le total RT ne correspond pas à la somme des lignes.")]


def test_another_bodys_file_is_rejected_on_every_line():
    errors = rejected(GOOD.replace(b"999123456", b"999654321"))
    assert len(errors) == 23
    assert errors[0] == RejectedLine(
        2, "R1", "siren", "Le SIREN 999654321 ne correspond pas à celui de l'organisme (999123456)."
    )


def test_a_file_of_another_body_type_is_rejected():
    with pytest.raises(ImportRejected) as refused:
        parse(GOOD, BodyType.TRANSITIONS_PRO)
    assert {error.line_code for error in refused.value.errors} >= {"R1", "E1", "Q5"}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"code;montant\r\nR1;12", "header"),
        (b"", "header"),
        (HEADER.encode("utf-8"), "empty"),
        (csv(row("R1", "1")).replace(b"D\xc3\x89MO", b"D\xc9MO"), "not_utf8"),  # Latin-1, as old Excel saves
        (b"PK\x03\x04" + bytes(100), "not_utf8"),  # an XLSX file given as CSV
    ],
)
def test_a_file_that_is_not_a_statement_csv_is_rejected_whole(data, code):
    assert [error.code for error in rejected(data)] == [code]


def test_size_is_bounded_before_reading():
    big = csv(row("R1", "1", comment="x" * MAX_BYTES))
    assert rejected(big) == [
        RejectedLine(0, "", "too_large", "Le fichier dépasse 100 ko : importez l'état d'un seul organisme.")
    ]


def test_rows_are_bounded():
    assert parse(csv(*[""] * (MAX_ROWS - 1), row("R1", "1"))).value("R1").amount_cents == 100
    assert [error.code for error in rejected(csv(*[""] * MAX_ROWS, row("R1", "1")))] == ["too_many_rows"]
