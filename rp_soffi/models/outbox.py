"""SOFFi's e-mails (shared.outbox: written in the transaction of the statement's move that causes them, sent by
`flask --app rp_soffi outbox work`) and the body users it knows the address of."""

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from rp_soffi.extensions import db
from shared.clock import utcnow
from shared.outbox import OutboxMixin


class OutboxMessage(OutboxMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "outbox_message"


class BodyUser(db.Model):  # type: ignore[name-defined]
    """A person who logged in with a role of a body that files (organisme collecteur, gestionnaire), as the claims
    of their last login said: the recipients of « votre état … est validé / doit être corrigé » (soffi.md §4). The
    service learns of users only when they log in; each login replaces the person's rows."""

    sub: Mapped[str] = mapped_column(String(255), primary_key=True)
    siren: Mapped[str] = mapped_column(String(9), primary_key=True, index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(250))
    role: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)  # the habilitation's end (naive UTC), if any
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
