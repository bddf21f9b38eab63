"""Import of the INSEE SIRENE stock files into the local establishment directory.

The real StockEtablissement file has about 40 million rows: it is streamed, columns are read by
name (newer files add columns), rows are upserted in batches each committed whole, and a bad row
is reported and skipped. Running an import twice gives the same directory.
"""

import csv
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from idp.directory_copy import copy_file
from idp.directory_rows import (
    BadRow,
    ImportInterrupted,
    ImportReport,
    address,
    checked_siret,
    company_values,
    first_filled,
    is_active,
    is_headquarters,
    own_name,
)
from idp.models import Company, Establishment
from idp.services.directory import normalize_name
from shared.clock import utcnow
from shared.db import DbSession

BATCH_SIZE = 5000
csv.field_size_limit(1 << 20)


# The table and the key of each kind of file.
KINDS: dict[str, tuple[type, str]] = {"establishments": (Establishment, "siret"), "companies": (Company, "siren")}


def establishment_values(row: dict[str, str], company_names: dict[str, str]) -> dict[str, Any]:
    """One StockEtablissement row as the columns of our table (raises BadRow)."""
    siret = checked_siret(row.get("siret"))
    siren = siret[:9]
    company = company_names.get(siren, "")
    name = own_name(row.get("enseigne1Etablissement"), row.get("denominationUsuelleEtablissement")) or (
        first_filled(company) or f"ÉTABLISSEMENT {siret}"
    )
    # Searchable by its own name and by its company's: "FORMA'LOIRE ANJOU" is found as "Forma'Loire Conseil".
    searchable = name if company in name else f"{name} {company}"
    postal_code = (row.get("codePostalEtablissement") or "").strip()
    city = first_filled(row.get("libelleCommuneEtablissement"), row.get("libelleCommuneEtrangerEtablissement"))
    return {
        "siret": siret,
        "siren": siren,
        "name": name[:255],
        "search_name": normalize_name(searchable)[:255],
        "address": address(
            (
                row.get("numeroVoieEtablissement"),
                row.get("indiceRepetitionEtablissement"),
                row.get("typeVoieEtablissement"),
                row.get("libelleVoieEtablissement"),
            ),
            postal_code,
            city,
        ),
        "postal_code": postal_code[:10],
        "city": city[:100],
        "headquarters": is_headquarters(row.get("etablissementSiege")),
        "active": is_active(row.get("etatAdministratifEtablissement")),
        "updated_at": utcnow(),
    }


Batch = list[tuple[int, dict[str, str]]]  # (line number, row)


def _batches(rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[Batch]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _company_names(session: DbSession, batch: Batch) -> dict[str, str]:
    # A short row has None in its missing columns.
    sirens = {(row.get("siret") or "")[:9] for _, row in batch}
    return dict(session.execute(select(Company.siren, Company.name).where(Company.siren.in_(sirens))).all())


def _batch_values(session: DbSession, batch: Batch, kind: str, report: ImportReport) -> list[dict[str, Any]]:
    """The table rows of a batch, bad rows reported; the same key twice in a batch: the later row wins."""
    key = KINDS[kind][1]
    names = _company_names(session, batch) if kind == "establishments" else {}
    unique: dict[str, dict[str, Any]] = {}
    for line, row in batch:
        try:
            value = establishment_values(row, names) if kind == "establishments" else company_values(row)
        except BadRow as error:
            report.rejected.append((line, str(error)))
            continue
        # PostgreSQL refuses to upsert one key twice in a statement.
        unique[value[key]] = value
    return list(unique.values())


def _upsert(session: DbSession, model: type, key: str, values: list[dict[str, Any]]) -> None:
    """Insert or update the rows of one batch.

    Sent as one executemany of a single-row statement: a multi-row VALUES of 5 000 rows costs more to
    compile than to run (about 1 000 rows/s), whereas this statement is compiled once and psycopg
    pipelines its executions.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model.__table__)  # type: ignore[attr-defined]  # Core: no ORM bulk machinery
    updated = {column: statement.excluded[column] for column in values[0] if column != key}
    session.execute(statement.on_conflict_do_update(index_elements=[key], set_=updated), values)


def _write_batch(session: DbSession, kind: str, values: list[dict[str, Any]]) -> None:
    """Upsert and commit one batch. On failure it is rolled back at once, so that no later commit on
    this session (the CLI's, a request's) can write half of it."""
    model, key = KINDS[kind]
    try:
        if values:
            _upsert(session, model, key, values)
        session.commit()
    except Exception:
        session.rollback()
        raise


def import_file(session: DbSession, stream: TextIO, kind: str, progress: bool = False) -> ImportReport:
    """Upsert the rows of a StockEtablissement ("establishments") or StockUniteLegale ("companies") file.

    A monthly file is imported the same way: its new rows are added, its changed rows updated (closed
    establishments included: `etatAdministratifEtablissement` F makes them inactive), the rest stays.
    On PostgreSQL through COPY and a set-based merge (idp/directory_copy.py), elsewhere row by row.
    Raises ImportInterrupted when the database refuses a batch (the batches before it stay).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of file: {kind}")
    if uses_copy(session):
        return copy_file(session, stream, kind, progress)
    return import_rows(session, stream, kind, progress)


def uses_copy(session: DbSession) -> bool:
    """COPY wherever the database has it: PostgreSQL. SQLite (development, tests) goes row by row."""
    return session.get_bind().dialect.name == "postgresql"


def import_rows(session: DbSession, stream: TextIO, kind: str, progress: bool = False) -> ImportReport:
    """The row-by-row import: batches of BATCH_SIZE rows, each one upsert statement, committed whole."""
    reader = csv.DictReader(stream)
    report = ImportReport()
    rows = ((reader.line_num, row) for row in reader)
    with tqdm(unit=" lignes", disable=not progress, file=sys.stderr) as bar:
        for batch in _batches(rows):
            values = _batch_values(session, batch, kind, report)
            try:
                _write_batch(session, kind, values)
            except SQLAlchemyError as error:
                raise ImportInterrupted(batch[0][0], report, error) from error
            report.imported += len(values)
            bar.update(len(batch))
    return report


def import_path(session: DbSession, path: Path, kind: str, progress: bool = False) -> ImportReport:
    # utf-8-sig: a file saved by a spreadsheet starts with a BOM, which would hide the first column's name.
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return import_file(session, stream, kind, progress)
