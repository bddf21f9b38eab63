"""`/healthz` and `/readyz` of every app, for a load balancer and an orchestrator.

/healthz: the process answers (nothing else is asked: a database outage must not get every instance killed).
/readyz: what the app needs to serve is reachable — each check named by the app (its database; for a service,
the provider's discovery document) — 200, or 503 naming the checks that failed, never their error (logged).
"""

from collections.abc import Callable, Mapping
from typing import Any

import requests
from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import Engine, text
from werkzeug.wrappers import Response

from shared.request_log import propagated

Check = Callable[[], Any]  # raises when what it checks is not there
CHECKS = "health_checks"
DISCOVERY_PATH = "/.well-known/openid-configuration"
PROBE_TIMEOUT = 2  # seconds: a probe that hangs is a failed probe

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def alive() -> Response:
    return _answer({"status": "ok"}, 200)


@bp.get("/readyz")
def ready() -> Response:
    results = {}
    for name, check in current_app.extensions[CHECKS].items():
        try:
            check()
        except Exception as error:  # any failure of a dependency is « not ready », whatever its kind
            # One line, not a traceback: a probe runs every few seconds for as long as the outage lasts.
            current_app.logger.warning("Readiness check %r failed: %r", name, error)
            results[name] = "error"
        else:
            results[name] = "ok"
    failing = "error" in results.values()
    return _answer({"status": "unavailable" if failing else "ok", "checks": results}, 503 if failing else 200)


def _answer(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def database(engine: Callable[[], Engine]) -> Check:
    """A round trip to the database (`engine` is read when checked: Flask-SQLAlchemy's needs the app context)."""

    def check() -> None:
        with engine().connect() as connection:
            connection.execute(text("SELECT 1"))

    return check


def provider(issuer: Callable[[], str]) -> Check:
    """The identity provider's discovery document, fetched now (a service cannot log anyone in without it)."""

    def check() -> None:
        # The probe's id goes along: a /readyz failing on the provider's side is found in its logs.
        found = requests.get(issuer() + DISCOVERY_PATH, timeout=PROBE_TIMEOUT, headers=propagated())
        found.raise_for_status()
        if found.json().get("issuer") != issuer():
            raise ValueError("the discovery document names another issuer")

    return check


def init_app(app: Flask, checks: Mapping[str, Check]) -> None:
    app.extensions[CHECKS] = dict(checks)
    app.register_blueprint(bp)
