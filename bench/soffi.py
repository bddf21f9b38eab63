"""Benchmark of SOFFi's agents' pages over ten years of statements for every collecting body: the dashboard
(counters, validated totals by body type, year over year), the paged list of bodies with their statements, and the
cross-body exports (CSV and XLSX of a campaign).

Not a test. `python bench/soffi.py` starts a throwaway PostgreSQL cluster, migrates SOFFi's database, writes in
bulk `--bodies` collecting bodies (OPCO, Transitions Pro, FAF in the sector's proportions) and, for each of
`--years` campaigns, one statement per body with consistent figures (the last campaign open: a third of them still
drafts, a third filed, the rest validated; the earlier ones all validated) with the totals the validation keeps
(`validated_totals`: the bulk load bypasses the services, so it writes them itself), then times the service
functions the pages call (p50/p95 in milliseconds, one session per call as in a request).
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from stdnum import luhn  # noqa: E402

import rp_soffi  # noqa: E402
from bench.common import create_database, say  # noqa: E402
from rp_soffi.extensions import db  # noqa: E402
from rp_soffi.models import Campaign, CollectingBody, Statement  # noqa: E402
from rp_soffi.services import dashboard, validated_totals  # noqa: E402
from rp_soffi.services.dashboard import ListFilters  # noqa: E402
from rp_soffi.statement import exports  # noqa: E402
from rp_soffi.statement.catalogue import BodyType, LineKind, lines_for  # noqa: E402
from rp_soffi.statement.values import LineValue, StatementData  # noqa: E402
from rp_soffi.statement.workflow import CampaignStatus, Status  # noqa: E402
from tests.postgres_cluster import postgres_cluster  # noqa: E402

TYPES = [BodyType.OPCO] * 11 + [BodyType.TRANSITIONS_PRO] * 18 + [BodyType.FAF] * 6 + [BodyType.AUTRE] * 5


def siren(number: int) -> str:
    base = f"8{number:07d}"
    return base + luhn.calc_check_digit(base)


def figures(body_type: BodyType, exercice: int, rng: random.Random) -> dict[str, LineValue]:
    """Every typed line filled: amounts of a few million euros (integer cents), counts beside them."""
    found = {}
    for line in lines_for(body_type):
        if not line.kind.typed:
            continue
        amount = rng.randrange(1_000_000, 500_000_000) * 100 if line.has_amount else None
        count = rng.randrange(1, 50_000) if line.has_count else None
        if line.kind is LineKind.COUNT:
            amount = None
        found[line.code] = LineValue(amount, count, "")
    return found


def load(bodies: int, years: int, seed: int) -> int:
    rng = random.Random(seed)
    registered = []
    for number in range(bodies):
        body_type = TYPES[number % len(TYPES)]
        code = siren(number)
        registered.append(
            CollectingBody(siren=code, siret_siege=code + "00018", name=f"ORGANISME {number:04d}", body_type=body_type)
        )
    db.session.add_all(registered)
    last = 2024
    written = 0
    for exercice in range(last - years + 1, last + 1):
        status = CampaignStatus.OUVERTE if exercice == last else CampaignStatus.CLOSE
        campaign = Campaign(exercice=exercice, title=f"Campagne {exercice}", opens_on=date(exercice + 1, 1, 15),
                            due_on=date(exercice + 1, 6, 30), status=status)  # fmt: skip
        db.session.add(campaign)
        validated = []
        for index, body in enumerate(registered):
            state = [Status.BROUILLON, Status.DEPOSE, Status.VALIDE][index % 3] if exercice == last else Status.VALIDE
            data = StatementData(exercice, body.siren, body.body_type, figures(body.body_type, exercice, rng))
            filed = datetime(exercice + 1, 5, 1) if state is not Status.BROUILLON else None
            statement = Statement(body=body, campaign=campaign, status=state, figures=data.to_json(),
                                  filing_number=1 if filed else 0, filed_at=filed)  # fmt: skip
            db.session.add(statement)
            if state is Status.VALIDE:
                validated.append((statement, data))
            written += 1
        db.session.flush()  # the statements' ids, for their totals
        for statement, data in validated:
            db.session.add_all(validated_totals.rows(statement, data))
        db.session.flush()
    db.session.commit()
    return written


def timed(name: str, call: Callable[[], object], runs: int, warmup: int = 3) -> None:
    millis = []
    for number in range(warmup + runs):
        start = time.perf_counter()
        call()
        db.session.remove()  # one session per call, as a request has
        if number >= warmup:
            millis.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(millis, n=100, method="inclusive")
    say(f"| {name} | {statistics.median(millis):.1f} | {cuts[94]:.1f} | {max(millis):.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=120)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    say(f"load average at start (other jobs on this machine): {os.getloadavg()}")
    with postgres_cluster() as server:
        url = create_database(server, "soffi")
        app = rp_soffi.create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            written = load(args.bodies, args.years, args.seed)
            say(f"{args.bodies} bodies, {written} statements written in {time.perf_counter() - start:.1f} s")
            last = db.session.query(Campaign.id).order_by(Campaign.exercice.desc()).limit(1).scalar()
            db.session.remove()
            say("| call | p50 ms | p95 ms | max ms |\n| --- | --- | --- | --- |")
            timed("dashboard.counters", lambda: dashboard.counters(db.session, last), args.runs)
            timed("dashboard.totals (validated, by type)", lambda: dashboard.totals(db.session, last), args.runs)
            timed("dashboard.year_over_year (10 campaigns)", lambda: dashboard.year_over_year(db.session), args.runs)
            first = ListFilters(campaign_id=last)
            timed("body_page, page 1", lambda: dashboard.body_page(db.session, first), args.runs)
            filtered = ListFilters(campaign_id=last, status=Status.DEPOSE, body_type=BodyType.OPCO)
            timed("body_page, filtered", lambda: dashboard.body_page(db.session, filtered), args.runs)
            timed("export CSV (campaign)",
                  lambda: exports.cross_body_csv(dashboard.export_rows(db.session, last)), args.runs)  # fmt: skip
            timed("export XLSX (campaign)",
                  lambda: exports.cross_body_xlsx(dashboard.export_rows(db.session, last)), args.runs)  # fmt: skip
            db.engine.dispose()
    say(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
