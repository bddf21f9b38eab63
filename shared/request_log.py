"""One log line per request, with a request id that follows a login from one app to the next.

The id is the incoming `X-Request-Id` when it looks like one (what nginx or a service calling the provider sent),
else a new one; it is returned in the response's `X-Request-Id`, stamped on every log line written while the request
is served, and sent by the services on their calls to the provider (`shared/oidc_client/flow.py`), so that the
provider's lines of a sign-in (token, JWKS) carry the id of the service's callback.

What a line holds is chosen, never copied from the request: the method, the route's pattern (`/activation/<token>`,
never the address itself, whose path or query may carry a one-time token, a code or an ID token), the endpoint, the
status, the duration, the id. No header, no cookie, no form field.

`LOG_FORMAT=json` (the default in production) writes each line as one JSON object; `text` is for a developer's
terminal.
"""

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request
from flask.logging import default_handler

HEADER = "X-Request-Id"
# Letters, digits and « . _ : - », 128 at most: what nginx ($request_id), a UUID or a tracing system send, and nothing
# that could forge a log line (control characters, quotes) or fill the disk.
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
FORMATS = ("json", "text")

log = logging.getLogger(__name__)


def request_id_from(header: str | None) -> str:
    """The incoming id if well formed, else a new random one."""
    if header and WELL_FORMED.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def propagated(headers: Mapping[str, str] | None = None) -> dict[str, str]:
    """`headers` plus the current request's id, for a call made while serving it (to the provider)."""
    found = dict(headers or {})
    request_id = current_request_id()
    if request_id:
        found[HEADER] = request_id
    return found


def init_app(app: Flask) -> None:
    if app.config.get("LOG_FORMAT", "text") not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}")
    app.before_request(_start)
    app.after_request(_finish)
    # werkzeug's development server logs each request line, query string included (a code, an ID token): ours
    # replaces it. httpx logs each request it sends the same way (a service's calls to the provider).
    for chatty in ("werkzeug", "httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if not app.testing:  # the tests read the records themselves (caplog); a handler would write to their stderr
        _install_handler(app.config.get("LOG_FORMAT", "text"))
        app.logger.removeHandler(default_handler)  # the root handler writes the app's lines, once


def _start() -> None:
    g.request_id = request_id_from(request.headers.get(HEADER))
    g.request_log_started = time.perf_counter()


def _finish(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is None:  # a hook before ours answered: still give the answer an id
        request_id = g.request_id = request_id_from(None)
    response.headers[HEADER] = request_id
    started = g.pop("request_log_started", None)
    rule = request.url_rule
    fields = {
        "app": current_app.name,
        "method": request.method,
        "route": rule.rule if rule is not None else None,
        "endpoint": rule.endpoint if rule is not None else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
    }
    # Alembic's fileConfig (each `db upgrade`) disables every logger that existed before it: in a process that
    # migrated (the tests, a command that migrates then serves) this line would silently vanish.
    log.disabled = False
    log.info(
        "%s %s %s",
        fields["method"],
        fields["route"] or "-",
        fields["status"],
        extra={"http": fields, "request_id": request_id},
    )
    return response


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        line.update(getattr(record, "http", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _Stderr(logging.StreamHandler):
    """Writes to the process's stderr of the moment (as logging's last resort does), not the one it was built with."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        """StreamHandler sets it once; the property always answers the current one."""


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
MARK = "mesdemarches_handler"


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def _install_handler(log_format: str) -> None:
    """One handler on the root logger (stderr, where gunicorn and the containers collect), installed once per process
    whatever the number of apps; INFO, so that each request's line is written."""
    root = logging.getLogger()
    handler = next((found for found in root.handlers if getattr(found, MARK, False)), None)
    if handler is None:
        handler = _Stderr()
        setattr(handler, MARK, True)
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(formatter(log_format))
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
