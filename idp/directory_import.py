"""Import of the INSEE SIRENE stock files into the local establishment directory.

The real StockEtablissement file has about 40 million rows: it is streamed, columns are read by
name (newer files add columns), rows are upserted in batches each committed whole, and a bad row
is reported and skipped. Running an import twice gives the same directory.
"""

import csv
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from tqdm import tqdm

from idp.extensions import db
from idp.models import Company, Establishment
from idp.services.directory import normalize_name
from shared.clock import utcnow
from shared.db import DbSession
from shared.identifiers import is_valid_siren, is_valid_siret

BATCH_SIZE = 5000
csv.field_size_limit(1 << 20)

directory_cli = AppGroup("directory", help="Répertoire des établissements (SIRENE).")


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


class BadRow(ValueError):
    pass


def establishment_values(row: dict[str, str], company_names: dict[str, str]) -> dict[str, Any]:
    """One StockEtablissement row as the columns of our table (raises BadRow)."""
    siret = (row.get("siret") or "").strip()
    if not is_valid_siret(siret):
        raise BadRow(f"SIRET invalide « {siret} »")
    siren = siret[:9]
    company = company_names.get(siren, "")
    name = (
        row.get("enseigne1Etablissement") or row.get("denominationUsuelleEtablissement") or company
    ).strip() or f"ÉTABLISSEMENT {siret}"
    # Searchable by its own name and by its company's: "FORMA'LOIRE ANJOU" is found as "Forma'Loire Conseil".
    searchable = name if company in name else f"{name} {company}"
    street = " ".join(
        part.strip()
        for part in (
            row.get("numeroVoieEtablissement", ""),
            row.get("indiceRepetitionEtablissement", ""),
            row.get("typeVoieEtablissement", ""),
            row.get("libelleVoieEtablissement", ""),
        )
        if part and part.strip()
    )
    postal_code = (row.get("codePostalEtablissement") or "").strip()
    city = (row.get("libelleCommuneEtablissement") or row.get("libelleCommuneEtrangerEtablissement") or "").strip()
    return {
        "siret": siret,
        "siren": siren,
        "name": name[:255],
        "search_name": normalize_name(searchable)[:255],
        "address": " ".join(part for part in (street, postal_code, city) if part)[:500],
        "postal_code": postal_code[:10],
        "city": city[:100],
        "headquarters": (row.get("etablissementSiege") or "").lower() == "true",
        "active": (row.get("etatAdministratifEtablissement") or "A") == "A",
        "updated_at": utcnow(),
    }


def company_values(row: dict[str, str]) -> dict[str, Any]:
    siren = (row.get("siren") or "").strip()
    if not is_valid_siren(siren):
        raise BadRow(f"SIREN invalide « {siren} »")
    name = row.get("denominationUniteLegale") or " ".join(
        part for part in (row.get("prenom1UniteLegale"), row.get("nomUniteLegale")) if part
    )
    if not name.strip():
        raise BadRow(f"unité légale {siren} sans dénomination ni nom")
    return {
        "siren": siren,
        "name": name.strip()[:255],
        "active": (row.get("etatAdministratifUniteLegale") or "A") == "A",
        "updated_at": utcnow(),
    }


def _batches(rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[list[tuple[int, dict[str, str]]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _upsert(session: DbSession, model: type, key: str, values: list[dict[str, Any]]) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(values)
    updated = {column: statement.excluded[column] for column in values[0] if column != key}
    session.execute(statement.on_conflict_do_update(index_elements=[key], set_=updated))


def import_file(session: DbSession, stream: TextIO, kind: str, progress: bool = False) -> ImportReport:
    """Upsert the rows of a StockEtablissement ("establishments") or StockUniteLegale ("companies") file."""
    reader = csv.DictReader(stream)
    report = ImportReport()
    rows: Iterable[tuple[int, dict[str, str]]] = ((reader.line_num, row) for row in reader)
    bar = tqdm(unit=" lignes", disable=not progress, file=sys.stderr)
    for batch in _batches(rows):
        if kind == "establishments":
            sirens = {row.get("siret", "")[:9] for _, row in batch}
            names = dict(session.execute(select(Company.siren, Company.name).where(Company.siren.in_(sirens))).all())
        values: list[dict[str, Any]] = []
        model, key = (Establishment, "siret") if kind == "establishments" else (Company, "siren")
        seen: dict[str, int] = {}
        for line, row in batch:
            try:
                value = establishment_values(row, names) if kind == "establishments" else company_values(row)
            except BadRow as error:
                report.rejected.append((line, str(error)))
                continue
            if value[key] in seen:  # the same key twice in a batch: the later row wins
                values[seen[value[key]]] = value
                continue
            seen[value[key]] = len(values)
            values.append(value)
        if values:
            _upsert(session, model, key, values)
        session.commit()  # a batch is written whole or not at all
        report.imported += len(values)
        bar.update(len(batch))
    bar.close()
    return report


def import_path(session: DbSession, path: Path, kind: str, progress: bool = False) -> ImportReport:
    with path.open(encoding="utf-8", newline="") as stream:
        return import_file(session, stream, kind, progress)


def _run(path: Path, kind: str) -> None:
    report = import_path(db.session, path, kind, progress=True)
    for line, reason in report.rejected[:100]:
        click.echo(f"Ligne {line} ignorée : {reason}", err=True)
    if len(report.rejected) > 100:
        click.echo(f"… et {len(report.rejected) - 100} autres lignes ignorées.", err=True)
    click.echo(f"{report.imported} ligne(s) importée(s), {len(report.rejected)} ignorée(s).")


@directory_cli.command("import-companies")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_companies(path: Path) -> None:
    """Importer un fichier StockUniteLegale (CSV) : à faire avant les établissements."""
    _run(path, "companies")


@directory_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_establishments(path: Path) -> None:
    """Importer un fichier StockEtablissement (CSV)."""
    _run(path, "establishments")
