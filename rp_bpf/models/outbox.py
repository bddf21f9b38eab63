"""Mon Activité Formation's e-mails (shared.outbox: written in the transaction that causes them, sent by
`flask --app rp_bpf outbox work`) and the reminders already sent, so that each goes once."""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rp_bpf.extensions import db
from shared.clock import utcnow
from shared.outbox import OutboxMixin


class OutboxMessage(OutboxMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "outbox_message"


class ReminderSent(db.Model):  # type: ignore[name-defined]
    """One reminder of a campaign to an organisation: its primary key decides between two runs."""

    siren: Mapped[str] = mapped_column(String(9), primary_key=True)
    exercice: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # "j-30", "j-7"
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
