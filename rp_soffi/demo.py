"""Demo data: `flask --app rp_soffi demo load` registers the collecting bodies of the demo directory (demo_data/)
that Mes démarches' demo accounts hold SOFFi habilitations for (jules.gestionnaire@opco-demo.example: OPCO DEMO
INDUSTRIES ET SERVICES), the past campaigns with every body's statement filed and validated (for the dashboards),
and the campaign of last exercice, open: one statement filed, one draft, the others not started (Jules's OPCO
among them, for the demo journey).

The statements go through the real services (draft, figures, certified accounts, filing, instruction,
validation) with demo actors, dated in their campaign's year: history and frozen versions are the real ones.
Loading again changes nothing: a body (active or deactivated by an agent), or a campaign, already there is left as
it is; a deactivated body files nothing in a campaign created later (its users no longer reach SOFFi, §8). Every row
the demo writes, the register's journal included, is dated by the `now` it is given.

Past campaigns go back ten years, but not before 2019: soffi.md §3 allows no exercice before (the OPCO and the
France compétences lines of the statement date from then)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from rp_soffi.models import CollectingBody, Statement
from rp_soffi.services import bodies, campaigns, instruction, statements
from rp_soffi.services.actor import Actor
from rp_soffi.services.attachments import add_attachment
from rp_soffi.services.transaction import transaction
from rp_soffi.statement.attachments import AttachmentKind
from rp_soffi.statement.catalogue import BodyType, LineKind, lines_for
from rp_soffi.statement.values import LineValue
from rp_soffi.statement.workflow import Role
from shared.clock import in_paris
from shared.db import DbSession
from shared.outbox import writing_the_past

AGENT = Actor("demo-dgefp", "Agent DÉMO DGEFP", Role.AGENT_DGEFP)
PAST_YEARS = 10
ACCOUNTS_PDF = b"%PDF-1.4\n% Comptes annuels certifies (demonstration)\n%%EOF\n"


@dataclass(frozen=True)
class DemoBody:
    siret: str
    name: str
    body_type: BodyType
    region: str  # INSEE code of the head office's région
    size_percent: int  # its figures, as a share of the type's typical ones
    open_campaign: str  # what it has done in the open campaign: "", "brouillon" or "depose"


BODIES = (
    DemoBody("99972281200016", "OPCO DEMO INDUSTRIES ET SERVICES", BodyType.OPCO, "11", 100, ""),
    DemoBody("99620116600013", "OPCO DEMO COMMERCE ET TERRITOIRES", BodyType.OPCO, "11", 60, "depose"),
    DemoBody(
        "99104575800018", "TRANSITIONS PRO DEMO PAYS DE LA LOIRE", BodyType.TRANSITIONS_PRO, "52", 100, "brouillon"
    ),
    DemoBody("99040793400019", "FONDS DEMO D'ASSURANCE FORMATION DES INDEPENDANTS", BodyType.FAF, "11", 100, ""),
)

# Typical figures of a body of each type, in euros (amount, count), for its first exercice; later ones grow by
# 4 % a year, so that no « Variation » alert is raised. Consistent: every line filled, amounts with their counts,
# management fees well under 20 % of the resources.
# fmt: off
TYPICAL: dict[BodyType, dict[str, tuple[int | None, int | None]]] = {
    BodyType.OPCO: {
        "R1": (900_000_000, None), "R2": (120_000_000, None), "R4": (60_000_000, None), "R5": (15_000_000, None),
        "R6": (5_000_000, None), "R7": (3_000_000, None), "E1": (700_000_000, 90_000), "E2": (150_000_000, 20_000),
        "E3": (20_000_000, 3_000), "E4": (110_000_000, 45_000), "E5": (70_000_000, None), "E8": (45_000_000, None),
        "E9": (10_000_000, None), "S1": (20_000_000, None), "S3": (80_000_000, None), "Q1": (None, 150_000),
        "Q2": (None, 40_000), "Q3": (None, 8_000), "Q4": (None, 1_500), "Q5": (None, 2_400_000),
    },
    BodyType.TRANSITIONS_PRO: {
        "R3": (60_000_000, None), "R7": (500_000, None), "E6": (52_000_000, 2_000), "E8": (4_000_000, None),
        "E9": (1_000_000, None), "S1": (2_000_000, None), "S3": (6_000_000, None),
    },
    BodyType.FAF: {
        "R5": (3_000_000, None), "R6": (90_000_000, None), "R7": (1_000_000, None), "E5": (10_000_000, None),
        "E7": (70_000_000, 60_000), "E8": (8_000_000, None), "E9": (2_000_000, None), "S1": (5_000_000, None),
        "S3": (15_000_000, None),
    },
}
# fmt: on


def figures(body: DemoBody, exercice: int) -> dict[str, LineValue]:
    """The body's figures for an exercice, integer cents computed without any float."""
    growth = 100 + 4 * (exercice - campaigns.FIRST_EXERCICE)
    typical = TYPICAL.get(body.body_type, {})
    found = {}
    for line in lines_for(body.body_type):
        if not line.kind.typed:
            continue
        amount, count = typical.get(line.code, (0, 0 if line.has_count else None))
        cents = amount * 100 * body.size_percent * growth // 10_000 if amount is not None else None
        number = count * body.size_percent * growth // 10_000 if count is not None else None
        found[line.code] = LineValue(cents if line.kind is not LineKind.COUNT else None, number)
    return found


@transaction
def load_demo(db: DbSession, folder: Path, now: datetime) -> dict[str, int]:
    """Register the demo bodies and fill the campaigns that are missing; counts of what was created. The past it
    writes sends no e-mail."""
    with writing_the_past(db):
        return _load_demo(db, folder, now)


def _load_demo(db: DbSession, folder: Path, now: datetime) -> dict[str, int]:
    created = {"Organismes collecteurs": 0, "Campagnes": 0, "États": 0}
    registered = []
    for body in BODIES:
        found = bodies.find_registered_body(db, body.siret[:9])  # active or not: one body per SIREN
        if found is None:
            found = bodies.register_body(db, AGENT, body.siret, body.name, body.body_type, body.region, now=now)
            created["Organismes collecteurs"] += 1
        if found.active:
            registered.append((body, found))
    this_year = in_paris(now).year
    for exercice in range(max(campaigns.FIRST_EXERCICE, this_year - 1 - PAST_YEARS), this_year - 1):
        if campaigns.find_campaign(db, exercice) is None:
            created["États"] += _past_campaign(db, exercice, registered, folder, now)
            created["Campagnes"] += 1
    if campaigns.find_campaign(db, this_year - 1) is None:
        created["États"] += _open_campaign(db, this_year - 1, registered, folder, now)
        created["Campagnes"] += 1
    return created


def _past_campaign(
    db: DbSession, exercice: int, registered: list[tuple[DemoBody, CollectingBody]], folder: Path, now: datetime
) -> int:
    campaign = campaigns.create_campaign(db, AGENT, exercice, date(exercice + 1, 1, 15), now)
    opened = datetime.combine(campaign.opens_on, time(8))
    campaigns.open_campaign(db, AGENT, campaign.id, opened)
    filed = datetime.combine(date(exercice + 1, 5, 20), time(9))  # in time: before 30 June
    for body, row in registered:
        statement = _filed(db, body, row, campaign.id, exercice, folder, filed)
        instruction.take_for_instruction(db, AGENT, statement.id, filed + timedelta(days=3))
        instruction.validate(db, AGENT, statement.id, filed + timedelta(days=10))
    campaigns.close_campaign(db, AGENT, campaign.id, datetime.combine(campaign.due_on, time(22)))
    return len(registered)


def _open_campaign(
    db: DbSession, exercice: int, registered: list[tuple[DemoBody, CollectingBody]], folder: Path, now: datetime
) -> int:
    # The default date limite (30 June) may be past when the demo is loaded: then two months from now, so that
    # the demo files in time.
    due_on = max(campaigns.default_due_on(exercice), in_paris(now).date() + timedelta(days=60))
    opens_on = min(date(exercice + 1, 1, 15), in_paris(now).date())
    campaign = campaigns.create_campaign(db, AGENT, exercice, opens_on, now, due_on)
    campaigns.open_campaign(db, AGENT, campaign.id, now)
    count = 0
    for body, row in registered:
        if body.open_campaign == "depose":
            _filed(db, body, row, campaign.id, exercice, folder, now)
        elif body.open_campaign == "brouillon":
            draft = statements.start_statement(db, _collector(body), row.id, campaign.id, now)
            half = dict(list(figures(body, exercice).items())[:3])
            statements.save_figures(db, _collector(body), draft.id, draft.version, half, now)
        else:
            continue
        count += 1
    return count


def _filed(
    db: DbSession,
    body: DemoBody,
    row: CollectingBody,
    campaign_id: int,
    exercice: int,
    folder: Path,
    at: datetime,
) -> Statement:
    actor = _collector(body)
    statement = statements.start_statement(db, actor, row.id, campaign_id, at)
    statements.save_figures(db, actor, statement.id, statement.version, figures(body, exercice), at)
    add_attachment(
        db, actor, statement.id, AttachmentKind.COMPTES_CERTIFIES, f"comptes-{exercice}.pdf", ACCOUNTS_PDF, folder, at
    )
    statements.deposit(db, actor, statement.id, statement.version, at, certified=True, alerts_acknowledged=True)
    return statement


def _collector(body: DemoBody) -> Actor:
    return Actor(f"demo-{body.siret[:9]}", f"Gestionnaire DÉMO {body.name}", Role.GESTIONNAIRE)
