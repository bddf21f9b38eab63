"""What bench/sso.py serves with gunicorn: the IdP, with its workers' password-hash CPU counted apart.

The issue's targets split a login in two: the argon2id verification, whose cost its parameters set,
and everything else. The hash runs inside the worker, where it costs more than alone in a loop
(caches shared with the rest of the request), so it is measured there: each worker adds the CPU
time of its verifications to a counter kept in a file of `BENCH_HASH_DIR` named after its pid (8 bytes,
mapped in memory), which the bench reads. Not an HTTP endpoint: with gunicorn's sync workers a new
connection may land on the same worker hundreds of times in a row, and the other one's counter could not
be asked for. Not a test, never deployed.
"""

import mmap
import os
import struct
import threading
import time
from pathlib import Path

from idp import create_app
from idp.services import authentication

# bench/sso.py --rate-limits: the login's limits as many windows as the provider's, never reached by the bench.
limits = os.environ.get("BENCH_RATELIMIT_LOGIN")
app = create_app({"RATELIMIT_LOGIN": limits} if limits else None)
COUNTER = struct.Struct("d")  # seconds; bench/sso.py reads it
lock = threading.Lock()
verify = authentication.verify_password


def _counter() -> mmap.mmap:
    """This worker's counter (gunicorn imports this module in each worker, after the fork)."""
    path = Path(os.environ["BENCH_HASH_DIR"]) / str(os.getpid())
    path.write_bytes(COUNTER.pack(0.0))
    with path.open("r+b") as file:
        return mmap.mmap(file.fileno(), COUNTER.size)


counter = _counter()


def timed_verify(password: str, password_hash: str) -> tuple[bool, str | None]:
    start = time.thread_time()  # this thread's CPU only: the workers serve several requests at once
    try:
        return verify(password, password_hash)
    finally:
        with lock:
            counter[:] = COUNTER.pack(COUNTER.unpack(counter)[0] + time.thread_time() - start)


authentication.verify_password = timed_verify
