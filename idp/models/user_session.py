from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from idp.extensions import db
from idp.models.account import Account
from shared.clock import utcnow


class UserSession(db.Model):  # type: ignore[name-defined]
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored here."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The `sid` of ID and logout tokens: random and public, unlike the token. A new login of the same person in the
    # same browser keeps it, so that relying parties still know the session by the sid they were given.
    sid: Mapped[str | None] = mapped_column(String(32))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ip: Mapped[str | None] = mapped_column(String(45))

    account: Mapped[Account] = relationship(lazy="joined")
