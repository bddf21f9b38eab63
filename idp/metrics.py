"""The provider's own metrics, beside every app's (shared/metrics.py): logins by outcome, counted from the audit
events that record them, the CPU its password verifications cost, and the e-mails of its outbox."""

from flask import Flask

from idp.extensions import db
from idp.models import AuditEventType, OutboxMessage
from shared import metrics
from shared.db import DbSession
from shared.outbox import declare_metrics

LOGIN_OUTCOMES = {
    AuditEventType.LOGIN_SUCCESS: "success",
    AuditEventType.LOGIN_FAILURE: "failure",  # unknown address or wrong password
    AuditEventType.LOGIN_BLOCKED: "blocked",  # throttled: too many failures for the address or the IP
    AuditEventType.LOGIN_INACTIVE: "inactive",  # not activated yet, or disabled
}


def init_app(app: Flask) -> None:
    found = metrics.of(app)
    found.counter("logins", "idp_logins_total", "Logins by outcome, as the audit log records them.", ["outcome"])
    # The hash is most of a login's CPU, and what it costs moves with the machine (its caches, its neighbours): what
    # sizes a deployment, and what bench/sso_scale.py subtracts to measure everything else.
    found.counter("verifications", "idp_password_verifications_total", "Password verifications (argon2id).")
    found.counter(
        "verification_cpu", "idp_password_verification_cpu_seconds_total", "CPU time spent verifying passwords."
    )
    declare_metrics(found, lambda: db.session, OutboxMessage)


def audit_recorded(session: DbSession, event: AuditEventType) -> None:
    """Count a login when its audit row is committed (a refused login commits its row; a success, with the session
    it opens)."""
    outcome = LOGIN_OUTCOMES.get(event)
    if outcome is not None:
        metrics.count_on_commit(session, "logins", outcome=outcome)
