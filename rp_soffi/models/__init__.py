"""SOFFi's tables: the register of collecting bodies with its journal, the campaigns, the statements with their
filed versions, their history, the agents' comments on lines and the attachments (whose files live outside the
database)."""

from rp_soffi.models.campaign import Campaign
from rp_soffi.models.collecting_body import BodyEvent, BodyEventType, CollectingBody
from rp_soffi.models.statement import Attachment, LineComment, Statement, StatementEvent, StatementVersion

__all__ = [
    "Attachment",
    "BodyEvent",
    "BodyEventType",
    "Campaign",
    "CollectingBody",
    "LineComment",
    "Statement",
    "StatementEvent",
    "StatementVersion",
]
