"""What the provider's requests store, and that each stores it whole: a login's session, audit row and
time together, failures forgotten at a success, a session's activity recorded on the way to a code."""

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from idp.extensions import db
from idp.models import Account, AuditEvent, AuditEventType, UserSession
from tests.oidc.rp import EMAIL, callback_params, code_flow

WRONG = "Pas-Le-Bon-Mot-De-Passe-1"


def fresh(statement):
    db.session.expire_all()  # what the provider committed, not what this session remembers
    return db.session.scalar(statement)


def test_login_stores_its_session_audit_row_and_time_together(browser, soffi, account):
    code_flow(browser, soffi)
    assert fresh(select(Account.last_login_at).where(Account.id == account.id)) is not None
    success = select(func.count()).select_from(AuditEvent).where(AuditEvent.event == AuditEventType.LOGIN_SUCCESS)
    assert fresh(success) == 1
    live = select(func.count()).select_from(UserSession).where(UserSession.ended_at.is_(None))
    assert fresh(live) == 1


def test_a_login_forgets_the_failures_counted_for_the_address(browser, soffi, account):
    def fail() -> None:
        assert browser.submit(browser.login_page(), "/connexion", email=EMAIL, password=WRONG).status_code == 422

    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False):
        for _ in range(4):
            fail()
        code_flow(browser, soffi)
        browser.log_out()
        for _ in range(4):
            fail()
        # Eight failures in all, but four since the login: not blocked (five are allowed).
        code_flow(browser, soffi)


def test_a_quiet_minute_later_the_session_activity_is_recorded_and_a_code_issued(browser, soffi, account):
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as traveller:
        browser.log_in()
        logged_in_at = fresh(select(UserSession.last_seen_at))
        traveller.shift(timedelta(minutes=2))
        auth = soffi.new_request(prompt="none")
        callback = callback_params(soffi, browser.authorize(auth))
        assert soffi.redeem(callback["code"], auth.verifier).status_code == 200
    assert fresh(select(UserSession.last_seen_at)) == logged_in_at + timedelta(minutes=2)
