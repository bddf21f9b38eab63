"""Prometheus metrics of every app at `/metrics`: request latency by endpoint, and the counters an app declares.

Each app has its own `CollectorRegistry` (never the process-wide default): the tests build many apps in one
process, and two apps must not share or clash over a series. Labels are bounded: the Flask endpoint's name
(never the path, which a client chooses) and the status class.

Not public: `/metrics` answers only when `METRICS_TOKEN` is set and the request carries
`Authorization: Bearer <token>`; otherwise it is a 404, as if it did not exist.

Counters about what a transaction did (a login, an e-mail queued) move when that transaction commits: a
rolled-back login counts nothing. `count_on_commit` keeps them on the session until then.

Under gunicorn each worker is a process with its own counters, and a scrape reaches one of them: with
`PROMETHEUS_MULTIPROC_DIR` set (compose.yaml does), prometheus-client keeps the values in files there and a scrape
adds up every worker's. A process that serves no page (the outbox worker) serves its registry with
`serve_in_background`, under the same rule.
"""

import hmac
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from flask import Blueprint, Flask, Response, abort, current_app, g, has_app_context, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.orm import Session

from shared.db import DbSession

EXTENSION = "metrics"
PENDING = "metrics_pending"  # key of Session.info: the counts waiting for the commit
UNMATCHED = "none"  # the endpoint label of a request no route matched (a 404): one series, whatever the path

bp = Blueprint("metrics", __name__)


class Metrics:
    """An app's registry, its latency histogram and the counters it declared by name."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to answer a request, by Flask endpoint and status class.",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self.counters: dict[str, Counter] = {}
        self.live: list[Collector] = []  # read at scrape time, in this process (not kept in multiprocess files)

    def counter(self, key: str, name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
        """Declare a counter that `count()` and `count_on_commit()` find by `key`."""
        self.counters[key] = Counter(name, documentation, list(labels), registry=self.registry)
        return self.counters[key]

    def add(self, collector: Collector) -> None:
        """A collector read at scrape time (a gauge computed from the database)."""
        self.registry.register(collector)
        self.live.append(collector)

    def to_scrape(self) -> CollectorRegistry:
        """This process's registry, or under gunicorn's workers every worker's values (`PROMETHEUS_MULTIPROC_DIR`)."""
        folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if not folder:
            return self.registry
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=folder)
        for collector in self.live:
            registry.register(collector)
        return registry


def init_app(app: Flask) -> Metrics:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:  # prometheus-client writes its files there from the first value: the folder must exist
        os.makedirs(folder, exist_ok=True)
    metrics = Metrics()
    app.extensions[EXTENSION] = metrics
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.register_blueprint(bp)
    return metrics


def of(app: Flask) -> Metrics:
    metrics: Metrics = app.extensions[EXTENSION]
    return metrics


def count(key: str, amount: float = 1, **labels: str) -> None:
    """Move the current app's counter `key` now, by one or by `amount` (seconds of CPU, for instance)."""
    if not has_app_context():
        return
    found = current_app.extensions.get(EXTENSION)
    counter = found.counters.get(key) if found else None
    if counter is not None:  # an app that did not declare it (a service running a shared helper) counts nothing
        (counter.labels(**labels) if labels else counter).inc(amount)


def count_on_commit(session: DbSession, key: str, **labels: str) -> None:
    """Move counter `key` when `session` commits what it is writing; forgotten if it rolls back."""
    session.info.setdefault(PENDING, []).append((key, labels))


@event.listens_for(Session, "after_commit")
def _counts_committed(session: Session) -> None:
    for key, labels in session.info.pop(PENDING, []):
        count(key, **labels)


@event.listens_for(Session, "after_rollback")
def _counts_rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None:  # None when a before_request hook answered before ours ran
        endpoint = request.url_rule.endpoint if request.url_rule is not None else UNMATCHED
        of(current_app).latency.labels(endpoint=endpoint, status=f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
    return response


def authorized(token: str, header: str) -> bool:
    """Whether an Authorization header carries `token` as a bearer token (constant-time: the comparison's time
    says nothing about how much of a guess was right)."""
    scheme, _, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


@bp.get("/metrics")
def scrape() -> Any:
    if not authorized(current_app.config.get("METRICS_TOKEN") or "", request.headers.get("Authorization", "")):
        abort(404)
    return Response(generate_latest(of(current_app).to_scrape()), content_type=CONTENT_TYPE_LATEST)


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def exporter(app: Flask) -> WSGIApp:
    """`/metrics` of an app's process that serves no page (the outbox worker), under the same rule: the token, or
    a 404."""

    def answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        token = app.config.get("METRICS_TOKEN") or ""
        if environ.get("PATH_INFO") != "/metrics" or not authorized(token, environ.get("HTTP_AUTHORIZATION", "")):
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Not Found\n"]
        with app.app_context():  # the scrape-time collectors query the app's database
            body = generate_latest(of(app).to_scrape())
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Cache-Control", "no-store")])
        return [body]

    return answer


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """A scrape every few seconds is not worth a log line."""


def serve_in_background(app: Flask, host: str, port: int) -> WSGIServer:
    """Serve `exporter(app)` from a daemon thread (it ends with the process); returns the server (its port)."""
    server = make_server(host, port, exporter(app), handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
