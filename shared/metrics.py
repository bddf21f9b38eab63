"""Prometheus metrics of every app at `/metrics`: request latency by endpoint, and the counters an app declares.

Each app has its own `CollectorRegistry` (never the process-wide default): the tests build many apps in one
process, and two apps must not share or clash over a series. Labels are bounded: the Flask endpoint's name
(never the path, which a client chooses) and the status class.

Not public: `/metrics` answers only when `METRICS_TOKEN` is set and the request carries
`Authorization: Bearer <token>`; otherwise it is a 404, as if it did not exist.

Counters about what a transaction did (a login, an e-mail queued) move when that transaction commits: a
rolled-back login counts nothing. `count_on_commit` keeps them on the session until then.
"""

import hmac
import time
from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, g, has_app_context, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
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

    def counter(self, key: str, name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
        """Declare a counter that `count()` and `count_on_commit()` find by `key`."""
        self.counters[key] = Counter(name, documentation, list(labels), registry=self.registry)
        return self.counters[key]

    def add(self, collector: Collector) -> None:
        """A collector read at scrape time (a gauge computed from the database)."""
        self.registry.register(collector)


def init_app(app: Flask) -> Metrics:
    metrics = Metrics()
    app.extensions[EXTENSION] = metrics
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.register_blueprint(bp)
    return metrics


def of(app: Flask) -> Metrics:
    metrics: Metrics = app.extensions[EXTENSION]
    return metrics


def count(key: str, **labels: str) -> None:
    """Move the current app's counter `key` now (outside a transaction: an e-mail handed to the relay)."""
    if not has_app_context():
        return
    found = current_app.extensions.get(EXTENSION)
    counter = found.counters.get(key) if found else None
    if counter is not None:  # an app that did not declare it (a service running a shared helper) counts nothing
        (counter.labels(**labels) if labels else counter).inc()


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
    return Response(generate_latest(of(current_app).registry), content_type=CONTENT_TYPE_LATEST)
