"""Back-channel logout notifications waiting to be delivered: the outbox of OpenID Connect Back-Channel Logout 1.0.

A row is written in the transaction of the change that causes it (a revoked habilitation, a disabled account, a
logout); the worker signs the logout token when it sends it (so that its `exp` is fresh) and retries with a growing
delay until the relying party answers 2xx, or gives up after BackchannelLogout.MAX_ATTEMPTS.
"""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from idp.extensions import db
from shared.clock import utcnow


class BackchannelLogout(db.Model):  # type: ignore[name-defined]
    __tablename__ = "backchannel_logout"

    MAX_ATTEMPTS = 10  # 30 s, 1 min, 2 min… about 4 hours in all

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))  # OAuthClient.client_id: its URI is read when sending
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    sid: Mapped[str | None] = mapped_column(String(32))  # the login session, when one ended; None: every session
    reason: Mapped[str] = mapped_column(String(40))  # for the logs: habilitation_revoked, account_disabled, logout…
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    given_up_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
