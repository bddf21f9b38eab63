"""What bench/sso.py serves with gunicorn: the IdP, with its workers' password-hash CPU counted apart.

The issue's targets split a login in two: the argon2id verification, whose cost its parameters set,
and everything else. The hash runs inside the worker, where it costs more than alone in a loop
(caches shared with the rest of the request), so it is measured there: each worker adds the CPU
time of its verifications to a counter that `/__bench/hash` reads. Not a test, never deployed.
"""

import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from idp import create_app
from idp.services import authentication

# bench/sso.py --rate-limits: the login's limits as many windows as the provider's, never reached by the bench.
limits = os.environ.get("BENCH_RATELIMIT_LOGIN")
app = create_app({"RATELIMIT_LOGIN": limits} if limits else None)
hashes = {"count": 0, "seconds": 0.0}
lock = threading.Lock()
verify = authentication.verify_password


def timed_verify(password: str, password_hash: str) -> tuple[bool, str | None]:
    start = time.thread_time()  # this thread's CPU only: the workers serve several requests at once
    try:
        return verify(password, password_hash)
    finally:
        with lock:
            hashes["count"] += 1
            hashes["seconds"] += time.thread_time() - start


authentication.verify_password = timed_verify
serve = app.wsgi_app


def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ["PATH_INFO"] == "/__bench/hash":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"pid": os.getpid(), **hashes}).encode()]
    return serve(environ, start_response)


app.wsgi_app = wsgi_app  # type: ignore[method-assign]
