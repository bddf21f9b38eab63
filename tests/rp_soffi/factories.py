"""Statements for the tests: the consistent demo statement of an OPCO (data/etat_opco_2024.json, its previous
exercice in data/etat_opco_2023.json) and variants of it with one line changed."""

import dataclasses
import json
from pathlib import Path

from rp_soffi.statement.values import StatementData

DATA = Path(__file__).parent / "data"
_UNSET = object()


def load(name: str = "etat_opco_2024") -> StatementData:
    return StatementData.from_json(json.loads((DATA / f"{name}.json").read_text(encoding="utf-8")))


def with_line(statement: StatementData, code: str, amount: object = _UNSET, count: object = _UNSET) -> StatementData:
    """The statement with line `code` changed (None blanks a figure); the other lines as they were."""
    value = statement.value(code)
    changes: dict[str, object] = {}
    if amount is not _UNSET:
        changes["amount_cents"] = amount
    if count is not _UNSET:
        changes["count"] = count
    lines = dict(statement.lines) | {code: dataclasses.replace(value, **changes)}  # type: ignore[arg-type]
    return dataclasses.replace(statement, lines=lines)


def without_line(statement: StatementData, code: str) -> StatementData:
    return dataclasses.replace(statement, lines={k: v for k, v in statement.lines.items() if k != code})
