"""/healthz and /readyz: alive whatever happens outside; ready only when the database (and, for a service, the
identity provider) answers — 503 naming the failing check, never its error."""

import pytest
from flask import Flask

import rp_bpf
import rp_soffi
from idp import create_app

UNREACHABLE_DATABASE = "postgresql+psycopg://nobody:secret-password@127.0.0.1:9/nothing"
UNREACHABLE_PROVIDER = "http://127.0.0.1:9"  # nothing listens on port 9 (discard) here


def test_the_provider_is_alive_and_ready(app: Flask) -> None:
    client = app.test_client()
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ok", "checks": {"database": "ok", "rate_limits": "ok", "signing_keys": "ok"}}
    assert ready.headers["Cache-Control"] == "no-store"


def test_without_its_database_the_provider_is_alive_but_not_ready() -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": UNREACHABLE_DATABASE})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # the orchestrator must not kill every instance
    ready = client.get("/readyz")
    assert ready.status_code == 503
    checks = {"database": "error", "rate_limits": "ok", "signing_keys": "error"}  # the keys are in the database
    assert ready.json == {"status": "unavailable", "checks": checks}
    assert "secret-password" not in ready.text and "127.0.0.1" not in ready.text


@pytest.mark.parametrize("package", [rp_soffi, rp_bpf])
def test_a_service_without_the_provider_is_alive_but_not_ready(package: object, tmp_path: object) -> None:
    app = package.create_app(  # type: ignore[attr-defined]
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/rp.sqlite3",
            "RP_ISSUER": UNREACHABLE_PROVIDER,
        }
    )
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json == {"status": "unavailable", "checks": {"database": "ok", "provider": "error"}}
