"""A third party's delegation that ends before the campaign's deadline (issue 16): it could not transmit the BPF on
time, so the organisation is told — on its home page, in the deadline's reminders and once by e-mail as soon as it
is known — that its gestionnaire may extend it at Mes démarches. The end is the one the third party's claims said
when it last worked on the draft (the service learns nothing else about delegations)."""

from datetime import UTC, date, datetime, time, timedelta

from rp_bpf.models import Bpf
from rp_bpf.services.journal import Actor
from shared.clock import PARIS


def deadline_end(deadline: date) -> datetime:
    """The moment the deadline's day ends in France, as stored times are (naive UTC)."""
    midnight = datetime.combine(deadline + timedelta(days=1), time(), PARIS)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def ends_before(ends_at: datetime | None, deadline: date) -> bool:
    return ends_at is not None and ends_at < deadline_end(deadline)


def note_delegate(bpf: Bpf, actor: Actor) -> None:
    """A third party at work on the draft: who, and until when it may act."""
    if actor.third_party_siret is not None:
        bpf.delegate_name, bpf.delegate_siret = actor.name, actor.third_party_siret
        bpf.delegation_ends_at = actor.delegation_ends_at


def ending_too_soon(bpf: Bpf | None, deadline: date) -> Bpf | None:
    """The draft, when the third party preparing it loses its delegation before the deadline."""
    if bpf is None or not bpf.status.is_draft or not ends_before(bpf.delegation_ends_at, deadline):
        return None
    return bpf
