"""A BPF's exports (bpf.md §7): the printable PDF, the CSV and JSON that the draft import reads back, and the
control services' campaign CSV, streamed."""

import csv
import io
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from rp_bpf.bpf.content import Figures, content_from_json
from rp_bpf.bpf.exports import (
    CAMPAIGN_COLUMNS,
    CampaignRow,
    bpf_csv,
    bpf_json,
    bpf_pdf,
    campaign_csv,
    neutralised,
)
from rp_bpf.bpf.imports import ImportRefused, import_csv, import_json
from rp_bpf.bpf.snapshot import content_to_json, sha256
from tests.rp_bpf.factories import EXAMPLES, VALID, make_content
from tests.rp_bpf.pdfs import is_drawn, page_count, pdf_text, render_page

MENTION = "Transmis le 01/04/2026 à 01 h 30 (heure de Paris) — rectificatif n° 1 (version 2)"


def without_libelles(figures: Figures) -> Figures:
    return replace(figures, specialities=tuple(replace(row, libelle="") for row in figures.specialities))


def test_the_printable_bpf_is_the_same_bytes_for_the_same_bpf() -> None:
    first = bpf_pdf(make_content(), mention=MENTION)
    assert bpf_pdf(make_content(), mention=MENTION) == first
    assert bpf_pdf(make_content(c1=84001), mention=MENTION) != first


def test_the_printable_bpf_shows_every_frame_with_its_labels_and_french_figures() -> None:
    text = pdf_text(bpf_pdf(make_content(), mention=MENTION))
    for expected in (
        "Bilan pédagogique et financier 2025",
        MENTION,
        "A — Identification",
        "Dénomination FORMA'LOIRE CONSEIL",
        "Exercice comptable du 01/01/2025 au 31/12/2025",
        "Avez-vous mis en œuvre, durant cette période",
        "Produits provenant :",
        "c1 des entreprises pour la formation de leurs salariés 84 000 €",
        "c2 Total des produits provenant des organismes gestionnaires des fonds de la formation "
        "professionnelle 42 500 €",
        "c_total Total des produits réalisés au titre de la formation professionnelle 155 500 €",
        "c_part_ca Part du chiffre d'affaires global réalisée dans le domaine de la formation professionnelle "
        "(en %) 92 %",
        "d_salaires dont Salaires des formateurs 61 000 €",
        "e1 Personnes de votre organisme dispensant des heures de formation 4 1 650",
        "f1_total Total 152 6 300",
        "f1_distance dont stagiaires et apprentis ayant suivi une action en tout ou partie à distance 40",
        "f3a_n3 dont de niveau 3 (BEP, CAP...) 12 1 440",
        "f4_136 136 — Langues vivantes, civilisations étrangères et régionales 30 900",
        "g Stagiaires dont la formation a été confiée à votre organisme par un autre organisme de formation 14 420",
        "H — Personne ayant la qualité de dirigeant",
        "Nom et prénom DUPONT-DEMO Alix",
        "page 3 / 3",
    ):
        assert expected in text, expected


def test_the_printable_bpf_holds_on_three_readable_a4_pages(tmp_path: Path) -> None:
    data = bpf_pdf(make_content(), mention=MENTION)
    assert page_count(data) == 3
    for index in range(3):
        assert is_drawn(render_page(data, tmp_path, f"bpf-{index + 1}", index))


def test_a_frame_running_over_a_page_repeats_its_title() -> None:
    text = pdf_text(bpf_pdf(make_content()))
    assert text.count("C — Bilan financier hors taxes : origine des produits de l'organisme") == 2


def test_the_csv_has_the_import_layout_and_every_line() -> None:
    data = bpf_csv(make_content().figures)
    lines = data.decode("ascii").split("\r\n")
    assert lines[0] == "code;stagiaires_ou_montant;heures"
    assert "c1;84000;" in lines and "c_total;155500;" in lines and "c_part_ca;92;" in lines
    assert "f1a;120;2800" in lines and "f1_distance;40;" in lines and "f4_314;52;3300" in lines
    assert lines[-1] == ""  # the last row ends with CRLF too
    assert lines.index("f4_136;30;900") < lines.index("f4_autres;10;300") < lines.index("f4_total;152;6300")


def test_every_example_reads_back_from_its_csv_but_for_the_specialities_libelles() -> None:
    for case in EXAMPLES:
        figures = content_from_json(case["bpf"]).figures
        assert import_csv(bpf_csv(figures)) == without_libelles(figures), case["id"]


def test_every_example_reads_back_from_its_json_with_the_libelles() -> None:
    for case in EXAMPLES:
        content = content_from_json(case["bpf"])
        data = bpf_json(content)
        assert import_json(data) == content.figures, case["id"]
        assert content_from_json(json.loads(data)) == content, case["id"]


def test_the_json_export_gives_back_the_receipts_hash() -> None:
    content = make_content()
    assert sha256(json.loads(bpf_json(content))) == sha256(content_to_json(content))


def test_a_json_export_with_a_wrong_total_is_refused_at_its_line() -> None:
    data = json.loads(bpf_json(make_content()))
    data["totaux_calcules"]["c_total"] = 1
    text = json.dumps(data, ensure_ascii=False, indent=2)
    try:
        import_json(text.encode())
    except ImportRefused as refused:
        line = text.splitlines().index('    "c_total": 1,') + 1
        assert [(bad.line, bad.code) for bad in refused.bad_lines] == [(line, "c_total")]
    else:
        raise AssertionError("a wrong total was imported")


def test_formulas_are_neutralised_and_other_text_left_alone() -> None:
    assert [neutralised(text) for text in ("=1+1", "+33", "-2", "@SUM(A1)", "\tx", "FORMA=")] == [
        "'=1+1",
        "'+33",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "FORMA=",
    ]


def campaign_rows() -> list[CampaignRow]:
    transmitted = CampaignRow(
        nda="52449999901",
        siret="99791566500019",
        denomination='=HYPERLINK("http://x.example";"clic")\nFORMA;LOIRE « ŒUVRES »',
        region="52",
        departement="44",
        status="Transmis",
        version=2,
        transmitted_at=datetime(2026, 3, 31, 23, 30),  # naive UTC, as the database gives it
        late=True,
        content=make_content(),
    )
    waiting = CampaignRow("11759999902", "99643906300016", "CABINET DÉMO", "11", "75", "Non transmis")
    return [transmitted, waiting]


def read_campaign(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.fixture
def server_clock_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A server whose local time is not UTC: the times written must not depend on it."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_campaign_csv_has_a_bom_a_header_and_one_row_per_organisation(server_clock_in_new_york: None) -> None:
    data = b"".join(campaign_csv(campaign_rows()))
    assert data.startswith(b"\xef\xbb\xbfnda;siret;denomination;region;departement;statut;version;")
    header = data.decode("utf-8-sig").split("\r\n", 1)[0].split(";")
    assert tuple(header) == CAMPAIGN_COLUMNS
    assert {"c1", "c_total", "f1a_stagiaires", "f1a_heures", "e1_personnes", "f4_5_libelle", "h_qualite"} <= set(header)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [len(row) for row in rows] == [len(CAMPAIGN_COLUMNS)] * 3
    transmitted, waiting = read_campaign(data)
    assert transmitted["h_qualite"] == "Président"
    assert transmitted["transmis_le_heure_de_paris"] == "2026-04-01 01:30"
    assert (transmitted["version"], transmitted["hors_delai"], transmitted["statut"]) == ("2", "oui", "Transmis")
    assert (transmitted["c_total"], transmitted["f1_total_stagiaires"], transmitted["f1_total_heures"]) == (
        "155500",
        "152",
        "6300",
    )
    assert (transmitted["f4_3_code_nsf"], transmitted["f4_3_libelle"], transmitted["f4_4_libelle"]) == (
        "136",
        "Langues vivantes, civilisations étrangères et régionales",
        "",
    )
    assert (transmitted["code_naf"], transmitted["exercice_du"], transmitted["adresse_publique"]) == (
        "85.59A",
        "2025-01-01",
        "oui",
    )
    assert waiting["denomination"] == "CABINET DÉMO"
    assert waiting["c1"] == waiting["version"] == waiting["transmis_le_heure_de_paris"] == ""


def test_a_denomination_with_separators_quotes_and_a_newline_survives_without_its_formula() -> None:
    (transmitted, _) = read_campaign(b"".join(campaign_csv(campaign_rows())))
    assert transmitted["denomination"] == '\'=HYPERLINK("http://x.example";"clic")\nFORMA;LOIRE « ŒUVRES »'
    assert transmitted["nda"] == "52449999901"


class CountingRows:
    """100 000 organisations handed out one at a time, counting how many were taken."""

    def __init__(self, total: int) -> None:
        self.total, self.taken = total, 0

    def __iter__(self) -> Iterator[CampaignRow]:
        row = CampaignRow("52449999901", "99791566500019", "FORMA'LOIRE CONSEIL", "52", "44", "Non transmis")
        for _ in range(self.total):
            self.taken += 1
            yield row


def test_the_campaign_csv_reads_its_rows_lazily_and_writes_them_by_bounded_pieces() -> None:
    source = CountingRows(100_000)
    chunks = campaign_csv(source)
    header = next(chunks)
    assert source.taken == 0 and header.startswith(b"\xef\xbb\xbf")
    first = next(chunks)
    assert 0 < source.taken < 2_000  # a piece of some 64 KiB holds a few hundred organisations, not the campaign
    rest = [first, *chunks]
    assert source.taken == 100_000
    assert max(len(chunk) for chunk in rest) < 80 * 1024
    assert sum(chunk.count(b"\r\n") for chunk in rest) == 100_000


def test_a_long_denomination_wraps_in_its_frame_and_is_cut_in_the_footer() -> None:
    denomination = "ASSOCIATION RÉGIONALE POUR LA FORMATION PROFESSIONNELLE DES ADULTES ET L'ŒUVRE " * 3 + "FIN"
    data = bpf_pdf(make_content(a={**VALID["a"], "denomination": denomination}))
    text = pdf_text(data)
    assert f"Dénomination {denomination}" in text  # whole, on several lines, in frame A
    assert "Bilan pédagogique et financier 2025 — ASSOCIATION RÉGIONALE" in text
    assert "… page 1 / 3" in text  # the footer's dénomination stops short of the page number
