"""Fault tests of the production-like topology (issue 18): one script, bounded in time, loopback only.

Not a test of the suite. `python bench/faults.py` brings `scripts/production-like` up (or uses the one running, left
running), registers a client and an account for the bench, then under a small load of complete SSO logins through
nginx (authorize → login form → code → token → refresh → userinfo → the old refresh token again, refused → the code
again, refused; each thread from its own loopback address, so that the per-address login limit is not what is
measured):

1. kills one provider instance with SIGKILL (its whole process group) mid-load: every login succeeds or fails cleanly
   (502/503/504 or a dropped connection, nothing else), each failed one succeeds when retried, the browsers logged in
   before the kill still get a code without their password from the survivor, and the database holds no code
   exchanged twice, no token from an unused code, no refresh token valid twice;
2. restarts PostgreSQL mid-load: the pages answer 503 with the French page meanwhile, never 500, logins work again
   without any app restarted, and no half-written rows (a used code without its tokens, a rotated refresh token
   without its successor);
3. stops the mail catcher, asks for password resets (two demo accounts, two each), sees them wait in the outbox,
   restarts it: each e-mail arrives once, in its recipient's order;
4. stops Redis: a login answers 503 in French, the public pages still answer 200; Redis back, logins work.

Prints a table of the outcomes and figures; exits 1 if an invariant failed. Whatever happens, what it stopped is
started again, and what it started is stopped at the end.
"""

import argparse
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sso import REDIRECT_URI, authorization_request, login_form  # noqa: E402
from scripts import production_like, topology  # noqa: E402
from scripts.production_like import servers  # noqa: E402
from scripts.production_like.layout import Layout, instances  # noqa: E402

UNAVAILABLE = "Service momentanément indisponible"
EMAIL, PASSWORD = "banc.pannes@exemple.fr", "Correct-Horse-Battery-42"
RESET_RECIPIENTS = ("jules.gestionnaire@opco-demo.example", "camille.formatrice@formaloire.example")
RESET_LINK = re.compile(r"/mot-de-passe/reinitialisation/([A-Za-z0-9._\-]+)")


class Failed(Exception):
    """A clean failure: an error status or a dropped connection; the person can try again."""


class Broken(Exception):
    """An invariant broken: a 500, an unexpected answer, a code or a refresh token accepted twice."""


@dataclass
class Bench:
    layout: Layout
    client_id: str = ""
    secret: str = ""

    @property
    def base(self) -> str:
        return self.layout.url("idp")

    def browser(self, source: str) -> httpx.Client:
        """A client speaking from `source`, a loopback address (see next_source)."""
        transport = httpx.HTTPTransport(local_address=source)
        return httpx.Client(base_url=self.base, transport=transport, timeout=15)

    def query(self, sql: str, *parameters: Any) -> list[tuple[Any, ...]]:
        url = self.layout.database_url("idp").replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(url, connect_timeout=5) as connection:
            return connection.execute(sql.encode(), parameters).fetchall()


def expect(response: httpx.Response, status: int, step: str) -> httpx.Response:
    if response.status_code == status:
        return response
    if response.status_code in {502, 503, 504}:
        french = " (page française)" if UNAVAILABLE in " ".join(response.text.split()) else ""
        raise Failed(f"{step} {response.status_code}{french}")
    raise Broken(f"{step}: {response.status_code} {response.text[:200]!r}")


def login(bench: Bench, source: str, browser: httpx.Client | None = None) -> None:
    """One complete login, as a browser and a relying party do it; raises Failed or Broken."""
    verifier, params = authorization_request(bench.client_id)
    owned = browser is None
    browser = browser or bench.browser(source)
    auth = (bench.client_id, bench.secret)
    try:
        with bench.browser(source) as back:
            page = expect(browser.get("/oidc/authorize", params=params), 200, "authorize")
            action, form = login_form(page.text, EMAIL, PASSWORD)
            redirect = expect(browser.post(action, data=form), 302, "login")
            code = parse_qs(urlsplit(redirect.headers["location"]).query).get("code")
            if not code:
                raise Broken(f"login: no code in {redirect.headers['location'][:120]!r}")
            grant = {"grant_type": "authorization_code", "code": code[0], "redirect_uri": REDIRECT_URI}
            grant["code_verifier"] = verifier
            tokens = expect(back.post("/oidc/token", data=grant, auth=auth), 200, "token").json()
            refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
            renewed = expect(back.post("/oidc/token", data=refresh, auth=auth), 200, "refresh").json()
            bearer = {"Authorization": f"Bearer {renewed['access_token']}"}
            expect(back.get("/oidc/userinfo", headers=bearer), 200, "userinfo")
            if back.post("/oidc/token", data=refresh, auth=auth).status_code == 200:
                raise Broken("a refresh token was used twice")
            # Last: a code presented again revokes what it gave (RFC 6749 §4.1.2), the refreshed tokens too.
            if back.post("/oidc/token", data=grant, auth=auth).status_code == 200:
                raise Broken("a code was exchanged twice")
    except httpx.TransportError as error:
        raise Failed(type(error).__name__) from error
    finally:
        if owned:
            browser.close()


SOURCES = itertools.count()
SOURCES_LOCK = threading.Lock()


def next_source() -> str:
    """A new loopback address per login (127.1.x.y): the per-address login limit (30 a minute) is not what is
    measured here, and every login of the load would otherwise come from one address."""
    with SOURCES_LOCK:
        number = next(SOURCES)
    return f"127.1.{number // 250}.{number % 250 + 1}"


def attempt(bench: Bench) -> tuple[str, str]:
    try:
        login(bench, next_source())
    except Failed as error:
        return "failed", str(error)
    except Broken as error:
        return "broken", str(error)
    return "ok", ""


Record = tuple[float, str, str]  # (monotonic time, outcome, detail)


def under_load(bench: Bench, threads: int, seconds: float, fault_at: float, fault: Callable[[], None]) -> list[Record]:
    """Logins from `threads` threads for `seconds`; `fault` runs `fault_at` seconds in."""
    records: list[Record] = []
    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            outcome, detail = attempt(bench)
            records.append((time.monotonic(), outcome, detail))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(fault_at)
        fault()
        time.sleep(max(seconds - fault_at, 0))
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    return records


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, bool]] = []

    def check(self, fault: str, what: str, observed: object, good: bool) -> None:
        self.rows.append((fault, what, str(observed), good))
        print(f"  {'ok  ' if good else 'FAIL'} {fault} — {what}: {observed}", flush=True)

    def table(self) -> str:
        lines = ["| fault | check | observed | |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {fault} | {what} | {seen} | {'ok' if good else '**FAIL**'} |" for fault, what, seen, good in self.rows
        ]
        return "\n".join(lines)

    @property
    def failed(self) -> bool:
        return not all(good for *_, good in self.rows)


def summary(records: list[Record]) -> str:
    counts = Counter(outcome for _, outcome, _ in records)
    return ", ".join(f"{outcome} {count}" for outcome, count in sorted(counts.items()))


def failures(records: list[Record]) -> str:
    counts = Counter(detail for _, outcome, detail in records if outcome != "ok")
    return "; ".join(f"{detail} ×{count}" for detail, count in counts.most_common(6)) or "none"


def token_invariants(bench: Bench, report: Report, fault: str) -> None:
    checks = {
        "codes exchanged twice": """SELECT count(*) FROM (SELECT authorization_code_id FROM oauth_token
            WHERE client_id = %s AND authorization_code_id IS NOT NULL GROUP BY authorization_code_id
            HAVING count(DISTINCT family) > 1) AS twice""",
        "tokens from a code not marked used": """SELECT count(*) FROM oauth_token AS t
            JOIN authorization_code AS c ON c.id = t.authorization_code_id
            WHERE t.client_id = %s AND c.used_at IS NULL""",
        "token families with two valid refresh tokens": """SELECT count(*) FROM (SELECT family FROM oauth_token
            WHERE client_id = %s AND refresh_token_hash IS NOT NULL AND rotated_at IS NULL AND revoked_at IS NULL
            GROUP BY family HAVING count(*) > 1) AS twice""",
        "used codes without their tokens (half-written)": """SELECT count(*) FROM authorization_code AS c
            WHERE c.client_id = %s AND c.used_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM oauth_token AS t WHERE t.authorization_code_id = c.id)""",
        "rotated refresh tokens without a successor (half-written)": """SELECT count(*) FROM oauth_token AS t
            WHERE t.client_id = %s AND t.rotated_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM oauth_token AS n WHERE n.family = t.family AND n.id > t.id)""",
    }
    for what, sql in checks.items():
        ((count,),) = bench.query(sql, bench.client_id)
        report.check(fault, f"database: {what}", count, count == 0)


def kill_one_instance(bench: Bench, report: Report, threads: int, seconds: float) -> None:
    fault, layout = "kill -9 idp-1", bench.layout
    browsers = [bench.browser(next_source()) for _ in range(4)]
    for browser in browsers:  # logged in before the kill, on either instance
        login(bench, next_source(), browser)
    victim = servers.read_pid(layout.pid_file("idp-1"))
    assert victim is not None
    killed: list[float] = []

    def kill() -> None:
        os.killpg(victim, signal.SIGKILL)  # the master and its workers, with no time to finish anything
        killed.append(time.monotonic())

    try:
        records = under_load(bench, threads, seconds, seconds / 3, kill)
        print(f"  load: {summary(records)}; {failures(records)}")
        failed = [detail for _, outcome, detail in records if outcome == "failed"]
        broken = [detail for _, outcome, detail in records if outcome == "broken"]
        report.check(fault, "logins during the load", summary(records), not broken)
        report.check(fault, "failures, each clean", "; ".join(sorted(set(failed))) or "none", not broken)
        retried = [attempt(bench)[0] for _ in failed]
        report.check(
            fault,
            "failed logins retried, succeeded",
            f"{retried.count('ok')}/{len(failed)}",
            all(outcome == "ok" for outcome in retried),
        )
        after = [outcome for moment, outcome, _ in records if moment > killed[0] + 1]
        report.check(
            fault, "logins OK on the survivor alone", f"{after.count('ok')}/{len(after)}", after.count("ok") > 0
        )
        silent = 0
        for browser in browsers:
            _, params = authorization_request(bench.client_id)
            answer = browser.get("/oidc/authorize", params=params)
            silent += answer.status_code == 302 and "code=" in answer.headers.get("location", "")
        report.check(fault, "sessions opened before the kill, code without password", f"{silent}/4", silent == 4)
        token_invariants(bench, report, fault)
    finally:
        for browser in browsers:
            browser.close()
        production_like.start_process(layout, "idp-1", dict(instances())["idp-1"])
        production_like.wait_healthy(layout, "idp-1")


def restart_postgres(bench: Bench, report: Report, threads: int, seconds: float) -> None:
    fault, layout = "PostgreSQL restart", bench.layout
    # Every process but the mail catcher reads the database: each must still run, the same process.
    apps = {name: servers.read_pid(layout.pid_file(name)) for name, _ in instances() if name != "mail-catcher"}
    moments: dict[str, float] = {}

    def restart() -> None:
        servers.stop_postgres(layout, "fast")
        moments["down"] = time.monotonic()
        time.sleep(5)  # an outage long enough to be seen
        servers.start_postgres(layout)
        moments["up"] = time.monotonic()

    try:
        records = under_load(bench, threads, seconds, 4, restart)
    finally:
        servers.start_postgres(layout)
    print(f"  load: {summary(records)}; {failures(records)}")
    during = [detail for moment, outcome, detail in records if moments["down"] <= moment <= moments["up"] + 1]
    failed = [detail for detail in during if detail]
    french = sum("503 (page française)" in detail for detail in failed)
    report.check(
        fault, "failures during the outage: 503, French page", f"{french}/{len(failed)}", 0 < french == len(failed)
    )
    broken = [detail for _, outcome, detail in records if outcome == "broken"]
    report.check(fault, "500s or unexpected answers", "; ".join(sorted(set(broken))) or "none", not broken)
    back = [moment for moment, outcome, _ in records if outcome == "ok" and moment > moments["up"]]
    recovery = f"{back[0] - moments['up']:.1f} s after the restart" if back else "never"
    report.check(fault, "first login OK again (pool recovered by itself)", recovery, bool(back))
    after = [attempt(bench)[0] for _ in range(5)]
    report.check(fault, "logins after the restart", f"{after.count('ok')}/5", after.count("ok") == 5)
    same = {name: servers.read_pid(layout.pid_file(name)) for name in apps} == apps
    report.check(fault, f"the {len(apps)} apps, workers and jobs still run, not restarted (same pids)", same, same)
    token_invariants(bench, report, fault)


def request_reset(bench: Bench, email: str, source: str) -> int:
    with bench.browser(source) as browser:
        page = browser.get("/mot-de-passe/oublie")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
        assert token, "no form on /mot-de-passe/oublie"
        return browser.post("/mot-de-passe/oublie", data={"csrf_token": token.group(1), "email": email}).status_code


def wait_until(condition: Callable[[], bool], seconds: float) -> float | None:
    """Seconds until `condition` held, None if it never did within `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.5)
    return None


def smtp_outage(bench: Bench, report: Report) -> None:
    fault, layout = "SMTP relay down", bench.layout
    catcher = dict(instances())["mail-catcher"]
    ((before,),) = bench.query("SELECT coalesce(max(id), 0) FROM outbox_message")
    servers.stop_pid(layout.pid_file("mail-catcher"))
    try:
        recipients = [*RESET_RECIPIENTS, *RESET_RECIPIENTS]
        statuses = [request_reset(bench, email, next_source()) for email in recipients]
        report.check(fault, "reset requests answered", statuses, statuses == [200] * 4)

        def rows() -> list[tuple[Any, ...]]:
            sql = "SELECT id, recipient, body_text, attempts, sent_at FROM outbox_message WHERE id > %s ORDER BY id"
            return bench.query(sql, before)

        # Only the first e-mail of each address is tried: the second waits behind it (each address's order).
        waited = wait_until(lambda: len(rows()) == 4 and sum(row[3] >= 1 for row in rows()) == 2, 30)
        unsent = [row for row in rows() if row[4] is None]
        report.check(
            fault,
            "e-mails waiting in the outbox, each address's first one tried",
            len(unsent),
            len(unsent) == 4 and waited is not None,
        )
    finally:
        production_like.start_process(layout, "mail-catcher", catcher)
        servers.wait_for(lambda: servers.answers(f"http://127.0.0.1:{layout.ports.mail_web}/"), "mail-catcher")
    delay = wait_until(lambda: all(row[4] is not None for row in rows()), 150)
    report.check(
        fault, "sent once the relay is back", f"after {delay:.0f} s" if delay else "not within 150 s", delay is not None
    )
    received = httpx.get(f"http://127.0.0.1:{layout.ports.mail_web}/email", timeout=10).json()
    for recipient in RESET_RECIPIENTS:
        queued = [RESET_LINK.findall(row[2]) for row in rows() if row[1] == recipient]
        arrived = [RESET_LINK.findall(mail["text"]) for mail in received if mail["to"][0]["address"] == recipient]
        report.check(
            fault, f"{recipient}: received once each, in order", f"{len(arrived)} of {len(queued)}", arrived == queued
        )


def redis_outage(bench: Bench, report: Report) -> None:
    fault, layout = "Redis down", bench.layout
    servers.stop_pid(layout.pid_file("redis"), group=False)
    try:
        with bench.browser(next_source()) as browser:
            page = browser.get("/connexion")
            report.check(fault, "login page (counts nothing)", page.status_code, page.status_code == 200)
            action, form = login_form(page.text, EMAIL, PASSWORD)
            refused = browser.post(action, data=form)
            french = UNAVAILABLE in refused.text
            report.check(
                fault,
                "login POST refused in French",
                f"{refused.status_code}, French page {french}",
                refused.status_code == 503 and french,
            )
            ready = browser.get("/readyz")
            report.check(fault, "/readyz through nginx says so", ready.status_code, ready.status_code == 503)
        public = {
            "idp /": bench.base + "/",
            "SOFFi /": layout.url("soffi") + "/",
            "SOFI /catalogue": layout.url("sofi") + "/catalogue",
            "discovery": bench.base + "/.well-known/openid-configuration",
        }
        codes = {name: httpx.get(url, timeout=10, follow_redirects=True).status_code for name, url in public.items()}
        report.check(fault, "read-only public pages", codes, set(codes.values()) == {200})
    finally:
        servers.start_redis(layout)
    after = attempt(bench)
    report.check(fault, "login once Redis is back", after[0], after[0] == "ok")


def prepare(bench: Bench) -> None:
    """The bench's client and account, through the provider's own commands (with the provider's variables)."""
    layout = bench.layout
    register = ["flask", "--app", "idp", "clients", "create", "--name", "Banc de pannes", "--service", "soffi"]
    register += ["--redirect-uri", REDIRECT_URI, "--json"]
    account = ["flask", "--app", "idp", "accounts", "create", "--email", EMAIL, "--password", PASSWORD]
    account += ["--civilite", "Mme", "--nom", "Pannes", "--prenom", "Banc", "--siret", "99791566500019", "--active"]
    for argv in (register, account):
        done = subprocess.run(
            argv, cwd=ROOT, env=layout.environment(argv, topology.IDP), capture_output=True, text=True, check=False
        )
        if argv is register:
            found = json.loads(done.stdout.strip().splitlines()[-1])
            bench.client_id, bench.secret = found["client_id"], found["client_secret"]
    login(bench, next_source())  # the account exists (created now or by an earlier run) and logs in


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=3, help="logins at once during the load")
    parser.add_argument("--seconds", type=float, default=20, help="length of each load")
    parser.add_argument("--only", choices=["kill", "postgres", "smtp", "redis"], action="append", help="these faults")
    options = parser.parse_args()
    layout = Layout.from_environment()
    was_running = any(production_like.status(layout).values())
    report, start = Report(), time.monotonic()
    try:
        production_like.up(layout)
        bench = Bench(layout)
        prepare(bench)
        print(f"load average before: {os.getloadavg()}")
        faults: dict[str, Callable[[], None]] = {
            "kill": lambda: kill_one_instance(bench, report, options.threads, options.seconds),
            "postgres": lambda: restart_postgres(bench, report, options.threads, options.seconds),
            "smtp": lambda: smtp_outage(bench, report),
            "redis": lambda: redis_outage(bench, report),
        }
        for name, run in faults.items():
            if not options.only or name in options.only:
                run()
    finally:
        if not was_running:
            production_like.down(layout)
    print(
        f"\n{report.table()}\n\n{len(report.rows)} checks in {time.monotonic() - start:.0f} s, "
        f"load average {os.getloadavg()}: {'FAILED' if report.failed else 'all passed'}"
    )
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
