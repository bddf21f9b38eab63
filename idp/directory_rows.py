"""What both import paths of the SIRENE files compute alike — the row by row one (directory_import.py) and the
PostgreSQL one (directory_copy.py): the report, the refusals, and the pieces of a row."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from idp.services.directory import normalize_name
from shared.clock import utcnow
from shared.identifiers import is_valid_siren, is_valid_siret


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


class BadRow(ValueError):
    pass


class ImportInterrupted(RuntimeError):
    """The database refused a batch: the batches before it are committed, this one is rolled back whole."""

    def __init__(self, first_line: int, report: ImportReport, cause: Exception) -> None:
        # The driver's message alone: SQLAlchemy's would quote a statement of 5 000 rows.
        self.reason = str(getattr(cause, "orig", None) or cause).strip()
        super().__init__(f"batch starting at line {first_line}: {self.reason}")
        self.first_line = first_line
        self.report = report


def first_filled(*values: str | None) -> str:
    """The first value that is not blank: INSEE leaves some columns as spaces."""
    return next((value.strip() for value in values if value and value.strip()), "")


def checked_siret(value: str | None) -> str:
    siret = (value or "").strip()
    if not siret:
        raise BadRow("SIRET manquant")
    if not is_valid_siret(siret):
        raise BadRow(f"SIRET invalide « {siret} »")
    return siret


def own_name(enseigne: str | None, usual_name: str | None) -> str:
    """The establishment's own name, if it has one; else it shows its company's."""
    return first_filled(enseigne, usual_name)


def address(street_parts: Iterable[str | None], postal_code: str, city: str) -> str:
    street = " ".join(part.strip() for part in street_parts if part and part.strip())
    return " ".join(part for part in (street, postal_code, city) if part)[:500]


def is_headquarters(value: str | None) -> bool:
    return (value or "").lower() == "true"


def is_active(value: str | None) -> bool:
    return (value or "A") == "A"


def company_values(row: dict[str, str]) -> dict[str, Any]:
    siren = (row.get("siren") or "").strip()
    if not siren:
        raise BadRow("SIREN manquant")
    if not is_valid_siren(siren):
        raise BadRow(f"SIREN invalide « {siren} »")
    name = first_filled(row.get("denominationUniteLegale")) or " ".join(
        part.strip() for part in (row.get("prenom1UniteLegale"), row.get("nomUniteLegale")) if part and part.strip()
    )
    if not name:
        raise BadRow(f"unité légale {siren} sans dénomination ni nom")
    # Never ending in blanks, even cut: the PostgreSQL import compares it as is with establishments' names.
    name = name[:255].rstrip()
    return {
        "siren": siren,
        "name": name,
        "search_name": normalize_name(name)[:255],
        "active": (row.get("etatAdministratifUniteLegale") or "A") == "A",
        "updated_at": utcnow(),
    }
