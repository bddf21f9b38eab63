"""Debian's servers as the production-like topology runs them, each from its folder and by its pid file: a
PostgreSQL cluster (as the `postgres` user), redis-server, nginx (deploy/nginx/nginx.conf on loopback)."""

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg

from scripts.production_like.layout import ROOT, USER, Layout

WAIT_SECONDS = 90  # for a server or a process to answer


def program(name: str) -> str:
    """Debian's program `name` (nginx is in /usr/sbin, often missing from PATH)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        raise SystemExit(f"{name} is not installed (apt-get install {name}; scripts/production-like does it).")
    return found


def alive(pid: int) -> bool:
    try:
        # A child of this process (started by this `up`, then killed) is a zombie until reaped: reap it first.
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass  # started by another run: not ours to reap
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def read_pid(path: Path) -> int | None:
    try:
        pid = int(path.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None
    return pid if alive(pid) else None


def as_postgres(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, text=True)  # noqa: S603  (pg_ctl, initdb)


def postgres_bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql).")
    return found[-1].parent


def start_postgres(layout: Layout) -> None:
    bindir, home = postgres_bindir(), layout.pgdata.parent
    if not layout.pgdata.exists():
        home.mkdir(parents=True, exist_ok=True)
        password_file = home / "password"
        password_file.write_text(layout.secrets()["POSTGRES_PASSWORD"])
        if os.geteuid() == 0:
            shutil.chown(home, "postgres", "postgres")
            shutil.chown(password_file, "postgres", "postgres")
        password_file.chmod(0o600)
        try:
            as_postgres(
                str(bindir / "initdb"),
                *("-D", str(layout.pgdata), "-U", USER, f"--pwfile={password_file}"),
                *("--auth=scram-sha-256", "-E", "UTF8", "--no-sync"),
            )
        finally:
            password_file.unlink()
    if postgres_running(layout):
        return
    options = f"-p {layout.ports.postgres} -k {home} -c listen_addresses=127.0.0.1 -c max_connections=200"
    as_postgres(str(bindir / "pg_ctl"), "-D", str(layout.pgdata), "-o", options, "-l", str(home / "log"), "-w", "start")
    create_databases(layout)


def postgres_running(layout: Layout) -> bool:
    return layout.pgdata.exists() and read_pid(layout.pgdata / "postmaster.pid") is not None


def stop_postgres(layout: Layout, mode: str = "fast") -> None:
    if postgres_running(layout):
        as_postgres(str(postgres_bindir() / "pg_ctl"), "-D", str(layout.pgdata), "-m", mode, "-w", "stop")


def create_databases(layout: Layout) -> None:
    """The provider's database (compose: POSTGRES_DB) and the services' (deploy/postgres/databases.sql), once."""
    script = (ROOT / "deploy" / "postgres" / "databases.sql").read_text()
    statements = ["CREATE DATABASE idp", *re.findall(r"^(CREATE DATABASE \w+);", script, re.MULTILINE)]
    url = layout.database_url("postgres").replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url, autocommit=True) as connection:
        existing = {row[0] for row in connection.execute("SELECT datname FROM pg_database")}
        for statement in statements:
            if statement.split()[-1] not in existing:
                connection.execute(statement.encode())  # the project's own file, not input


def start_redis(layout: Layout) -> None:
    folder = layout.folder / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    if read_pid(layout.pid_file("redis")):
        return
    # No persistence: the counters of the rate limits are worth nothing after a restart.
    options = ["--bind", "127.0.0.1", "--port", str(layout.ports.redis), "--save", "", "--appendonly", "no"]
    options += ["--pidfile", str(layout.pid_file("redis")), "--logfile", str(folder / "redis.log")]
    subprocess.run([program("redis-server"), *options, "--dir", str(folder), "--daemonize", "yes"], check=True)  # noqa: S603  (our own arguments)
    wait_for(lambda: read_pid(layout.pid_file("redis")) is not None, "redis-server")


def nginx_config(layout: Layout) -> str:
    """deploy/nginx/nginx.conf on loopback: its upstream is the two local instances, its files in the folder."""
    folder = layout.folder / "nginx"
    text = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    upstreams = "\n".join(
        f"        server 127.0.0.1:{layout.ports.idp(number)} max_fails=2 fail_timeout=10s;" for number in (1, 2)
    )
    replacements = [
        (r"pid /tmp/nginx\.pid;", f"pid {layout.pid_file('nginx')};"),
        (r"listen 8080;", f"listen 127.0.0.1:{layout.ports.nginx};"),
        (r"access_log /dev/stdout", f"access_log {folder / 'access.log'}"),
        (r"error_log /dev/stderr", f"error_log {folder / 'error.log'}"),
        (r"( *server idp-\d:5000 [^\n]*\n)+", upstreams + "\n"),
        (r"root /etc/nginx/errors;", f"root {ROOT / 'deploy' / 'nginx' / 'errors'};"),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement.replace("\\", "\\\\"), text)
        if count != 1:
            raise RuntimeError(f"deploy/nginx/nginx.conf changed: {pattern!r} found {count} times")
    return text


def start_nginx(layout: Layout) -> None:
    folder = layout.folder / "nginx"
    folder.mkdir(parents=True, exist_ok=True)
    if read_pid(layout.pid_file("nginx")):
        return
    config = folder / "nginx.conf"
    config.write_text(nginx_config(layout))
    command = [program("nginx"), "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")]
    subprocess.run([*command, "-t", "-q"], check=True)  # noqa: S603  (our own arguments)
    subprocess.run(command, check=True)  # noqa: S603  (our own arguments)
    wait_for(lambda: read_pid(layout.pid_file("nginx")) is not None, "nginx")


def stop_pid(path: Path, signal_number: int = signal.SIGTERM, group: bool = True, wait: float = 15) -> bool:
    """Stop the process whose pid `path` holds (its group: gunicorn's workers, maildev's node); False if none ran."""
    pid = read_pid(path)
    if pid is None:
        path.unlink(missing_ok=True)
        return False
    (os.killpg if group else os.kill)(pid, signal_number)
    deadline = time.monotonic() + wait
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(pid):
        (os.killpg if group else os.kill)(pid, signal.SIGKILL)
    path.unlink(missing_ok=True)
    return True


def wait_for(ready: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {seconds:.0f} s (see its log under the folder)")


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
