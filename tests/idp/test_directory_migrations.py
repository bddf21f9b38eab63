"""Migrations of a directory already imported: 0012 normalises the companies' names in batches (never the whole
table in memory), 0013 counts the words of the establishments' names — on PostgreSQL, where the name search
finds a word through those counts, the directory imported before the migration is found by name after it."""

from datetime import datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from idp import create_app
from idp.extensions import db
from idp.services.directory import search_establishments
from tests.conftest import idp_test_config, new_database
from tests.mail_server import MailServer

COMPANIES = 10_001  # one more than a batch of migration 0012
NOW = datetime(2026, 12, 7, 21)
SIRET = "99999999900014"


def company(siren: str, name: str) -> dict[str, object]:
    return {"siren": siren, "name": name, "active": True, "updated_at": NOW}


def test_a_directory_imported_before_the_migrations_is_found_by_name_after_them(
    database_server: str | None, mail_server: MailServer
) -> None:
    url = new_database(database_server, "idp_directory_migrations")
    app = create_app(idp_test_config(url, mail_server.port))
    with app.app_context():
        upgrade(revision="0011")
        metadata = sa.MetaData()
        metadata.reflect(db.engine, only=["company", "establishment"])
        with db.engine.begin() as connection:
            numbered = [company(f"{n:09d}", f"Société n°{n}") for n in range(COMPANIES)]
            connection.execute(metadata.tables["company"].insert(), numbered)
            connection.execute(
                metadata.tables["company"].insert(), [company(SIRET[:9], "Forma'Loire Œuvres Éducatives")]
            )
            forma_loire = {"siret": SIRET, "siren": SIRET[:9], "name": "FORMA'LOIRE", "address": "", "postal_code": "",
                           "city": "", "headquarters": True, "active": True, "updated_at": NOW}  # fmt: skip
            forma_loire["search_name"] = "FORMA LOIRE OEUVRES EDUCATIVES"
            connection.execute(metadata.tables["establishment"].insert(), [forma_loire])
        upgrade()

        names: dict[str, str] = dict(db.session.execute(sa.text("SELECT siren, search_name FROM company")).all())
        assert len(names) == COMPANIES + 1
        assert names[SIRET[:9]] == "FORMA LOIRE OEUVRES EDUCATIVES"
        assert names[f"{COMPANIES - 1:09d}"] == f"SOCIETE N {COMPANIES - 1}"  # the last batch too
        found = search_establishments(db.session, "loire œuvres")
        assert [establishment.siret for establishment in found.establishments] == [SIRET]
        db.session.remove()
        db.engine.dispose()
