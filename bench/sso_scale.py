"""Complete SSO logins per second through nginx with one and two provider instances, then an overload (issue 18).

Not a test. `python bench/sso_scale.py` brings `scripts/production-like` up (or uses the one running, left running),
registers a client and an account as bench/faults.py does, then:

1. with TWO instances, each pinned to its own core with `taskset` (idp-1 on core 0, idp-2 on core 1: gunicorn's
   master and its workers), then with ONE (idp-2 stopped, idp-1 on core 0), runs closed-loop complete logins
   (authorize → login form, login POST → code, token: what the services do to log someone in — they read the
   habilitations in the ID token, never userinfo; with --userinfo also bench/sso.py's fourth step, userinfo, as a
   client that reads it; each login from its own loopback address 127.1.x.y as in faults.py) at increasing
   concurrency, and reports logins/s, each step's p50/p95/p99, the instances' CPU per login (every thread of the
   master and its workers, from the scheduler: /proc/<pid>/task/*/schedstat) and the whole machine's; the hash's
   share of it, as the instances measure their verifications under the load (their /metrics:
   idp_password_verification_cpu_seconds_total), and everything but the hash, next to one argon2id verification
   timed alone in this process with the provider's own parameters (idp.services.passwords) in the same run;
2. restarts idp-2 and offers, open loop, twice the best rate measured with two instances for 60 s (each login also
   refreshes its tokens): counts the logins that succeed, those nginx sheds (503 with its French page and
   Retry-After, or the provider's 429) and any other answer (a 500 is a failure), checks the database invariants of
   faults.py (no code exchanged twice, no token family with two valid refresh tokens, no half-written rows), then
   10 s at normal load: every login must succeed.

The machine has 2 cores: the load generator, nginx, PostgreSQL and Redis share them with the instances. The
throughput ratio two/one is therefore bounded by the generator's own share; the CPU per login does not depend on the
number of cores, and is the figure that says how many instances a load needs. Exits 1 if a check failed.
"""

import argparse
import contextlib
import os
import ssl
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.faults import EMAIL, PASSWORD, UNAVAILABLE, Bench, Report, next_source, prepare, token_invariants  # noqa: E402
from bench.sso import REDIRECT_URI, authorization_request, login_form  # noqa: E402
from idp.services.passwords import password_context  # noqa: E402
from scripts import production_like  # noqa: E402
from scripts.production_like import servers  # noqa: E402
from scripts.production_like.layout import Layout, instances  # noqa: E402

# One TLS context for every client (httpx builds one per client otherwise: 30 ms of CPU each, taken from the server
# on 2 cores). Everything is plain HTTP: it is never used.
TLS = ssl.create_default_context()
STEPS = ("authorize", "login", "token", "refresh", "userinfo")


class Shed(Exception):
    """The service refused the login for lack of capacity (503 or 429): the person may try again later."""


class Other(Exception):
    """Any other failure: a 500, an unexpected answer, a dropped connection, a timeout."""


@dataclass
class Outcome:
    kind: str  # ok, shed, other
    detail: str = ""
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)
    ended: float = 0.0


def client(bench: Bench, source: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=source, verify=TLS)
    return httpx.Client(base_url=bench.base, transport=transport, timeout=30)


def check(response: httpx.Response, status: int, step: str) -> httpx.Response:
    if response.status_code == status:
        return response
    if response.status_code == 503:
        french = UNAVAILABLE in " ".join(response.text.split())
        retry = "Retry-After" in response.headers
        raise Shed(f"{step} 503" + ("" if french and retry else f" (French page {french}, Retry-After {retry})"))
    if response.status_code == 429:
        raise Shed(f"{step} 429")
    raise Other(f"{step} {response.status_code}")


def login(bench: Bench, refresh: bool, userinfo: bool) -> Outcome:
    """One complete login, each step timed; never raises."""
    verifier, params = authorization_request(bench.client_id)
    source, auth, steps = next_source(), (bench.client_id, bench.secret), {}
    start = time.perf_counter()

    def timed(step: str, send: "httpx.Client", method: str, url: str, status: int, **kwargs: object) -> httpx.Response:
        began = time.perf_counter()
        response = check(send.request(method, url, **kwargs), status, step)  # type: ignore[arg-type]
        steps[step] = time.perf_counter() - began
        return response

    try:
        with client(bench, source) as browser, client(bench, source) as back:
            page = timed("authorize", browser, "GET", "/oidc/authorize", 200, params=params)
            action, form = login_form(page.text, EMAIL, PASSWORD)
            redirect = timed("login", browser, "POST", action, 302, data=form)
            code = parse_qs(urlsplit(redirect.headers["location"]).query).get("code")
            if not code:
                raise Other("login: no code")
            grant = {"grant_type": "authorization_code", "code": code[0], "redirect_uri": REDIRECT_URI}
            grant["code_verifier"] = verifier
            tokens = timed("token", back, "POST", "/oidc/token", 200, data=grant, auth=auth).json()
            if refresh:
                renewal = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
                tokens = timed("refresh", back, "POST", "/oidc/token", 200, data=renewal, auth=auth).json()
            if userinfo:
                bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
                timed("userinfo", back, "GET", "/oidc/userinfo", 200, headers=bearer)
    except Shed as error:
        return Outcome("shed", str(error), ended=time.monotonic())
    except Other as error:
        return Outcome("other", str(error), ended=time.monotonic())
    except httpx.HTTPError as error:
        return Outcome("other", type(error).__name__, ended=time.monotonic())
    return Outcome("ok", "", time.perf_counter() - start, steps, time.monotonic())


def group(master: int) -> list[int]:
    """The master and its workers (production_like starts each instance in its own process group)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == master:  # pgrp
            found.append(int(stat.parent.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """CPU time of every thread of `pids`, nanoseconds from the scheduler (/proc/<pid>/stat counts 10 ms ticks)."""
    total = 0
    for pid in pids:
        for path in Path(f"/proc/{pid}/task").glob("*/schedstat"):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                total += int(path.read_text().split()[0])
    return total / 1e9


def machine_busy() -> float:
    """Seconds of CPU the whole machine spent busy (every core, everything on it: the generator too)."""
    user, nice, system, _idle, _iowait, *rest = (int(word) for word in Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + sum(rest)) / os.sysconf("SC_CLK_TCK")


def hashing(layout: Layout, names: list[str]) -> tuple[float, float]:
    """(verifications, CPU seconds they cost) so far in the instances `names`, from their /metrics: every worker's,
    each verification's CPU measured in its thread (idp/services/passwords.py) while the load runs beside it."""
    token = layout.secrets()["METRICS_TOKEN"]
    found: defaultdict[str, float] = defaultdict(float)
    for name in names:
        port = layout.ports.idp(int(name.removeprefix("idp-")))
        page = httpx.get(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {token}"}).text
        for family in text_string_to_metric_families(page):
            for sample in family.samples:
                found[sample.name] += sample.value
    return found["idp_password_verifications_total"], found["idp_password_verification_cpu_seconds_total"]


def argon2_verify(count: int = 10) -> float:
    """Median CPU seconds of one argon2id verification with the provider's parameters, in this process."""
    stored = password_context.hash(PASSWORD)
    times = []
    for _ in range(count):
        began = time.thread_time()
        password_context.verify(PASSWORD, stored)
        times.append(time.thread_time() - began)
    return statistics.median(times)


def pin(layout: Layout, placement: dict[str, int]) -> dict[str, list[int]]:
    """Each instance (master and workers) on its core; returns their pids."""
    pids = {}
    for name, core in placement.items():
        master = servers.read_pid(layout.pid_file(name))
        assert master is not None, f"{name} does not run"
        pids[name] = group(master)
        for pid in pids[name]:
            subprocess.run(["taskset", "-a", "-p", "-c", str(core), str(pid)], check=True, capture_output=True)
    return pids


def unpin(layout: Layout) -> None:
    cores = f"0-{(os.cpu_count() or 1) - 1}"
    for name in ("idp-1", "idp-2"):
        if master := servers.read_pid(layout.pid_file(name)):
            for pid in group(master):
                subprocess.run(["taskset", "-a", "-p", "-c", cores, str(pid)], check=False, capture_output=True)


def quantiles(values: list[float]) -> str:
    if len(values) < 2:
        return "–"
    cut = statistics.quantiles(values, n=100, method="inclusive")
    return f"{cut[49] * 1000:.0f}/{cut[94] * 1000:.0f}/{cut[98] * 1000:.0f}"


@dataclass
class Step:
    instances: int
    clients: int
    logins: int
    failed: Counter[str]
    seconds: float
    server_cpu: float
    machine_cpu: float
    verifications: float
    hash_cpu: float
    outcomes: list[Outcome]
    load: float

    @property
    def rate(self) -> float:
        return self.logins / self.seconds

    def line(self, argon2: float) -> str:
        latencies = [outcome.seconds for outcome in self.outcomes]
        steps = " | ".join(
            quantiles([outcome.steps[step] for outcome in self.outcomes if step in outcome.steps])
            for step in ("authorize", "login", "token", "userinfo")
        )
        per_login = self.server_cpu / max(self.logins, 1)
        hashed = self.hash_cpu / max(self.verifications, 1)  # one verification per login
        return (
            f"| {self.instances} | {self.clients} | {self.rate:.1f} | {quantiles(latencies)} | {steps} | "
            f"{per_login * 1000:.1f} | {(per_login - argon2) / argon2:.2f} | {hashed * 1000:.1f} | "
            f"{(per_login - hashed) * 1000:.1f} | {(per_login - hashed) / argon2:.2f} | "
            f"{self.machine_cpu / max(self.logins, 1) * 1000:.1f} | {sum(self.failed.values())} | {self.load:.2f} |"
        )


def closed_loop(
    bench: Bench,
    clients: int,
    seconds: float,
    warm: float,
    pids: dict[str, list[int]],
    refresh: bool,
    userinfo: bool,
) -> Step:
    """`clients` threads, each logging in again as soon as its login ended; measured after `warm` seconds on the
    instances `pids` (their processes by name)."""
    outcomes: list[Outcome] = []
    start = time.monotonic()
    window = (start + warm, start + warm + seconds)

    def work() -> None:
        while time.monotonic() < window[1]:
            outcomes.append(login(bench, refresh, userinfo))

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(max(window[0] - time.monotonic(), 0))
    every = [pid for group_pids in pids.values() for pid in group_pids]
    # The scrapes outside the CPU's window: their own CPU is not a login's.
    verified, hashed = hashing(bench.layout, list(pids))
    cpu, busy = cpu_seconds(every), machine_busy()
    time.sleep(max(window[1] - time.monotonic(), 0))
    cpu, busy = cpu_seconds(every) - cpu, machine_busy() - busy
    verified_after, hashed_after = hashing(bench.layout, list(pids))
    verified, hashed = verified_after - verified, hashed_after - hashed
    for thread in threads:
        thread.join()
    inside = [outcome for outcome in outcomes if window[0] <= outcome.ended <= window[1]]
    ok = [outcome for outcome in inside if outcome.kind == "ok"]
    failed = Counter(outcome.detail for outcome in inside if outcome.kind != "ok")
    return Step(0, clients, len(ok), failed, seconds, cpu, busy, verified, hashed, ok, os.getloadavg()[0])


def open_loop(bench: Bench, rate: float, seconds: float, threads: int) -> tuple[list[Outcome], int]:
    """Logins started at `rate` per second whatever the answers' time, from `threads` threads (thread i takes the
    arrivals i, i + threads, …); an arrival whose thread is still busy is missed (counted: the generator's limit)."""
    outcomes: list[Outcome] = []
    missed = [0] * threads
    start = time.monotonic()

    def work(index: int) -> None:
        slot = index
        while (due := start + slot / rate) < start + seconds:
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
            elif now - due > threads / rate:  # a whole round late: skip the arrivals that passed
                late = int((now - due) * rate / threads)
                missed[index] += late
                slot += late * threads
                continue
            outcomes.append(login(bench, refresh=True, userinfo=True))
            slot += threads

    workers = [threading.Thread(target=work, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes, sum(missed)


def restart_idp2(layout: Layout) -> None:
    production_like.start_process(layout, "idp-2", dict(instances())["idp-2"])
    production_like.wait_healthy(layout, "idp-2")
    time.sleep(11)  # nginx marked it failed while it was stopped (fail_timeout=10s): let it try it again


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[2, 4, 8, 16], help="concurrency of each step")
    parser.add_argument("--seconds", type=float, default=12, help="measured length of each step")
    parser.add_argument("--overload", type=float, default=60, help="length of the overload (0: none)")
    parser.add_argument("--overload-factor", type=float, default=2, help="times the best rate measured")
    parser.add_argument("--threads", type=int, default=96, help="the overload's generator threads")
    parser.add_argument("--userinfo", action="store_true", help="each measured login also reads userinfo")
    parser.add_argument("--instances", type=int, nargs="+", default=[2, 1], choices=[1, 2], help="two, then one")
    options = parser.parse_args()
    layout = Layout.from_environment()
    was_running = any(production_like.status(layout).values())
    report, argon2, steps = Report(), [], []
    try:
        production_like.up(layout)
        bench = Bench(layout)
        prepare(bench)
        print(f"load average before: {os.getloadavg()}", flush=True)
        for count in options.instances:
            if count == 1 and servers.read_pid(layout.pid_file("idp-2")):
                servers.stop_pid(layout.pid_file("idp-2"))
            pids = pin(layout, {"idp-1": 0, "idp-2": 1} if count == 2 else {"idp-1": 0})
            argon2.append(argon2_verify())
            closed_loop(bench, 2, 3, 0, pids, False, options.userinfo)  # warm up: connections, caches
            for clients in options.clients:
                step = closed_loop(bench, clients, options.seconds, 2, pids, False, options.userinfo)
                step.instances = count
                steps.append(step)
                print(step.line(statistics.median(argon2)), flush=True)
                if step.failed:
                    print(f"  failed: {dict(step.failed)}", flush=True)
            argon2.append(argon2_verify())
        verify = statistics.median(argon2)
        print(f"argon2id verify (this process, median of {len(argon2)} runs of 10): {verify * 1000:.1f} ms {argon2}")
        best = {count: max(step.rate for step in steps if step.instances == count) for count in options.instances}
        if len(best) == 2:
            print(f"best logins/s: one {best[1]:.1f}, two {best[2]:.1f}, ratio {best[2] / best[1]:.2f}")
        if options.overload and 2 in best:
            restart_idp2(layout)
            overload(bench, layout, report, options, best[2])
    finally:
        unpin(layout)
        if servers.read_pid(layout.pid_file("idp-1")) and not servers.read_pid(layout.pid_file("idp-2")):
            restart_idp2(layout)
        if not was_running:
            production_like.down(layout)
    print(f"\n{table(steps, verify)}\n\n{report.table()}\n\nload average after: {os.getloadavg()}")
    return 1 if report.failed else 0


def table(steps: list[Step], verify: float) -> str:
    header = (
        "| instances | clients | logins/s | login p50/p95/p99 ms | authorize | login POST | token | userinfo | "
        "instances' CPU per login ms | (CPU − argon2 alone) / argon2 alone | hash in the instances ms | "
        "everything but the hash ms | ÷ argon2 alone | machine CPU per login ms | failed | load 1 min |"
    )
    lines = [header, "|" + " --- |" * (header.count("|") - 1)]
    lines += [step.line(verify) for step in steps]
    return "\n".join(lines)


def overload(bench: Bench, layout: Layout, report: Report, options: argparse.Namespace, best: float) -> None:
    fault = f"overload ×{options.overload_factor:g}"
    rate = best * options.overload_factor
    pids = {name: servers.read_pid(layout.pid_file(name)) for name, _ in instances()}
    print(f"offering {rate:.1f} logins/s for {options.overload:.0f} s (load average {os.getloadavg()})", flush=True)
    started = time.monotonic()
    outcomes, missed = open_loop(bench, rate, options.overload, options.threads)
    elapsed = time.monotonic() - started
    kinds = Counter(outcome.kind for outcome in outcomes)
    details: defaultdict[str, int] = defaultdict(int)
    for outcome in outcomes:
        if outcome.kind != "ok":
            details[outcome.detail] += 1
    print(f"  {dict(kinds)}; {dict(details)}; missed by the generator {missed}; load {os.getloadavg()}")
    ok = [outcome.seconds for outcome in outcomes if outcome.kind == "ok"]
    report.check(fault, "offered (logins started / s)", f"{len(outcomes) / elapsed:.1f} (target {rate:.1f})", True)
    report.check(fault, "logins OK / s, p50/p95/p99 ms", f"{len(ok) / elapsed:.1f}, {quantiles(ok)}", bool(ok))
    shed = {detail: count for detail, count in details.items() if " 503" in detail or " 429" in detail}
    french = all(detail.endswith((" 503", " 429")) for detail in shed)
    report.check(fault, "shed: 503 French page + Retry-After, or 429", f"{sum(shed.values())} {shed}", french)
    others = {detail: count for detail, count in details.items() if detail not in shed}
    report.check(fault, "other failures (500, 502, 504, dropped, timeout)", others or "none", not others)
    token_invariants(bench, report, fault)
    same = {name: servers.read_pid(layout.pid_file(name)) for name in pids} == pids
    report.check(fault, "every process still runs, not restarted (same pids)", same, same)
    time.sleep(2)
    after = closed_loop(bench, 4, 10, 0, {}, refresh=True, userinfo=True)
    report.check(
        "recovery",
        "10 s at normal load (4 clients): logins OK, failed",
        f"{after.logins}, {dict(after.failed)}",
        after.logins > 0 and not after.failed,
    )
    token_invariants(bench, report, "recovery")


if __name__ == "__main__":
    sys.exit(main())
