"""Import of the SIRENE stock files (StockEtablissement, StockUniteLegale) into the establishment directory."""

import csv
import io
import random
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from idp import directory_import
from idp.directory_import import import_file, import_path
from idp.extensions import db
from idp.models import Company, Establishment
from tests.idp import factories
from tests.idp.factories import COMPANY_COLUMNS, DEMO_DATA, ESTABLISHMENT_COLUMNS, establishment_row, make_siret

# Added by newer INSEE files: the importer must ignore them.
NEWER_COLUMNS = ["identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement"]

NEW_SIREN = "991234568"  # fictional, passes Luhn, not in the demo files


def import_establishments(*rows: dict[str, str]) -> directory_import.ImportReport:
    return factories.import_establishments(db.session, *rows)


def directory_rows() -> dict[str, tuple[Any, ...]]:
    """Every establishment as its imported values (the update time aside)."""
    columns = [column for column in Establishment.__table__.columns if column.name != "updated_at"]
    return {row[0]: tuple(row) for row in db.session.execute(select(*columns).order_by(Establishment.siret))}


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_demo_files_give_42_establishments_of_26_companies(app: Flask) -> None:
    assert count(Establishment) == 42
    assert count(Company) == 26
    assert db.session.scalar(select(func.count(func.distinct(Establishment.siren)))) == 26


def test_importing_twice_gives_the_same_directory(app: Flask) -> None:
    before = directory_rows()

    companies = import_path(db.session, DEMO_DATA / "unites_legales.csv", "companies")
    establishments = import_path(db.session, DEMO_DATA / "establishments.csv", "establishments")

    assert (companies.imported, companies.rejected) == (26, [])
    assert (establishments.imported, establishments.rejected) == (42, [])
    assert directory_rows() == before


def test_a_new_import_replaces_the_old_values(app: Flask) -> None:
    import_establishments(
        establishment_row(
            "99791566500019",
            enseigne1Etablissement="FORMA'LOIRE SIEGE",
            libelleVoieEtablissement="DU DEMENAGEMENT",
            etatAdministratifEtablissement="F",
        )
    )

    moved = db.session.get(Establishment, "99791566500019")
    assert moved is not None
    assert (moved.name, moved.address, moved.active) == (
        "FORMA'LOIRE SIEGE",
        "4 RUE DU DEMENAGEMENT 44000 NANTES",
        False,
    )
    assert count(Establishment) == 42


def test_the_same_siret_twice_in_a_file_keeps_the_later_row(app: Flask) -> None:
    number = make_siret(NEW_SIREN, 1)
    report = import_establishments(
        establishment_row(number, enseigne1Etablissement="PREMIERE VERSION"),
        establishment_row(number, enseigne1Etablissement="SECONDE VERSION"),
    )

    assert report.imported == 1
    found = db.session.get(Establishment, number)
    assert found is not None and found.name == "SECONDE VERSION"


def test_columns_are_read_by_name_whatever_their_order(app: Flask) -> None:
    """Columns shuffled, newer INSEE columns added: the directory comes out identical."""
    before = directory_rows()
    with (DEMO_DATA / "establishments.csv").open(encoding="utf-8", newline="") as demo:
        rows = [
            dict(row, identifiantAdresseEtablissement="441090123_B", coordonneeLambertAbscisseEtablissement="355")
            for row in csv.DictReader(demo)
        ]
    columns = ESTABLISHMENT_COLUMNS + NEWER_COLUMNS
    random.Random(4).shuffle(columns)
    assert columns[:3] != ESTABLISHMENT_COLUMNS[:3]
    db.session.execute(Establishment.__table__.delete())
    db.session.commit()

    report = import_file(db.session, factories.sirene_csv(rows, columns), "establishments")

    assert (report.imported, report.rejected) == (42, [])
    assert directory_rows() == before


def test_bad_rows_are_reported_with_their_line_and_skipped(app: Flask) -> None:
    good, other = make_siret(NEW_SIREN, 1), make_siret(NEW_SIREN, 2)
    wrong_key = good[:-1] + str((int(good[-1]) + 1) % 10)

    report = import_establishments(
        establishment_row(good),  # line 2 (line 1 is the header)
        establishment_row(wrong_key),
        establishment_row("", siren=NEW_SIREN),
        establishment_row("1234"),
        establishment_row(other),
    )

    assert report.rejected == [
        (3, f"SIRET invalide « {wrong_key} »"),
        (4, "SIRET manquant"),
        (5, "SIRET invalide « 1234 »"),
    ]
    assert report.imported == 2
    assert db.session.get(Establishment, good) is not None
    assert db.session.get(Establishment, other) is not None
    assert db.session.get(Establishment, wrong_key) is None


def test_a_short_row_is_reported_not_fatal(app: Flask) -> None:
    good = make_siret(NEW_SIREN, 1)
    stream = factories.sirene_csv([establishment_row(good)])
    stream = io.StringIO(stream.getvalue() + "991234568,00011\n")

    report = import_file(db.session, stream, "establishments")

    assert report.imported == 1
    assert report.rejected == [(3, "SIRET manquant")]


def test_bad_company_rows_are_reported_and_skipped(app: Flask) -> None:
    rows = [
        {"siren": NEW_SIREN, "denominationUniteLegale": "SOCIETE DEMO DES ESSAIS"},
        {"siren": "991234567", "denominationUniteLegale": "CLE FAUSSE DEMO"},
        {"siren": "992345678", "denominationUniteLegale": ""},
    ]

    report = import_file(db.session, factories.sirene_csv(rows, COMPANY_COLUMNS), "companies")

    assert report.imported == 1
    assert report.rejected == [
        (3, "SIREN invalide « 991234567 »"),
        (4, "unité légale 992345678 sans dénomination ni nom"),
    ]
    assert db.session.get(Company, NEW_SIREN) is not None


@pytest.fixture
def row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """The row-by-row path on PostgreSQL too: for the tests that break into its batches
    (test_directory_copy.py does the same for the COPY path)."""
    monkeypatch.setattr(directory_import, "uses_copy", lambda session: False)


def test_a_batch_is_written_whole_or_not_at_all(app: Flask, monkeypatch: pytest.MonkeyPatch, row_by_row: None) -> None:
    """The second batch fails at the database after writing one row: none of its rows stay."""
    real_upsert = directory_import._upsert
    calls = []

    def failing_upsert(session: Any, model: type, key: str, values: list[dict[str, Any]]) -> None:
        calls.append(len(values))
        if len(calls) == 1:
            real_upsert(session, model, key, values)
            return
        real_upsert(session, model, key, values[:1])
        # A plain INSERT of a SIRET already there: a real constraint violation from the database.
        session.execute(Establishment.__table__.insert().values(values[0]))

    monkeypatch.setattr(directory_import, "BATCH_SIZE", 3)
    monkeypatch.setattr(directory_import, "_upsert", failing_upsert)
    numbers = [make_siret(NEW_SIREN, nic) for nic in range(1, 9)]

    with pytest.raises(directory_import.ImportInterrupted, match=r"(?i)unique|duplicate") as interrupted:
        import_establishments(*(establishment_row(number) for number in numbers))

    assert calls == [3, 3]
    assert (interrupted.value.first_line, interrupted.value.report.imported) == (5, 3)
    db.session.commit()  # what a careless caller would do next: nothing of the failed batch is left to write
    stored = db.session.scalars(select(Establishment.siret).where(Establishment.siren == NEW_SIREN)).all()
    assert sorted(stored) == numbers[:3]


def test_the_display_name_is_the_enseigne_then_the_usual_name_then_the_company(app: Flask) -> None:
    import_file(
        db.session,
        factories.sirene_csv(
            [{"siren": NEW_SIREN, "prenom1UniteLegale": "ALIX", "nomUniteLegale": "ESSAI-DEMO"}],
            COMPANY_COLUMNS,
        ),
        "companies",
    )
    rows = {
        make_siret("997915665", 43): {
            "enseigne1Etablissement": "ENSEIGNE",
            "denominationUsuelleEtablissement": "USUEL",
        },
        make_siret("997915665", 50): {"denominationUsuelleEtablissement": "NOM USUEL DEMO"},
        make_siret("997915665", 68): {"enseigne1Etablissement": " "},
        make_siret(NEW_SIREN, 1): {},
        make_siret("995555554", 1): {},  # its company is not in the directory
    }

    import_establishments(*(establishment_row(number, **values) for number, values in rows.items()))

    names = dict(
        db.session.execute(select(Establishment.siret, Establishment.name).where(Establishment.siret.in_(rows))).all()
    )
    assert [names[number] for number in rows] == [
        "ENSEIGNE",
        "NOM USUEL DEMO",
        "FORMA'LOIRE CONSEIL",
        "ALIX ESSAI-DEMO",
        f"ÉTABLISSEMENT {make_siret('995555554', 1)}",
    ]


def test_demo_values_are_imported_as_displayed(app: Flask) -> None:
    opco = db.session.get(Establishment, "87903689500016")
    assert opco is not None
    assert opco.name == "OPERATEUR DE COMPETENCES DES ENTREPRISES DE PROXIMITE"
    assert opco.address == "53 RUE AMPERE 75017 PARIS 17"
    assert (opco.siren, opco.postal_code, opco.city, opco.headquarters, opco.active) == (
        "879036895",
        "75017",
        "PARIS 17",
        True,
        True,
    )
    solo = db.session.get(Establishment, "99448562100019")
    assert solo is not None and solo.name == "SOLO FORMATION"
    individual = db.session.get(Company, "994485621")
    assert individual is not None and individual.name == "CAMILLE MARTINEAU-DEMO"


def test_the_address_keeps_the_repetition_index(app: Flask) -> None:
    number = make_siret(NEW_SIREN, 1)
    import_establishments(establishment_row(number, numeroVoieEtablissement="12", indiceRepetitionEtablissement="B"))

    found = db.session.get(Establishment, number)
    assert found is not None and found.address == "12 B RUE DES ESSAIS 44000 NANTES"


def test_closed_establishments_are_imported_inactive(app: Flask) -> None:
    closed = ["99844420200027", "99168352500026", "99555357500011"]
    assert db.session.scalars(
        select(Establishment.siret).where(~Establishment.active).order_by(Establishment.siret)
    ).all() == sorted(closed)
    company = db.session.get(Company, "995553575")
    assert company is not None and not company.active


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> Path:
    path.write_text(factories.sirene_csv(rows, columns).getvalue(), encoding="utf-8")
    return path


def test_the_import_command_prints_a_summary_and_bad_rows(app: Flask, tmp_path: Path) -> None:
    good = make_siret(NEW_SIREN, 1)
    path = write_csv(
        tmp_path / "StockEtablissement_utf8.csv",
        [establishment_row(good), establishment_row("99791566500018")],
        ESTABLISHMENT_COLUMNS,
    )

    result = app.test_cli_runner().invoke(args=["directory", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert result.stdout == "1 ligne(s) importée(s), 1 ignorée(s).\n"
    assert "Ligne 3 ignorée : SIRET invalide « 99791566500018 »" in result.stderr
    assert db.session.get(Establishment, good) is not None


def test_the_import_companies_command_prints_a_summary(app: Flask, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "StockUniteLegale_utf8.csv",
        [{"siren": NEW_SIREN, "denominationUniteLegale": "SOCIETE DEMO DES ESSAIS"}],
        COMPANY_COLUMNS,
    )

    result = app.test_cli_runner().invoke(args=["directory", "import-companies", str(path)])

    assert result.exit_code == 0, result.output
    assert result.stdout == "1 ligne(s) importée(s), 0 ignorée(s).\n"
    company = db.session.get(Company, NEW_SIREN)
    assert company is not None and company.name == "SOCIETE DEMO DES ESSAIS"


def test_the_import_command_refuses_a_missing_file(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["directory", "import", str(tmp_path / "absent.csv")])

    assert result.exit_code == 2
    assert count(Establishment) == 42


def test_a_file_starting_with_a_byte_order_mark_is_read(app: Flask, tmp_path: Path) -> None:
    """Spreadsheets save UTF-8 with a BOM: the first column, `siren`, must still be found."""
    path = tmp_path / "unites_legales.csv"
    text = factories.sirene_csv(
        [{"siren": NEW_SIREN, "denominationUniteLegale": "SOCIETE DEMO BOM"}], COMPANY_COLUMNS
    ).getvalue()
    path.write_text("\ufeff" + text, encoding="utf-8")

    report = import_path(db.session, path, "companies")

    assert (report.imported, report.rejected) == (1, [])


def test_the_import_command_stops_on_a_database_error(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row_by_row: None
) -> None:
    def refused(session: Any, model: type, key: str, values: list[dict[str, Any]]) -> None:
        session.execute(Establishment.__table__.insert().values(values[0]))
        session.execute(Establishment.__table__.insert().values(values[0]))

    monkeypatch.setattr(directory_import, "_upsert", refused)
    path = write_csv(
        tmp_path / "etablissements.csv", [establishment_row(make_siret(NEW_SIREN, 1))], ESTABLISHMENT_COLUMNS
    )

    result = app.test_cli_runner().invoke(args=["directory", "import", str(path)])

    assert result.exit_code == 1
    assert result.stdout == "0 ligne(s) importée(s), 0 ignorée(s).\n"
    assert "Erreur : la base de données a refusé le lot commençant à la ligne 2" in result.stderr
    assert "[SQL:" not in result.stderr
    assert db.session.get(Establishment, make_siret(NEW_SIREN, 1)) is None


def test_a_monthly_file_adds_new_rows_and_updates_changed_ones(app: Flask) -> None:
    """The monthly update is the same import: new establishments added, changed ones updated (a closed one
    marked inactive), the others left as they were, none twice."""
    before = directory_rows()
    closed, new = "99791566500019", make_siret(NEW_SIREN, 1)
    unchanged = establishment_row(
        "87903689500016",
        numeroVoieEtablissement="53",
        libelleVoieEtablissement="AMPERE",
        codePostalEtablissement="75017",
        libelleCommuneEtablissement="PARIS 17",
        etablissementSiege="true",
    )

    report = import_establishments(
        unchanged,
        establishment_row(closed, enseigne1Etablissement="FORMA'LOIRE CONSEIL", etatAdministratifEtablissement="F"),
        establishment_row(new, enseigne1Etablissement="NOUVEL ETABLISSEMENT"),
    )

    after = directory_rows()
    assert (report.imported, report.rejected) == (3, [])
    assert count(Establishment) == 43
    assert {siret for siret, row in after.items() if row != before.get(siret)} == {closed, new}
    closed_row = db.session.get(Establishment, closed)
    assert closed_row is not None and closed_row.closed
