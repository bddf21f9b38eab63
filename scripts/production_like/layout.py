"""Where the production-like topology lives and what each of its processes is given: its folder, its ports, its
secrets (generated once, mode 0600, never printed) and the variables scripts/topology.py says each command reads."""

import json
import os
import secrets
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from scripts import topology

ROOT = Path(__file__).resolve().parents[2]
USER = "mesdemarches"
# The only variables of the caller's environment passed on: what finds the programs and sets the language.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "VIRTUAL_ENV")
SECRETS = ("POSTGRES_PASSWORD", "IDP_SECRET_KEY", "SOFFI_SECRET_KEY", "SOFI_SECRET_KEY", "BPF_SECRET_KEY")
CLIENT_SECRETS = ("SOFFI_CLIENT_SECRET", "SOFI_CLIENT_SECRET", "BPF_CLIENT_SECRET", "METRICS_TOKEN")
SERVICES = ("soffi", "sofi", "bpf")


@dataclass(frozen=True)
class Ports:
    """Every port from one base, so that a second copy (or the fault bench) can run beside scripts/run."""

    base: int

    @property
    def nginx(self) -> int:
        return self.base

    def idp(self, instance: int) -> int:
        return self.base + instance  # 8081, 8082

    def service(self, code: str) -> int:
        return self.base + 11 + SERVICES.index(code)  # 8091 – 8093

    @property
    def smtp(self) -> int:
        return self.base + 25

    @property
    def mail_web(self) -> int:
        return self.base + 26

    @property
    def postgres(self) -> int:
        return self.base + 32

    @property
    def redis(self) -> int:
        return self.base + 79

    @property
    def outbox_metrics(self) -> int:
        return self.base + 21

    def of(self, name: str) -> dict[int, int]:
        """topology.py's ports (as scripts/run uses them) → this topology's, for the process `name`."""
        moved = {1025: self.smtp, 1080: self.mail_web, 9101: self.outbox_metrics}
        moved |= {5001 + index: self.service(code) for index, code in enumerate(SERVICES)}
        if name.startswith("idp-"):
            moved[5000] = self.idp(int(name.removeprefix("idp-")))
        return moved


@dataclass(frozen=True)
class Layout:
    folder: Path
    ports: Ports

    @classmethod
    def from_environment(cls) -> "Layout":
        folder = Path(os.environ.get("PRODUCTION_LIKE_DIR") or ROOT / ".local" / "production-like")
        return cls(folder.resolve(), Ports(int(os.environ.get("PRODUCTION_LIKE_PORT", "8080"))))

    @property
    def logs(self) -> Path:
        return self.folder / "logs"

    @property
    def pgdata(self) -> Path:
        return self.folder / "postgres" / "data"

    def pid_file(self, name: str) -> Path:
        return self.folder / "run" / f"{name}.pid"

    def fresh_metrics_folder(self, name: str) -> Path:
        """Where the workers of process `name` keep their Prometheus values (a scrape adds them up), emptied: a
        started process counts from zero, as prometheus-client's multiprocess mode requires."""
        folder = self.folder / "prometheus" / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def url(self, name: str) -> str:
        port = self.ports.nginx if name == "idp" else self.ports.service(name)
        return f"http://127.0.0.1:{port}"

    def database_url(self, database: str) -> str:
        password = self.secrets()["POSTGRES_PASSWORD"]
        return f"postgresql+psycopg://{USER}:{password}@127.0.0.1:{self.ports.postgres}/{database}"

    def secrets(self) -> dict[str, str]:
        """Generated on the first `up`, then read: a file only its owner reads, whose values are never printed."""
        path = self.folder / "secrets.json"
        if not path.exists():
            values = {name: secrets.token_urlsafe(32) for name in (*SECRETS, *CLIENT_SECRETS)}
            values["SIGNING_KEYS_SECRET"] = Fernet.generate_key().decode()
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as file:
                json.dump(values, file)
        return dict(json.loads(path.read_text()))

    def variables(self) -> dict[str, str]:
        """Every variable scripts/topology.py names, with this topology's value (a process gets those it reads)."""
        found = self.secrets()
        values = {
            "APP_ENV": "development",  # see the module's docstring: production mode needs https
            "DATABASE_URL": self.database_url("idp"),
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{self.ports.redis}/0",
            "IDP_PUBLIC_URL": self.url("idp"),
            "SIGNING_KEYS_SECRET": found["SIGNING_KEYS_SECRET"],
            "METRICS_TOKEN": found["METRICS_TOKEN"],
            "PROXY_HOPS": "1",  # nginx appends the client's address to X-Forwarded-For
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.ports.smtp),
            "SOFFI_DGEFP_MAILBOX": "dgefp@dgefp-demo.example",
            "SOFFI_ATTACHMENTS_FOLDER": str(self.folder / "soffi-attachments"),
        }
        for code in SERVICES:
            values[f"{code.upper()}_DATABASE_URL"] = self.database_url(code)
            values[f"{code.upper()}_PUBLIC_URL"] = self.url(code)
            values[f"{code.upper()}_CLIENT_SECRET"] = found[f"{code.upper()}_CLIENT_SECRET"]
        return values

    def environment(self, argv: list[str], names: tuple[str, ...], name: str = "") -> dict[str, str]:
        """What the command `argv` is given: the caller's PATH and language, and the variables it reads. With the
        process's `name`, a fresh folder of its own for its workers' metrics when it reads PROMETHEUS_MULTIPROC_DIR
        (as in compose.yaml)."""
        values = self.variables()
        if name and "PROMETHEUS_MULTIPROC_DIR" in names:
            values["PROMETHEUS_MULTIPROC_DIR"] = str(self.fresh_metrics_folder(name))
        app = app_of(argv)
        if app:
            values["SECRET_KEY"] = self.secrets()[f"{app.removeprefix('rp_').upper()}_SECRET_KEY"]
        base = {name: os.environ[name] for name in INHERITED if name in os.environ}
        base["PATH"] = f"{Path(sys.executable).parent}:{base.get('PATH', '/usr/bin:/bin')}"
        return base | {name: values[name] for name in names if name in values}


def app_of(argv: list[str]) -> str | None:
    """The app a command runs: `flask --app X …` or gunicorn's `X:create_app()`."""
    if "--app" in argv:
        return argv[argv.index("--app") + 1]
    found = [word.split(":")[0] for word in argv if word.endswith(":create_app()")]
    return found[0] if found else None


def relocate(argv: list[str], moved: dict[int, int]) -> list[str]:
    """topology.py's command with this topology's ports: `host:port` words and the mail catcher's `--smtp`/`--web`."""
    result = []
    for index, word in enumerate(argv):
        previous = argv[index - 1] if index else ""
        host, _, port = word.rpartition(":")
        if host == "127.0.0.1" and port.isdigit() and int(port) in moved:
            word = f"{host}:{moved[int(port)]}"
        elif previous in {"--smtp", "--web"} and int(word) in moved:
            word = str(moved[int(word)])
        result.append(word)
    return result


def instances() -> list[tuple[str, topology.Process]]:
    """Every process to start, by name: the provider twice (`idp-1`, `idp-2`), each other process once."""
    named = []
    for process in topology.PROCESSES:
        if process.instances > 1:
            named += [(f"{process.name}-{number}", process) for number in range(1, process.instances + 1)]
        else:
            named.append((process.name, process))
    return named
