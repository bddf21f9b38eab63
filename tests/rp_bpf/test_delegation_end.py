"""A third party's delegation that ends before the BPF deadline (30 April 2026 for the BPF 2025) is pointed out:
to the third party on its home page, to the organisation on its home page, by e-mail once as soon as it is known and
again in the deadline's reminders — the organisation's gestionnaire may extend it at Mes démarches."""

from datetime import datetime

import pytest
import webtest
from flask import Flask
from sqlalchemy import select

from rp_bpf.extensions import db
from rp_bpf.models import Bpf, ReminderSent
from rp_bpf.services import bpfs, reminders
from rp_bpf.services.journal import Actor
from shared.db import DbSession
from tests.mail_server import MailServer
from tests.rp_bpf.conftest import CABINET, FORMALOIRE, IN_TIME, LogIn, habilitation
from tests.rp_bpf.factories import VALID
from tests.rp_bpf.test_reminders import THIRTY_DAYS_BEFORE, organisation
from tests.rp_bpf.test_stepper import fill_every_step, start, transmit
from tests.rp_bpf.web import fresh
from tests.rp_sofi.web import text

SHORT = "2026-04-15T23:59:59+02:00"  # ends a fortnight before the deadline
LONG = "2026-05-31T23:59:59+02:00"
THIRD_PARTY = Actor("sub-ines", "Inès TIERS", CABINET, datetime(2026, 4, 15, 21, 59, 59))  # naive UTC


def firm(expires_at: str) -> object:
    return habilitation("declarant", CABINET, delegated=True, on_behalf_of_siret=FORMALOIRE, expires_at=expires_at)


@pytest.mark.usefixtures("during_the_2025_campaign")
def test_both_sides_read_that_the_delegation_ends_before_the_deadline_until_the_bpf_is_transmitted(
    bpf: webtest.TestApp, log_in: LogIn, registered: None
) -> None:
    log_in(firm(SHORT), sub="sub-ines")
    assert text(bpf.get("/"), "fin-delegation") == (
        "Votre délégation pour cet organisme prend fin le 15/04/2026 à 23h59, avant la date limite de transmission"
        " du BPF 2025 (30/04/2026) : demandez au gestionnaire de l'organisme de la prolonger sur Mes démarches."
    )
    verification = fill_every_step(bpf, VALID)  # the draft records who prepares it, and until when
    log_in("gestionnaire")
    notice = text(bpf.get("/"), "fin-delegation")
    assert notice.startswith(f"La délégation de Alix DÉCLARANTE (SIRET {CABINET}), qui prépare votre BPF 2025,")
    assert "prend fin le 15/04/2026 à 23h59, avant la date limite de transmission du 30/04/2026" in notice
    assert "Le gestionnaire de votre organisme peut la prolonger sur Mes démarches" in notice

    log_in(firm(SHORT), sub="sub-ines")
    transmit(bpf.get(verification.request.path)).follow()
    fresh()
    log_in("gestionnaire")
    assert bpf.get("/").html.find(id="fin-delegation") is None  # transmitted: nothing left to miss


@pytest.mark.usefixtures("during_the_2025_campaign")
def test_a_delegation_lasting_past_the_deadline_is_not_pointed_out(
    bpf: webtest.TestApp, log_in: LogIn, registered: None
) -> None:
    log_in(firm(LONG), sub="sub-ines")
    assert bpf.get("/").html.find(id="fin-delegation") is None
    start(bpf)
    log_in("gestionnaire")
    assert bpf.get("/").html.find(id="fin-delegation") is None
    assert db.session.scalar(select(Bpf.delegation_ends_at)) == datetime(2026, 5, 31, 21, 59, 59)


def test_the_organisation_is_told_once_by_e_mail_and_again_in_the_reminder(
    bpf_app: Flask, session: DbSession, mail_server: MailServer
) -> None:
    organisation(session, "997915665", "contact@formaloire.example")
    bpfs.start(session, THIRD_PARTY, "997915665", 2025, IN_TIME)

    assert reminders.send_delegation_notices(session, IN_TIME) == 1
    assert reminders.send_delegation_notices(session, IN_TIME) == 0  # once per campaign
    assert reminders.send_due(session, THIRTY_DAYS_BEFORE) == 1
    assert session.scalars(select(ReminderSent.kind).order_by(ReminderSent.kind)).all() == ["deleg", "j-30"]

    mail_server.clear()
    assert bpf_app.test_cli_runner().invoke(args=["outbox", "work", "--once"]).exit_code == 0
    _, notice, reminder = mail_server.to("contact@formaloire.example")  # its registration first
    assert notice.subject == (
        "Mon Activité Formation : la délégation pour votre BPF 2025 prend fin avant la date limite"
    )
    assert f"Inès TIERS (SIRET {CABINET}) prépare, par délégation" in notice.text
    assert "Cette délégation prend fin le 15/04/2026 à 23h59, avant la date limite de transmission du bilan," in (
        " ".join(notice.text.split())
    )
    assert "Gérer les utilisateurs de Mon Activité Formation" in notice.text
    assert "Attention : la délégation de Inès TIERS" in reminder.text


def test_no_notice_for_a_delegation_already_ended_or_lasting_past_the_deadline(
    bpf_app: Flask, session: DbSession
) -> None:
    organisation(session, "997915665", "contact@formaloire.example")
    lasting = Actor("sub-ines", "Inès TIERS", CABINET, datetime(2026, 4, 30, 22, 0))  # 1 May, 00:00 in Paris
    bpfs.start(session, lasting, "997915665", 2025, IN_TIME)
    assert reminders.send_delegation_notices(session, IN_TIME) == 0
    assert reminders.send_delegation_notices(session, datetime(2026, 4, 16, 7, 0)) == 0
    assert session.scalars(select(ReminderSent.kind)).all() == []
