"""Benchmark of the establishment directory on PostgreSQL: import throughput and search latency.

Not a test. `python bench/directory_search.py --rows 1000000` starts a throwaway PostgreSQL cluster,
migrates it, generates a fictional SIRENE-shaped directory, imports it through the real importer
(COPY for the rest when the importer would take too long), then times search_establishments.
"""

import argparse
import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from directory_data import CITIES, Files, generate  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.common import create_database, say  # noqa: E402
from idp import create_app  # noqa: E402
from idp.directory_import import establishment_values, import_file, import_path  # noqa: E402
from idp.extensions import db  # noqa: E402
from idp.models import Company, Establishment  # noqa: E402
from idp.services.directory import search_establishments  # noqa: E402
from tests.postgres_cluster import postgres_cluster  # noqa: E402

NAME_INDEXES = ("ix_establishment_search_name_trgm", "ix_establishment_search_words")


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


# Import ------------------------------------------------------------------------------------------


def import_companies(files: Files) -> None:
    report, seconds = timed(lambda: import_path(db.session, files.companies, "companies"))
    say(f"companies: {report.imported} rows in {seconds:.1f} s = {report.imported / seconds:,.0f} rows/s")


def _lines(path: Path, start: int, stop: int | None) -> io.StringIO:
    """The header and data lines [start, stop) of a CSV (no field of ours holds a newline)."""
    with path.open(encoding="utf-8") as source:
        header = source.readline()
        return io.StringIO(header + "".join(islice(source, start, stop)))


def import_establishments(files: Files, rows: int, sample: int, budget: float) -> None:
    """The importer on a sample; the rest through it too if that fits in the budget, else COPY."""
    report, seconds = timed(lambda: import_file(db.session, _lines(files.establishments, 0, sample), "establishments"))
    rate = report.imported / seconds
    say(f"establishments, import_file: {report.imported} rows in {seconds:.1f} s = {rate:,.0f} rows/s")
    rest = rows - sample
    if rest <= 0:
        return
    if rest / rate <= budget:
        report, seconds = timed(
            lambda: import_file(db.session, _lines(files.establishments, sample, None), "establishments")
        )
        say(f"establishments, import_file (rest): {report.imported} rows = {report.imported / seconds:,.0f} rows/s")
        return
    count, seconds = timed(lambda: copy_establishments(files.establishments, sample))
    say(f"establishments, COPY (rest): {count} rows in {seconds:.1f} s = {count / seconds:,.0f} rows/s")


def _copy_rows(path: Path, skip: int, names: dict[str, str]) -> Iterator[tuple[Any, ...]]:
    columns = [column.name for column in Establishment.__table__.columns]
    with path.open(encoding="utf-8", newline="") as source:
        for row in islice(csv.DictReader(source), skip, None):
            values = establishment_values(row, names)  # the importer's own rules, only the writing differs
            yield tuple(values[column] for column in columns)


def copy_establishments(path: Path, skip: int) -> int:
    names = dict(db.session.execute(sa.select(Company.siren, Company.name)).all())
    columns = ", ".join(column.name for column in Establishment.__table__.columns)
    count = 0
    connection = db.session.connection().connection.driver_connection
    assert connection is not None
    with connection.cursor() as cursor, cursor.copy(f"COPY establishment ({columns}) FROM STDIN") as copy:
        for row in _copy_rows(path, skip, names):
            copy.write_row(row)
            count += 1
    db.session.commit()
    return count


def vacuum() -> None:
    """What autovacuum does soon after a big import: statistics, and the GIN pending list merged
    (searches read that list sequentially until then: a few ms per query at this size)."""
    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))


# Queries -----------------------------------------------------------------------------------------


def spaced(siret: str) -> str:
    """As printed on a Kbis: 879 036 895 00016."""
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def words_of(name: str, count: int, rng: random.Random) -> str:
    """`count` words of a real name, in their order: the query finds at least that company."""
    words = [word for word in name.split() if len(word) >= 3]
    start = rng.randrange(max(len(words) - count + 1, 1))
    return " ".join(words[start : start + count]).lower()


def queries(files: Files, per_kind: int, rng: random.Random) -> dict[str, list[str]]:
    """Queries as people type them (lower case, accents, apostrophes), by kind."""
    common = ["formation", "Services", "conseil", "MARTIN", "transports", "boulangerie", "garage", "Centre"]
    cities = [city for city, _, _ in CITIES]
    makers: dict[str, Callable[[], str]] = {
        "common word": lambda: rng.choice(common),
        "rare word": lambda: rng.choice(files.rare).lower(),
        "two words": lambda: words_of(rng.choice(files.names), 2, rng),
        "rare + common": lambda: words_of(rng.choice(files.rare_names), 2, rng),
        "centre de formation + city": lambda: f"centre de formation {rng.choice(cities)}",
        "3 letters": lambda: rng.choice(["for", "gar", "bou", "tra", "ser", "ion", "mar"]),
        "no match": lambda: "".join(rng.choices("ZQXWKJ", k=6)),
        "siret": lambda: rng.choice(files.sirets),
        "siret spaced": lambda: spaced(rng.choice(files.sirets)),
        "siren": lambda: rng.choice(files.sirets)[:9],
    }
    return {kind: [make() for _ in range(per_kind)] for kind, make in makers.items()}


def run_queries(by_kind: dict[str, list[str]]) -> dict[str, tuple[list[float], list[int]]]:
    timings: dict[str, tuple[list[float], list[int]]] = defaultdict(lambda: ([], []))
    for kind, texts in by_kind.items():
        for text in texts:
            start = time.perf_counter()
            result = search_establishments(db.session, text)
            seconds = time.perf_counter() - start
            assert result.error is None, (text, result.error)
            assert result.establishments or kind == "no match", text
            timings[kind][0].append(seconds * 1000)
            timings[kind][1].append(len(result.establishments))
            db.session.remove()  # one request, one session
    return timings


def report(timings: dict[str, tuple[list[float], list[int]]]) -> None:
    say(f"\n{'query kind':<28} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'results':>8}")
    for kind, (millis, counts) in timings.items():
        cuts = statistics.quantiles(millis, n=100, method="inclusive")
        say(
            f"{kind:<28} {len(millis):>4} {cuts[49]:>8.1f} {cuts[94]:>8.1f} {cuts[98]:>8.1f} {max(millis):>8.1f}"
            f" {statistics.mean(counts):>8.1f}"
        )


def explain(texts: dict[str, str]) -> None:
    """EXPLAIN ANALYZE of the statement search_establishments sends for one query of each kind."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        for kind, text in texts.items():
            captured.clear()
            search_establishments(db.session, text)
            # The search's last query, under the settings (SET LOCAL) the search gave it.
            last = max(i for i, (statement, _) in enumerate(captured) if statement.lstrip().startswith("SELECT"))
            connection = db.session.connection()
            for setting, _ in captured[:last]:
                if setting.startswith("SET LOCAL"):
                    connection.exec_driver_sql(setting)
            statement, parameters = captured[last]
            plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [str(line) for (line,) in plan]
            used = [index for index in NAME_INDEXES if any(index in line for line in lines)]
            say(f"\n--- {kind} « {text} »: uses {', '.join(used) or 'NO name index'}")
            say("\n".join(lines))
            db.session.remove()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)


# Main --------------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="establishments to generate")
    parser.add_argument("--sample", type=int, default=100_000, help="establishments imported through import_file")
    parser.add_argument("--budget", type=float, default=420, help="seconds the importer may take for the rest")
    parser.add_argument("--per-kind", type=int, default=60, help="timed queries of each kind")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    started = time.perf_counter()
    say(f"load average at start (other jobs on this machine): {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="bench-directory-") as folder, postgres_cluster() as server:
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": create_database(server, "bench")})
        with app.app_context():
            upgrade()
            files, seconds = timed(lambda: generate(Path(folder), args.rows, args.seed))
            say(f"generated {args.rows} establishments in {seconds:.0f} s")
            import_companies(files)
            import_establishments(files, args.rows, min(args.sample, args.rows), args.budget)
            vacuum()
            by_kind = queries(files, args.per_kind, random.Random(args.seed))
            run_queries({kind: texts[:5] for kind, texts in by_kind.items()})  # warm-up
            report(run_queries(by_kind))
            explain({kind: texts[0] for kind, texts in by_kind.items() if kind not in {"siret spaced"}})
            db.session.remove()
            db.engine.dispose()
    say(f"\ntotal {time.perf_counter() - started:.0f} s; load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
