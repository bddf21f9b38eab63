from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from idp.extensions import db
from shared.clock import utcnow


class ExpiryReminder(db.Model):  # type: ignore[name-defined]
    """A reminder sent before a habilitation's end (30 or 7 days): its primary key makes each one sent once,
    however often and on however many instances the job runs."""

    habilitation_id: Mapped[int] = mapped_column(ForeignKey("habilitation.id", ondelete="CASCADE"), primary_key=True)
    days_before: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
