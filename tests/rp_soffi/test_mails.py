"""SOFFi's e-mails (soffi.md §4), delivered by its worker to the relay: a statement filed is announced to the DGEFP
mailbox; validated or sent back « À corriger », it is announced to the body's « Organisme Collecteur » and
« Gestionnaire » users — those SOFFi knows from their last login, whose habilitation still runs."""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from rp_soffi.access import remember_user
from rp_soffi.demo import load_demo
from rp_soffi.models import BodyUser, OutboxMessage
from rp_soffi.services import instruction, statements
from shared.db import DbSession
from shared.oidc_client.access import User
from tests.mail_server import MailServer
from tests.rp_soffi.conftest import serving, soffi_config
from tests.rp_soffi.factories import (
    AGENT,
    BEFORE_DUE,
    COLLECTEUR,
    OPCO_SIRET,
    OTHER_SIRET,
    make_body,
    make_campaign,
    make_filed,
    make_in_instruction,
)

DGEFP = "soffi@dgefp-demo.example"
URL = "http://127.0.0.1:5001"


@pytest.fixture
def soffi_app(soffi_database: str, attachments_folder: Path, mail_server: MailServer) -> Iterator[Flask]:
    yield from serving(soffi_config(soffi_database, attachments_folder, mail_server.port))


def logs_in(sub: str, email: str, *habilitations: dict[str, object]) -> None:
    """What SOFFi's callback does with the claims once the login completes (its `on_login`)."""
    claims = {"sub": sub, "email": email, "given_name": "Claire", "family_name": "COLLECTE"}
    remember_user(User.from_claims(claims | {"habilitations": list(habilitations)}))


def held(role: str, siret: str = OPCO_SIRET, **extra: object) -> dict[str, object]:
    return {"service": "soffi", "role": role, "role_label": role, "siret": siret, "siren": siret[:9],
            "granted_via": "par code d'activation", **extra}  # fmt: skip


def deliver(soffi_app: Flask, mail_server: MailServer) -> None:
    mail_server.clear()
    result = soffi_app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output


def test_filing_is_announced_to_the_dgefp_mailbox(
    soffi_app: Flask, session: DbSession, mail_server: MailServer, attachments_folder: Path
) -> None:
    body = make_body(session)
    make_filed(session, body, make_campaign(session), attachments_folder)
    deliver(soffi_app, mail_server)
    (mail,) = mail_server.to(DGEFP)
    assert mail.subject == f"SOFFi : état 2024 déposé par ORGANISME {OPCO_SIRET[:9]}"
    assert "a déposé son état statistique et financier 2024 le 20/05/2025 à 11h00, par Claire COLLECTE" in mail.text
    assert mail.link("/etats/").startswith(f"{URL}/etats/")


def test_the_body_users_learn_of_the_correction_with_its_comments_then_of_the_validation(
    soffi_app: Flask, session: DbSession, mail_server: MailServer, attachments_folder: Path
) -> None:
    logs_in("sub-claire", "claire@opco-demo.example", held("organisme_collecteur"))
    logs_in("sub-jules", "jules@opco-demo.example", held("gestionnaire"), held("consultation", OTHER_SIRET))
    logs_in("sub-paul", "paul@opco-demo.example", held("consultation"))  # reads only: not told
    logs_in("sub-ines", "ines@cabinet.example", held("organisme_collecteur", "99643906300016",
            delegated=True, on_behalf_of_siret=OPCO_SIRET, expires_at="2030-01-01T00:00:00+01:00"))  # fmt: skip
    logs_in("sub-old", "old@opco-demo.example", held("organisme_collecteur", expires_at="2025-01-01T00:00:00+01:00"))
    reviewed = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    instruction.comment_line(session, AGENT, reviewed.id, "E1", "Nombre de contrats à vérifier.", BEFORE_DUE)
    instruction.request_correction(session, AGENT, reviewed.id, "Merci de revoir la ligne E1.", BEFORE_DUE)

    deliver(soffi_app, mail_server)
    told = [DGEFP, "claire@opco-demo.example", "jules@opco-demo.example", "ines@cabinet.example"]  # DGEFP: filed
    assert sorted(address for mail in mail_server.received for address in mail.recipients) == sorted(told)
    correction = mail_server.to("claire@opco-demo.example")[0]
    assert correction.subject == "SOFFi : votre état 2024 doit être corrigé"
    assert "Merci de revoir la ligne E1." in correction.text
    assert "- E1 « " in correction.text and "» : Nombre de contrats à vérifier." in correction.text
    assert f"{URL}/etats/{reviewed.id}" in correction.text

    statements.deposit(session, COLLECTEUR, reviewed.id, reviewed.version, BEFORE_DUE, certified=True)
    instruction.take_for_instruction(session, AGENT, reviewed.id, BEFORE_DUE)
    instruction.validate(session, AGENT, reviewed.id, datetime(2025, 6, 2, 8))
    deliver(soffi_app, mail_server)
    assert mail_server.to(DGEFP)[0].subject.startswith("SOFFi : état 2024 déposé")  # the second filing
    validated = mail_server.to("jules@opco-demo.example")
    assert [mail.subject for mail in validated] == ["SOFFi : votre état 2024 est validé"]
    assert "validé par la DGEFP le 02/06/2025 à 10h00" in validated[0].text


def test_each_login_replaces_what_soffi_knew_of_the_person(soffi_app: Flask, session: DbSession) -> None:
    logs_in("sub-jules", "jules@opco-demo.example", held("gestionnaire"), held("organisme_collecteur", OTHER_SIRET))
    assert session.scalars(select(BodyUser.siren).order_by(BodyUser.siren)).all() == sorted(
        [OPCO_SIRET[:9], OTHER_SIRET[:9]]
    )
    logs_in("sub-jules", "jules.nouveau@opco-demo.example", held("gestionnaire"))  # one habilitation withdrawn
    assert [(row.siren, row.email) for row in session.scalars(select(BodyUser))] == [
        (OPCO_SIRET[:9], "jules.nouveau@opco-demo.example")
    ]
    logs_in("sub-jules", "jules.nouveau@opco-demo.example")  # none left
    assert session.scalar(select(func.count()).select_from(BodyUser)) == 0


def test_a_refused_move_queues_nothing(soffi_app: Flask, session: DbSession, attachments_folder: Path) -> None:
    logs_in("sub-claire", "claire@opco-demo.example", held("organisme_collecteur"))
    reviewed = make_in_instruction(session, make_body(session), make_campaign(session), attachments_folder)
    before = session.scalar(select(func.count()).select_from(OutboxMessage))
    with pytest.raises(Exception, match="commentaire"):
        instruction.request_correction(session, AGENT, reviewed.id, "   ", BEFORE_DUE)
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == before == 1  # the filing's only


def test_the_demo_writes_its_past_without_e_mails_and_what_happens_next_has_its_own(
    soffi_app: Flask, session: DbSession, attachments_folder: Path
) -> None:
    """Six years of statements filed and validated by the demo would fill the mail catcher before anyone used it."""
    load_demo(session, attachments_folder, datetime(2026, 12, 7, 10))
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0

    body = make_body(session, "88888888800012")
    make_filed(session, body, make_campaign(session, exercice=2030), attachments_folder)
    assert session.scalar(select(func.count(OutboxMessage.id))) == 1  # to the DGEFP's mailbox
