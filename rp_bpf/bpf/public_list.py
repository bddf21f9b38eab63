"""The public list of training organisations (« Liste publique des organismes de formation », the open data the
ministry publishes, art. L.6351-7-1 of the Code du travail): each registered organisation with its NDA, SIRET,
dénomination, address when it agreed to make it public, région, and from its last BPF in force its five main
specialities and its trainees and hours (frame F-1). Column names follow the published file's (design: its exact
layout was not consulted)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rp_bpf.bpf.content import BpfContent
from rp_bpf.bpf.exports import neutralised, stream_csv
from rp_bpf.bpf.lines import MAX_SPECIALITIES

COLUMNS: tuple[str, ...] = (
    "numeroDeclarationActivite",
    "denomination",
    "siren",
    "siretEtablissementDeclarant",
    "adresse",
    "codePostal",
    "ville",
    "codeRegion",
    "region",
    "exerciceDernierBilan",
    *(f"{name}{rank}" for rank in range(1, MAX_SPECIALITIES + 1) for name in ("codeSpecialite", "libelleSpecialite")),
    "nbStagiaires",
    "nbHeuresStagiaires",
)


@dataclass(frozen=True)
class PublicRow:
    nda: str
    denomination: str
    siret: str
    adresse: str | None  # None: the organisation did not agree to make it public
    code_postal: str
    commune: str
    region_code: str
    region: str
    exercice: int | None  # of its last BPF in force; None: none yet
    content: BpfContent | None


def _cells(row: PublicRow) -> list[str | int]:
    cells: list[str | int] = [neutralised(row.nda), neutralised(row.denomination), row.siret[:9], row.siret]
    cells += [neutralised(row.adresse or ""), row.code_postal if row.adresse else "", neutralised(row.commune)]
    cells += [row.region_code, row.region, row.exercice or ""]
    specialities = row.content.figures.specialities[:MAX_SPECIALITIES] if row.content else ()
    for rank in range(MAX_SPECIALITIES):
        found = specialities[rank] if rank < len(specialities) else None
        cells += [neutralised(found.code_nsf), neutralised(found.libelle)] if found else ["", ""]
    if row.content is None:
        return [*cells, "", ""]
    total = row.content.figures.totals.f1_total
    return [*cells, total.count, total.hours]


def public_csv(rows: Iterable[PublicRow]) -> Iterator[bytes]:
    """The list as the open-data CSV: `;`, UTF-8 with a BOM, streamed."""
    return stream_csv(COLUMNS, (_cells(row) for row in rows))
