"""The receipt « Accusé de réception » (bpf.md §5.3): built from the frozen snapshot, printed in French with
the Paris time of transmission, the same bytes for the same receipt."""

import hashlib
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from rp_bpf.bpf.content import Pair
from rp_bpf.bpf.receipt import Receipt, paris_time, receipt_from_snapshot, receipt_number, receipt_pdf, version_label
from rp_bpf.bpf.snapshot import content_to_json, sha256
from tests.rp_bpf.factories import make_content
from tests.rp_bpf.pdfs import is_drawn, page_count, pdf_text, render_page

# 23:30 UTC on 31 March 2026 is already 1 April in Paris, in summer time (UTC+2 since 29 March)
LATE_NIGHT = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)


def make_receipt(**options: Any) -> Receipt:
    options = {"version": 1, "transmitted_at": LATE_NIGHT, "transmitted_by": "Camille Formatrice"} | options
    return receipt_from_snapshot(content_to_json(make_content()), **options)


def test_the_receipt_is_read_from_the_snapshot_with_its_totals_and_hash() -> None:
    snapshot = content_to_json(make_content())
    receipt = receipt_from_snapshot(snapshot, version=2, transmitted_at=LATE_NIGHT, transmitted_by="Camille")
    assert receipt.number == "BPF-2025-52449999901-2" == receipt_number(2025, "52449999901", 2)
    identification = (receipt.denomination, receipt.siret, receipt.nda)
    assert identification == ("FORMA'LOIRE CONSEIL", "99791566500019", "52449999901")
    assert (receipt.exercice_du, receipt.exercice_au) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (receipt.c_total, receipt.d_total, receipt.f1_total) == (155500, 118000, Pair(152, 6300))
    assert receipt.snapshot_sha256 == sha256(snapshot)
    assert receipt.third_party_siret is None and receipt.on_behalf_of is None


def test_a_naive_transmission_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        make_receipt(transmitted_at=datetime(2026, 4, 1, 1, 30))


def test_the_time_is_printed_as_paris_had_it_in_summer_and_in_winter() -> None:
    assert paris_time(LATE_NIGHT) == "le 01/04/2026 à 01\u00a0h\u00a030 (heure de Paris)"
    winter = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
    assert paris_time(winter) == "le 16/01/2026 à 00\u00a0h\u00a030 (heure de Paris)"
    new_york = datetime(2026, 4, 30, 17, 59, tzinfo=timezone(timedelta(hours=-4)))
    assert paris_time(new_york) == "le 30/04/2026 à 23\u00a0h\u00a059 (heure de Paris)"


def test_the_first_transmission_is_initial_and_the_next_ones_rectificatifs() -> None:
    assert version_label(1) == "initial (version 1)"
    assert version_label(2) == "rectificatif n° 1 (version 2)"
    assert version_label(3) == "rectificatif n° 2 (version 3)"


def test_the_same_receipt_always_gives_the_same_bytes() -> None:
    first = receipt_pdf(make_receipt())
    assert receipt_pdf(make_receipt()) == first
    assert first.startswith(b"%PDF-")
    assert receipt_pdf(make_receipt(version=2)) != first


def test_the_pdf_states_every_field_of_the_receipt_with_its_accents() -> None:
    receipt = make_receipt(version=3, late=True, third_party_siret="99643906300016", transmitted_by="Inès Comptable")
    text = pdf_text(receipt_pdf(receipt))
    for expected in (
        "Accusé de réception — Bilan pédagogique et financier 2025",
        "Numéro d'accusé de réception BPF-2025-52449999901-3",
        "Dénomination FORMA'LOIRE CONSEIL",
        "N° SIRET 99791566500019",
        "Numéro de déclaration d'activité 52449999901",
        "Exercice comptable du 01/01/2025 au 31/12/2025",
        "le 01/04/2026 à 01 h 30 (heure de Paris)",
        "Inès Comptable, tiers-déclarant SIRET 99643906300016 pour le compte de FORMA'LOIRE CONSEIL",
        "rectificatif n° 2 (version 3)",
        "Hors délai",
        "(cadre C) 155 500 €",
        "(cadre D) 118 000 €",
        "(cadre F-1) 152 stagiaires, 6 300 heures",
        receipt.snapshot_sha256,
    ):
        assert expected in text, expected


def test_an_initial_receipt_on_time_names_the_declarant_alone() -> None:
    text = pdf_text(receipt_pdf(make_receipt()))
    assert "Transmis par Camille Formatrice Version initial (version 1) Délai Dans le délai" in text
    assert "pour le compte de" not in text


def test_user_text_is_printed_as_typed_never_as_markup() -> None:
    receipt = replace(make_receipt(), denomination="L'ÉCOLE <b>& « ŒUVRES » Kőrösi")
    text = pdf_text(receipt_pdf(receipt))
    # ő is outside the standard fonts' encoding: it loses its accent rather than printing a box
    assert "Dénomination L'ÉCOLE <b>& « ŒUVRES » Korösi" in text


def test_the_receipt_fits_one_readable_a4_page(tmp_path: Path) -> None:
    data = receipt_pdf(make_receipt(version=3, late=True, third_party_siret="99643906300016"))
    assert page_count(data) == 1
    assert is_drawn(render_page(data, tmp_path, "receipt"))


def test_another_process_renders_the_same_bytes() -> None:
    """Determinism is not only within a process: no clock, random id or hash seed reaches the file."""
    script = (
        "import hashlib, sys; from tests.rp_bpf.test_receipt import make_receipt; "
        "from rp_bpf.bpf.receipt import receipt_pdf; "
        "sys.stdout.write(hashlib.sha256(receipt_pdf(make_receipt())).hexdigest())"
    )
    root = Path(__file__).resolve().parents[2]
    environment = os.environ | {"PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", script], cwd=root, env=environment, capture_output=True, check=True)
    assert result.stdout.decode() == hashlib.sha256(receipt_pdf(make_receipt())).hexdigest()
