"""Builders for BPF test data, from the examples of demo_data/bpf_exemples.json (a copy of
../shared/domain/data/bpf_exemples.json kept in the project, since tests never read ../shared)."""

import copy
import json
from pathlib import Path
from typing import Any

from rp_bpf.bpf.content import BpfContent, Figures, content_from_json
from rp_bpf.services.declarations import DeclarationData

EXAMPLES = json.loads(
    (Path(__file__).resolve().parents[2] / "demo_data" / "bpf_exemples.json").read_text(encoding="utf-8")
)["cas"]
VALID = next(case["bpf"] for case in EXAMPLES if case["id"] == "valide")


def valid_json(**lines: Any) -> dict[str, Any]:
    """The valid example with some lines changed: valid_json(c_part_ca=100, f1b=[0, 35]); a line sits in its
    frame ("c", "f1"…) or at the top (f2, f4, g, exercice_du…)."""
    return _change(copy.deepcopy(VALID), lines)


def _change(data: dict[str, Any], lines: dict[str, Any]) -> dict[str, Any]:
    for code, value in lines.items():
        frame = next((frame for frame in ("c", "d", "e", "f1", "f3") if code in data[frame]), None)
        (data[frame] if frame else data)[code] = value
    return data


def make_content(**lines: Any) -> BpfContent:
    return content_from_json(valid_json(**lines))


def make_figures(**lines: Any) -> Figures:
    return make_content(**lines).figures


def zero_json(**lines: Any) -> dict[str, Any]:
    """The valid example with every figure at zero (a BPF without any activity), then `lines` changed."""
    data = copy.deepcopy(VALID)
    for frame in ("c", "d", "e", "f1", "f3"):
        data[frame] = {code: [0, 0] if isinstance(value, list) else 0 for code, value in data[frame].items()}
    data.update(f2=[0, 0], f4=[], f4_autres=[0, 0], g=[0, 0])
    return _change(data, lines)


def declaration_data(**changes: Any) -> DeclarationData:
    """FORMA'LOIRE's déclaration d'activité, as the examples describe the organisation."""
    values: dict[str, Any] = {
        "siret": "99791566500019",
        "denomination": "FORMA'LOIRE CONSEIL",
        "forme_juridique": "SAS",
        "code_naf": "85.59A",
        "adresse": "14 RUE DE LA FORMATION CONTINUE",
        "code_postal": "44000",
        "commune": "NANTES",
        "adresse_publique": True,
        "telephone": "0200000000",
        "courriel": "contact@formaloire.example",
        "dirigeant_nom": "DUPONT-DEMO Alix",
        "dirigeant_qualite": "Président",
        "date_debut_activite": None,
    }
    return DeclarationData(**(values | changes))
