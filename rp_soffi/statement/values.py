"""A statement's figures as a typed value object, and the JSON shape it is read from and written to.

JSON shape (the columns of the CSV export of soffi.md §7, with the amount in integer cents so that no float
ever carries money)::

    {
      "exercice": 2024,
      "siren": "999123456",
      "type_organisme": "OPCO",                    # BodyType
      "lignes": [
        {"code_ligne": "R1", "montant_centimes": 120000000, "nombre": null, "commentaire": ""},
        {"code_ligne": "E1", "montant_centimes": 45000000, "nombre": 5200, "commentaire": ""},
        {"code_ligne": "Q5", "montant_centimes": null, "nombre": 2400000, "commentaire": ""}
      ]
    }

`lignes` lists typed lines (kind AMOUNT or COUNT) that apply to the body type; a missing line or a null is a
blank field. A TOTAL or COMPUTED line (RT, ET, S2) may appear — an imported file carries them —: its amount is
kept in `declared` only to be compared with the computed one (rule `total_incorrect`), never used.
Values are kept as typed, negative ones included: the rules, not the parser, say what is wrong with them."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rp_soffi.statement.catalogue import BY_CODE, BodyType, Line, LineKind


@dataclass(frozen=True)
class LineValue:
    amount_cents: int | None = None
    count: int | None = None
    comment: str = ""


@dataclass(frozen=True)
class StatementData:
    exercice: int
    siren: str
    body_type: BodyType
    lines: Mapping[str, LineValue] = field(default_factory=dict)  # typed lines only, by code
    declared: Mapping[str, int] = field(default_factory=dict)  # totals as an imported file gave them

    def value(self, code: str) -> LineValue:
        return self.lines.get(code, LineValue())

    def amount(self, code: str) -> int:
        """The line's amount in cents: computed for TOTAL and COMPUTED lines, 0 when blank."""
        line = BY_CODE[code]
        if line.kind is LineKind.TOTAL:
            return sum(self.amount(component) for component in line.components if self._applies(component))
        if line.kind is LineKind.COMPUTED:
            first, second = line.components
            return self.amount(first) - self.amount(second)
        return self.value(code).amount_cents or 0

    def computed(self) -> dict[str, int]:
        """Every line never typed, with its amount: RT, ET, S2."""
        return {code: self.amount(code) for code, line in BY_CODE.items() if not line.kind.typed}

    def _applies(self, code: str) -> bool:
        return BY_CODE[code].applies_to(self.body_type)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "StatementData":
        """Raises ValueError on a shape that is not the one above (unknown code, float, duplicate line…)."""
        body_type = BodyType(data["type_organisme"])
        lines: dict[str, LineValue] = {}
        declared: dict[str, int] = {}
        for item in data.get("lignes", []):
            line = _line(item.get("code_ligne"), body_type)
            if line.code in lines or line.code in declared:
                raise ValueError(f"line {line.code} appears twice")
            amount, count = _integer(item.get("montant_centimes")), _integer(item.get("nombre"))
            if not line.kind.typed:
                if amount is not None:
                    declared[line.code] = amount
                continue
            if (amount is not None and not line.has_amount) or (count is not None and not line.has_count):
                raise ValueError(f"line {line.code} holds no such value")
            lines[line.code] = LineValue(amount, count, str(item.get("commentaire") or ""))
        return cls(_integer_required(data.get("exercice")), str(data["siren"]), body_type, lines, declared)

    def to_json(self) -> dict[str, Any]:
        lignes = [
            {
                "code_ligne": code,
                "montant_centimes": value.amount_cents,
                "nombre": value.count,
                "commentaire": value.comment,
            }
            for code, value in self.lines.items()
        ]
        return {
            "exercice": self.exercice,
            "siren": self.siren,
            "type_organisme": self.body_type.value,
            "lignes": lignes,
        }


def _line(code: object, body_type: BodyType) -> Line:
    line = BY_CODE.get(str(code))
    if line is None or not line.applies_to(body_type):
        raise ValueError(f"no line {code!r} for a body of type {body_type}")
    return line


def _integer(value: object) -> int | None:
    if value is None:
        return None
    # bool is an int to Python, a float would be money in binary: both refused.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not an integer")
    return value


def _integer_required(value: object) -> int:
    number = _integer(value)
    if number is None:
        raise ValueError("exercice is required")
    return number
