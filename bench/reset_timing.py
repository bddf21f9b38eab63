"""Whether « Mot de passe oublié ? » tells by its time which addresses have an account (issue 13: a known
address took 9.7 ms against 5.5 ms for an unknown one, every known one slower than the slowest unknown).

Not a test. `python bench/reset_timing.py --runs 30` starts a throwaway PostgreSQL cluster, migrates it,
creates one active account, then posts the reset form through Flask's test client, alternating a known and
an unknown address, and prints the medians and how the two distributions overlap. A token is fetched once
per address kind: the CSRF check stays on, as in production.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from bench.common import create_database, say  # noqa: E402
from idp import create_app  # noqa: E402
from idp.extensions import db  # noqa: E402
from tests.idp import factories  # noqa: E402
from tests.postgres_cluster import postgres_cluster  # noqa: E402

KNOWN = "claire.testeuse@exemple.fr"


def csrf_token(client: FlaskClient) -> str:
    page = client.get("/mot-de-passe/oublie").get_data(as_text=True)
    start = page.index('name="csrf_token"')
    value = page.index('value="', start) + len('value="')
    return page[value : page.index('"', value)]


def timed_posts(app: Flask, runs: int) -> dict[str, list[float]]:
    client = app.test_client()
    token = csrf_token(client)
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for number in range(runs + 5):  # the first five of each: warm-up, not counted
        for kind, email in (("known", KNOWN), ("unknown", f"personne{number}@exemple.fr")):
            start = time.perf_counter()
            answer = client.post("/mot-de-passe/oublie", data={"csrf_token": token, "email": email})
            elapsed = (time.perf_counter() - start) * 1000
            assert answer.status_code == 200, answer.status_code
            if number >= 5:
                times[kind].append(elapsed)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    say(f"load average at start: {os.getloadavg()}")
    with postgres_cluster() as server:
        url = create_database(server, "bench")
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            factories.load_directory(db.session)
            factories.make_account(db.session, email=KNOWN)
            db.session.remove()
        times = timed_posts(app, args.runs)
    known, unknown = times["known"], times["unknown"]
    say(f"{args.runs} posts each, ms: known median {statistics.median(known):.2f} (min {min(known):.2f}, "
        f"max {max(known):.2f}); unknown median {statistics.median(unknown):.2f} (min {min(unknown):.2f}, "
        f"max {max(unknown):.2f})")  # fmt: skip
    above = sum(value > max(unknown) for value in known)
    say(f"known answers slower than the slowest unknown one: {above} of {len(known)}")


if __name__ == "__main__":
    main()
