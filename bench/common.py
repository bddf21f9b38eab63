"""What every benchmark does the same way: print as it goes, make a database in its throwaway cluster, and
serve an app with gunicorn as the single sign-on benches configure it."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]


def say(message: str) -> None:
    print(message, flush=True)  # flushed: the figures show while a long run goes on


def create_database(server: str, name: str) -> str:
    """A new database in the cluster `server` (a URL without database); its URL."""
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server}/{name}"


@contextmanager
def gunicorn(
    app: str, port: int, ready: str, worker_class: str, threads: int, environment: dict[str, str] | None = None
) -> Iterator[list[int]]:
    """gunicorn serving `app` (gunicorn's notation) on 127.0.0.1:`port` with 2 workers; yields the workers'
    pids once GET `ready` answers, and stops it at the end."""
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", worker_class]
    command += ["--threads", str(threads), "--bind", f"127.0.0.1:{port}", app]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(environment or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                httpx.get(f"http://127.0.0.1:{port}{ready}", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)  # waiting for gunicorn to listen (a benchmark, not a test)
        found = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False)
        yield [int(pid) for pid in found.stdout.split()]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


# The login POST's rate limits as the provider has them (two windows, so two counters to move in Redis), set high
# enough that the benches' logins, all from one address, never reach them.
BENCH_RATELIMIT_LOGIN = "1000000 per minute;10000000 per hour"


@contextmanager
def redis_server(port: int) -> Iterator[str]:
    """A throwaway redis-server on 127.0.0.1:`port` (no persistence), as the rate limits' storage; yields its URL."""
    folder = tempfile.mkdtemp()
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    server = subprocess.Popen([*command, "--dir", folder], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)  # waiting for it to listen
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
