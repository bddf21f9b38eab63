"""The exports of soffi.md §7: a statement's CSV (`;`, UTF-8 with its BOM, decimal comma, a typed formula shown,
never run) and XLSX (the template's sheet and « Synthèse », exact amounts, formulas stored as text), and the
agents' cross-body CSV and XLSX of a campaign (one row per body, one column per line)."""

import csv
import dataclasses
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from rp_soffi.statement.exports import neutralise, statement_csv
from rp_soffi.statement.values import LineValue
from tests.rp_soffi.conftest import AGENT_SIRET, LogIn
from tests.rp_soffi.factories import OTHER_SIRET, load, make_body, make_campaign, make_draft, make_filed

DEMO = load()


def rows_of(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_a_typed_formula_is_neutralised() -> None:
    assert [neutralise(t) for t in ("=1+1", "+33", "-2", "@SUM(A1)", "\tx", "Normal")] == [
        "'=1+1", "'+33", "'-2", "'@SUM(A1)", "'\tx", "Normal"
    ]  # fmt: skip


def test_the_statement_csv_has_the_columns_of_the_specification() -> None:
    lines = dict(DEMO.lines) | {"E8": LineValue(DEMO.value("E8").amount_cents, None, '=HYPERLINK("http://x")')}
    rows = rows_of(statement_csv(dataclasses.replace(DEMO, lines=lines), "=cmd|' /C calc'!A0"))
    assert rows[0] == ["exercice", "siren", "raison_sociale", "code_ligne", "libelle", "montant_euros", "nombre",
                       "commentaire"]  # fmt: skip
    r5 = next(row for row in rows if row[3] == "R5")
    assert r5[:2] == ["2024", DEMO.siren] and r5[5] == "8000000,50"
    assert r5[2] == "'=cmd|' /C calc'!A0"
    assert next(row for row in rows if row[3] == "E8")[7] == '\'=HYPERLINK("http://x")'
    assert next(row for row in rows if row[3] == "E1")[6] == str(DEMO.value("E1").count)


def test_the_statement_page_exports_csv_and_xlsx(session, soffi, log_in: LogIn) -> None:
    statement = make_draft(session, make_body(session), make_campaign(session))
    log_in("consultation")
    page = soffi.get(f"/etats/{statement.id}")
    answer = page.click(description="CSV")
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="soffi-etat-2024-999722812.csv"')
    assert rows_of(answer.body.decode("utf-8"))[1][3] == "R1"
    workbook = load_workbook(io.BytesIO(page.click(description="XLSX", index=0).body))
    assert workbook.sheetnames == ["État", "Synthèse"]
    amounts = {row[0]: row[2] for row in workbook["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(amounts["RT"])) == Decimal(DEMO.amount("RT")) / 100


def test_the_agents_cross_body_exports(session, soffi, log_in: LogIn, attachments_folder: Path) -> None:
    campaign = make_campaign(session)
    make_filed(session, make_body(session), campaign, attachments_folder)
    other = make_draft(session, make_body(session, OTHER_SIRET), campaign)
    assert other.body.name == "ORGANISME 996201166"
    log_in("agent_dgefp", AGENT_SIRET)
    answer = soffi.get(f"/admin/export.csv?campagne={campaign.id}")
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="soffi-etats-2024.csv"')
    rows = rows_of(answer.body.decode("utf-8"))
    header = rows[0]
    assert header[:6] == ["exercice", "siren", "raison_sociale", "type_organisme", "statut", "hors_delai"]
    assert {row[1]: row[4] for row in rows[1:]} == {"999722812": "Déposé", "996201166": "Brouillon"}
    first = dict(zip(header, rows[1], strict=True))
    assert first["RT_euros"] == f"{DEMO.amount('RT') // 100},{DEMO.amount('RT') % 100:02d}"
    assert first["Q5_nombre"] == str(DEMO.value("Q5").count) and first["R3_euros"] == ""
    sheet = load_workbook(io.BytesIO(soffi.get(f"/admin/export.xlsx?campagne={campaign.id}").body))["Organismes"]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3 and values[0][0] == "exercice"
