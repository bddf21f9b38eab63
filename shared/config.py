"""Settings shared by every app: read from the environment, safe for development, strict in production."""

import os
from pathlib import Path
from typing import Any


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up when production settings would be insecure."""


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def base_settings(
    instance_path: str, database_file: str, cookie_name: str, database_env: str = "DATABASE_URL"
) -> dict[str, Any]:
    """Development defaults overridden by environment variables.

    Browsers do not separate cookies by port, so each app names its session cookie differently.
    """
    production = os.environ.get("APP_ENV", "development") == "production"
    return {
        "ENV_PRODUCTION": production,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or ("" if production else "dev-only-not-secret"),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(database_env) or f"sqlite:///{Path(instance_path) / database_file}",
        # A pooled connection is tried (one `SELECT 1`, some 30 µs on loopback) before a request gets it: after a
        # database restart the pool still holds the connections the server closed, and without the try the first
        # request to take one would fail (a 503) although the database answers again (tests/idp/test_database_restart).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # « __Host- »: the browser keeps it only if it came over HTTPS for this exact host (no Domain, Path=/),
        # so a sibling subdomain cannot plant or overwrite it.
        "SESSION_COOKIE_NAME": f"__Host-{cookie_name}" if production else cookie_name,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session: no expired forms mid-sign-up
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # How many proxies in front of the app append the client's address to X-Forwarded-For (nginx: 1). 0: none,
        # and the header is ignored — a client could write any address there and escape the per-IP login limits.
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
        # /metrics is served only to a request carrying it as a bearer token (shared/metrics.py); unset: a 404.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        # One JSON object per log line (shared/request_log.py), what a log collector reads; text in development.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT") or ("json" if production else "text"),
        # Off only for load benchmarks run on loopback (every request comes from one address).
        "RATELIMIT_ENABLED": env_bool("RATELIMIT_ENABLED", True),
    }


def check_production(config: dict[str, Any]) -> None:
    """Refuse to start a production app that would run with a guessable key or an embedded database."""
    if not config.get("ENV_PRODUCTION"):
        return
    if not config.get("SECRET_KEY"):
        raise UnsafeConfiguration("SECRET_KEY must be set in production.")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        raise UnsafeConfiguration("Production needs PostgreSQL (DATABASE_URL), not SQLite.")
