"""The PostgreSQL import (COPY into a staging table, one merge per chunk) against the row-by-row one."""

import io
import random
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select, text
from stdnum import luhn

from idp import directory_copy, directory_import
from idp.directory_copy import copy_file, fast_checked_siret
from idp.directory_import import BadRow, ImportInterrupted, checked_siret, import_rows
from idp.extensions import db
from idp.models import Company, Establishment
from tests.idp.factories import COMPANY_COLUMNS, establishment_row, make_siret, sirene_csv
from tests.idp.test_directory_import import NEW_SIREN, count, directory_rows, write_csv

OTHER_SIREN = "992345678"  # fictional, Luhn-valid, not in the demo files
PUNCTUATION_SIREN = "993456789"


@pytest.fixture
def postgresql(app: Flask) -> Flask:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    return app


def companies_file() -> io.StringIO:
    rows = [
        {"siren": NEW_SIREN, "denominationUniteLegale": "Société Œuvre d'Été"},
        {"siren": OTHER_SIREN, "prenom1UniteLegale": " Zoé ", "nomUniteLegale": "L'HÔTE-DEMO"},
        {"siren": PUNCTUATION_SIREN, "denominationUniteLegale": "*** ---"},  # normalises to nothing
        {"siren": "994567899", "denominationUniteLegale": "X" * 254 + " Y"},  # cut at 255: a trailing blank
        {"siren": NEW_SIREN[:-1] + "0", "denominationUniteLegale": "CLE FAUSSE"},
    ]
    return sirene_csv(rows, COMPANY_COLUMNS)


def establishments_file() -> io.StringIO:
    """Rows for every branch of the name rules, bad rows, a duplicate, a short row, a blank line."""
    rows = [
        establishment_row(make_siret(NEW_SIREN, 1)),  # the company's name
        establishment_row(make_siret(NEW_SIREN, 2), enseigne1Etablissement="Œuvre d'Été Angers"),  # not in it
        establishment_row(make_siret(NEW_SIREN, 3), enseigne1Etablissement="Société Œuvre d'Été"),  # the same
        establishment_row(make_siret(NEW_SIREN, 4), denominationUsuelleEtablissement=" ÉCOLE  Ç'EST "),
        establishment_row(make_siret(NEW_SIREN, 5), enseigne1Etablissement="!!!"),  # normalises to nothing
        establishment_row(make_siret(OTHER_SIREN, 1), libelleCommuneEtablissement="", codePostalEtablissement=""),
        establishment_row(make_siret(OTHER_SIREN, 2), libelleCommuneEtrangerEtablissement="GENÈVE (SUISSE)"),
        establishment_row(make_siret(PUNCTUATION_SIREN, 1)),
        establishment_row(make_siret(PUNCTUATION_SIREN, 2), enseigne1Etablissement="ATELIER ***"),
        establishment_row(make_siret("994567899", 1)),
        establishment_row(make_siret("994567899", 2), enseigne1Etablissement="É" * 300),
        establishment_row(make_siret("995555554", 1)),  # no company in the directory
        establishment_row(make_siret("995555554", 2), enseigne1Etablissement="Ma Boutique", etablissementSiege="TRUE"),
        establishment_row(
            make_siret(NEW_SIREN, 6), indiceRepetitionEtablissement="B", etatAdministratifEtablissement="F"
        ),
        establishment_row(make_siret(NEW_SIREN, 7), numeroVoieEtablissement="", typeVoieEtablissement=" "),
        establishment_row(make_siret(NEW_SIREN, 1)[:-1] + "0"),  # wrong key
        establishment_row(" " + make_siret(OTHER_SIREN, 3) + " "),  # blanks around it are dropped
        establishment_row("356000000" + "00048"),  # La Poste's head office: Luhn
        establishment_row("35600000012345"),  # La Poste: sum of digits, not Luhn
        establishment_row(make_siret(NEW_SIREN, 2), enseigne1Etablissement="SECONDE VERSION"),  # the later row wins
    ]
    stream = sirene_csv(rows)
    return io.StringIO(stream.getvalue() + "\n991234568,00011\n")


def import_both_ways(establishments: io.StringIO) -> tuple[Any, Any]:
    """(report, rows) of the row-by-row import, then of the COPY import, each on an empty directory."""
    results = []
    for importer in (import_rows, copy_file):
        db.session.execute(Establishment.__table__.delete())
        db.session.execute(Company.__table__.delete())
        db.session.commit()
        importer(db.session, companies_file(), "companies")
        establishments.seek(0)
        report = importer(db.session, establishments, "establishments")
        companies = db.session.execute(select(Company.siren, Company.name, Company.search_name, Company.active))
        results.append((report, directory_rows(), sorted(companies)))
    return results[0], results[1]


def test_copy_gives_the_rows_and_the_report_of_the_row_by_row_import(postgresql: Flask) -> None:
    by_rows, by_copy = import_both_ways(establishments_file())

    assert by_copy == by_rows
    report, rows, _ = by_copy
    assert report.rejected == [
        (17, f"SIRET invalide « {make_siret(NEW_SIREN, 1)[:-1]}0 »"),
        (20, "SIRET invalide « 35600000012345 »"),
        (23, "SIRET manquant"),
    ]
    assert rows[make_siret(NEW_SIREN, 2)][2:4] == ("SECONDE VERSION", "SECONDE VERSION SOCIETE OEUVRE D ETE")
    assert rows[make_siret(PUNCTUATION_SIREN, 1)][2:4] == ("*** ---", "")


def test_copy_gives_the_rows_of_the_demo_files(postgresql: Flask) -> None:
    from tests.idp.factories import DEMO_DATA

    establishments = io.StringIO((DEMO_DATA / "establishments.csv").read_text(encoding="utf-8"))
    by_rows, by_copy = import_both_ways(establishments)

    assert by_copy == by_rows
    assert by_copy[0].imported == 42


def test_a_chunk_is_written_whole_or_not_at_all(postgresql: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second chunk fails at the database after its merge: none of its rows stay."""
    real_merge = directory_copy._merge
    calls = []

    def failing_merge(session: Any, kind: directory_copy.Kind, now: datetime) -> None:
        calls.append(now)
        real_merge(session, kind, now)
        if len(calls) == 2:
            session.execute(text("INSERT INTO establishment SELECT * FROM establishment LIMIT 1"))

    monkeypatch.setattr(directory_copy, "CHUNK_ROWS", 3)
    monkeypatch.setattr(directory_copy, "_merge", failing_merge)
    numbers = [make_siret(NEW_SIREN, nic) for nic in range(1, 9)]

    with pytest.raises(ImportInterrupted, match=r"(?i)unique|duplicate") as interrupted:
        copy_file(db.session, sirene_csv([establishment_row(number) for number in numbers]), "establishments")

    assert len(calls) == 2
    assert (interrupted.value.first_line, interrupted.value.report.imported) == (5, 3)
    db.session.commit()  # what a careless caller would do next: nothing of the failed chunk is left to write
    stored = db.session.scalars(select(Establishment.siret).where(Establishment.siren == NEW_SIREN)).all()
    assert sorted(stored) == numbers[:3]


def test_a_row_the_database_refuses_stops_the_import_at_its_chunk(postgresql: Flask) -> None:
    """PostgreSQL's text cannot hold a NUL character: COPY refuses the chunk, nothing of it is written."""
    rows = [
        establishment_row(make_siret(NEW_SIREN, 1)),
        establishment_row(make_siret(NEW_SIREN, 2), enseigne1Etablissement="A\0B"),
    ]

    with pytest.raises(ImportInterrupted) as interrupted:
        copy_file(db.session, sirene_csv(rows), "establishments")

    assert interrupted.value.first_line == 2
    assert db.session.get(Establishment, make_siret(NEW_SIREN, 1)) is None


def test_the_import_command_stops_on_a_database_error(
    postgresql: Flask, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(session: Any, kind: directory_copy.Kind, now: datetime) -> None:
        session.execute(text("INSERT INTO establishment SELECT * FROM establishment LIMIT 1"))

    monkeypatch.setattr(directory_copy, "_merge", refused)
    path = write_csv(
        tmp_path / "etablissements.csv",
        [establishment_row(make_siret(NEW_SIREN, 1))],
        list(establishment_row("").keys()),
    )

    result = postgresql.test_cli_runner().invoke(args=["directory", "import", str(path)])

    assert result.exit_code == 1
    assert result.stdout == "0 ligne(s) importée(s), 0 ignorée(s).\n"
    assert "Erreur : la base de données a refusé le lot commençant à la ligne 2" in result.stderr
    assert db.session.get(Establishment, make_siret(NEW_SIREN, 1)) is None


def test_unchanged_rows_are_not_rewritten(postgresql: Flask) -> None:
    """A monthly file repeats rows that did not change: they keep their update time (no dead row either)."""
    kept, closed = "87903689500016", "99791566500019"
    before = dict(db.session.execute(select(Establishment.siret, Establishment.updated_at)).all())
    rows = [db.session.get(Establishment, siret) for siret in (kept, closed)]
    assert all(rows)
    monthly = [
        establishment_row(
            kept,
            enseigne1Etablissement="",
            numeroVoieEtablissement="53",
            libelleVoieEtablissement="AMPERE",
            codePostalEtablissement="75017",
            libelleCommuneEtablissement="PARIS 17",
            etablissementSiege="true",
        ),
        establishment_row(closed, enseigne1Etablissement="FORMA'LOIRE CONSEIL", etatAdministratifEtablissement="F"),
    ]
    db.session.commit()

    report = copy_file(db.session, sirene_csv(monthly), "establishments")

    assert report.imported == 2
    after = dict(db.session.execute(select(Establishment.siret, Establishment.updated_at)).all())
    assert after[kept] == before[kept]
    assert after[closed] > before[closed]
    assert count(Establishment) == 42


def test_the_fast_siret_check_agrees_with_python_stdnum() -> None:
    rng = random.Random(18)
    numbers = [luhn_siret(rng) for _ in range(2000)] + ["".join(rng.choices("0123456789", k=14)) for _ in range(2000)]
    numbers += ["35600000000048", "35600000012345", "35600000012346", "1234567890123", "٣" * 14, "123 456 789 00012"]
    for number in numbers:
        assert outcome(fast_checked_siret, number) == outcome(checked_siret, number), number


def luhn_siret(rng: random.Random) -> str:
    siren = "".join(rng.choices("0123456789", k=8))
    siren += luhn.calc_check_digit(siren)
    body = siren + "".join(rng.choices("0123456789", k=4))
    return body + luhn.calc_check_digit(body)


def outcome(check: Any, number: str) -> str:
    try:
        return str(check(number))
    except BadRow as error:
        return f"bad: {error}"


def test_the_row_by_row_path_is_sqlites(app: Flask) -> None:
    assert directory_import.uses_copy(db.session) == (db.engine.dialect.name == "postgresql")


def trigram_index() -> str | None:
    return db.session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_establishment_search_name_trgm'")
    )


def statements_during(action: Any) -> list[str]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def test_a_first_import_builds_the_trigram_index_once_at_the_end(postgresql: Flask) -> None:
    """Into an empty table the index is dropped, then built as the migration made it, even after a failure."""
    migrated = trigram_index()
    assert migrated is not None
    db.session.execute(Establishment.__table__.delete())
    db.session.commit()
    rows = [
        establishment_row(make_siret(NEW_SIREN, 1)),
        establishment_row(make_siret(NEW_SIREN, 2), enseigne1Etablissement="A\0B"),
    ]

    def interrupted_import() -> None:
        with pytest.raises(ImportInterrupted):
            copy_file(db.session, sirene_csv(rows), "establishments")

    sent = statements_during(interrupted_import)

    assert any(statement.startswith("DROP INDEX") for statement in sent)
    assert trigram_index() == migrated


def test_an_import_into_a_filled_table_keeps_the_trigram_index(postgresql: Flask) -> None:
    sent = statements_during(
        lambda: copy_file(db.session, sirene_csv([establishment_row(make_siret(NEW_SIREN, 1))]), "establishments")
    )

    assert not any(statement.startswith("DROP INDEX") for statement in sent)
    assert trigram_index() is not None
