"""The production-like topology on this machine, from Debian's packages, for load and fault tests (issue 18).

`scripts/production-like up|down|status` (which calls this module) starts under `.local/production-like/` (ignored
by git; PRODUCTION_LIKE_DIR to move it) what compose.yaml runs in containers: a PostgreSQL cluster of its own (as the
`postgres` user, with the databases of deploy/postgres/databases.sql), `redis-server` for the rate limits' counters,
the mail catcher, the steps and the processes of scripts/topology.py with two instances of the provider behind
`nginx` (its configuration generated from deploy/nginx/nginx.conf), every one on loopback. `down` stops what `up`
started, by the pids it wrote; the data stays for the next `up` (delete the folder to start afresh).

APP_ENV stays `development`: production mode demands https addresses (the services refuse an http issuer, the
cookies are `Secure` and `__Host-`), and nothing here terminates TLS. Everything else is production's: PostgreSQL,
Redis, real secrets (generated once into `secrets.json`, mode 0600, never printed), PROXY_HOPS=1 behind nginx, and
each process gets only the variables scripts/topology.py says it reads.

Ports: PRODUCTION_LIKE_PORT (8080, nginx: the provider's public address) and the ones after it (see `Ports`).
"""

import signal
import subprocess
import sys

from scripts import topology
from scripts.production_like.layout import ROOT, SERVICES, Layout, instances, relocate
from scripts.production_like.servers import (
    answers,
    postgres_running,
    read_pid,
    start_nginx,
    start_postgres,
    start_redis,
    stop_pid,
    stop_postgres,
    wait_for,
)


def start_process(layout: Layout, name: str, process: topology.Process) -> int:
    """One of topology.py's processes, in its own process group (so that stopping it stops its workers too)."""
    if pid := read_pid(layout.pid_file(name)):
        return pid
    argv = relocate(process.argv("127.0.0.1"), layout.ports.of(name))
    layout.logs.mkdir(parents=True, exist_ok=True)
    layout.pid_file(name).parent.mkdir(parents=True, exist_ok=True)
    with (layout.logs / f"{name}.log").open("ab") as log:
        started = subprocess.Popen(  # noqa: S603  (topology.py's own commands)
            argv,
            cwd=ROOT,
            env=layout.environment(argv, process.env, name),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    layout.pid_file(name).write_text(str(started.pid))
    return started.pid


def run_steps(layout: Layout) -> None:
    """Migrations at every `up`; the demo data the first time only (each load is idempotent, but slow)."""
    marker = layout.folder / "demo-loaded"
    chosen = [step for step in topology.STEPS if step.stage == "migrate" or not marker.exists()]
    layout.logs.mkdir(parents=True, exist_ok=True)
    with (layout.logs / "setup.log").open("ab") as log:
        for step in chosen:
            done = subprocess.run(  # noqa: S603  (topology.py's own commands)
                step.argv, cwd=ROOT, env=layout.environment(step.argv, step.env), stdout=log, stderr=subprocess.STDOUT
            )
            if done.returncode:
                raise RuntimeError(f"`{step.command}` failed: see {layout.logs / 'setup.log'}")
    marker.touch()


def web_address(layout: Layout, name: str) -> str | None:
    if name.startswith("idp-"):
        return f"http://127.0.0.1:{layout.ports.idp(int(name.removeprefix('idp-')))}"
    return layout.url(name) if name in SERVICES else None


def wait_healthy(layout: Layout, name: str) -> None:
    address = web_address(layout, name)
    if address:
        wait_for(lambda: answers(f"{address}/healthz"), name)


def up(layout: Layout) -> None:
    (layout.folder / "run").mkdir(parents=True, exist_ok=True)
    layout.secrets()
    start_postgres(layout)
    start_redis(layout)
    mail = dict(instances())["mail-catcher"]
    start_process(layout, "mail-catcher", mail)
    wait_for(lambda: answers(f"http://127.0.0.1:{layout.ports.mail_web}/"), "mail-catcher")
    run_steps(layout)
    # The provider first (the services read its discovery document through nginx), then everything else.
    named = [(name, process) for name, process in instances() if name != "mail-catcher"]
    for name, process in sorted(named, key=lambda pair: not pair[0].startswith("idp-")):
        start_process(layout, name, process)
        if name == "idp-2":
            wait_healthy(layout, "idp-1")
            wait_healthy(layout, "idp-2")
            start_nginx(layout)
            wait_for(lambda: answers(f"{layout.url('idp')}/readyz"), "nginx → idp")
    for name in SERVICES:
        wait_healthy(layout, name)


def down(layout: Layout) -> list[str]:
    stopped = []
    if stop_pid(layout.pid_file("nginx"), signal.SIGQUIT, group=False):
        stopped.append("nginx")
    for name, _ in reversed(instances()):
        if stop_pid(layout.pid_file(name)):
            stopped.append(name)
    if stop_pid(layout.pid_file("redis"), group=False):
        stopped.append("redis")
    if postgres_running(layout):
        stop_postgres(layout)
        stopped.append("postgres")
    return stopped


def status(layout: Layout) -> dict[str, int | None]:
    found: dict[str, int | None] = {"postgres": read_pid(layout.pgdata / "postmaster.pid")}
    for name in ("redis", "nginx", *(name for name, _ in instances())):
        found[name] = read_pid(layout.pid_file(name))
    return found


def addresses(layout: Layout) -> str:
    return f"""
  Mes démarches (nginx → idp-1, idp-2)   : {layout.url("idp")}
  SOFFi                                  : {layout.url("soffi")}
  SOFI                                   : {layout.url("sofi")}
  Mon Activité Formation                 : {layout.url("bpf")}
  Boîte de réception de développement    : http://127.0.0.1:{layout.ports.mail_web}
  PostgreSQL 127.0.0.1:{layout.ports.postgres}, Redis 127.0.0.1:{layout.ports.redis}
  Secrets (jamais affichés) : {layout.folder}/secrets.json
  Journaux : {layout.logs}/<processus>.log, {layout.folder}/nginx/, {layout.folder}/postgres/log

  `scripts/production-like down` pour tout arrêter.
"""


def main(arguments: list[str]) -> int:
    if not arguments or arguments[0] not in {"up", "down", "status"}:
        print(__doc__)
        return 2
    layout = Layout.from_environment()
    if arguments[0] == "up":
        try:
            up(layout)
        except Exception:
            down(layout)
            raise
        print(addresses(layout))
    elif arguments[0] == "down":
        print("stopped: " + (", ".join(down(layout)) or "nothing was running"))
    else:
        for name, pid in status(layout).items():
            print(f"{name:28} {'running, pid ' + str(pid) if pid else 'stopped'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
