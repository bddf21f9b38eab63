"""The public list of training organisations, written by `flask --app rp_bpf public-list export` (nightly) and
served as a file at a public address: every registered declaration with its last BPF in force, read by batches."""

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from rp_bpf.bpf.content import content_from_json
from rp_bpf.bpf.public_list import PublicRow, public_csv
from rp_bpf.models import Bpf, BpfStatus, Declaration, DeclarationStatus
from shared.db import DbSession
from shared.territory import REGIONS

BATCH = 1000
FILENAME = "liste-publique-des-organismes-de-formation.csv"


def _query() -> Any:
    last = (
        select(Bpf.siren, func.max(Bpf.exercice).label("exercice"))
        .where(Bpf.status == BpfStatus.TRANSMIS)
        .group_by(Bpf.siren)
        .subquery()
    )
    in_force = (
        select(Bpf)
        .join(last, (Bpf.siren == last.c.siren) & (Bpf.exercice == last.c.exercice))
        .where(Bpf.status == BpfStatus.TRANSMIS)
        .subquery()
    )
    bpf = aliased(Bpf, in_force)
    query = select(Declaration, bpf).outerjoin(bpf, bpf.siren == Declaration.siren)
    return query.where(Declaration.status == DeclarationStatus.ENREGISTREE)


def rows(db: DbSession) -> Iterator[PublicRow]:
    """Every registered organisation, by batches of a thousand (keyset on the id: constant memory)."""
    last_id = 0
    query = _query()
    while True:
        batch = db.execute(query.where(Declaration.id > last_id).order_by(Declaration.id).limit(BATCH)).all()
        for found in batch:
            yield _row(found[0], found[1])
        if len(batch) < BATCH:
            return
        last_id = batch[-1][0].id
        db.expunge_all()


def _row(declaration: Declaration, bpf: Bpf | None) -> PublicRow:
    return PublicRow(
        nda=declaration.nda or "",
        denomination=declaration.denomination,
        siret=declaration.siret,
        adresse=declaration.adresse if declaration.adresse_publique else None,
        code_postal=declaration.code_postal,
        commune=declaration.commune,
        region_code=declaration.region,
        region=REGIONS.get(declaration.region, ""),
        exercice=bpf.exercice if bpf else None,
        content=content_from_json(json.loads(bpf.content)) if bpf else None,
    )


def write(db: DbSession, folder: Path) -> Path:
    """The list written beside the previous one, then put in its place at once: the public address never serves
    half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FILENAME
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".liste-", suffix=".csv")
    with os.fdopen(handle, "wb") as output:
        for piece in public_csv(rows(db)):
            output.write(piece)
    os.replace(temporary, target)
    return target
