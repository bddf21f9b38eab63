from idp.extensions import db
from shared.outbox import OutboxMixin


class OutboxMessage(OutboxMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "outbox_message"
