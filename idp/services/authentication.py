"""Checking a login, with throttling per address and per IP kept in the database.

The throttle is keyed by the address typed, whether an account has it or not, so that its answers
reveal nothing about which addresses are registered.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from idp.models import Account, AccountStatus, AuditEventType, LoginThrottle
from idp.services import audit
from idp.services.accounts import find_account_by_email, normalize_email
from idp.services.passwords import dummy_hash, verify_password
from shared.clock import utcnow
from shared.db import DbSession

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class ThrottlePolicy:
    prefix: str
    free_failures: int  # failures allowed before any delay
    first_delay: timedelta
    max_delay: timedelta

    def delay(self, failures: int) -> timedelta | None:
        """Doubling delay after the free failures: 1, 2, 4, 8, 16 min, then 30 min each time."""
        over = failures - self.free_failures
        if over < 0:
            return None
        return min(self.first_delay * 2**over, self.max_delay)


# Per address: at most about a dozen guesses an hour, far below the limit of 100 the rules set.
PER_EMAIL = ThrottlePolicy("email", free_failures=5, first_delay=timedelta(minutes=1), max_delay=timedelta(minutes=30))
# Per IP: generous, since a whole company may sit behind one address.
PER_IP = ThrottlePolicy("ip", free_failures=50, first_delay=timedelta(minutes=5), max_delay=timedelta(minutes=30))


class LoginError(Exception):
    pass


class InvalidCredentials(LoginError):
    pass


class LoginBlocked(LoginError):
    def __init__(self, until: datetime) -> None:
        super().__init__()
        self.until = until


class AccountNotActivated(LoginError):
    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account


class AccountDisabled(LoginError):
    pass


# Built once: every login reads the throttles of its address and IP together.
THROTTLES = select(LoginThrottle.key, LoginThrottle.blocked_until).where(
    LoginThrottle.key.in_(bindparam("keys", expanding=True))
)


ACCOUNTS = Account.__table__
RECORD_LOGIN = update(ACCOUNTS).where(ACCOUNTS.c.id == bindparam("account_id")).values(last_login_at=bindparam("now"))


def authenticate(session: DbSession, email: str, password: str, ip: str | None) -> Account:
    """The account whose address and password these are, or a LoginError saying why not.

    A refusal is committed here; a success is not: the caller commits it with the login session it
    opens, in one transaction.
    """
    keys = [(PER_EMAIL, f"email:{normalize_email(email)}"), (PER_IP, f"ip:{ip or 'unknown'}")]
    now = utcnow()
    throttles = dict(session.execute(THROTTLES, {"keys": [key for _, key in keys]}).all())
    blocked_until = max((until for until in throttles.values() if until is not None and until > now), default=None)
    account = find_account_by_email(session, email)
    if blocked_until:
        audit.record(session, AuditEventType.LOGIN_BLOCKED, account.id if account else None, ip)
        session.commit()
        raise LoginBlocked(blocked_until)

    matches, new_hash = verify_password(password, account.password_hash if account else dummy_hash())
    if account is None or not matches:
        for policy, key in keys:
            throttle_count_failure(session, policy, key, now)
        audit.record(session, AuditEventType.LOGIN_FAILURE, account.id if account else None, ip)
        session.commit()
        raise InvalidCredentials()

    if keys[0][1] in throttles:  # the failures counted for this address are forgotten
        session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys[0][1]))
    if new_hash:
        account.password_hash = new_hash
    if account.status is AccountStatus.PENDING:
        audit.record(session, AuditEventType.LOGIN_INACTIVE, account.id, ip)
        session.commit()
        raise AccountNotActivated(account)
    if account.status is AccountStatus.DISABLED:
        audit.record(session, AuditEventType.LOGIN_INACTIVE, account.id, ip, status="disabled")
        session.commit()
        raise AccountDisabled()
    # Plain statements, not the ORM's unit of work: this is every login's cost.
    session.execute(RECORD_LOGIN, {"account_id": account.id, "now": now})
    set_committed_value(account, "last_login_at", now)
    audit.write(session, AuditEventType.LOGIN_SUCCESS, account.id, ip)
    return account


def throttle_blocked_until(session: DbSession, key: str, now: datetime) -> datetime | None:
    row = session.get(LoginThrottle, key)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until


def throttle_count_failure(session: DbSession, policy: ThrottlePolicy, key: str, now: datetime) -> None:
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
    if row is None:
        try:
            with session.begin_nested():
                row = LoginThrottle(key=key, failures=0, window_started_at=now)
                session.add(row)
        except IntegrityError:  # another worker counted the first failure at the same instant
            row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
            assert row is not None
    if now - row.window_started_at > WINDOW:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    delay = policy.delay(row.failures)
    row.blocked_until = now + delay if delay else None
