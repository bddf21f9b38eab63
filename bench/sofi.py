"""Benchmark of SOFI at the scale of the Pays de la Loire region: dashboard, catalogue, Lhéo export, validation queue.

Not a test. `python bench/sofi.py` starts a throwaway PostgreSQL cluster, migrates SOFI's database, loads the
reference tables (`rp_sofi.reference.load_all`), then writes in bulk 1 500 établissements with their sites and
contacts, 30 000 actions in every status, 60 000 sessions (from two years ago to a year ahead) with one or two
dispositifs each, and publishes the validated actions (snapshot and catalogue rows, as `publication.publish`
makes them). Then it times the service functions the pages call (p50/p95), writes and validates the region's
Lhéo file as `flask --app rp_sofi lheo export` does, and with `--explain` prints the plan of the slowest
statement of each timed call.
"""

import argparse
import ctypes
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import selectinload
from stdnum import luhn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

import rp_sofi  # noqa: E402
from bench.common import create_database, say  # noqa: E402
from rp_sofi.extensions import db  # noqa: E402
from rp_sofi.lheo import tables  # noqa: E402
from rp_sofi.lheo.export import validate, write  # noqa: E402
from rp_sofi.models import (  # noqa: E402
    Action,
    ActionStatus,
    Certification,
    Contact,
    Dispositif,
    Etablissement,
    Formation,
    PublishedSession,
    RecordStatus,
    Session,
    SireneEstablishment,
    Site,
)
from rp_sofi.reference import load_all  # noqa: E402
from rp_sofi.services import catalogue, dashboard, export, publication, validation  # noqa: E402
from rp_sofi.services.dashboard import Filter  # noqa: E402
from rp_sofi.services.validation import QueueFilter  # noqa: E402
from shared.clock import in_paris, utcnow  # noqa: E402
from tests.postgres_cluster import postgres_cluster  # noqa: E402

# (code postal, commune, weight): the region's towns, weighted roughly by their share of training organisations.
TOWNS = [
    ("44000", "NANTES", 20), ("44100", "NANTES", 8), ("44600", "SAINT-NAZAIRE", 5), ("44400", "REZÉ", 3),
    ("44800", "SAINT-HERBLAIN", 4), ("44110", "CHÂTEAUBRIANT", 1), ("44500", "LA BAULE-ESCOUBLAC", 1),
    ("49000", "ANGERS", 12), ("49300", "CHOLET", 4), ("49400", "SAUMUR", 3), ("49100", "ANGERS", 3),
    ("53000", "LAVAL", 5), ("53100", "MAYENNE", 1), ("53200", "CHÂTEAU-GONTIER-SUR-MAYENNE", 1),
    ("72000", "LE MANS", 9), ("72100", "LE MANS", 3), ("72200", "LA FLÈCHE", 1), ("72300", "SABLÉ-SUR-SARTHE", 1),
    ("85000", "LA ROCHE-SUR-YON", 6), ("85100", "LES SABLES-D'OLONNE", 2), ("85300", "CHALLANS", 2),
    ("85200", "FONTENAY-LE-COMTE", 1), ("85500", "LES HERBIERS", 1),
]  # fmt: skip
KINDS = ["CENTRE DE FORMATION", "INSTITUT", "GRETA", "IFAS", "ÉCOLE", "ATELIER", "CFA", "ORGANISME", "CABINET"]
WORDS = ["LIGÉRIEN", "DE L'ESTUAIRE", "ATLANTIQUE", "DU MAINE", "D'ANJOU", "OCÉAN", "VENDÉEN", "DES MAUGES",
         "PROFESSIONNEL", "AVENIR", "COMPÉTENCES", "MÉTIERS", "DE LA LOIRE", "DU BOCAGE", "SUD", "NORD"]  # fmt: skip
STREETS = ["RUE DE LA PAIX", "BOULEVARD DES ANGLAIS", "RUE DU CHÂTEAU", "AVENUE DE LA GARE", "RUE DES ÉCOLES",
           "ZA DES RELANDIÈRES", "RUE JULES VERNE", "QUAI DE LA FOSSE", "RUE DE LA RÉPUBLIQUE"]  # fmt: skip
TEXT = ("Être capable d'exercer le métier en autonomie, dans le respect des règles d'hygiène et de sécurité ; "
        "acquérir les gestes professionnels, organiser son poste et rendre compte de son activité. ")  # fmt: skip
STATUS_SHARES = (  # about 60 % validated (the brief), the rest as an ordinary week of SOFI would have it
    (ActionStatus.VALIDEE, 0.60),
    (ActionStatus.EN_SAISIE, 0.30),
    (ActionStatus.EN_ATTENTE_VALIDATION, 0.07),
    (ActionStatus.EN_ATTENTE_REPONSE, 0.03),
)
RECORD_PENDING = 0.03  # établissements and sites waiting for the Carif-Oref
REOPENED = 0.10  # of the actions en saisie: validated once, then edited (still published as validated)
PUBLIC = 0.05  # actions of the regional programme
DISPOSITIF_CODES = [code for code, _label, carif_only in tables.DISPOSITIFS if not carif_only]
PUBLIC_CODES = tables.codes(tables.PUBLICS)
BATCH = 1000
# The 18 codes of the demo's Certifinfo records and made-up ones, as many as `formacodes_matching` returns at most.
MANY_FORMACODES = tuple(f"{n}" for n in range(99001, 99019)) + tuple(
    f"{n}" for n in range(31000, 31000 + catalogue.MAX_FORMACODES - 18)
)


def with_key(digits: str) -> str:
    """`digits` with their Luhn check digit (SIREN: 8 + 1, SIRET: 13 + 1)."""
    return digits + luhn.calc_check_digit(digits)


# Data --------------------------------------------------------------------------------------------


@dataclass
class Loaded:
    sirets: list[str]  # by number of actions, the largest organisation first
    counts: dict[str, int] = field(default_factory=dict)


def _insert(table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(table), rows[start : start + 5000])


def _weights(count: int, rng: random.Random) -> list[float]:
    """Organisation sizes: a few very large ones (AFPA-, GRETA-like), a long tail of small ones."""
    weights = [1 / (rank**0.6) for rank in range(1, count + 1)]
    rng.shuffle(weights)
    return weights


def _organisations(count: int, rng: random.Random, now: datetime) -> tuple[list[str], list[dict[str, Any]]]:
    """SIRETs (10 % share their SIREN with the previous one: several establishments of one company) and their
    SIRENE rows, in the region's towns."""
    sirets, sirene, number, siren, nic = [], [], 40_000_000, "", 0
    for _ in range(count):
        if not siren or rng.random() > 0.1:
            number += rng.randint(1, 5000)
            siren, nic = with_key(f"{number:08d}"), 0
        nic += rng.randint(1, 30)
        siret = with_key(f"{siren}{nic:04d}")
        code_postal, commune, _weight = rng.choices(TOWNS, weights=[town[2] for town in TOWNS])[0]
        name = f"{rng.choice(KINDS)} {rng.choice(WORDS)} {rng.choice(WORDS)}"[:250]
        sirets.append(siret)
        address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}"
        sirene.append({"siret": siret, "raison_sociale": name, "adresse": address, "code_postal": code_postal,
                       "commune": commune, "open": rng.random() > 0.02})  # fmt: skip
    return sirets, sirene


def _annuaire(
    sirene: list[dict[str, Any]], actions: dict[str, int], rng: random.Random, now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[str, list[int]]]:
    """Établissements (from their SIRENE row), sites (the main one, and more for the larger organisations),
    a contact per site; returns the sites of each SIRET."""
    etablissements, sites, contacts, site_id = [], [], [], 10_000
    by_siret: dict[str, list[int]] = {}
    codes = [f"990{n:02d}" for n in range(1, 19)]
    for row in sirene:
        pending = rng.random() < RECORD_PENDING
        etablissements.append({
            "siret": row["siret"], "raison_sociale": row["raison_sociale"], "nda": f"52{rng.randrange(10**9):09d}",
            "description": TEXT, "domaines": rng.sample(codes, rng.randint(1, 3)),
            "status": RecordStatus.EN_ATTENTE_VALIDATION if pending else RecordStatus.ACTIF,
            "previous": {"nda": None, "description": "", "domaines": ["99001"]} if pending else None,
            "submitted_at": now - timedelta(days=rng.randrange(30)) if pending else None,
            "created_at": now - timedelta(days=rng.randrange(1500)), "version": 1,
        })  # fmt: skip
        extra = min(11, actions[row["siret"]] // 40 + (rng.random() < 0.3))
        for index in range(1 + extra):
            site_id += rng.randint(1, 3)
            main = index == 0
            code_postal, commune = (row["code_postal"], row["commune"]) if main else rng.choice(TOWNS)[:2]
            pending = rng.random() < RECORD_PENDING
            new = pending and not main and rng.random() < 0.5
            sites.append({
                "id": site_id, "siret": row["siret"], "nom_usage": f"{row['raison_sociale'][:100]} {commune}"[:120],
                "is_main": main, "adresse": row["adresse"] if main else f"{rng.randint(1, 90)} {rng.choice(STREETS)}",
                "code_postal": code_postal, "commune": commune, "telephone": "02 40 00 00 00",
                "courriel": f"contact{site_id}@organisme.example", "url": "", "dispensateur": True, "lieu": True,
                "status": RecordStatus.EN_ATTENTE_VALIDATION if pending else RecordStatus.ACTIF,
                "previous": None if new or not pending else {"nom_usage": "Ancien nom", "telephone": ""},
                "submitted_at": now - timedelta(days=rng.randrange(30)) if pending else None, "version": 1,
            })  # fmt: skip
            contacts.append({"site_id": site_id, "civilite": "Mme", "nom": "MARTIN", "prenom": "Claire",
                             "fonction": "Responsable formation", "telephone": "02 40 00 00 01",
                             "courriel": f"claire{site_id}@organisme.example"})  # fmt: skip
            by_siret.setdefault(row["siret"], []).append(site_id)
    return etablissements, sites, contacts, by_siret


def _formations(
    actions: dict[str, int], certifications: list[Certification], rng: random.Random, now: datetime
) -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
    """Each organisation's « Fiches Formation »: copies of Certifinfo records (one per code and SIRET), and now
    and then a formation without Certifinfo (AIF)."""
    rows, next_id = [], 1
    by_siret: dict[str, list[int]] = {}
    for siret, count in actions.items():
        if not count:
            continue
        chosen: list[Certification | None] = list(rng.sample(certifications, min(len(certifications), 1 + count // 3)))
        if rng.random() < 0.05:
            chosen.append(None)
        for certification in chosen:
            rows.append({
                "id": next_id, "siret": siret, "certifinfo": certification.code if certification else None,
                "code_rncp": certification.code_rncp if certification else None,
                "intitule": certification.intitule if certification else "Remise à niveau savoirs de base (AIF)",
                "objectif": TEXT, "programme": TEXT * 4,
                "formacodes": certification.formacode_list if certification else ["99004"],
                "niveau_sortie": certification.niveau if certification else None,
                "eligible_cpf": certification.eligible_cpf if certification else None,
                "certificateur": certification.certificateur if certification else None,
                "created_at": now - timedelta(days=rng.randrange(1500)),
            })  # fmt: skip
            by_siret.setdefault(siret, []).append(next_id)
            next_id += 1
    return rows, by_siret


def _action(
    action_id: int, siret: str, formation: int, site: int, status: ActionStatus, rng: random.Random, now: datetime
) -> dict[str, Any]:
    public = rng.random() < PUBLIC
    created = now - timedelta(days=rng.randrange(30, 900))
    validated = status is ActionStatus.VALIDEE or (status is ActionStatus.EN_SAISIE and rng.random() < REOPENED)
    pending = status in (ActionStatus.EN_ATTENTE_VALIDATION, ActionStatus.EN_ATTENTE_REPONSE)
    validated = validated or (pending and rng.random() < 0.2)  # sent again after an edit
    validated_at = now - timedelta(days=rng.randrange(1, 700)) if validated else None
    return {
        "id": action_id, "formation_id": formation, "siret": siret, "site_dispensateur_id": site,
        "complement_intitule": rng.choice(["", "", "", "en alternance", "parcours complet", "session du soir"]),
        "complement_descriptif": "", "url": f"https://organisme.example/formations/{action_id}" if rng.random() < 0.5
        else "", "niveau_entree": rng.choice(tables.codes(tables.NIVEAUX)),
        "type_parcours": rng.choice(tables.codes(tables.PARCOURS)),
        "modalites_pedagogiques": rng.sample(tables.codes(tables.MODALITES_PEDAGOGIQUES), rng.randint(1, 2)),
        "entrees_sorties": rng.choice(["ESP", "DATES_FIXES", "DATES_FIXES"]), "date_debut": None, "date_fin": None,
        "duree_centre": rng.randrange(35, 1200), "duree_entreprise": rng.choice([0, 0, 70, 140, 420]),
        "duree_hebdo": rng.choice([None, 35, 20]), "commentaire_duree": "",
        "commentaire_prerequis": "Savoir lire, écrire et compter. Entretien de motivation.", "public": public,
        "status": status, "certifinfo_remplace": rng.random() < 0.02,
        "question": "Pouvez-vous préciser les prérequis ?" if status is ActionStatus.EN_ATTENTE_REPONSE else None,
        "answer": "Précisés dans la fiche." if pending and rng.random() < 0.3 else None, "refusal_reason": None,
        "submitted_at": now - timedelta(days=rng.randrange(60), minutes=rng.randrange(1440)) if pending
        else validated_at - timedelta(days=2) if validated_at else None,
        "validated_at": validated_at, "published": None,
        "created_at": created, "updated_at": created, "version": 1,
    }  # fmt: skip


def _session_count(statuses: list[ActionStatus], total: int, rng: random.Random) -> list[int]:
    """`total` sessions over the actions: one each (none for 15 % of those en saisie: unfinished), the rest at
    random, so that some actions have many."""
    counts = [0 if status is ActionStatus.EN_SAISIE and rng.random() < 0.15 else 1 for status in statuses]
    holders = [index for index, count in enumerate(counts) if count]
    for index in rng.choices(holders, k=max(0, total - sum(counts))):
        counts[index] += 1
    return counts


def _session(
    session_id: int, action: dict[str, Any], sites: list[int], today: date, rng: random.Random
) -> dict[str, Any]:
    length = rng.choice([rng.randint(3, 30), rng.randint(30, 200), rng.randint(30, 200), rng.randint(200, 360)])
    debut = today - timedelta(days=730) + timedelta(days=rng.randrange(730 + 365 - length))
    capacite = rng.randint(6, 30)
    site = action["site_dispensateur_id"] if rng.random() < 0.7 else rng.choice(sites)
    return {
        "id": session_id, "action_id": action["id"], "site_lieu_id": site, "date_debut": debut,
        "date_fin": debut + timedelta(days=length),
        "rythmes": rng.sample(tables.codes(tables.RYTHMES), rng.randint(1, 2)),
        "periodes": [], "modalites_enseignement": rng.choice(["0", "0", "0", "1", "2"]), "capacite": capacite,
        "places_disponibles": None if rng.random() < 0.2 else rng.randint(0, capacite), "public": action["public"],
        "version": 1,
    }  # fmt: skip


def _dispositifs(session: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    codes = ["REGION"] if session["public"] else rng.sample(DISPOSITIF_CODES, 1 if rng.random() < 0.6 else 2)
    return [
        {
            "session_id": session["id"], "dispositif": code,
            "publics": ";".join(rng.sample(PUBLIC_CODES, rng.randint(0, 2))), "codes_externes": f"EXT-{session['id']}",
            "nb_places": rng.randint(1, session["capacite"]), "cout_stagiaire": Decimal(rng.randrange(300, 9000)),
            "prise_en_charge_frais_peda": rng.random() < 0.5, "nb_remuneres": rng.choice([None, 0, 2]),
            "actif": rng.random() < 0.95, "public": session["public"], "version": 1,
        }
        for code in codes
    ]  # fmt: skip


def load(organisations: int, action_total: int, session_total: int, seed: int, today: date) -> Loaded:
    rng, now = random.Random(seed), utcnow()
    sirets, sirene = _organisations(organisations, rng, now)
    per_siret = dict.fromkeys(sirets, 0)
    owners = rng.choices(sirets, weights=_weights(len(sirets), rng), k=action_total)
    for siret in owners:
        per_siret[siret] += 1
    _insert(SireneEstablishment.__table__, sirene)
    etablissements, sites, contacts, sites_of = _annuaire(sirene, per_siret, rng, now)
    for table, rows in ((Etablissement, etablissements), (Site, sites), (Contact, contacts)):
        _insert(table.__table__, rows)
    certifications = list(db.session.scalars(sa.select(Certification).where(Certification.remplace_par.is_(None))))
    formations, formations_of = _formations(per_siret, certifications, rng, now)
    _insert(Formation.__table__, formations)
    statuses = rng.choices([s for s, _ in STATUS_SHARES], weights=[w for _, w in STATUS_SHARES], k=action_total)
    actions = [
        _action(index + 1, siret, rng.choice(formations_of[siret]), rng.choice(sites_of[siret]), status, rng, now)
        for index, (siret, status) in enumerate(zip(owners, statuses, strict=True))
    ]
    _insert(Action.__table__, actions)
    sessions: list[dict[str, Any]] = []
    dispositifs: list[dict[str, Any]] = []
    for action, count in zip(actions, _session_count(statuses, session_total, rng), strict=True):
        for _ in range(count):
            sessions.append(_session(len(sessions) + 1, action, sites_of[action["siret"]], today, rng))
            dispositifs += _dispositifs(sessions[-1], rng)
    _insert(Session.__table__, sessions)
    _insert(Dispositif.__table__, dispositifs)
    for name in ("site", "contact", "formation", "action", "session", "dispositif"):  # ids given above
        db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), MAX(id)) FROM {name}"))  # noqa: S608 (our table names)
    db.session.commit()
    ranked = sorted(sirets, key=lambda siret: -per_siret[siret])
    return Loaded(ranked, {"actions of the largest organisation": per_siret[ranked[0]],
                           "actions of the median organisation": per_siret[ranked[len(ranked) // 2]]})  # fmt: skip


def publish_all() -> int:
    """What `publication.publish` leaves for each validated action: its snapshot (`publication.snapshot`, built
    once per action from the ORM objects, dated of its validation) and one catalogue row per session, written
    in bulk instead of one action at a time."""
    etablissements = {
        each.siret: each
        for each in db.session.scalars(sa.select(Etablissement).options(selectinload(Etablissement.sites)))
    }
    ids = list(db.session.scalars(sa.select(Action.id).where(Action.validated_at.is_not(None)).order_by(Action.id)))
    table = Action.__table__
    update = (
        sa.update(table).where(table.c.id == sa.bindparam("b_id"))
        .values(published=sa.bindparam("b_published", type_=table.c.published.type))
    )  # fmt: skip
    options = (
        selectinload(Action.formation), selectinload(Action.site_dispensateur),
        selectinload(Action.sessions).selectinload(Session.site_lieu),
        selectinload(Action.sessions).selectinload(Session.dispositifs),
    )  # fmt: skip
    for start in range(0, len(ids), BATCH):
        batch = db.session.scalars(sa.select(Action).where(Action.id.in_(ids[start : start + BATCH])).options(*options))
        snapshots, rows = [], []
        for action in batch:
            etablissement = etablissements[action.siret]
            assert action.validated_at is not None
            snapshot = publication.snapshot(action, etablissement, action.validated_at)
            snapshots.append({"b_id": action.id, "b_published": snapshot})
            rows += _published_rows(action, etablissement)
        db.session.execute(update, snapshots)
        _insert(PublishedSession.__table__, rows)
        db.session.commit()
        db.session.expunge_all()
    return len(ids)


def _published_rows(action: Action, etablissement: Etablissement) -> list[dict[str, Any]]:
    """The catalogue rows `publication.publish` adds (same fields, as plain rows)."""
    formation = action.formation
    intitule = formation.intitule + (f" — {action.complement_intitule}" if action.complement_intitule else "")
    return [
        {
            "session_id": session.id, "action_id": action.id, "siret": action.siret,
            "organisme": etablissement.raison_sociale, "intitule": intitule, "certifinfo": formation.certifinfo,
            "formacodes": ";" + ";".join(formation.formacodes) + ";", "lieu": session.site_lieu.nom_usage,
            "code_postal": session.site_lieu.code_postal, "commune": session.site_lieu.commune,
            "date_debut": session.date_debut, "date_fin": session.date_fin, "public": action.public,
        }
        for session in action.sessions
    ]  # fmt: skip


def vacuum() -> str:
    """What autovacuum does soon after a bulk load: statistics and the visibility map. Until every page of `action`
    and `published_session` is all-visible (at most 10 passes, a second apart): a pass just after the load left
    more than half of them not all-visible, some runs, so that no plan could use an index-only scan and the
    figures depended on the run. Returns the pages marked, table by table."""
    db.session.remove()
    query = sa.text(
        "SELECT relname, relallvisible, relpages FROM pg_class WHERE relname IN ('action', 'published_session')"
    )
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))
        for _ in range(10):
            pages = [(row.relname, row.relallvisible, row.relpages) for row in connection.execute(query)]
            if all(visible >= total for _, visible, total in pages):
                break
            time.sleep(1)
            connection.execute(sa.text("VACUUM action, published_session"))
        return ", ".join(f"{name} {visible}/{total}" for name, visible, total in pages)


def table_counts() -> dict[str, int]:
    names = ("etablissement", "site", "formation", "action", "session", "dispositif", "published_session")
    return {name: db.session.scalar(sa.text(f"SELECT count(*) FROM {name}")) or 0 for name in names}  # noqa: S608


def status_counts() -> dict[str, int]:
    rows = db.session.execute(sa.select(Action.status, sa.func.count()).group_by(Action.status))
    return {str(status): count for status, count in rows}


# Statements --------------------------------------------------------------------------------------


@dataclass
class Statement:
    seconds: float
    sql: str
    parameters: Any


class Recorder:
    """Every statement the engine runs while `current` is a list, with its duration (execute only: rows
    fetched later by a streamed result are not in it)."""

    def __init__(self) -> None:
        self.current: list[Statement] | None = None

    def install(self, engine: sa.Engine) -> None:
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        conn.info["started"] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if self.current is not None:
            self.current.append(Statement(time.perf_counter() - conn.info.pop("started"), statement, parameters))

    @contextmanager
    def recording(self) -> Iterator[list[Statement]]:
        self.current = []
        try:
            yield self.current
        finally:
            self.current = None


RECORDER = Recorder()


# Timing ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    kind: str
    run: Callable[[], Any]
    describe: Callable[[Any], str]


@dataclass
class Timed:
    call: Call
    millis: list[float]
    sql_millis: list[float]
    statements: int
    slowest: Statement
    note: str


def quantiles(millis: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(millis, n=100, method="inclusive") if len(millis) > 1 else millis * 99
    return cuts[49], cuts[94]


def header(title: str) -> None:
    say(f"\n{title}\n{'call':<52} {'p50 ms':>7} {'p95 ms':>7} {'max':>7} {'SQL p50':>7} {'stmts':>5}  result")


def time_call(app: Flask, call: Call, runs: int, warmup: int) -> Timed:
    """`warmup` + `runs` calls, each in its own app context and session, as a request has them."""
    millis, sql_millis, slowest, note, statements = [], [], Statement(0, "", None), "", 0
    for index in range(warmup + runs):
        with app.app_context(), RECORDER.recording() as recorded:
            start = time.perf_counter()
            result = call.run()
            seconds = time.perf_counter() - start
            db.session.remove()
        if index < warmup:
            continue
        millis.append(seconds * 1000)
        sql_millis.append(sum(statement.seconds for statement in recorded) * 1000)
        statements = len(recorded)
        slowest = max([slowest, *recorded], key=lambda statement: statement.seconds)
        note = note or call.describe(result)
    timed = Timed(call, millis, sql_millis, statements, slowest, note)
    p50, p95 = quantiles(millis)
    say(f"{call.kind:<52} {p50:>7.1f} {p95:>7.1f} {max(millis):>7.1f} {quantiles(sql_millis)[0]:>7.1f} "
        f"{statements:>5}  {note}")  # fmt: skip
    return timed


def paged(page: Any) -> str:
    return f"total {page.total}, page {page.number}, {len(page.items)} items"


def counted(found: list[dashboard.Section]) -> str:
    return ", ".join(f"{row.key} {row.count}" for section in found for row in section.rows)


def dashboard_calls(loaded: Loaded, today: date) -> list[Call]:
    organisation = Filter((loaded.sirets[0],), today)
    median = Filter((loaded.sirets[len(loaded.sirets) // 2],), today)
    region, loire_atlantique = Filter(None, today), Filter(None, today, "44")

    def sections(f: Filter) -> Callable[[], Any]:
        return lambda: dashboard.sections(db.session, f)

    def items(key: str, f: Filter, page: int | None = None) -> Callable[[], Any]:
        return lambda: dashboard.items(db.session, key, f, page)

    def page(key: str, f: Filter, number: int | None = None) -> Callable[[], Any]:
        """The dashboard with a loupe open: what the view asks of the services."""
        return lambda: (dashboard.items(db.session, key, f, number), dashboard.sections(db.session, f))

    return [
        Call("dashboard: largest organisation", sections(organisation), counted),
        Call("dashboard: median organisation", sections(median), counted),
        Call("dashboard: Carif-Oref, region", sections(region), counted),
        Call("dashboard: Carif-Oref, département 44", sections(loire_atlantique), counted),
        Call("loupe: largest org., sessions actives", items("sessions-actives", organisation), paged),
        Call("loupe: region, actions en saisie", items("en-saisie", region), paged),
        Call("loupe: region, actions en saisie, page 50", items("en-saisie", region, 50), paged),
        Call("loupe: region, sessions actives", items("sessions-actives", region), paged),
        Call("loupe: region, sessions inactives, page 100", items("sessions-inactives", region, 100), paged),
        Call("loupe: region, annuaire actifs, page 50", items("annuaire-actifs", region, 50), paged),
        Call("loupe: dép. 44, actions attente validation", items("attente-validation", loire_atlantique), paged),
        Call("loupe: dép. 44, sessions actives", items("sessions-actives", loire_atlantique), paged),
        Call("page: region + loupe sessions actives", page("sessions-actives", region), lambda r: paged(r[0])),
        Call("page: dép. 44 + loupe actions en saisie", page("en-saisie", loire_atlantique), lambda r: paged(r[0])),
    ]  # fmt: skip


def catalogue_calls(today: date) -> list[Call]:
    def search(formacode: str = "", place: str = "", starting: date | None = None, page: int | None = None) -> Any:
        """What the catalogue view asks: the Formacodes meant, then the page of results."""

        def run() -> Any:
            criteria = catalogue.criteria(db.session, formacode, place, starting)
            assert criteria is not None, f"no Formacode matches {formacode!r}"
            return catalogue.search(db.session, criteria, today, page)

        return run

    def many_codes() -> Any:
        """Words of a label matching MAX_FORMACODES codes of the real Formacode table (the demo's has 26): one
        condition per code. (Digits, however many codes they start, are one condition: « prefix « 9 ».)"""
        return catalogue.search(db.session, catalogue.Criteria(MANY_FORMACODES), today)

    return [
        Call("catalogue: everything, page 1", search(), paged),
        Call("catalogue: everything, page 50", search(page=50), paged),
        Call("catalogue: Formacode 99013", search("99013"), paged),
        Call("catalogue: Formacode label « bureautique »", search("bureautique"), paged),
        Call("catalogue: Formacode prefix « 99 », page 50", search("99", page=50), paged),
        Call(f"catalogue: {len(MANY_FORMACODES)} Formacodes (words of many labels)", many_codes, paged),
        Call("catalogue: Formacode prefix « 9 » (one digit)", search("9"), paged),
        Call("catalogue: place « 44 »", search(place="44"), paged),
        Call("catalogue: place « la roche sur yon »", search(place="la roche sur yon"), paged),
        Call("catalogue: from today + 90 days", search(starting=today + timedelta(days=90)), paged),
        Call("catalogue: 99013 + « 49 » + today + 30", search("99013", "49", today + timedelta(days=30)), paged),
    ]  # fmt: skip


def queue_calls(today: date) -> list[Call]:
    def queue(filters: QueueFilter, pages: dict[str, int | None] | None = None) -> Callable[[], Any]:
        return lambda: validation.queue(db.session, filters, pages)

    def sizes(found: validation.Queue) -> str:
        lists = {"actions": found.actions, "answers": found.answers, "records": found.records}
        return ", ".join(f"{len(page.items)}/{page.total} {name}" for name, page in lists.items())

    return [
        Call("queue: everything", queue(QueueFilter()), sizes),
        Call("queue: actions, département 44", queue(QueueFilter("actions", "44")), sizes),
        Call("queue: sent in the last 7 days", queue(QueueFilter(since=today - timedelta(days=7))), sizes),
        Call("queue: annuaire", queue(QueueFilter("annuaire")), sizes),
        Call("queue: deep pages (100, 40, 5)", queue(QueueFilter(), {"actions": 100, "reponses": 40, "annuaire": 5}),
             sizes),
    ]  # fmt: skip


# Proposed queries (not in the code yet): hand-written SQL timed like the calls above, to show what a change gives

QUEUE_PAGE = """SELECT action.id, formation.intitule, action.complement_intitule, etablissement.raison_sociale,
  action.siret, site.code_postal, action.submitted_at, action.status, action.question, action.answer
FROM action JOIN formation ON formation.id = action.formation_id JOIN site ON site.id = action.site_dispensateur_id
  JOIN etablissement ON etablissement.siret = action.siret
WHERE action.status IN ('EN_ATTENTE_VALIDATION', 'EN_ATTENTE_REPONSE') AND site.code_postal LIKE :departement
ORDER BY action.submitted_at, action.id LIMIT 50"""
QUEUE_COUNT = """SELECT count(*) FROM action JOIN site ON site.id = action.site_dispensateur_id
WHERE action.status IN ('EN_ATTENTE_VALIDATION', 'EN_ATTENTE_REPONSE') AND site.code_postal LIKE :departement"""
LOUPE_PAGE = """SELECT action.id, formation.intitule, action.complement_intitule, etablissement.raison_sociale,
  action.siret, site.nom_usage, action.status
FROM (SELECT id FROM action WHERE status = 'EN_SAISIE' ORDER BY id LIMIT 50 OFFSET 2450) AS page
  JOIN action ON action.id = page.id JOIN formation ON formation.id = action.formation_id
  JOIN site ON site.id = action.site_dispensateur_id JOIN etablissement ON etablissement.siret = action.siret
ORDER BY action.id"""
LOUPE_COUNT = """SELECT count(*) FROM action WHERE status = 'EN_SAISIE'
  AND site_dispensateur_id IN (SELECT id FROM site WHERE code_postal LIKE :departement)"""
FORMACODE_TABLE = [
    """CREATE TABLE bench_published_formacode AS SELECT session_id,
       unnest(string_to_array(trim(both ';' from formacodes), ';')) AS code FROM published_session""",
    "CREATE INDEX ix_bench_published_formacode_code ON bench_published_formacode (code, session_id)",
]
BY_PREFIX = "FROM published_session WHERE date_fin >= :today AND formacodes LIKE :prefix"
BY_FORMACODES = """FROM published_session WHERE date_fin >= :today
  AND session_id IN (SELECT session_id FROM bench_published_formacode WHERE code IN :codes)"""


def proposal_calls(today: date) -> list[Call]:
    def sql(*statements: str, **values: Any) -> Callable[[], Any]:
        def run() -> list[Any]:
            found: list[Any] = []
            for statement in statements:
                query = sa.text(statement)
                if "codes" in values:
                    query = query.bindparams(sa.bindparam("codes", expanding=True))
                found += db.session.execute(query, values).all()
            return found

        return run

    def rows(found: list[Any]) -> str:
        return f"{len(found)} rows, first {tuple(found[0])[:2] if found else None}"

    order = " ORDER BY date_debut, intitule, session_id LIMIT 20"
    codes = list(MANY_FORMACODES)
    return [
        Call("queue: actions, page of 50 + count, all", sql(QUEUE_PAGE, QUEUE_COUNT, departement="%"), rows),
        Call("queue: actions, page of 50 + count, dép. 44", sql(QUEUE_PAGE, QUEUE_COUNT, departement="44%"), rows),
        Call("loupe: region, en saisie, page 50, ids first", sql(LOUPE_PAGE), rows),
        Call("loupe count on action alone, region", sql("SELECT count(*) FROM action WHERE status = 'EN_SAISIE'"),
             rows),
        Call("loupe count on action alone, dép. 44", sql(LOUPE_COUNT, departement="44%"), rows),
        Call("catalogue: prefix « 99 » as one LIKE '%;99%'",
             sql("SELECT count(*) " + BY_PREFIX, "SELECT * " + BY_PREFIX + order, today=today, prefix="%;99%"), rows),
        Call("catalogue: 200 Formacodes by (code, session_id)",
             sql("SELECT count(*) " + BY_FORMACODES, "SELECT * " + BY_FORMACODES + order, today=today, codes=codes),
             rows),
    ]  # fmt: skip


# Export ------------------------------------------------------------------------------------------


def peak_reset() -> None:
    """Reset the process's peak resident memory (VmHWM), so that it measures one phase; the memory freed by the
    previous phase is first given back to the system (glibc keeps it otherwise, and it would count again)."""
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    Path("/proc/self/clear_refs").write_text("5")


def peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def time_export(app: Flask, today: date, runs: int, folder: Path) -> Statement:
    """The region's file as `flask --app rp_sofi lheo export` writes it (rp_sofi/views/export.py): the
    formations streamed by `write`, then the whole file read back and checked by `validate`."""
    say(f"\nLhéo export of the region ({runs} run(s)): what `flask --app rp_sofi lheo export` does")
    slowest = Statement(0, "", None)
    for _ in range(runs):
        target = folder / export.filename(today)
        with app.app_context(), RECORDER.recording() as recorded:
            peak_reset()
            start = time.perf_counter()
            with target.open("wb") as stream:
                write(export.formations(db.session, None, today), stream)
            written, write_peak = time.perf_counter() - start, peak_mib()
            db.session.remove()
        peak_reset()
        start = time.perf_counter()
        validate(target.read_bytes())
        checked, check_peak = time.perf_counter() - start, peak_mib()
        size = target.stat().st_size
        sql = sum(statement.seconds for statement in recorded)
        slowest = max([slowest, *recorded], key=lambda statement: statement.seconds)
        say(f"write {written:6.1f} s (SQL execute {sql:.2f} s, {len(recorded)} statements, peak RSS "
            f"{write_peak:.0f} MiB); validate {checked:5.1f} s (peak RSS {check_peak:.0f} MiB); "
            f"total {written + checked:5.1f} s; {size / 2**20:.1f} MiB, "
            f"{target.read_bytes().count(b'<session ')} sessions")  # fmt: skip
        target.unlink()
    return slowest


# Plans -------------------------------------------------------------------------------------------


def explain(app: Flask, title: str, statement: Statement) -> None:
    with app.app_context():
        plan = db.session.connection().exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters
        )
        say(f"\n--- {title} (slowest statement: {statement.seconds * 1000:.1f} ms)")
        say(f"{statement.sql}\n{statement.parameters}\n")
        say("\n".join(str(line) for (line,) in plan))
        db.session.remove()


# Main --------------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=1500, help="établissements (SIRETs)")
    parser.add_argument("--actions", type=int, default=30_000)
    parser.add_argument("--sessions", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each call")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--export-runs", type=int, default=2, help="runs of the region's Lhéo export")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain", action="store_true", help="plan of the slowest statement of each call")
    parser.add_argument("--sql", action="append", default=[], help="run this SQL after loading (an index to try)")
    parser.add_argument("--proposals", action="store_true", help="also time the proposed queries (README)")
    parser.add_argument("--only", choices=["dashboard", "catalogue", "queue", "export", "proposals"], action="append")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    started = time.perf_counter()
    say(f"load average at start (other jobs on this machine): {os.getloadavg()}")
    today = in_paris(utcnow()).date()
    with postgres_cluster() as server, tempfile.TemporaryDirectory(prefix="sofi-bench-") as folder:
        url = create_database(server, "sofi")
        app = rp_sofi.create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            load_all(db.session)
            start = time.perf_counter()
            loaded = load(args.organisations, args.actions, args.sessions, args.seed, today)
            loaded_at = time.perf_counter()
            published = publish_all()
            for sql in args.sql + (FORMACODE_TABLE if args.proposals else []):
                say(f"extra SQL: {sql}")
                db.session.execute(sa.text(sql))
            db.session.commit()
            say(f"pages all-visible after VACUUM: {vacuum()}")
            say(f"loaded in {loaded_at - start:.1f} s, published {published} actions in "
                f"{time.perf_counter() - loaded_at:.1f} s: {table_counts()}")  # fmt: skip
            say(f"actions by status: {status_counts()}; {loaded.counts}")
            RECORDER.install(db.engine)
            db.session.remove()
        groups = {
            "dashboard": dashboard_calls(loaded, today),
            "catalogue": catalogue_calls(today),
            "queue": queue_calls(today),
            **({"proposals": proposal_calls(today)} if args.proposals else {}),
        }
        timed: list[Timed] = []
        for name, calls in groups.items():
            if args.only and name not in args.only:
                continue
            header(f"{name} ({args.runs} runs after {args.warmup} of warm-up; SQL = execute time of the statements)")
            timed += [time_call(app, call, args.runs, args.warmup) for call in calls]
            say(f"load average: {os.getloadavg()}")
        slowest_export = None
        if not args.only or "export" in args.only:
            slowest_export = time_export(app, today, args.export_runs, Path(folder))
            say(f"load average: {os.getloadavg()}")
        if args.explain:
            for each in timed:
                explain(app, each.call.kind, each.slowest)
            if slowest_export is not None:
                explain(app, "Lhéo export", slowest_export)
        with app.app_context():
            db.engine.dispose()
    say(f"\ntotal {time.perf_counter() - started:.0f} s; load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
