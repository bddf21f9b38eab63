"""Mon Activité Formation's tables: the campaigns (one per exercice), the déclarations d'activité, the BPFs with
every version and their receipts, and the journal of every state change."""

from rp_bpf.models.bpf import Bpf, BpfStatus, Receipt
from rp_bpf.models.campaign import Campaign
from rp_bpf.models.declaration import AssignedNda, Declaration, DeclarationStatus
from rp_bpf.models.journal import JournalEntry, JournalEvent
from rp_bpf.models.outbox import OutboxMessage, ReminderSent

__all__ = [
    "AssignedNda",
    "Bpf",
    "BpfStatus",
    "Campaign",
    "Declaration",
    "DeclarationStatus",
    "JournalEntry",
    "JournalEvent",
    "OutboxMessage",
    "Receipt",
    "ReminderSent",
]
