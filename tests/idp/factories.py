"""Plain builders for test data."""

import csv
import io
from pathlib import Path
from typing import Any

from stdnum import luhn

from idp.directory_import import ImportReport, import_file, import_path
from idp.models import Account, AccountStatus, Civilite
from idp.services.passwords import hash_password
from shared.clock import utcnow
from shared.db import DbSession

DEMO_DATA = Path(__file__).resolve().parents[2] / "demo_data"
PASSWORD = "Correct-Horse-Battery-42"
SIRET = "99791566500019"  # FORMA'LOIRE CONSEIL, Nantes (fictional)
CLOSED_SIRET = "99844420200027"

_HASH_CACHE: dict[str, str] = {}


def load_directory(session: DbSession) -> None:
    import_path(session, DEMO_DATA / "unites_legales.csv", "companies")
    import_path(session, DEMO_DATA / "establishments.csv", "establishments")


def _header(name: str) -> list[str]:
    with (DEMO_DATA / name).open(encoding="utf-8") as demo:
        return next(csv.reader(demo))


ESTABLISHMENT_COLUMNS = _header("establishments.csv")  # the 48 INSEE columns, in INSEE's order
COMPANY_COLUMNS = _header("unites_legales.csv")


def make_siret(siren: str, nic: int) -> str:
    """A SIRET with a right Luhn key: the SIREN, a 4-digit sequence number, the key digit."""
    body = f"{siren}{nic:04d}"
    return body + luhn.calc_check_digit(body)


def sirene_csv(rows: list[dict[str, str]], columns: list[str] = ESTABLISHMENT_COLUMNS) -> io.StringIO:
    """A StockEtablissement (or, with COMPANY_COLUMNS, StockUniteLegale) file; missing columns empty."""
    stream = io.StringIO()
    writer = csv.DictWriter(stream, columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    stream.seek(0)
    return stream


def establishment_row(siret: str, **overrides: str) -> dict[str, str]:
    """A StockEtablissement row of an open establishment in Nantes."""
    values = {
        "siren": siret[:9],
        "nic": siret[9:],
        "siret": siret,
        "etablissementSiege": "false",
        "numeroVoieEtablissement": "4",
        "typeVoieEtablissement": "RUE",
        "libelleVoieEtablissement": "DES ESSAIS",
        "codePostalEtablissement": "44000",
        "libelleCommuneEtablissement": "NANTES",
        "etatAdministratifEtablissement": "A",
    }
    values.update(overrides)
    return values


def import_establishments(session: DbSession, *rows: dict[str, str]) -> ImportReport:
    return import_file(session, sirene_csv(list(rows)), "establishments")


def password_hash(password: str = PASSWORD) -> str:
    # argon2 at OWASP strength costs ~40 ms: hash each test password once per run.
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = hash_password(password)
    return _HASH_CACHE[password]


def make_account(session: DbSession, active: bool = True, password: str = PASSWORD, **overrides: Any) -> Account:
    values: dict[str, Any] = {
        "email": "claire.testeuse@exemple.fr",
        "password_hash": password_hash(password),
        "civilite": Civilite.MADAME,
        "nom": "TESTEUSE",
        "prenom": "Claire",
        "siret": SIRET,
        "status": AccountStatus.ACTIVE if active else AccountStatus.PENDING,
        "activated_at": utcnow() if active else None,
    }
    values.update(overrides)
    account = Account(**values)
    session.add(account)
    session.commit()
    return account
