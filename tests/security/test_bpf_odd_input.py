"""Mon Activité Formation answers odd input clearly, never with a 500: every route of its URL map, the query
parameters its views read and every form of its pages, walked (1) logged out, (2) as the déclarant of IDMV (a
registered declaration, a BPF transmitted, one being written, one to start) and (3) as national control (a
declaration to register); then the control lists with odd values beside sensible ones, and the stepper's figures
given digits Python reads differently.

One test walks the three: that every route was reached is asserted at its end."""

from collections.abc import Callable

import pytest
import time_machine
import webtest
from flask import Flask, request, request_started

from tests.rp_bpf.conftest import DREETS_PDL, LogIn, habilitation, session_opener
from tests.security.oddities import ODD_VALUES
from tests.security.test_csrf_everywhere import IDMV, bpf_world
from tests.security.test_sofi_odd_input import DIGITS, PAST_32_BITS, odd_digits
from tests.security.walker import Identity, Walker, pretend_provider, report, rule_key, walk

UNWALKABLE: set[str] = set()


@pytest.fixture
def world(bpf_app: Flask) -> dict[str, int]:
    with time_machine.travel("2026-03-02 09:30:00+00:00", tick=False):
        return bpf_world()


@pytest.fixture
def provider(bpf_app: Flask) -> None:
    pretend_provider(bpf_app)


def sensible(name: str, options: list[str]) -> str:
    typed = {
        "siret": IDMV, "denomination": "INSTITUT DEMO", "forme_juridique": "SAS", "code_naf": "85.59A",
        "adresse": "1 rue des Halles", "code_postal": "85000", "commune": "LA ROCHE-SUR-YON",
        "telephone": "02 51 00 00 00", "courriel": "contact@idmv.example", "dirigeant_nom": "DEMO Dominique",
        "dirigeant_qualite": "Président", "signataire_nom": "Claire TESTEUSE", "signataire_qualite": "Gérante",
        "motif": "Pièces manquantes", "deadline": "2026-05-31", "rectification_limit": "2026-12-31",
        "exercice_du": "2023-01-01", "exercice_au": "2023-12-31", "h_nom_prenom": "DEMO Dominique",
        "h_qualite": "Président", "departement": "85", "naf": "85.59A",
    }  # fmt: skip
    if options:
        return options[0]
    return typed.get(name, "1" if name[:1] in "cdefg" else "")


def real_values(world: dict[str, int]) -> dict[str, list[str]]:
    return {
        "exercice": ["2025", "2024", "1999", "99999"],
        "bpf_id": [str(world["2023"]), str(world["2024"])],
        "declaration_id": [str(world["waiting"]), str(world["declaration"])],
        "step": ["produits", "identification", "stagiaires", "dirigeant", "inconnue"],
        "fmt": ["pdf", "csv", "json", "xml"],
        "filename": ["app.css", "dsfr.min.css", "dsfr/dsfr.min.css"],
    }


def logged_in(bpf: webtest.TestApp, log_in: LogIn, held: object, home: str) -> Callable[[], webtest.TestResponse]:
    def ensure() -> webtest.TestResponse:
        page = bpf.get(home, expect_errors=True)
        if page.status_int != 200:
            log_in(held, sub="sub-claire")
            page = bpf.get(home)
        return page

    return ensure


def identities(bpf: webtest.TestApp, log_in: LogIn, world: dict[str, int]) -> list[Identity]:
    def logged_out() -> webtest.TestResponse:
        bpf.reset()
        return bpf.get("/")

    draft = world["2023"]
    declarant_pages = [f"/bilans/{draft}/etapes/{step}" for step in ("identification", "produits", "stagiaires")]
    declarant_pages += [f"/bilans/{draft}/verification", "/declaration/modifier", "/declaration"]
    control_pages = [f"/controle/declarations/{world['waiting']}", f"/controle/bilans/{world['2024']}"]
    control_pages += ["/controle/organismes?exercice=2025&etat=transmis", "/controle/campagnes/2025"]
    declarant = habilitation("declarant", IDMV)
    control = habilitation("controle_srf", DREETS_PDL)
    return [
        Identity("logged out", logged_out, sensible, real_values(world), ["/connexion?next=%2Fbilans%2F1"]),
        Identity("déclarant", logged_in(bpf, log_in, declarant, "/"), sensible, real_values(world), declarant_pages),
        Identity("contrôle", logged_in(bpf, log_in, control, "/controle"), sensible, real_values(world), control_pages),
    ]


def test_every_route_and_form_of_mon_activite_formation_answers_odd_input(
    bpf_app: Flask, bpf: webtest.TestApp, world: dict[str, int], provider: None
) -> None:
    log_in = session_opener(bpf_app, bpf)  # the folder's `log_in` is SOFI's
    reached: set[str] = set()

    def note(sender: Flask, **extra: object) -> None:
        if request.url_rule is not None:
            reached.add(rule_key(request.url_rule))

    request_started.connect(note, bpf_app)
    try:
        with time_machine.travel("2026-03-02 10:00:00+00:00", tick=False), Walker("bpf", bpf_app, bpf) as walker:
            who_all = identities(bpf, log_in, world)
            for who in who_all:
                walk(walker, who, UNWALKABLE)
            control = who_all[2]
            control.ensure()
            for name in ("exercice", "etat", "departement", "naf", "page"):
                for value in (*ODD_VALUES, *DIGITS, PAST_32_BITS):
                    base = [(key, b"2025" if key == "exercice" else b"") for key in ("exercice", "etat") if key != name]
                    walker.send("GET", "/controle/organismes", [*base, (name, value)])
            declarant = who_all[1]
            odd_digits(walker, declarant, [f"/bilans/{world['2023']}/etapes/produits", "/declaration/modifier"])
    finally:
        request_started.disconnect(note, bpf_app)
    assert not walker.errors, report(walker.errors)
    missed = sorted(rule_key(rule) for rule in walker.rules(UNWALKABLE) if rule_key(rule) not in reached)
    assert missed == [], "routes no identity reached: walk them, or say in UNWALKABLE why they cannot be"
