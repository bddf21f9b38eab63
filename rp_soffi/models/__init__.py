"""SOFFi's tables: the register of collecting bodies with its journal, the campaigns with theirs, the statements
with their filed versions, their history, the totals of the validated ones, the agents' comments on lines and the
attachments (whose files live outside the database); the e-mails to send and the bodies' users to send them to."""

from rp_soffi.models.campaign import Campaign, CampaignEvent, CampaignEventType
from rp_soffi.models.collecting_body import BodyEvent, BodyEventType, CollectingBody
from rp_soffi.models.outbox import BodyUser, OutboxMessage
from rp_soffi.models.statement import (
    Attachment,
    LineComment,
    Statement,
    StatementEvent,
    StatementTotal,
    StatementVersion,
)

__all__ = [
    "Attachment",
    "BodyEvent",
    "BodyEventType",
    "BodyUser",
    "Campaign",
    "CampaignEvent",
    "CampaignEventType",
    "CollectingBody",
    "LineComment",
    "OutboxMessage",
    "Statement",
    "StatementEvent",
    "StatementTotal",
    "StatementVersion",
]
