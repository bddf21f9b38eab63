"""Loading SOFI's reference tables from CSV files: Certifinfo and Formacode (the layouts of the Carif-Oref's
extracts), and the SIRENE establishments of the Pays de la Loire (INSEE's stock files, columns read by name).
Loading twice gives the same tables."""

import csv
from collections.abc import Iterator
from pathlib import Path

from rp_sofi.models import Certification, Formacode, SireneEstablishment
from rp_sofi.services.transaction import transaction
from shared.db import DbSession

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"
PAYS_DE_LA_LOIRE = ("44", "49", "53", "72", "85")  # départements


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        yield from csv.DictReader(file)


def _int_or_none(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def load_certifinfo(session: DbSession, path: Path) -> int:
    count = 0
    for row in _rows(path):
        session.merge(
            Certification(
                code=int(row["code_certifinfo"]),
                intitule=row["intitule"],
                code_rncp=row["code_rncp"] or None,
                code_rs=row["code_rs"] or None,
                type_certification=row["type_certification"] or None,
                niveau=row["niveau"] or None,
                formacodes=row["formacodes"],
                code_nsf=row["code_nsf"] or None,
                certificateur=row["certificateur"] or None,
                eligible_cpf=row["eligible_cpf"] or None,
                remplace_par=_int_or_none(row["remplace_par"]),
            )
        )
        count += 1
    return count


def load_formacode(session: DbSession, path: Path) -> int:
    count = 0
    for row in _rows(path):
        session.merge(Formacode(code=row["code_formacode"], libelle=row["libelle"]))
        count += 1
    return count


def _address(row: dict[str, str]) -> str:
    parts = (row["numeroVoieEtablissement"], row["typeVoieEtablissement"], row["libelleVoieEtablissement"])
    return " ".join(part for part in parts if part)


def load_sirene(session: DbSession, companies: Path, establishments: Path) -> int:
    """The open and closed establishments of the Pays de la Loire, named after their company (or their sign)."""
    names = {row["siren"]: row["denominationUniteLegale"] for row in _rows(companies)}
    count = 0
    for row in _rows(establishments):
        if not row["codePostalEtablissement"].startswith(PAYS_DE_LA_LOIRE):
            continue
        name = names.get(row["siren"]) or row["enseigne1Etablissement"] or row["siret"]
        session.merge(
            SireneEstablishment(
                siret=row["siret"],
                raison_sociale=name,
                adresse=_address(row),
                code_postal=row["codePostalEtablissement"],
                commune=row["libelleCommuneEtablissement"],
                open=row["etatAdministratifEtablissement"] == "A",
            )
        )
        count += 1
    return count


@transaction
def load_all(session: DbSession, folder: Path = DEMO_DATA) -> dict[str, int]:
    counts = {
        "certifinfo": load_certifinfo(session, folder / "certifinfo.csv"),
        "formacode": load_formacode(session, folder / "formacode.csv"),
        "sirene": load_sirene(session, folder / "unites_legales.csv", folder / "establishments.csv"),
    }
    return counts
