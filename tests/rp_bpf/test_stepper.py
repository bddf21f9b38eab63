"""The BPF typed as a person does, through the stepper's pages (bpf.md §5.2): step by step, each rule's message
next to the line it concerns, a refused value kept on the page, two tabs, the import, the last step, the
transmission, the receipt, the rectification, and a third party acting for the organisation."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
import webtest
from sqlalchemy import select

from rp_bpf import messages
from rp_bpf.bpf import exports
from rp_bpf.extensions import db
from rp_bpf.models import Bpf, BpfStatus
from tests.rp_bpf.conftest import CABINET, FORMALOIRE, LogIn, habilitation
from tests.rp_bpf.factories import EXAMPLES, VALID, make_content
from tests.rp_bpf.pdfs import pdf_text
from tests.rp_bpf.web import form_to, fresh, submit
from tests.rp_sofi.web import alert_text, field_error, text

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


def test_a_value_that_is_not_a_whole_number_is_refused_next_to_it_and_nothing_is_saved(
    bpf: webtest.TestApp, registered: None
) -> None:
    page = start(bpf)
    produits = bpf.get(page.request.path.replace("identification", "produits"))
    answer = submit(produits, "form-etape", "enregistrer", c1="12,5", c2a="1 000 000 000 000", c3="12 000")
    assert answer.status_int == 422
    assert field_error(answer, "c1") == messages.NOT_INTEGER
    assert field_error(answer, "c2a") == messages.TOO_LARGE
    assert answer.html.select_one("#c1")["value"] == "12,5"  # what was typed stays on the page
    fresh()
    assert json.loads(db.session.scalar(select(Bpf)).content)["c"]["c3"] == 0


def test_a_second_tab_saving_an_older_page_is_refused_and_keeps_what_it_typed(
    bpf: webtest.TestApp, registered: None
) -> None:
    start(bpf)
    path = f"/bilans/{db.session.scalar(select(Bpf.id))}/etapes/produits"
    first_tab, second_tab = bpf.get(path), bpf.get(path)
    assert submit(first_tab, "form-etape", "enregistrer", c1="1000").status_int == 302
    answer = submit(second_tab, "form-etape", "enregistrer", c1="2000")
    assert answer.status_int == 409
    assert messages.STALE in alert_text(answer)
    assert answer.html.select_one("#c1")["value"] == "2000"
    fresh()
    assert json.loads(db.session.scalar(select(Bpf)).content)["c"]["c1"] == 1000


def test_an_imported_file_fills_the_draft_and_a_wrong_one_is_refused_whole(
    bpf: webtest.TestApp, registered: None
) -> None:
    start(bpf)
    draft_id = db.session.scalar(select(Bpf.id))
    page = bpf.get(f"/bilans/{draft_id}/verification")
    bad = b"code;stagiaires_ou_montant;heures\r\nc1;12,5;\r\nzz9;1;\r\n"
    form = form_to(page, f"/bilans/{draft_id}/import")
    form["fichier"] = webtest.Upload("bpf.csv", bad)
    refused = form.submit(expect_errors=True)
    assert refused.status_int == 422
    listed = text(refused, "import-erreurs")
    assert "Ligne 2, code c1" in listed and "Ligne 3, code zz9" in listed
    good = exports.bpf_csv(make_content().figures)
    page = bpf.get(f"/bilans/{draft_id}/verification")
    form = form_to(page, f"/bilans/{draft_id}/import")
    form["fichier"] = webtest.Upload("bpf.csv", good)
    imported = form.submit().follow()
    assert messages.IMPORTED in alert_text(imported)
    assert "155 500 €" in text(imported, "resume")


def test_a_transmitted_bpf_is_rectified_as_a_new_version_and_both_stay(bpf: webtest.TestApp, registered: None) -> None:
    transmit(fill_every_step(bpf, VALID))
    home = bpf.get("/")
    first_id = db.session.scalar(select(Bpf.id))
    draft = submit(home, f"/bilans/{first_id}/rectifier").follow()
    assert messages.RECTIFYING in alert_text(draft)
    assert "Rectificatif" in text(draft, "contenu")
    produits = bpf.get(draft.request.path.replace("identification", "produits"))
    submit(produits, "form-etape", "enregistrer", c1="90000")
    charges = bpf.get(draft.request.path.replace("identification", "charges"))
    submit(charges, "form-etape", "verifier", d_total="124000")
    second = transmit(bpf.get(draft.request.path.replace("etapes/identification", "verification"))).follow()
    assert "BPF-2025-52440000001-2" in alert_text(second)
    versions = text(second, "versions")
    assert "Transmis" in versions and "Rectifié" in versions
    assert "Rectifié" in text(bpf.get("/"), "exercice-2025")


def test_a_third_party_acts_for_the_organisation_until_its_delegation_ends(
    bpf: webtest.TestApp, log_in: LogIn, registered: None
) -> None:
    ends = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    firm = habilitation("declarant", CABINET, delegated=True, on_behalf_of_siret=FORMALOIRE, expires_at=ends)
    log_in(firm, sub="sub-ines")
    home = bpf.get("/")
    assert "Vous agissez pour le compte de" in text(home, "etablissement-courant")
    receipt_page = transmit(fill_every_step(bpf, VALID)).follow()
    fresh()
    sent = db.session.scalar(select(Bpf))
    assert (sent.transmitted_by_siret, sent.on_behalf_of_siret) == (CABINET, FORMALOIRE)
    receipt = pdf_text(bpf.get(f"/bilans/{sent.id}/accuse-de-reception.pdf").body)
    assert f"tiers-déclarant SIRET {CABINET}" in receipt and "pour le compte de" in receipt
    assert "tiers-déclarant" in text(receipt_page, "contenu")
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2)):  # the session still runs, not the delegation
        assert bpf.get(f"/bilans/{sent.id}", expect_errors=True).status_int == 403


def test_another_organisations_bpf_answers_404_to_every_page_and_action(
    bpf: webtest.TestApp, log_in: LogIn, registered: None
) -> None:
    start(bpf)
    draft_id = db.session.scalar(select(Bpf.id))
    token_page = bpf.get("/")
    log_in(habilitation("declarant", CABINET), sub="sub-other")
    for path in (
        f"/bilans/{draft_id}",
        f"/bilans/{draft_id}/etapes/produits",
        f"/bilans/{draft_id}/verification",
        f"/bilans/{draft_id}/export.pdf",
        f"/bilans/{draft_id}/accuse-de-reception.pdf",
    ):
        assert bpf.get(path, expect_errors=True).status_int == 404, path
    other_home = bpf.get("/")
    token = other_home.html.select_one("input[name=csrf_token]") or token_page.html.select_one("input[name=csrf_token]")
    for path, fields in (
        (f"/bilans/{draft_id}/etapes/produits", {"c1": "1", "action": "enregistrer"}),
        (f"/bilans/{draft_id}/transmettre", {"signataire_nom": "X", "signataire_qualite": "Y", "certified": "y"}),
        (f"/bilans/{draft_id}/rectifier", {}),
    ):
        answer = bpf.post(path, {**fields, "csrf_token": token["value"]}, expect_errors=True)
        assert answer.status_int == 404, path
    imported = bpf.post(
        f"/bilans/{draft_id}/import",
        {"csrf_token": token["value"], "lock": "1"},
        upload_files=[("fichier", "bpf.csv", b"c1;1;\r\n")],
        expect_errors=True,
    )
    assert imported.status_int == 404
    fresh()
    draft = db.session.get(Bpf, draft_id)
    assert (draft.status, json.loads(draft.content)["c"]["c1"]) == (BpfStatus.BROUILLON, 0)


@pytest.mark.parametrize(
    "path", ["/bilans/2147483648/etapes/produits", "/bilans/1/etapes/inconnue", "/bilans/1/export.xml"]
)
def test_odd_addresses_answer_404(bpf: webtest.TestApp, registered: None, path: str) -> None:
    start(bpf)
    assert bpf.get(path, expect_errors=True).status_int == 404
