"""`flask --app rp_bpf demo load`: FORMA'LOIRE ready for its BPF 2025, sixty organisations in every state for the
control services, loaded once."""

import pytest
from flask import Flask
from sqlalchemy import func, select

from rp_bpf.extensions import db
from rp_bpf.models import Bpf, BpfStatus, Declaration, DeclarationStatus, OutboxMessage
from rp_bpf.services import control
from rp_bpf.services.overview import overview
from shared.clock import utcnow


@pytest.mark.usefixtures("during_the_2025_campaign")
def test_demo_load_is_idempotent_and_fills_the_control_dashboard(bpf_app: Flask) -> None:
    runner = bpf_app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "61 organisme(s) de démonstration ajouté(s)." in first.output
    again = runner.invoke(args=["demo", "load"])
    assert "0 organisme(s) de démonstration ajouté(s)." in again.output
    assert db.session.scalar(select(func.count(Declaration.id))) == 61
    counters = control.counters(db.session, 2025, "52")
    assert counters.transmitted > 0 and counters.not_transmitted > 0 and counters.late > 0 and counters.no_activity > 0
    formaloire = overview(db.session, "997915665", utcnow())
    assert formaloire.declaration is not None and formaloire.declaration.status == DeclarationStatus.ENREGISTREE
    rows = {row.exercice: row for row in formaloire.rows}
    assert rows[2024].transmitted is not None and rows[2025].bpf is None  # the 2025 BPF is left to fill
    assert db.session.scalar(select(func.count(Bpf.id)).where(Bpf.status == BpfStatus.TRANSMIS)) > 40
    # Sixty organisations' declarations registered and BPF transmitted in the past: no receipt e-mailed to anyone.
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
