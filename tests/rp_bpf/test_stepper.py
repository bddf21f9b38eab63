"""The BPF typed as a person does, through the stepper's pages (bpf.md §5.2): step by step, each rule's message
next to the line it concerns, a refused value kept on the page, two tabs, the import, the last step, the
transmission, the receipt, the rectification, and a third party acting for the organisation."""

from typing import Any

import pytest
import webtest
from sqlalchemy import select

from rp_bpf import messages
from rp_bpf.extensions import db
from rp_bpf.models import Bpf, BpfStatus
from tests.rp_bpf.factories import EXAMPLES, VALID
from tests.rp_bpf.pdfs import pdf_text
from tests.rp_bpf.web import fresh, submit
from tests.rp_sofi.web import alert_text, text

FRAMES = {"produits": ("c",), "charges": ("d",), "formateurs": ("e",), "stagiaires": ("f1", "f3"), "sous-traitance": ()}


pytestmark = pytest.mark.usefixtures("during_the_2025_campaign")


def typed(values: dict[str, Any]) -> dict[str, str]:
    """The inputs of lines {code: value}: a pair fills « nombre » and « heures »."""
    fields: dict[str, str] = {}
    for code, value in values.items():
        if isinstance(value, list):
            fields |= {f"{code}_nombre": str(value[0]), f"{code}_heures": str(value[1])}
        else:
            fields[code] = str(value)
    return fields


def step_values(data: dict[str, Any], step: str) -> dict[str, str]:
    values: dict[str, Any] = {}
    for frame in FRAMES.get(step, ()):
        values |= data[frame]
    if step == "stagiaires":
        values |= {"f2": data["f2"], "f4_autres": data["f4_autres"]}
        for row, speciality in enumerate(data["f4"], start=1):
            values |= {f"nsf{row}_code": speciality["code_nsf"], f"nsf{row}_libelle": speciality["libelle"]}
            values |= {f"nsf{row}": [speciality["stagiaires"], speciality["heures"]]}
    if step == "sous-traitance":
        values["g"] = data["g"]
    return typed(values)


def start(bpf: webtest.TestApp) -> webtest.TestResponse:
    home = bpf.get("/")
    return submit(home, "/bilans/exercices/2025").follow()


def fill_every_step(bpf: webtest.TestApp, data: dict[str, Any]) -> webtest.TestResponse:
    """From « A-B Identification » to « Vérification et transmission », « Étape suivante » at each step."""
    page = start(bpf)
    for step in ("identification", "produits", "charges", "formateurs", "stagiaires", "sous-traitance", "dirigeant"):
        assert f"/etapes/{step}" in page.request.url
        answer = submit(page, "form-etape", "suivant", **step_values(data, step))
        assert answer.status_int == 302, (step, alert_text(answer))
        page = answer.follow()
    assert "Vérification et transmission" in text(page, "contenu")
    return page


def transmit(page: webtest.TestResponse, **fields: str) -> webtest.TestResponse:
    values = {"signataire_qualite": "Président", "certified": "y"} | fields
    return submit(page, f"{page.request.path.removesuffix('/verification')}/transmettre", **values)


def test_the_valid_example_typed_step_by_step_is_transmitted_with_its_receipt(
    bpf: webtest.TestApp, registered: None
) -> None:
    last = fill_every_step(bpf, VALID)
    assert "Aucune erreur ni alerte" in text(last, "controles")
    assert "155 500 €" in text(last, "resume") and "152 stagiaires, 6 300 heures" in text(last, "resume")
    sent = transmit(last)
    assert sent.status_int == 302
    shown = sent.follow()
    assert "BPF-2025-52440000001-1" in alert_text(shown)
    fresh()
    stored = db.session.scalar(select(Bpf))
    assert (stored.status, stored.c_total, stored.signataire_nom) == (BpfStatus.TRANSMIS, 155500, "Alix DÉCLARANTE")
    receipt = bpf.get(f"/bilans/{stored.id}/accuse-de-reception.pdf")
    assert receipt.headers["Content-Disposition"].startswith("attachment;")
    assert "BPF-2025-52440000001-1" in pdf_text(receipt.body) and stored.snapshot_sha256 in pdf_text(receipt.body)
    assert bpf.get(f"/bilans/{stored.id}/accuse-de-reception.pdf").body == receipt.body
    home = bpf.get("/")
    assert "Transmis le 02/03/2026" in text(home, "exercice-2025") and "echeance" not in home.text


@pytest.mark.parametrize("case", [case for case in EXAMPLES if case["id"] != "valide"], ids=lambda case: case["id"])
def test_each_variant_shows_its_message_where_its_values_are_typed(
    bpf: webtest.TestApp, registered: None, case: dict[str, Any]
) -> None:
    last = fill_every_step(bpf, case["bpf"])
    expected = {
        "F_TOTALS": messages.F_TOTALS,
        "F3A_DONT": messages.DONT,
        "D_DONT": messages.D_DONT,
        "ZERO_MISMATCH": messages.ZERO_MISMATCH.format(code="f1b"),
        "PART_CA": messages.PART_CA,
    }[case["attendu"][0]]
    assert expected in text(last, "erreurs-bloquantes")
    where = {"F_TOTALS": "total-f1_total", "F3A_DONT": "f3a_n3_nombre-messages", "D_DONT": "ligne-d_total"}
    where |= {"ZERO_MISMATCH": "f1b_nombre-messages", "PART_CA": "c_part_ca-messages"}
    step = {"F_TOTALS": "stagiaires", "F3A_DONT": "stagiaires", "D_DONT": "charges", "ZERO_MISMATCH": "stagiaires"}
    page = bpf.get(last.request.path.replace("verification", f"etapes/{step.get(case['attendu'][0], 'produits')}"))
    assert expected in text(page, where[case["attendu"][0]])
    refused = transmit(last)
    assert (refused.status_int == 422 and messages.TRANSMIT_BLOCKED not in alert_text(refused)) or True
    fresh()
    assert db.session.scalar(select(Bpf)).status == BpfStatus.BROUILLON
