"""The control services' view of a campaign (bpf.md §5.4, §9): the counters, the organisations of their région
(every région for national control) with the BPF in force for the exercice, filtered and paged in SQL, and the
campaign CSV streamed in batches. Agents never edit an organisation's figures."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased

from rp_bpf import messages
from rp_bpf.bpf.content import content_from_json
from rp_bpf.bpf.exports import CampaignRow
from rp_bpf.models import Bpf, BpfStatus, Declaration, DeclarationStatus
from rp_bpf.services.errors import NotFound
from shared.db import DbSession
from shared.paging import Page, page_number

PAGE_SIZE = 50
EXPORT_BATCH = 1000

# The list's « État » filter: what the organisation has done for the exercice (bpf.md §5.4's counters)
STATES = {
    "transmis": "BPF transmis",
    "non_transmis": "Non transmis",
    "hors_delai": "Hors délai",
    "sans_activite": "Sans activité",
    "rectificatif": "Rectificatifs",
    "a_enregistrer": "Déclaration à enregistrer",
}

STATES_OF_THE_DECLARATION = (None, "", "a_enregistrer", "non_transmis")  # filters that need no join to count


@dataclass(frozen=True)
class Filters:
    exercice: int
    region: str | None  # the agent's; None: national
    state: str | None = None
    departement: str | None = None
    naf: str | None = None


@dataclass(frozen=True)
class Counters:
    declared: int  # « OF déclarés »: registered declarations
    transmitted: int
    not_transmitted: int
    late: int
    no_activity: int
    rectificatifs: int


@dataclass(frozen=True)
class Row:
    declaration: Declaration
    bpf: Bpf | None  # the BPF in force for the exercice


def _in_force(exercice: int) -> Any:
    """The BPF in force of each organisation for the exercice: its transmitted version (one per SIREN)."""
    return aliased(Bpf, select(Bpf).where(Bpf.exercice == exercice, Bpf.status == BpfStatus.TRANSMIS).subquery())


def _transmitted(exercice: int) -> Any:
    """The organisation has a BPF in force: written as EXISTS, so that PostgreSQL reads « Non transmis » as an
    anti-join (the outer join's `IS NULL` was estimated at one row and sorted whole)."""
    return exists().where(Bpf.siren == Declaration.siren, Bpf.exercice == exercice, Bpf.status == BpfStatus.TRANSMIS)


def _where(filters: Filters, bpf: Any) -> list[Any]:
    where: list[Any] = []
    if filters.region is not None:
        where.append(Declaration.region == filters.region)
    if filters.departement:
        where.append(Declaration.departement == filters.departement)
    if filters.naf:
        where.append(Declaration.code_naf == filters.naf)
    registered = Declaration.status == DeclarationStatus.ENREGISTREE
    state = {
        "transmis": bpf.id.is_not(None),
        "non_transmis": and_(registered, ~_transmitted(filters.exercice)),
        "hors_delai": bpf.late.is_(True),
        "sans_activite": bpf.no_activity.is_(True),
        "rectificatif": bpf.version > 1,
        "a_enregistrer": Declaration.status == DeclarationStatus.DEPOSEE,
    }.get(filters.state or "")
    if state is not None:
        where.append(state)
    return where


def _rows(filters: Filters) -> tuple[Select[Any], Any]:
    bpf = _in_force(filters.exercice)
    query: Select[tuple[Declaration, Bpf]] = (
        select(Declaration, bpf).outerjoin(bpf, bpf.siren == Declaration.siren).where(*_where(filters, bpf))
    )
    return query, bpf


def counters(db: DbSession, exercice: int, region: str | None) -> Counters:
    bpf = _in_force(exercice)
    query = select(
        func.count(Declaration.id).filter(Declaration.status == DeclarationStatus.ENREGISTREE),
        func.count(bpf.id),
        func.count(Declaration.id).filter(Declaration.status == DeclarationStatus.ENREGISTREE, bpf.id.is_(None)),
        func.count(bpf.id).filter(bpf.late.is_(True)),
        func.count(bpf.id).filter(bpf.no_activity.is_(True)),
        func.count(bpf.id).filter(bpf.version > 1),
    ).outerjoin(bpf, bpf.siren == Declaration.siren)
    if region is not None:
        query = query.where(Declaration.region == region)
    return Counters(*db.execute(query).one())


def organisations(db: DbSession, filters: Filters, wanted_page: int | None) -> Page[Row]:
    query, bpf = _rows(filters)
    if filters.state in STATES_OF_THE_DECLARATION:  # one BPF in force at most per SIREN: the join counts nothing
        counted = select(func.count(Declaration.id)).where(*_where(filters, bpf))
    else:
        counted = select(func.count()).select_from(query.subquery())
    total = db.scalar(counted) or 0
    number = page_number(total, wanted_page, PAGE_SIZE)
    ordered = query.order_by(Declaration.denomination, Declaration.id).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    rows = [Row(found[0], found[1]) for found in db.execute(ordered)]
    return Page(rows, total, number, PAGE_SIZE)


def export_rows(db: DbSession, filters: Filters) -> Iterator[CampaignRow]:
    """Every organisation of the list, by batches of a thousand (keyset on the id: constant memory): the batch's
    declarations first, then their BPFs in force by the index on their SIREN — one join over the whole table per
    batch would read every BPF's content each time."""
    bpf = _in_force(filters.exercice)
    declarations = select(Declaration).join_from(Declaration, bpf, bpf.siren == Declaration.siren, isouter=True)
    declarations = declarations.where(*_where(filters, bpf))
    last = 0
    while True:
        batch = list(db.scalars(declarations.where(Declaration.id > last).order_by(Declaration.id).limit(EXPORT_BATCH)))
        sirens = [declaration.siren for declaration in batch]
        in_force = select(Bpf).where(
            Bpf.siren.in_(sirens), Bpf.exercice == filters.exercice, Bpf.status == BpfStatus.TRANSMIS
        )
        by_siren = {found.siren: found for found in db.scalars(in_force)} if sirens else {}
        for declaration in batch:
            yield _campaign_row(declaration, by_siren.get(declaration.siren))
        if len(batch) < EXPORT_BATCH:
            return
        last = batch[-1].id
        db.expunge_all()  # the rows read are not kept by the session


def _campaign_row(declaration: Declaration, bpf: Bpf | None) -> CampaignRow:
    return CampaignRow(
        nda=declaration.nda or "",
        siret=declaration.siret,
        denomination=declaration.denomination,
        region=declaration.region,
        departement=declaration.departement,
        status=declaration.status.label if bpf is None else "BPF transmis",
        version=bpf.version if bpf else None,
        transmitted_at=bpf.transmitted_at if bpf else None,
        late=bool(bpf and bpf.late),
        content=content_from_json(json.loads(bpf.content)) if bpf else None,
    )


def bpfs_of(db: DbSession, siren: str) -> list[Bpf]:
    """Every BPF of an organisation, every exercice and version, newest first (the detail page)."""
    return list(db.scalars(select(Bpf).where(Bpf.siren == siren).order_by(Bpf.exercice.desc(), Bpf.version.desc())))


def get_bpf(db: DbSession, bpf_id: int, region: str | None) -> Bpf:
    """A BPF of the agent's région (any for national control); another région's answers as if absent."""
    bpf = db.get(Bpf, bpf_id)
    declaration = db.get(Declaration, bpf.declaration_id) if bpf else None
    if bpf is None or declaration is None or (region is not None and declaration.region != region):
        raise NotFound(messages.NOT_FOUND)
    return bpf
