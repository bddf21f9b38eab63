"""One definition of "now", so that every expiry is computed the same way (and tests can travel in time)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Current UTC time as a naive datetime, the form stored in every database column."""
    return datetime.now(UTC).replace(tzinfo=None)


PARIS = ZoneInfo("Europe/Paris")


def in_paris(value: datetime) -> datetime:
    """A stored (naive UTC) time, or one with its offset (as in the claims), as the wall-clock time users in France
    read."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(PARIS)


def epoch(value: datetime) -> int:
    """Seconds since 1970 of a stored (naive UTC) time, as JWT claims want them."""
    return int(value.replace(tzinfo=UTC).timestamp())
