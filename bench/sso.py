"""Benchmark of complete single sign-on logins against the IdP served by gunicorn (2 workers).

Not a test. `python bench/sso.py --flows 200` starts a throwaway PostgreSQL cluster, migrates it,
creates an account and a client, starts gunicorn on loopback, then runs complete authorization-code
logins (authorize → login form → code → token → userinfo), refreshes, userinfo calls and
discovery+JWKS fetches. It reports throughput, per-step latency and the server's CPU time per
operation, read from /proc for the gunicorn workers (the load generator shares the 2 cores, so CPU
per operation is the figure that compares), and for logins the share of the password hash, timed inside
the workers by the provider itself (`idp_password_verification_cpu_seconds_total`, every worker's value in the
run's PROMETHEUS_MULTIPROC_DIR). With --profile it also samples the workers with py-spy.
"""

import argparse
import base64
import hashlib
import re
import secrets
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from prometheus_client import CollectorRegistry, multiprocess

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from bench.common import BENCH_RATELIMIT_LOGIN, create_database, gunicorn, redis_server, say  # noqa: E402
from idp import create_app  # noqa: E402
from idp.extensions import db  # noqa: E402
from idp.services.clients import register_client  # noqa: E402
from tests.idp.factories import PASSWORD, load_directory, make_account  # noqa: E402
from tests.postgres_cluster import free_port, postgres_cluster  # noqa: E402

REDIRECT_URI = "http://127.0.0.1:5999/callback"
EMAIL = "bench@exemple.fr"
# One TLS context for every client the load generator opens: httpx builds one per client otherwise
# (30 ms of CPU, twice per login), which on 2 cores took CPU from the server being measured. The
# server is spoken to in plain HTTP; the context is never used.
TLS = ssl.create_default_context()


def prepare(database_url: str, public_url: str) -> tuple[str, str]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PUBLIC_URL": public_url})
    with app.app_context():
        upgrade()
        load_directory(db.session)
        make_account(db.session, email=EMAIL)
        client, secret = register_client("Banc d'essai", "soffi", [REDIRECT_URI], [])
        db.engine.dispose()
        assert secret is not None
        return client.client_id, secret


BLOCK = 30  # logins per block


def cpu_seconds(pids: list[int]) -> float:
    """CPU time of the workers' threads, in nanoseconds from the scheduler (/proc/<pid>/stat counts
    10 ms ticks). gunicorn's threads live as long as their worker: none of their time is lost."""
    tasks = [path for pid in pids for path in Path(f"/proc/{pid}/task").glob("*/schedstat")]
    return sum(int(path.read_text().split()[0]) for path in tasks) / 1e9


def hash_seconds(folder: Path) -> float:
    """CPU seconds the workers spent verifying passwords so far, as the provider counts them (idp/metrics.py), read
    from their multiprocess files: with sync workers, /metrics could be answered by the same worker every time, and
    these files need no request of their own."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(folder))
    return registry.get_sample_value("idp_password_verification_cpu_seconds_total") or 0.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)]


def authorization_request(client_id: str) -> tuple[str, dict[str, str]]:
    """A PKCE verifier and the parameters of an authorization request a relying party would send."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email habilitations",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }


def login_form(html: str, email: str = EMAIL, password: str = PASSWORD) -> tuple[str, dict[str, str]]:
    """Where the login page's form posts, and what the bench's person types into it (with the page's
    CSRF token)."""
    action = re.search(r'<form method="post" action="([^"]+)"', html)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert action and token, "no login form on the page"
    return unescape(action.group(1)), {"csrf_token": token.group(1), "email": email, "password": password}


class Flow:
    def __init__(self, base: str, client_id: str, secret: str, pids: list[int]) -> None:
        self.base, self.client_id, self.secret, self.pids = base, client_id, secret, pids
        self.steps: dict[str, list[float]] = {}
        self.cpu: Counter[str] = Counter()  # server CPU seconds per step, summed over the flows

    def timed(self, step: str, action: Callable[[], httpx.Response]) -> httpx.Response:
        cpu_before, start = cpu_seconds(self.pids), time.perf_counter()
        response = action()
        self.steps.setdefault(step, []).append(time.perf_counter() - start)
        self.cpu[step] += cpu_seconds(self.pids) - cpu_before
        return response

    def login(self) -> dict[str, str]:
        verifier, params = authorization_request(self.client_id)
        # The browser carries the IdP cookie; the relying party's back channel (token, userinfo) does not.
        with (
            httpx.Client(base_url=self.base, verify=TLS) as browser,
            httpx.Client(base_url=self.base, verify=TLS) as back_channel,
        ):
            page = self.timed("1 authorize → login form", lambda: browser.get("/oidc/authorize", params=params))
            action, form = login_form(page.text)
            code_redirect = self.timed("2 login POST → code", lambda: browser.post(action, data=form))
            assert code_redirect.status_code == 302, code_redirect.text[:500]
            code = parse_qs(urlsplit(code_redirect.headers["location"]).query)["code"][0]
            tokens = self.timed(
                "3 token",
                lambda: back_channel.post(
                    "/oidc/token",
                    data={
                        "grant_type": "authorization_code",
                        "code": code,
                        "redirect_uri": REDIRECT_URI,
                        "code_verifier": verifier,
                    },
                    auth=(self.client_id, self.secret),
                ),
            ).json()
            info = self.timed(
                "4 userinfo",
                lambda: back_channel.get(
                    "/oidc/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
                ),
            )
            assert info.status_code == 200
            return dict(tokens)


def measure(label: str, count: int, pids: list[int], action: Callable[[], None]) -> dict[str, float]:
    before_cpu, before = cpu_seconds(pids), time.perf_counter()
    for _ in range(count):
        action()
    elapsed, cpu = time.perf_counter() - before, cpu_seconds(pids) - before_cpu
    result = {"per_second": count / elapsed, "cpu_ms": 1000 * cpu / count}
    say(
        f"{label}: {count} in {elapsed:.1f} s — {result['per_second']:.1f}/s, server CPU {result['cpu_ms']:.1f} ms each"
    )
    return result


def measure_logins(flow: Flow, hash_dir: Path, count: int, login: Callable[[], None]) -> None:
    """Complete logins, in blocks: the machine's neighbours slow it down for a minute or two at a
    time, and a block shows it (its password hash costs more too)."""
    blocks: list[tuple[float, float]] = []  # (server CPU ms per login, of which the hash), per block
    start = time.perf_counter()
    for size in [BLOCK] * (count // BLOCK) + [count % BLOCK] * bool(count % BLOCK):
        hashed, cpu = hash_seconds(hash_dir), cpu_seconds(flow.pids)
        for _ in range(size):
            login()
        cpu, hashed = cpu_seconds(flow.pids) - cpu, hash_seconds(hash_dir) - hashed
        blocks.append((1000 * cpu / size, 1000 * hashed / size))
    elapsed = time.perf_counter() - start  # with the hash counters' requests: a few per block
    total = statistics.fmean([cpu for cpu, _ in blocks])
    hashes = statistics.fmean([hashed for _, hashed in blocks])
    say(f"complete SSO login: {count} in {elapsed:.1f} s — {count / elapsed:.1f}/s, server CPU {total:.1f} ms each")
    say(f"  of which the password hash {hashes:.1f} ms (argon2id, timed in the workers)")
    say(f"  everything else {total - hashes:.1f} ms")
    rest, hash_range = sorted(cpu - hashed for cpu, hashed in blocks), sorted(hashed for _, hashed in blocks)
    say(
        f"  blocks of {BLOCK}: everything else {rest[0]:.1f} to {rest[-1]:.1f} ms (median "
        f"{statistics.median(rest):.1f}), the hash {hash_range[0]:.1f} to {hash_range[-1]:.1f} ms"
    )


def report_steps(flow: Flow) -> None:
    # A step's CPU is read from before its request to after its answer: the end of a request's
    # teardown may fall in the next step: only the sum over many flows means anything.
    say("\n| step | server CPU ms | p50 ms | p95 ms | p99 ms |\n| --- | --- | --- | --- | --- |")
    for step, values in sorted(flow.steps.items()):
        say(
            f"| {step} | {1000 * flow.cpu[step] / len(values):.1f} | {1000 * statistics.median(values):.1f} "
            f"| {1000 * percentile(values, 0.95):.1f} | {1000 * percentile(values, 0.99):.1f} |"
        )


def profile(pids: list[int], seconds: int, workload: Callable[[], None]) -> None:
    """Sample the workers with py-spy while the workload runs; print where the time goes.

    Only the thread holding the GIL is sampled (--gil): without it, py-spy here also counts the time a
    worker waits for PostgreSQL, and that is not CPU. Native code that releases the GIL is therefore
    missing from the samples: the argon2 verification and the RSA signature (measured on their own:
    about 24 ms and 1 ms).
    """
    folder = Path(tempfile.mkdtemp())
    spies = [  # keep-alive connections may land on either worker: sample both
        subprocess.Popen(
            [
                "py-spy",
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(seconds),
                "--rate",
                "250",
                "--format",
                "raw",
                "--output",
                str(folder / f"{pid}.txt"),
                "--nonblocking",
                "--gil",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workload()
    for spy in spies:
        spy.wait()
    lines = [line for path in folder.glob("*.txt") for line in path.read_text().splitlines()]
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count = line.rpartition(" ")
        total += int(count)
        seen: set[str] = set()
        for frame in stack.split(";"):
            for label, pattern in CATEGORIES.items():
                if pattern in frame and label not in seen:
                    inclusive[label] += int(count)
                    seen.add(label)
            function = re.sub(r":\d+\)$", ")", frame.strip())
            if ("idp/" in frame or "shared/" in frame) and "site-packages" not in frame and function not in seen:
                own[function] += int(count)
                seen.add(function)
    say(f"\nWhere a worker's time goes ({total} samples, inclusive):")
    for label, count in inclusive.most_common():
        say(f"  {100 * count / total:5.1f} %  {label}")
    say("\nThe project's own functions (inclusive):")
    for function, count in own.most_common(20):
        say(f"  {100 * count / total:5.1f} %  {function}")


CATEGORIES = {
    # Layers: outside Flask.wsgi_app is gunicorn (HTTP parsing, its threads); inside it but outside
    # dispatch_request is Flask's own work (request context, cookie session, hooks, teardown).
    "Flask (the WSGI app; the rest is gunicorn)": "Flask.wsgi_app",
    "the views (Flask.dispatch_request)": "Flask.dispatch_request",
    "argon2 password verification": "verify_and_update",
    "ID token signing (RSA)": "encode_id_token",
    "Jinja template rendering": "render_template",
    "SQLAlchemy (queries, flush, commit)": "sqlalchemy/",
    "psycopg (database round trips)": "psycopg/",
    "session cookie (itsdangerous)": "itsdangerous/",
    "WTForms / CSRF": "wtforms/",
    "Authlib": "authlib/",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flows", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="seconds of py-spy sampling (0: none)")
    parser.add_argument("--profile-workload", choices=["login", "refresh", "userinfo"], default="login")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn's (sync: no keep-alive)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--rate-limits", action="store_true", help="rate limits on, counted in a throwaway Redis (as in production)"
    )
    args = parser.parse_args()
    with postgres_cluster() as server, ExitStack() as stack:
        database_url, port = create_database(server, "bench"), free_port()
        base = f"http://127.0.0.1:{port}"
        client_id, secret = prepare(database_url, base)
        hash_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        environment = {
            "PROMETHEUS_MULTIPROC_DIR": str(hash_dir),
            "DATABASE_URL": database_url,
            "IDP_PUBLIC_URL": base,
            "SECRET_KEY": "bench-secret",
            "RATELIMIT_ENABLED": "0",
        }
        if args.rate_limits:
            environment["RATELIMIT_ENABLED"] = "1"
            environment["RATELIMIT_STORAGE_URI"] = stack.enter_context(redis_server(free_port()))
            environment["BENCH_RATELIMIT_LOGIN"] = BENCH_RATELIMIT_LOGIN
        with gunicorn("bench.sso_server:app", port, "/connexion", args.worker_class, args.threads, environment) as pids:
            flow = Flow(base, client_id, secret, pids)
            for _ in range(10):  # warm-up: imports, first key, connection pools
                flow.login()
            flow.steps.clear()
            flow.cpu.clear()
            say(f"gunicorn workers {pids}; {args.flows} flows, sequential, PostgreSQL 15 on loopback")
            refresh_tokens = []
            measure_logins(flow, hash_dir, args.flows, lambda: refresh_tokens.append(flow.login()))
            report_steps(flow)
            http = httpx.Client(base_url=base, verify=TLS)
            current = [refresh_tokens[-1]]

            def refresh() -> None:
                response = http.post(
                    "/oidc/token",
                    auth=(client_id, secret),
                    data={"grant_type": "refresh_token", "refresh_token": current[0]["refresh_token"]},
                )
                assert response.status_code == 200, response.text
                current[0] = response.json()

            def userinfo() -> None:
                response = http.get("/oidc/userinfo", headers={"Authorization": f"Bearer {current[0]['access_token']}"})
                assert response.status_code == 200

            def discovery() -> None:
                assert http.get("/.well-known/openid-configuration").status_code == 200
                assert http.get("/oidc/jwks").status_code == 200

            say("")
            measure("refresh", args.flows * 2, pids, refresh)
            measure("userinfo", args.flows * 5, pids, userinfo)
            measure("discovery + JWKS", args.flows * 2, pids, discovery)
            if args.profile:
                workloads = {
                    "login": lambda: refresh_tokens.append(flow.login()),
                    "refresh": refresh,
                    "userinfo": userinfo,
                }
                profile(pids, args.profile, workloads[args.profile_workload])


if __name__ == "__main__":
    main()
