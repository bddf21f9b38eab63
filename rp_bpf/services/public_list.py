"""The public list of training organisations, written by `flask --app rp_bpf public-list export` (nightly) and
served as a file at a public address: every registered declaration with its last BPF in force, read by batches."""

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select

from rp_bpf.bpf.content import content_from_json
from rp_bpf.bpf.public_list import PublicRow, public_csv
from rp_bpf.models import Bpf, BpfStatus, Declaration, DeclarationStatus
from shared.db import DbSession
from shared.territory import REGIONS

BATCH = 1000
FILENAME = "liste-publique-des-organismes-de-formation.csv"


def rows(db: DbSession) -> Iterator[PublicRow]:
    """Every registered organisation, by batches of a thousand (keyset on the id: constant memory), each with its
    last BPF in force, read by the index on the SIREN for the batch only."""
    registered = select(Declaration).where(Declaration.status == DeclarationStatus.ENREGISTREE)
    last_id = 0
    while True:
        batch = list(db.scalars(registered.where(Declaration.id > last_id).order_by(Declaration.id).limit(BATCH)))
        in_force: dict[str, Bpf] = {}
        if batch:
            transmitted = select(Bpf).where(
                Bpf.siren.in_([declaration.siren for declaration in batch]), Bpf.status == BpfStatus.TRANSMIS
            )
            for found in db.scalars(transmitted.order_by(Bpf.exercice)):
                in_force[found.siren] = found  # the latest exercice's, read last
        for declaration in batch:
            yield _row(declaration, in_force.get(declaration.siren))
        if len(batch) < BATCH:
            return
        last_id = batch[-1].id
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
