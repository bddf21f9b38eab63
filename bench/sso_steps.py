"""The provider's own CPU per step of a login, a refresh and userinfo, without gunicorn: steadier figures.

Not a test. `python bench/sso_steps.py` runs the flows of bench/sso.py inside this process with Flask's
test client against a throwaway PostgreSQL cluster, and reports for each step the CPU this process
spent (the provider, plus the test client's small share; PostgreSQL's own CPU is not counted) and the
SQL statements sent. On a shared machine CPU figures drift with the neighbours' load: the flows run
in blocks and each step's figure is its best block, which is the one least disturbed.
"""

import argparse
import base64
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from werkzeug.test import TestResponse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import BENCH_RATELIMIT_LOGIN, create_database, redis_server, say  # noqa: E402
from bench.sso import REDIRECT_URI, authorization_request, login_form, prepare  # noqa: E402
from idp import create_app  # noqa: E402
from idp.extensions import db  # noqa: E402
from idp.services import authentication  # noqa: E402
from tests.postgres_cluster import free_port, postgres_cluster  # noqa: E402

REFRESHES, USERINFOS = 2, 3  # per login, as a relying party would between two logins


HASH, REST = "2a of which the password hash (argon2id)", "2b of which the rest"


class Steps:
    """CPU seconds and statements per step of the current block."""

    def __init__(self) -> None:
        self.cpu: Counter[str] = Counter()
        self.statements: Counter[str] = Counter()
        self.current = ""
        verify = authentication.verify_password

        def timed_verify(password: str, password_hash: str) -> tuple[bool, str | None]:
            start = time.process_time()
            try:
                return verify(password, password_hash)
            finally:
                self.cpu[HASH] += time.process_time() - start

        # The hash's cost is set by its parameters, not by the provider's code: counted apart.
        authentication.verify_password = timed_verify

    def timed(self, step: str, action: Callable[[], TestResponse]) -> TestResponse:
        self.current, start = step, time.process_time()
        response = action()
        self.cpu[step] += time.process_time() - start
        self.current = ""
        return response


def flow(app: Any, steps: Steps, client_id: str, secret: str) -> None:
    verifier, params = authorization_request(client_id)
    browser, back_channel = app.test_client(), app.test_client()
    basic = {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}
    page = steps.timed("1 authorize → login form", lambda: browser.get("/oidc/authorize", query_string=params))
    action, form = login_form(page.text)
    code_redirect = steps.timed("2 login POST → code", lambda: browser.post(action, data=form))
    assert code_redirect.status_code == 302, code_redirect.text[:500]
    code = parse_qs(urlsplit(code_redirect.headers["location"]).query)["code"][0]
    redeem = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    tokens = steps.timed("3 token", lambda: back_channel.post("/oidc/token", data=redeem, headers=basic)).json
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert steps.timed("4 userinfo", lambda: back_channel.get("/oidc/userinfo", headers=bearer)).status_code == 200
    for _ in range(REFRESHES):
        refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        request = partial(back_channel.post, "/oidc/token", data=refresh, headers=basic)
        tokens = steps.timed("5 refresh", request).json
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    for _ in range(USERINFOS):
        assert steps.timed("6 userinfo", lambda: back_channel.get("/oidc/userinfo", headers=bearer)).status_code == 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flows", type=int, default=300)
    parser.add_argument("--blocks", type=int, default=10)
    parser.add_argument(
        "--rate-limits", action="store_true", help="rate limits on, counted in a throwaway Redis (as in production)"
    )
    args = parser.parse_args()
    per_block = args.flows // args.blocks
    repeats = {"5 refresh": REFRESHES, "6 userinfo": USERINFOS}
    with postgres_cluster() as server, ExitStack() as stack:
        database_url = create_database(server, "steps")
        client_id, secret = prepare(database_url, "http://localhost")
        # As bench/sso.py configures gunicorn: every request comes from one address, so no rate limit, unless asked
        # for with limits the bench never reaches.
        config = {"PUBLIC_URL": "http://localhost", "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench-secret"}
        if args.rate_limits:
            storage = stack.enter_context(redis_server(free_port()))
            config |= {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage}
            config |= {"RATELIMIT_LOGIN": BENCH_RATELIMIT_LOGIN}
        app = create_app({**config, "SQLALCHEMY_DATABASE_URI": database_url})
        steps = Steps()
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", lambda *_: steps.statements.update([steps.current]))
        for _ in range(10):  # warm-up: imports, templates, first key, connection pool
            flow(app, steps, client_id, secret)
        best: dict[str, float] = {}
        for _ in range(args.blocks):
            steps.cpu.clear()
            steps.statements.clear()
            for _ in range(per_block):
                flow(app, steps, client_id, secret)
            steps.cpu[REST] = steps.cpu["2 login POST → code"] - steps.cpu[HASH]
            for step, seconds in steps.cpu.items():
                best[step] = min(best.get(step, float("inf")), 1000 * seconds / per_block / repeats.get(step, 1))
        say(f"{args.flows} flows in {args.blocks} blocks; best block per step\n")
        say("| step | CPU ms | statements |\n| --- | --- | --- |")
        for step in sorted(best):
            statements = steps.statements[step] / per_block / repeats.get(step, 1)
            say(f"| {step} | {best[step]:.2f} | {statements:.0f} |")
        login_steps = ("1 ", "3 ", "4 ")  # and the rest of 2: the hash is apart
        rest = sum(milliseconds for step, milliseconds in best.items() if step[:2] in login_steps or step == REST)
        say(f"| complete login (steps 1 to 4) | {rest + best[HASH]:.2f} | |")
        say(f"| complete login without the hash | {rest:.2f} | |")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
