"""What a request costs before any of the provider's code runs: gunicorn and an empty Flask app.

Not a test. `python bench/http_floor.py` serves a Flask app whose one view returns "ok" with gunicorn,
configured as bench/sso.py serves the provider (2 workers, gthread, 4 threads), and reports the
workers' CPU per request over a kept-alive connection and over a new connection each time. A complete
login of bench/sso.py makes six requests on two connections (the browser's, the back channel's).
"""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
from flask import Flask

ROOT = Path(__file__).resolve().parents[1]

app = Flask(__name__)  # what gunicorn serves: nothing else is imported in its workers


@app.get("/")
def index() -> str:
    return "ok"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.common import gunicorn, say
    from bench.sso import TLS, cpu_seconds
    from tests.postgres_cluster import free_port

    def per_request(pids: list[int], count: int, request: Callable[[], object]) -> float:
        before = cpu_seconds(pids)
        for _ in range(count):
            request()
        return 1000 * (cpu_seconds(pids) - before) / count

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with gunicorn("bench.http_floor:app", port, "/", args.worker_class, args.threads) as pids:
        kept = httpx.Client(verify=TLS)

        def new_connection() -> None:
            with httpx.Client(verify=TLS) as client:
                client.get(url)

        per_request(pids, 200, lambda: kept.get(url))  # warm-up
        say(f"kept-alive connection: {per_request(pids, args.requests, lambda: kept.get(url)):.2f} ms of CPU a request")
        say(f"new connection each time: {per_request(pids, args.requests, new_connection):.2f} ms of CPU a request")


if __name__ == "__main__":
    main()
