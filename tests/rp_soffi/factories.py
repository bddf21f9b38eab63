"""Statements for the tests: the consistent demo statement of an OPCO (data/etat_opco_2024.json, its previous
exercice in data/etat_opco_2023.json) and variants of it with one line changed; and, for the services' tests,
rows (a body, a campaign) and statements brought to each state through the services."""

import dataclasses
import json
from datetime import date, datetime
from pathlib import Path

from rp_soffi.models import Campaign, CollectingBody, Statement
from rp_soffi.services import attachments, instruction, statements
from rp_soffi.services.actor import Actor
from rp_soffi.statement.attachments import AttachmentKind
from rp_soffi.statement.catalogue import BodyType
from rp_soffi.statement.values import StatementData
from rp_soffi.statement.workflow import CampaignStatus, Role
from shared.db import DbSession

DATA = Path(__file__).parent / "data"
_UNSET = object()


def load(name: str = "etat_opco_2024") -> StatementData:
    return StatementData.from_json(json.loads((DATA / f"{name}.json").read_text(encoding="utf-8")))


def with_line(statement: StatementData, code: str, amount: object = _UNSET, count: object = _UNSET) -> StatementData:
    """The statement with line `code` changed (None blanks a figure); the other lines as they were."""
    value = statement.value(code)
    changes: dict[str, object] = {}
    if amount is not _UNSET:
        changes["amount_cents"] = amount
    if count is not _UNSET:
        changes["count"] = count
    lines = dict(statement.lines) | {code: dataclasses.replace(value, **changes)}  # type: ignore[arg-type]
    return dataclasses.replace(statement, lines=lines)


def without_line(statement: StatementData, code: str) -> StatementData:
    return dataclasses.replace(statement, lines={k: v for k, v in statement.lines.items() if k != code})


# --- rows, for the services' tests --------------------------------------------------------------------------------

OPCO_SIRET = "99972281200016"  # OPCO DEMO INDUSTRIES ET SERVICES (jules.gestionnaire@opco-demo.example's)
OTHER_SIRET = "99620116600013"  # OPCO DEMO COMMERCE ET TERRITOIRES
EXERCICE = 2024
DUE_ON = date(2025, 6, 30)
BEFORE_DUE = datetime(2025, 5, 20, 9)  # naive UTC, as services are given `now`
AFTER_DUE = datetime(2025, 7, 1, 9)
PDF = b"%PDF-1.7\n% comptes annuels certifies\n%%EOF\n"

COLLECTEUR = Actor("sub-collecteur", "Claire COLLECTE", Role.ORGANISME_COLLECTEUR)
GESTIONNAIRE = Actor("sub-gestionnaire", "Jules EXEMPLE", Role.GESTIONNAIRE)
CONSULTATION = Actor("sub-consultation", "Paul LECTEUR", Role.CONSULTATION)
AGENT = Actor("sub-agent", "Agnès DGEFP", Role.AGENT_DGEFP)
ACTORS = {actor.role: actor for actor in (COLLECTEUR, GESTIONNAIRE, CONSULTATION, AGENT)}


def make_body(db: DbSession, siret: str = OPCO_SIRET, body_type: BodyType = BodyType.OPCO) -> CollectingBody:
    body = CollectingBody(siren=siret[:9], siret_siege=siret, name=f"ORGANISME {siret[:9]}", body_type=body_type)
    db.add(body)
    db.commit()
    return body


def make_campaign(
    db: DbSession, exercice: int = EXERCICE, status: CampaignStatus = CampaignStatus.OUVERTE, due_on: date = DUE_ON
) -> Campaign:
    campaign = Campaign(
        exercice=exercice,
        title=f"Campagne {exercice}",
        opens_on=date(exercice + 1, 1, 15),
        due_on=due_on,
        status=status,
    )
    db.add(campaign)
    db.commit()
    return campaign


def make_draft(db: DbSession, body: CollectingBody, campaign: Campaign, figures: bool = True) -> Statement:
    """A draft of the body, filled with the consistent demo figures (re-labelled for its SIREN and exercice)."""
    statement = statements.start_statement(db, COLLECTEUR, body.id, campaign.id, BEFORE_DUE)
    if figures:
        statements.save_figures(db, COLLECTEUR, statement.id, statement.version, load().lines, BEFORE_DUE)
    return statement


def make_fileable(db: DbSession, body: CollectingBody, campaign: Campaign, folder: Path) -> Statement:
    """A draft ready to be filed: figures and certified accounts."""
    statement = make_draft(db, body, campaign)
    attachments.add_attachment(
        db, COLLECTEUR, statement.id, AttachmentKind.COMPTES_CERTIFIES, "comptes.pdf", PDF, folder, BEFORE_DUE
    )
    return statement


def make_filed(db: DbSession, body: CollectingBody, campaign: Campaign, folder: Path) -> Statement:
    statement = make_fileable(db, body, campaign, folder)
    statements.deposit(db, COLLECTEUR, statement.id, statement.version, BEFORE_DUE, certified=True)
    return statement


def make_in_instruction(db: DbSession, body: CollectingBody, campaign: Campaign, folder: Path) -> Statement:
    statement = make_filed(db, body, campaign, folder)
    instruction.take_for_instruction(db, AGENT, statement.id, BEFORE_DUE)
    return statement
