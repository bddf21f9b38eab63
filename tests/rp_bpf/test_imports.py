"""Import of a BPF draft from CSV or JSON (bpf.md §7): the whole file refused with every bad line listed,
totals checked against the sums, bounded input."""

import json

import pytest

from rp_bpf import messages
from rp_bpf.bpf.content import Figures, Pair
from rp_bpf.bpf.imports import MAX_BYTES, MAX_LINES, ImportRefused, import_csv, import_file, import_json
from rp_bpf.bpf.lines import NUMBER_LINES, PAIR_LINES
from rp_bpf.bpf.problems import blocking
from rp_bpf.bpf.rules import figures_problems
from rp_bpf.bpf.snapshot import content_to_json
from tests.rp_bpf.factories import make_content, make_figures

EXAMPLE = make_figures()


def _flat(figures: Figures) -> dict[str, object]:
    """The valid example as import lines, totals included (so that they are checked)."""
    flat: dict[str, object] = {code: figures.number(code) for code in (*NUMBER_LINES, "c2", "c_total")}
    for code in (*PAIR_LINES, "f1_total", "f3_total", "f4_total"):
        flat[code] = [figures.pair(code).count, figures.pair(code).hours]
    for row in figures.specialities:
        flat[row.line_code] = [row.pair.count, row.pair.hours]
    return flat


def _csv(flat: dict[str, object], bom: bool = False) -> bytes:
    rows = ["code;stagiaires_ou_montant;heures"]
    rows += [
        f"{code};{value[0]};{value[1]}" if isinstance(value, list) else f"{code};{value};"
        for code, value in flat.items()
    ]
    return ("\ufeff" if bom else "").encode() + "\r\n".join(rows).encode()


def _json(flat: dict[str, object]) -> bytes:
    """One line per code, as a person would write it."""
    return (
        "{\n" + ",\n".join(f"{json.dumps(code)}: {json.dumps(value)}" for code, value in flat.items()) + "\n}"
    ).encode()


def _same_figures(imported: Figures, expected: Figures) -> None:
    assert dict(imported.numbers) == dict(expected.numbers)
    assert dict(imported.pairs) == dict(expected.pairs)
    # the three-column format carries no libellé: codes and figures only
    assert [(row.code_nsf, row.pair) for row in imported.specialities] == [
        (row.code_nsf, row.pair) for row in expected.specialities
    ]
    assert imported.totals == expected.totals


def _refused(call, *args) -> ImportRefused:
    with pytest.raises(ImportRefused) as refused:
        call(*args)
    return refused.value


@pytest.mark.parametrize("bom", [False, True], ids=["utf8", "utf8-bom"])
def test_the_valid_example_round_trips_through_csv(bom):
    imported = import_csv(_csv(_flat(EXAMPLE), bom=bom))
    _same_figures(imported, EXAMPLE)
    assert blocking(figures_problems(imported)) == []


def test_the_valid_example_round_trips_through_json_with_or_without_bom():
    text = json.dumps(_flat(EXAMPLE), indent=1)
    _same_figures(import_json(text.encode()), EXAMPLE)
    _same_figures(import_json(("\ufeff" + text).encode()), EXAMPLE)
    assert import_json(text.encode()) == import_csv(_csv(_flat(EXAMPLE)))


def test_csv_and_json_are_told_apart_by_the_file_name():
    assert import_file("bpf.JSON", b'{"c1": 5}') == import_file("bpf.csv", b"c1;5;") == Figures({"c1": 5})


def test_lines_left_out_are_zero_and_the_header_and_a_trailing_separator_are_optional():
    assert import_csv(b"c1;12000;\nf1a;12;840;\n\n") == Figures({"c1": 12000}, {"f1a": Pair(12, 840)})


def test_a_csv_with_several_bad_lines_lists_them_all():
    text = (
        "code;stagiaires_ou_montant;heures\n"
        "c1;12000;\n"
        "c2a;12,5;\n"
        "c3;-4;\n"
        "f1a;12;\n"
        "zz;1;\n"
        "c1;5;\n"
        "c_part_ca;92;3\n"
        "h_qualite;Président;\n"
        "c4;;\n"
        "f1b;3;4;5\n"
        "f1c;douze;40\n"
    )
    refused = _refused(import_csv, text.encode())
    assert refused.message == (
        "Le fichier n'a pas été importé : corrigez les lignes ci-dessous puis importez-le à nouveau."
    )
    assert [bad.message for bad in refused.bad_lines] == [
        "Ligne 3, code c2a : « 12,5 » : saisissez un nombre entier, sans décimales.",
        "Ligne 4, code c3 : « -4 » n'est pas un nombre entier positif ou nul.",
        "Ligne 5, code f1a : nombre d'heures manquant.",
        "Ligne 6, code zz : code inconnu.",
        "Ligne 7, code c1 : code en double (déjà à la ligne 2).",
        "Ligne 8, code c_part_ca : cette ligne est un montant ou un nombre : laissez la colonne des heures vide.",
        "Ligne 9, code h_qualite : ce code ne s'importe pas (cadres A, B et H se saisissent à l'écran).",
        "Ligne 10, code c4 : valeur manquante.",
        "Ligne 11, code f1b : trois colonnes attendues : code;stagiaires_ou_montant;heures.",
        "Ligne 12, code f1c : « douze » n'est pas un nombre entier positif ou nul.",
    ]


def test_a_json_with_several_bad_keys_lists_them_all_with_their_line():
    lines = [
        '"c1": 12000',
        '"c1": 3',
        '"f1a": [12]',
        '"c2a": 1.5',
        '"g": "x"',
        '"c3": true',
        '"e1": [2, -1]',
        '"f9": 1',
    ]
    text = "{\n" + ",\n".join(lines) + "\n}"
    refused = _refused(import_json, text.encode())
    assert [(bad.line, bad.code, bad.reason) for bad in refused.bad_lines] == [
        (3, "c1", "code en double (déjà à la ligne 2)."),
        (4, "f1a", "nombre d'heures manquant."),
        (5, "c2a", "« 1.5 » : saisissez un nombre entier, sans décimales."),
        (6, "g", "deux nombres attendus : [stagiaires, heures]."),
        (7, "c3", "« true » n'est pas un nombre entier positif ou nul."),
        (8, "e1", "« -1 » n'est pas un nombre entier positif ou nul."),
        (9, "f9", "code inconnu."),
    ]


@pytest.mark.parametrize(
    ("line", "value", "message"),
    [
        ("c2", 42501, "Le total des produits ne correspond pas à la somme des lignes 2a à 2h."),
        ("c_total", 155499, "Le total des produits ne correspond pas à la somme des lignes 1 à 11."),
        ("f1_total", [152, 6301], "Le total de la ligne f1_total ne correspond pas à la somme de ses lignes."),
        ("f4_total", [151, 6300], "Le total de la ligne f4_total ne correspond pas à la somme de ses lignes."),
    ],
)
def test_totals_in_the_file_are_checked_against_the_sums(line, value, message):
    flat = _flat(EXAMPLE) | {line: value}
    for refused in (_refused(import_csv, _csv(flat)), _refused(import_json, _json(flat))):
        [bad] = refused.bad_lines
        assert (bad.code, bad.reason) == (line, message)
        assert bad.line == list(flat).index(line) + 2  # after the CSV header / the JSON "{"


def test_a_total_is_not_blamed_for_a_bad_line_it_adds_up():
    refused = _refused(import_csv, b"c1;12,5;\nc_total;12;\nf1_total;1;1\n")
    assert [bad.code for bad in refused.bad_lines] == ["c1", "f1_total"]


def test_at_most_five_speciality_rows():
    rows = "".join(f"f4_{code};1;10\n" for code in ("100", "312", "326", "314", "136"))
    assert len(import_csv(rows.encode()).specialities) == 5
    refused = _refused(import_csv, (rows + "f4_330;1;10\nf4_32;1;10\n").encode())
    assert [(bad.line, bad.reason) for bad in refused.bad_lines] == [
        (6, "au plus cinq spécialités (codes f4_<code NSF>)."),
        (7, "code inconnu."),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"c1;1;\n" * (MAX_BYTES // 6 + 1), "Le fichier dépasse 1 Mo : importez un fichier plus petit."),
        (b"\n" * MAX_LINES + b"c1;1;", "Le fichier dépasse 500 lignes : une ligne par code du bilan suffit."),
        ("c1;12000;\nc9;Été;\n".encode("latin-1"), "Le fichier doit être encodé en UTF-8."),
        (b" \n\n", "Le fichier est vide."),
    ],
    ids=["too-large", "too-many-lines", "latin-1", "empty"],
)
def test_a_file_that_cannot_be_read_as_a_whole_is_refused_with_a_french_message(data, message):
    for call in (import_csv, import_json):
        refused = _refused(call, data)
        assert (refused.message, refused.bad_lines) == (message, ())


def test_exactly_500_lines_are_accepted():
    assert import_csv(b"\n" * (MAX_LINES - 1) + b"c1;1;") == Figures({"c1": 1})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"c1": 1', "Le fichier JSON est illisible : ligne 1."),
        ("[1, 2]", 'Le fichier JSON doit contenir un objet { "code": valeur, … }.'),
        ("[" * 100_000 + "]" * 100_000, "Le fichier JSON est illisible : imbrication trop profonde."),
    ],
    ids=["truncated", "array", "deeply-nested"],
)
def test_a_json_that_is_not_an_object_of_lines_is_refused(text, message):
    assert _refused(import_json, text.encode()).message == message


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"c1;1000000000000;\n", "b.csv"),  # thirteen digits
        (b"c1;" + b"9" * 5000 + b";\n", "b.csv"),  # more digits than int() reads
        (b'{"c1": 1000000000000}', "b.json"),
    ],
)
def test_a_figure_beyond_twelve_digits_is_refused_with_its_line(data: bytes, name: str) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_file(name, data)
    assert "dépasse le plus grand nombre accepté (999 999 999 999)" in refused.value.bad_lines[0].reason


def test_a_json_number_longer_than_python_reads_is_refused_as_unreadable() -> None:
    with pytest.raises(ImportRefused) as refused:
        import_file("b.json", b'{"c1": ' + b"9" * 5000 + b"}")
    assert refused.value.message == messages.IMPORT_BAD_JSON.format(detail="nombre trop long")


def test_a_stored_bpf_imports_its_figures_with_the_libelles_and_without_its_identification():
    snapshot = content_to_json(make_content())
    assert import_json(json.dumps(snapshot, indent=1).encode()) == EXAMPLE
    assert EXAMPLE.specialities[0].libelle == "Comptabilité, gestion"


def test_a_stored_bpf_with_a_bad_figure_is_refused_at_its_line():
    snapshot = content_to_json(make_content())
    snapshot["f3"]["f3b"] = [40, 5.5]
    snapshot["f4"][1]["stagiaires"] = "soixante"
    text = json.dumps(snapshot, indent=1)
    with pytest.raises(ImportRefused) as refused:
        import_json(text.encode())
    rows = text.splitlines()
    f3b = next(number for number, row in enumerate(rows, 1) if '"f3b"' in row)
    f4_326 = next(number for number, row in enumerate(rows, 1) if '"326"' in row)
    assert [(bad.line, bad.code) for bad in refused.value.bad_lines] == [(f3b, "f3b"), (f4_326, "f4_326")]
