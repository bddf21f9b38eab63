"""Benchmark of the SIRENE import on PostgreSQL (COPY + set-based merge), then of name search at that size.

Not a test. `python bench/directory_import.py --rows 5000000 --data /tmp/sirene-data` starts a throwaway
PostgreSQL cluster, migrates it, imports a fictional SIRENE pair (bench/directory_data.py; generated
once into --data/<rows>/ and reused by later runs) through the real importer, `idp.directory_import.
import_path`, then a monthly file (changed and new rows), and times search_establishments.
"""

import argparse
import contextlib
import csv
import os
import pickle
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from directory_data import Files, generate  # noqa: E402
from directory_search import queries, report, run_queries, timed, vacuum  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.common import create_database, say  # noqa: E402
from idp import create_app, directory_copy  # noqa: E402
from idp.directory_import import import_path  # noqa: E402
from idp.extensions import db  # noqa: E402
from idp.models import Establishment  # noqa: E402
from tests.postgres_cluster import postgres_cluster  # noqa: E402

# A server set for bulk loads (the test cluster keeps PostgreSQL's defaults: 64 MB, 1 GB of WAL between
# checkpoints). Reloaded without a restart; shared_buffers stays at its default 128 MB.
SERVER_SETTINGS = {"maintenance_work_mem": "1GB", "max_wal_size": "8GB", "work_mem": "64MB"}


def data(folder: Path, rows: int, seed: int) -> Files:
    """The files for `rows` establishments: generated once, then read again."""
    place = folder / str(rows)
    saved = place / "files.pickle"
    if saved.exists():
        say(f"reusing {place}")
        return pickle.loads(saved.read_bytes())  # noqa: S301  # our own file, written below
    place.mkdir(parents=True, exist_ok=True)
    files, seconds = timed(lambda: generate(place, rows, seed))
    saved.write_bytes(pickle.dumps(files))
    say(f"generated {rows} establishments in {seconds:.0f} s into {place}")
    return files


def monthly_file(files: Files, folder: Path, changed: int, new: int, rng: random.Random) -> Path:
    """A monthly update: `changed` rows of the stock with a new enseigne or closed, and `new` new
    establishments of existing companies (NIC 9000 up, Luhn keys right)."""
    from directory_data import with_key

    path = folder / "monthly.csv"
    with files.establishments.open(encoding="utf-8", newline="") as source, path.open("w", encoding="utf-8") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, reader.fieldnames or [])
        writer.writeheader()
        for number, row in enumerate(reader):
            if number < changed:
                if number % 2:
                    row["etatAdministratifEtablissement"] = "F"
                else:
                    row["enseigne1Etablissement"] = f"NOUVELLE ENSEIGNE {number}"
                writer.writerow(row)
            elif number < changed + new:
                row["siret"] = with_key(f"{row['siret'][:9]}{9000 + number % 999:04d}")
                row["nic"] = row["siret"][9:]
                writer.writerow(row)
            else:
                break
    return path


def tune_server() -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for name, value in SERVER_SETTINGS.items():
            connection.execute(sa.text(f"ALTER SYSTEM SET {name} = '{value}'"))
        connection.execute(sa.text("SELECT pg_reload_conf()"))


class Timer:
    """Seconds spent in a function of directory_copy: COPY (with the Python reading the file) and merge."""

    def __init__(self, name: str) -> None:
        self.name, self.seconds, self.real = name, 0.0, getattr(directory_copy, name)
        setattr(directory_copy, name, self)

    def __call__(self, *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.real(*args)
        finally:
            self.seconds += time.perf_counter() - start


def import_all(files: Files, rows: int, with_index: bool) -> None:
    report_, seconds = timed(lambda: import_path(db.session, files.companies, "companies"))
    say(f"companies: {report_.imported:,} rows in {seconds:.1f} s = {report_.imported / seconds:,.0f} rows/s")
    if with_index:  # the experiment: the name indexes kept up to date during the first import
        directory_copy._without_name_indexes_if_empty = lambda session, kind: contextlib.nullcontext()
    copy, merge = Timer("_copy"), Timer("_merge")
    report_, seconds = timed(lambda: import_path(db.session, files.establishments, "establishments"))
    assert report_.imported == rows and not report_.rejected, (report_.imported, report_.rejected[:5])
    say(
        f"establishments: {report_.imported:,} rows in {seconds:.1f} s = {report_.imported / seconds:,.0f} rows/s"
        f" (COPY with the reading {copy.seconds:.1f} s, merge {merge.seconds:.1f} s,"
        f" the rest — the name indexes built, the words counted — {seconds - copy.seconds - merge.seconds:.1f} s)"
    )


def monthly(files: Files, folder: Path, rows: int, rng: random.Random) -> None:
    changed, new = rows // 100, rows // 200
    path = monthly_file(files, folder, changed, new, rng)
    report_, seconds = timed(lambda: import_path(db.session, path, "establishments"))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Establishment))
    say(
        f"monthly file ({changed:,} changed, {new:,} new): {report_.imported:,} rows in {seconds:.1f} s"
        f" = {report_.imported / seconds:,.0f} rows/s; {total:,} establishments now"
    )
    assert total == rows + new, total


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="establishments")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "sirene-data")
    parser.add_argument("--with-index", action="store_true", help="keep the name indexes during the first import")
    parser.add_argument("--per-kind", type=int, default=60, help="timed queries of each kind (0: no search)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    started = time.perf_counter()
    say(f"load average at start (other jobs on this machine): {os.getloadavg()}")
    files = data(args.data, args.rows, args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder, postgres_cluster() as server:
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": create_database(server, "bench")})
        with app.app_context():
            upgrade()
            tune_server()
            import_all(files, args.rows, args.with_index)
            say(f"load average after the import: {os.getloadavg()}")
            monthly(files, Path(folder), args.rows, random.Random(args.seed))
            size = db.session.scalar(sa.text("SELECT pg_size_pretty(pg_total_relation_size('establishment'))"))
            say(f"establishment table with its indexes: {size}")
            if args.per_kind:
                vacuum()
                by_kind = queries(files, args.per_kind, random.Random(args.seed))
                run_queries({kind: texts[:5] for kind, texts in by_kind.items()})  # warm-up
                report(run_queries(by_kind))
            db.session.remove()
            db.engine.dispose()
    say(f"\ntotal {time.perf_counter() - started:.0f} s; load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
