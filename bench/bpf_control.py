"""Benchmark of Mon Activité Formation's control services at the national scale: 100 000 organisations.

Not a test. `python bench/bpf_control.py [--organisations 100000]` starts a throwaway PostgreSQL cluster, migrates
the service's database, writes in bulk the organisations (the 18 régions weighted roughly by their share of
training organisations; 92 % registered), their BPF 2024 (65 % transmitted) and 2025 (70 % transmitted, of which
5 % « Hors délai », 3 % without activity, 4 % rectified: two versions), each BPF holding the valid example's
snapshot. Then it times what the control pages call — the dashboard's counters, a page of the organisations'
list (first and far pages, filtered), the campaign CSV streamed whole — and the nightly public list, national and
for the Pays de la Loire, p50/p95 over repeated runs, with the peak memory of the exports.
"""

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from random import Random

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

import rp_bpf  # noqa: E402
from bench.common import create_database, say  # noqa: E402
from rp_bpf.bpf.content import content_from_json  # noqa: E402
from rp_bpf.bpf.exports import campaign_csv  # noqa: E402
from rp_bpf.bpf.snapshot import canonical_bytes, content_to_json, sha256  # noqa: E402
from rp_bpf.extensions import db  # noqa: E402
from rp_bpf.models import Bpf, BpfStatus, Declaration, DeclarationStatus  # noqa: E402
from rp_bpf.services import control, public_list  # noqa: E402
from rp_bpf.services.control import Filters  # noqa: E402
from shared.territory import REGION_OF_DEPARTEMENT  # noqa: E402
from tests.postgres_cluster import postgres_cluster  # noqa: E402

# Départements weighted by population, roughly: the big ones several times.
HEAVY = {"75": 12, "92": 6, "69": 6, "13": 6, "59": 5, "33": 4, "31": 4, "44": 4, "93": 3, "94": 3, "06": 3}
EXAMPLE = json.loads((ROOT / "demo_data" / "bpf_exemples.json").read_text(encoding="utf-8"))["cas"][0]["bpf"]


def departements(random: Random, count: int) -> list[str]:
    names = list(REGION_OF_DEPARTEMENT)
    weights = [HEAVY.get(name, 1) for name in names]
    return random.choices(names, weights, k=count)


def load(organisations: int, seed: int) -> None:
    random = Random(seed)
    snapshot = content_to_json(content_from_json(EXAMPLE))
    text, digest = canonical_bytes(snapshot).decode(), sha256(snapshot)
    now = datetime(2026, 3, 16, 10, 0)
    places = departements(random, organisations)
    declarations, bpfs = [], []
    for number, departement in enumerate(places, start=1):
        siren = f"{number:09d}"
        registered = random.random() < 0.92
        code_postal = (departement.replace("2A", "20").replace("2B", "20") + "000")[:5]
        declarations.append(
            {
                "id": number, "siren": siren, "siret": f"{siren}00010", "region": REGION_OF_DEPARTEMENT[departement],
                "departement": departement, "denomination": f"ORGANISME {number:06d}", "forme_juridique": "SAS",
                "code_naf": random.choice(["85.59A", "85.59B", "85.32Z", "70.22Z"]), "adresse": "1 RUE DE LA GARE",
                "code_postal": code_postal, "commune": "VILLE", "adresse_publique": random.random() < 0.8,
                "telephone": "02 00 00 00 00", "courriel": "contact@of.example", "dirigeant_nom": "DEMO Dominique",
                "dirigeant_qualite": "Président", "date_debut_activite": None,
                "status": (DeclarationStatus.ENREGISTREE if registered else DeclarationStatus.DEPOSEE).name,
                "motif": None, "deposited_at": now, "registered_at": now if registered else None, "lock": 1,
                "nda": f"{REGION_OF_DEPARTEMENT[departement]}{number:09d}" if registered else None,
            }
        )  # fmt: skip
        if not registered:
            continue
        for exercice, share in ((2024, 0.65), (2025, 0.70)):
            if random.random() >= share:
                continue
            late, empty = random.random() < 0.05, random.random() < 0.03
            versions = 2 if exercice == 2025 and random.random() < 0.04 else 1
            for version in range(1, versions + 1):
                status = BpfStatus.TRANSMIS if version == versions else BpfStatus.RECTIFIE
                bpfs.append(
                    {
                        "declaration_id": number, "siren": siren, "exercice": exercice, "version": version,
                        "status": status.name, "content": text, "reopen_motif": None,
                        "c_total": 0 if empty else 155500, "f1_stagiaires": 0 if empty else 152,
                        "f1_heures": 0 if empty else 6300, "no_activity": empty, "created_at": now, "updated_at": now,
                        "transmitted_at": now, "transmitted_by_sub": "bench", "transmitted_by_name": "Bench",
                        "transmitted_by_siret": None, "on_behalf_of_siret": None, "signataire_nom": "A",
                        "signataire_qualite": "B", "late": late,
                        "receipt_number": f"BPF-{exercice}-{number:011d}-{version}", "snapshot_sha256": digest,
                        "lock": 1,
                    }
                )  # fmt: skip
    with db.engine.begin() as connection:
        for table, rows in ((Declaration.__table__, declarations), (Bpf.__table__, bpfs)):
            for start in range(0, len(rows), 5000):
                connection.execute(sa.insert(table), rows[start : start + 5000])
    # What autovacuum does soon after a bulk load: the statistics, and the visibility map index-only scans need.
    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # Right after the load a pass may leave the map empty (autovacuum's own analysis of the new rows holds
        # their visibility back for a moment): again each second, ten at most.
        for _ in range(10):
            connection.execute(sa.text("VACUUM ANALYZE"))
            if connection.execute(sa.text("SELECT relallvisible FROM pg_class WHERE relname = 'bpf'")).scalar():
                break
            time.sleep(1)
    say(f"loaded {len(declarations)} organisations, {len(bpfs)} BPF rows")


def timed(name: str, call: Callable[[], object], runs: int) -> None:
    call()  # warm-up
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        durations.append((time.perf_counter() - start) * 1000)
        db.session.remove()
    durations.sort()
    p95 = durations[max(0, round(0.95 * len(durations)) - 1)]
    say(f"{name:<58} p50 {statistics.median(durations):8.1f} ms   p95 {p95:8.1f} ms   ({runs} runs)")


def export(filters: Filters) -> int:
    size = 0
    for piece in campaign_csv(control.export_rows(db.session, filters)):
        size += len(piece)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=16)
    options = parser.parse_args()
    with postgres_cluster() as server:
        url = create_database(server, "bpf_bench")
        app = rp_bpf.create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            upgrade()
            load(options.organisations, options.seed)
            for region, label in ((None, "national"), ("52", "Pays de la Loire")):
                timed(
                    f"dashboard counters 2025, {label}",
                    lambda r=region: control.counters(db.session, 2025, r),
                    options.runs,
                )
                for state, page in ((None, 1), (None, 40), ("non_transmis", 1), ("hors_delai", 1)):
                    filters = Filters(2025, region, state=state)
                    name = f"list page {page}{', ' + state if state else ''}, {label}"
                    timed(name, lambda f=filters, p=page: control.organisations(db.session, f, p), options.runs)
            filters = Filters(2025, None, departement="44")
            timed(
                "list page 1, département 44, national",
                lambda: control.organisations(db.session, filters, 1),
                options.runs,
            )
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            for region, label in (("52", "Pays de la Loire"), (None, "national")):
                start = time.perf_counter()
                size = export(Filters(2025, region))
                say(f"campaign CSV 2025, {label}: {size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")
            grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
            say(f"peak memory grown by the exports: {grown:.0f} MB")
            start = time.perf_counter()
            path = public_list.write(db.session, Path(app.instance_path) / "bench_public")
            say(f"public list: {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")
            path.unlink()
            db.engine.dispose()


if __name__ == "__main__":
    main()
