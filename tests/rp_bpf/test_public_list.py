"""The public list of training organisations: written by the nightly command from the registered declarations and
their last BPF in force, served to anyone as a downloaded CSV; the address agreed public only."""

import csv
import io
from pathlib import Path

import webtest
from flask import Flask

from rp_bpf.services import bpfs, declarations, transmission
from rp_bpf.services.public_list import FILENAME
from rp_bpf.services.transmission import Signature
from shared.db import DbSession
from tests.rp_bpf.conftest import AGENT, DECLARANT, IN_TIME
from tests.rp_bpf.factories import declaration_data, make_content


def registered(session: DbSession, siren: str, siret: str, **changes: object) -> None:
    deposited = declarations.deposit(session, DECLARANT, siren, declaration_data(siret=siret, **changes), IN_TIME)
    declarations.register(session, AGENT, deposited.id, None, IN_TIME)


def transmitted(session: DbSession, siren: str, exercice: int, **lines: object) -> None:
    draft = bpfs.start(session, DECLARANT, siren, exercice, IN_TIME)
    dates = {"exercice_du": f"{exercice}-01-01", "exercice_au": f"{exercice}-12-31"}
    saved = bpfs.save(session, DECLARANT, siren, draft.id, draft.lock, make_content(**dates, **lines), IN_TIME)
    transmission.transmit(session, DECLARANT, siren, saved.id, saved.lock, Signature(True, "A", "B"), IN_TIME)


def read(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_command_writes_the_list_and_anyone_downloads_it(
    bpf_app: Flask, bpf: webtest.TestApp, session: DbSession, tmp_path: Path
) -> None:
    bpf_app.config["BPF_PUBLIC_FOLDER"] = str(tmp_path)
    assert bpf.get(f"/{FILENAME}", expect_errors=True).status_int == 404  # not published yet
    registered(session, "997915665", "99791566500019")
    transmitted(session, "997915665", 2024)
    transmitted(session, "997915665", 2023)
    registered(session, "996439063", "99643906300016", adresse_publique=False, denomination="=CABINET DEMO")
    declarations.deposit(session, DECLARANT, "991000019", declaration_data(siret="99100001900010"), IN_TIME)
    result = bpf_app.test_cli_runner().invoke(args=["public-list", "export"])
    assert result.exit_code == 0, result.output
    answer = bpf.get(f"/{FILENAME}")  # no login
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    rows = {row["siren"]: row for row in read(answer.body)}
    assert set(rows) == {"997915665", "996439063"}  # the one only deposited is not listed
    formaloire = rows["997915665"]
    assert formaloire["numeroDeclarationActivite"] == "52440000001"
    assert (formaloire["exerciceDernierBilan"], formaloire["nbStagiaires"], formaloire["nbHeuresStagiaires"]) == (
        "2024",
        "152",
        "6300",
    )
    assert (formaloire["codeSpecialite2"], formaloire["libelleSpecialite2"]) == ("326", "Informatique")
    assert formaloire["adresse"] == "14 RUE DE LA FORMATION CONTINUE" and formaloire["region"] == "Pays de la Loire"
    cabinet = rows["996439063"]
    assert (cabinet["adresse"], cabinet["codePostal"], cabinet["nbStagiaires"]) == ("", "", "")
    assert cabinet["denomination"] == "'=CABINET DEMO"  # never a formula in a spreadsheet
    assert [path.name for path in tmp_path.iterdir()] == [FILENAME]  # no temporary file left
