from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from idp.extensions import db


class LoginThrottle(db.Model):  # type: ignore[name-defined]
    """Failed logins counted per key ("email:…" or "ip:…"), in the database so that every worker sees them."""

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)


class SpentBotCheck(db.Model):  # type: ignore[name-defined]
    """Solved ALTCHA challenges already used: a solution opens one form submission, on whichever instance."""

    challenge: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
