"""The one description of what runs: the set-up steps (migrations, demo data) and the long-running processes.

`scripts/run` starts them on this machine, `compose.yaml` runs the same commands in containers, and
`tests/test_compose.py` checks that compose says exactly what is written here — so the two cannot drift. An app's
migrations or demo data are one `Step(...)` line below; a process is one `Process(...)`.

    python scripts/topology.py local-env               # `export …` lines for scripts/run
    python scripts/topology.py setup [--stage STAGE]   # the steps, in order (compose: `--stage migrate`)
    python scripts/topology.py local-commands          # one shell line per process that scripts/run starts
"""

import argparse
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

# Read by every app (shared/config.py): production mode, and the key of its signed cookies.
COMMON = ("APP_ENV", "SECRET_KEY")
# The SMTP relay, through Flask-Mail (shared/mail.py): STARTTLS or implicit TLS, and a login when both are set.
MAIL = (
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_TLS_CA_FILE",
    "MAIL_SENDER",
)
# The provider's own settings: its database, the rate limits' counters (Redis), the base of the links it sends, the
# secret its signing keys are encrypted with in the database.
IDP = (*COMMON, "DATABASE_URL", "RATELIMIT_STORAGE_URI", "IDP_PUBLIC_URL", "SIGNING_KEYS_SECRET")
# /metrics is served only with METRICS_TOKEN (shared/metrics.py); gunicorn's workers add up their values in
# PROMETHEUS_MULTIPROC_DIR (left unset here: each process counts alone).
WEB = ("METRICS_TOKEN", "PROMETHEUS_MULTIPROC_DIR")


# What a service reads beyond what every service does: SOFFi announces each statement filed to the DGEFP's mailbox,
# keeps the attachments' files in a folder (a volume shared by its containers in compose) and has them scanned by
# ClamAV's daemon; Mon Activité Formation writes the public list of training organisations into a folder its web
# app serves it from (a volume too).
SERVICE_EXTRAS = {
    "soffi": ("SOFFI_DGEFP_MAILBOX", "SOFFI_ATTACHMENTS_FOLDER", "SOFFI_CLAMD_ADDRESS"),
    "bpf": ("BPF_PUBLIC_FOLDER",),
}


def client_env(code: str) -> tuple[str, ...]:
    """How a service is registered at the provider: its address and its secret."""
    return (f"{code.upper()}_PUBLIC_URL", f"{code.upper()}_CLIENT_SECRET")


def service_env(code: str) -> tuple[str, ...]:
    """What a service needs (shared/relying_party.py); in production it refuses to start without its secret."""
    database = f"{code.upper()}_DATABASE_URL"
    return (*COMMON, database, "IDP_PUBLIC_URL", *client_env(code), *SERVICE_EXTRAS.get(code, ()))


# `flask --app idp demo load` registers the services' clients with their addresses and secrets.
DEMO_CLIENTS = ("IDP_PUBLIC_URL", *(name for code in ("soffi", "sofi", "bpf") for name in client_env(code)))

# What scripts/run exports to everything it starts on this machine (compose sets each container's own).
LOCAL_ENV = {"FLASK_APP": "idp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": "1025"}


@dataclass(frozen=True)
class Step:
    """A command run once, in order, before the processes start; `stage` tells compose which to run at each start."""

    command: str
    env: tuple[str, ...]
    stage: str = "migrate"  # "migrate" (every start) or "demo" (demo data, on demand)

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command)


@dataclass(frozen=True)
class Process:
    """A long-running process. `{host}` in its command is where it listens: loopback here, every address in a
    container. `local_only`: replaced in compose by an image (the mail catcher); `instances`: how many compose
    runs (behind nginx for the provider). `port`: where it serves pages (and /healthz)."""

    name: str
    command: str
    env: tuple[str, ...] = field(default_factory=tuple)
    port: int | None = None
    local_only: bool = False
    instances: int = 1

    def argv(self, host: str) -> list[str]:
        return shlex.split(self.command.format(host=host))


STEPS = (
    Step("flask --app idp db upgrade", IDP),
    # SOFI keeps its own database: the training offer, its annuaire and reference tables.
    Step("flask --app rp_sofi db upgrade", service_env("sofi")),
    Step("flask --app rp_bpf db upgrade", service_env("bpf")),
    Step("flask --app rp_soffi db upgrade", service_env("soffi")),
    Step("flask --app idp demo load", (*IDP, *DEMO_CLIENTS), stage="demo"),
    Step("flask --app rp_sofi demo load", service_env("sofi"), stage="demo"),
    Step("flask --app rp_soffi demo load", service_env("soffi"), stage="demo"),
    Step("flask --app rp_bpf demo load", service_env("bpf"), stage="demo"),
    Step("flask --app rp_bpf public-list export", service_env("bpf"), stage="demo"),
)


def gunicorn(app: str, port: int) -> str:
    # A logout address carries the ID token (id_token_hint): up to about 5 KB with the habilitations a token holds
    # (idp/services/organisations.py), over gunicorn's default request line (4 094 bytes); 8 190 is its maximum.
    # --no-control-socket: four gunicorns on one machine would clash on the one default socket path.
    # No gunicorn access log: it writes the request line, query string included (a code, an ID token); the app writes
    # its own line per request, with the request id and without them (shared/request_log.py).
    return (
        f"gunicorn --bind {{host}}:{port} --workers 2 --limit-request-line 8190 --no-control-socket "
        f'"{app}:create_app()"'
    )


PROCESSES = (
    # compose runs a mail catcher image instead (Mailpit: the same SMTP port, a web UI).
    Process(
        "mail-catcher", "node_modules/.bin/maildev --ip 127.0.0.1 --smtp 1025 --web 1080 --silent", local_only=True
    ),
    # The e-mails, and the back-channel logout notices to the services; its own /metrics (the e-mails sent and
    # failed are counted in this process), served only when METRICS_TOKEN is set.
    Process(
        "outbox-worker",
        "flask --app idp outbox work --interval 1 --metrics-bind {host}:9101",
        (*IDP, *MAIL, "METRICS_TOKEN"),
    ),
    # The access requests' follow-up (reminders after 7 days, agents after 15): hourly, as cron would.
    Process("access-requests-follow-up", "flask --app idp access-requests follow-up --every 3600", IDP),
    # Reminders before a habilitation ends, and the services' sessions closed once it has: each minute.
    Process("habilitations-remind", "flask --app idp habilitations remind --every 60", IDP),
    # Mon Activité Formation's e-mails (reminders, receipts, decisions), and the reminders before the BPF deadline:
    # hourly.
    Process("bpf-outbox-worker", "flask --app rp_bpf outbox work --interval 5", (*service_env("bpf"), *MAIL)),
    Process("bpf-reminders", "flask --app rp_bpf reminders send --every 3600", service_env("bpf")),
    # The public list of training organisations (open data), written again each night.
    Process("bpf-public-list", "flask --app rp_bpf public-list export --every 86400", service_env("bpf")),
    # SOFFi's e-mails: a statement filed (to the DGEFP), validated or to correct (to the body's users).
    Process("soffi-outbox-worker", "flask --app rp_soffi outbox work --interval 5", (*service_env("soffi"), *MAIL)),
    # Behind nginx in compose (PROXY_HOPS=1: the client's address is the one nginx appends).
    Process("idp", gunicorn("idp", 5000), (*IDP, *WEB, "PROXY_HOPS"), port=5000, instances=2),
    Process("soffi", gunicorn("rp_soffi", 5001), (*service_env("soffi"), *WEB), port=5001),
    Process("sofi", gunicorn("rp_sofi", 5002), (*service_env("sofi"), *WEB), port=5002),
    Process("bpf", gunicorn("rp_bpf", 5003), (*service_env("bpf"), *WEB), port=5003),
)


def steps(stage: str | None = None) -> list[Step]:
    return [step for step in STEPS if stage is None or step.stage == stage]


def stage_env(stage: str | None = None) -> list[str]:
    """Every variable the steps of a stage (or of every stage) read, each once, in order."""
    return list(dict.fromkeys(name for step in steps(stage) for name in step.env))


def process(name: str) -> Process:
    return next(found for found in PROCESSES if found.name == name)


def main(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="what", required=True)
    commands.add_parser("local-env")
    setup = commands.add_parser("setup")
    setup.add_argument("--stage", choices=["migrate", "demo"])
    commands.add_parser("local-commands")
    options = parser.parse_args(arguments)
    if options.what == "local-env":
        print(" ".join(["export", *(f"{name}={shlex.quote(value)}" for name, value in LOCAL_ENV.items())]))
    elif options.what == "setup":
        for step in steps(options.stage):
            # The environment is the caller's as it is: scripts/run's exports, or the container's.
            done = subprocess.run(step.argv, env=os.environ, check=False)  # noqa: S603  (the project's own commands)
            if done.returncode:  # the next steps need this one (a demo load needs its migrations)
                return done.returncode
    else:
        # `exec`: the line run in the background becomes the process itself, so that scripts/run's kill reaches it.
        for found in PROCESSES:
            print("exec " + shlex.join(found.argv("127.0.0.1")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
