"""A throwaway PostgreSQL cluster for the test suite, started with the machine's own server binaries.

initdb and pg_ctl refuse to run as root: as root, the cluster runs as the `postgres` user.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql).")
    return Path(found[-1]).parent


def _run(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, text=True)


@dataclass
class Cluster:
    """A cluster that can be stopped and started again, on the same port and data: a database restart as its
    clients see it (the connections they hold are closed, new ones are refused until it is back)."""

    url: str
    bindir: Path
    data: Path
    options: str
    log: Path
    running: bool = False

    def start(self) -> None:
        """Start it and wait until it accepts connections (pg_ctl -w)."""
        _run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", self.options, "-l", str(self.log), "-w", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop it and wait until it is down: « fast » rolls back the open transactions and closes every
        connection; « immediate » kills the server without a shutdown checkpoint, as a crash would."""
        _run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")
        self.running = False


@contextmanager
def restartable_postgres_cluster() -> Iterator[Cluster]:
    """A fresh cluster, started, whose `url` is that of the `postgres` superuser; removed afterwards, stopped
    first if it runs."""
    bindir, port = _bindir(), free_port()
    workdir = Path(tempfile.mkdtemp(prefix="mesdemarches-pg-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    data = workdir / "data"
    _run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
    options = (
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    cluster = Cluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}", bindir, data, options, workdir / "log")
    try:
        cluster.start()
        yield cluster
    finally:
        if cluster.running:
            cluster.stop("immediate")
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yield the URL of the `postgres` superuser on a fresh cluster; remove everything afterwards."""
    with restartable_postgres_cluster() as cluster:
        yield cluster.url
