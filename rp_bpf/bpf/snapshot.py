"""A BPF's content as JSON, in the shape of demo_data/bpf_exemples.json's "bpf" (what `content_from_json` reads):
how a draft is stored, and, once transmitted, the frozen snapshot whose canonical bytes the receipt's SHA-256
covers. Computed totals are written too (the control services read them without recomputing) but never read
back: `content_from_json` recomputes them from the lines."""

import hashlib
import json
from typing import Any

from rp_bpf.bpf.content import BpfContent, Figures, Pair
from rp_bpf.bpf.lines import BY_CODE, NUMBER_LINES, PAIR_LINES

# The frames nested in the JSON shape (content_from_json's), by the cadre letter of their lines
_NESTED = {"C": "c", "D": "d", "E": "e", "F-1": "f1", "F-3": "f3"}
_TOP_LEVEL = ("f2", "f4_autres", "g")


def _frame(code: str) -> str | None:
    cadre = BY_CODE[code].cadre.split(" — ")[0]
    return _NESTED.get(cadre)


def _pair(pair: Pair) -> list[int]:
    return [pair.count, pair.hours]


def figures_to_json(figures: Figures) -> dict[str, Any]:
    data: dict[str, Any] = {frame: {} for frame in _NESTED.values()}
    for code in NUMBER_LINES:
        data[_frame(code) or code][code] = figures.number(code)
    for code in PAIR_LINES:
        frame = _frame(code)
        value = _pair(figures.pair(code))
        if frame is None:
            data[code] = value
        else:
            data[frame][code] = value
    data["f4"] = [
        {"code_nsf": row.code_nsf, "libelle": row.libelle, "stagiaires": row.pair.count, "heures": row.pair.hours}
        for row in figures.specialities
    ]
    return data


def totals_to_json(figures: Figures) -> dict[str, Any]:
    totals = figures.totals
    return {
        "c2": totals.c2,
        "c_total": totals.c_total,
        "f1_total": _pair(totals.f1_total),
        "f3_total": _pair(totals.f3_total),
        "f4_total": _pair(totals.f4_total),
    }


def content_to_json(content: BpfContent) -> dict[str, Any]:
    identification = dict(content.identification)
    data: dict[str, Any] = {
        code: identification.pop(code) for code in ("siren", "siret", "nda") if code in identification
    }
    data.update(
        exercice=content.exercice,
        exercice_du=content.exercice_du.isoformat() if content.exercice_du else None,
        exercice_au=content.exercice_au.isoformat() if content.exercice_au else None,
        actions_distance=content.actions_distance,
        a=identification,
        h=dict(content.dirigeant),
        totaux_calcules=totals_to_json(content.figures),
    )
    data.update(figures_to_json(content.figures))
    return data


def canonical_bytes(snapshot: dict[str, Any]) -> bytes:
    """One byte string per snapshot whatever the dict's order: what the receipt's SHA-256 is computed on."""
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(snapshot)).hexdigest()
