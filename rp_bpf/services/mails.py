"""One send_<name>() per e-mail of Mon Activité Formation: renders the three templates (mails/<name>/) and writes
the outbox row in the caller's transaction, so the e-mail exists if and only if the change that causes it is
committed; `flask --app rp_bpf outbox work` sends it."""

from datetime import date
from typing import Any

from flask import current_app

from rp_bpf.models import Bpf, Declaration, OutboxMessage
from shared.db import DbSession
from shared.outbox import queue_mail


def _queue(db: DbSession, name: str, recipient: str, **context: Any) -> None:
    queue_mail(db, OutboxMessage, name, recipient, current_app.config["RP_PUBLIC_URL"], **context)


def send_reminder(
    db: DbSession, declaration: Declaration, exercice: int, deadline: date, days: int, ending: Bpf | None
) -> None:
    """30 and 7 days before the deadline; `ending`: the draft whose third party's delegation ends before it."""
    _queue(db, "bpf_reminder", declaration.courriel, declaration=declaration, exercice=exercice, deadline=deadline,
           days=days, ending=ending, portal_url=current_app.config["RP_PORTAL_URL"])  # fmt: skip


def send_delegation_ending(db: DbSession, declaration: Declaration, bpf: Bpf, deadline: date) -> None:
    """The third party preparing the BPF loses its delegation before the deadline: the gestionnaire may extend it."""
    _queue(db, "bpf_delegation_ending", declaration.courriel, declaration=declaration, bpf=bpf, deadline=deadline,
           portal_url=current_app.config["RP_PORTAL_URL"])  # fmt: skip


def send_receipt(db: DbSession, declaration: Declaration, bpf: Bpf) -> None:
    """« Accusé de réception » by e-mail as a link (bpf.md §5.3), to the organisation's address: the PDF itself is
    downloaded once logged in."""
    _queue(db, "bpf_receipt", declaration.courriel, declaration=declaration, bpf=bpf)


def send_decision(db: DbSession, declaration: Declaration) -> None:
    """The control service's decision on the declaration (registered with its NDA, refused, caduque), with its
    reason, to the organisation's address."""
    _queue(db, "declaration_decision", declaration.courriel, declaration=declaration)
