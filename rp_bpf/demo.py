"""Mon Activité Formation's demo data (`flask --app rp_bpf demo load`, idempotent): FORMA'LOIRE CONSEIL registered,
its BPF 2024 transmitted and its BPF 2025 left to fill (Camille, or Inès by delegation); and sixty fictional
organisations of the Pays de la Loire and beyond, in every state, for the control services' dashboard. Figures are
the valid example of demo_data/bpf_exemples.json."""

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number

from rp_bpf.bpf.content import BpfContent, Figures, content_from_json
from rp_bpf.services import bpfs, declarations, transmission
from rp_bpf.services.declarations import DeclarationData
from rp_bpf.services.journal import Actor
from rp_bpf.services.transaction import transaction
from shared.db import DbSession
from shared.outbox import writing_the_past

EXAMPLES = Path(__file__).resolve().parent.parent / "demo_data" / "bpf_exemples.json"
FORMALOIRE = "99791566500019"
DEMO = Actor("demo", "Données de démonstration")
AGENT = Actor("demo-dreets", "Paul DEMOCONTROLE")
PLACES = [  # postal code, commune: five départements of the Pays de la Loire, then Paris and Lyon
    ("44000", "NANTES"),
    ("49000", "ANGERS"),
    ("53000", "LAVAL"),
    ("72000", "LE MANS"),
    ("85000", "LA ROCHE-SUR-YON"),
    ("44600", "SAINT-NAZAIRE"),
    ("75011", "PARIS"),
    ("69003", "LYON"),
]
KINDS = ("transmis", "transmis", "transmis", "non_transmis", "hors_delai", "sans_activite", "deposee")
EXERCICES = {"formaloire": (2024,), "transmis": (2024, 2025), "hors_delai": (2025,), "sans_activite": (2025,)}


def fictional_siret(number: int) -> str:
    """A valid SIRET in the 994 range, which no real company has."""
    siren = next(f"994{number:05d}{d}" for d in range(10) if siren_number.is_valid(f"994{number:05d}{d}"))
    return next(f"{siren}0001{d}" for d in range(10) if siret_number.is_valid(f"{siren}0001{d}"))


def _declaration(siret: str, name: str, code_postal: str, commune: str) -> DeclarationData:
    return DeclarationData(
        siret=siret,
        denomination=name,
        forme_juridique="SAS",
        code_naf="85.59A",
        adresse="1 RUE DE LA DEMONSTRATION",
        code_postal=code_postal,
        commune=commune,
        adresse_publique=True,
        telephone="02 00 00 00 00",
        courriel="contact@of-demo.example",
        dirigeant_nom="DEMO Dominique",
        dirigeant_qualite="Président",
        date_debut_activite=None,
    )


def organisations() -> list[tuple[str, str, str, str, str]]:
    """(SIRET, dénomination, postal code, commune, what it has done) of every demo organisation."""
    found = [(FORMALOIRE, "FORMA'LOIRE CONSEIL", "44000", "NANTES", "formaloire")]
    for number in range(1, 61):
        code_postal, commune = PLACES[number % len(PLACES)]
        name = f"ORGANISME DE FORMATION DEMO {number:02d}"
        found.append((fictional_siret(number), name, code_postal, commune, KINDS[number % len(KINDS)]))
    return found


@transaction
def load_demo(db: DbSession) -> int:
    """Adds the organisations missing; returns how many. The past it writes sends no e-mail."""
    with writing_the_past(db):
        return _load_demo(db)


def _load_demo(db: DbSession) -> int:
    valid = content_from_json(json.loads(EXAMPLES.read_text(encoding="utf-8"))["cas"][0]["bpf"])
    added = 0
    for siret, name, code_postal, commune, kind in organisations():
        if declarations.find(db, siret[:9]) is not None:
            continue
        data = _declaration(siret, name, code_postal, commune)
        deposited = declarations.deposit(db, DEMO, siret[:9], data, datetime(2024, 1, 15, 9, 0))
        added += 1
        if kind != "deposee":
            declarations.register(db, AGENT, deposited.id, None, datetime(2024, 2, 1, 9, 0))
            for exercice in EXERCICES.get(kind, ()):
                _transmitted(db, siret, name, exercice, valid, kind)
    return added


def _transmitted(db: DbSession, siret: str, name: str, exercice: int, valid: BpfContent, kind: str) -> None:
    """The BPF of an exercice with the example's figures (none « sans activité »), transmitted in March of the next
    year, or in May when « Hors délai »."""
    at = datetime(exercice + 1, 5 if kind == "hors_delai" else 3, 16, 10, 0)
    draft = bpfs.start(db, DEMO, siret[:9], exercice, at)
    content = replace(
        valid,
        exercice_du=valid.exercice_du.replace(year=exercice) if valid.exercice_du else None,
        exercice_au=valid.exercice_au.replace(year=exercice) if valid.exercice_au else None,
        identification={**valid.identification, "siret": siret, "denomination": name},
        figures=Figures() if kind == "sans_activite" else valid.figures,
    )
    saved = bpfs.save(db, DEMO, siret[:9], draft.id, draft.lock, content, at)
    signature = transmission.Signature(True, "DEMO Dominique", "Président", kind == "sans_activite")
    transmission.transmit(db, DEMO, siret[:9], saved.id, saved.lock, signature, at)
