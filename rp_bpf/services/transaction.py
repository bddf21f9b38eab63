"""The `@transaction` of Mon Activité Formation's services (shared.transaction; README « Conventions »)."""

from rp_bpf import messages
from rp_bpf.services.errors import Stale
from shared.transaction import transaction_decorator

transaction = transaction_decorator(lambda: Stale(messages.STALE))
