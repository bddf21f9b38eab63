"""Plain builders for test data."""

from pathlib import Path
from typing import Any

from idp.directory_import import import_path
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
