"""A body's statement through the services: the draft, « Enregistrer » (with optimistic locking), « Vérifier »,
« Déposer l'état » (certification, alerts, « Hors délai », the frozen version) and « Retirer le dépôt »; who may,
and nothing half-written when a service refuses."""

from datetime import datetime, time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rp_soffi import messages
from rp_soffi.models import Statement, StatementEvent, StatementVersion
from rp_soffi.services import history, statements
from rp_soffi.services.actor import Actor
from rp_soffi.services.errors import Invalid, NotAllowed, Stale
from rp_soffi.statement.values import LineValue
from rp_soffi.statement.workflow import Action, CampaignStatus, Status
from shared.db import DbSession
from tests.rp_soffi.factories import (
    AFTER_DUE,
    AGENT,
    BEFORE_DUE,
    COLLECTEUR,
    CONSULTATION,
    DUE_ON,
    GESTIONNAIRE,
    load,
    make_body,
    make_campaign,
    make_draft,
    make_fileable,
    make_filed,
)

COLLECTORS = [COLLECTEUR, GESTIONNAIRE]
READERS = [CONSULTATION, AGENT]
by_role = {"ids": lambda actor: actor.role.value}


def count(session: DbSession, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("actor", COLLECTORS, **by_role)
def test_a_collector_starts_the_draft_once(session: DbSession, actor: Actor) -> None:
    body, campaign = make_body(session), make_campaign(session)
    draft = statements.start_statement(session, actor, body.id, campaign.id, BEFORE_DUE)
    again = statements.start_statement(session, actor, body.id, campaign.id, BEFORE_DUE)
    assert again.id == draft.id and draft.status is Status.BROUILLON
    assert statements.data_of(draft).lines == {}
    [event] = history.events(session, draft.id)
    assert (event.actor_sub, event.actor_name, event.action, event.from_status, event.to_status, event.at) == (
        actor.sub,
        actor.name,
        Action.CREER,
        None,
        Status.BROUILLON,
        BEFORE_DUE,
    )


def test_a_draft_another_tab_created_meanwhile_is_stale_not_an_error(
    session: DbSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    body, campaign = make_body(session), make_campaign(session)
    first = statements.start_statement(session, COLLECTEUR, body.id, campaign.id, BEFORE_DUE)
    monkeypatch.setattr(statements, "find_statement", lambda *args: None)  # read before the other tab committed
    with pytest.raises(Stale):
        statements.start_statement(session, GESTIONNAIRE, body.id, campaign.id, BEFORE_DUE)
    assert count(session, Statement) == 1 and len(history.events(session, first.id)) == 1


@pytest.mark.parametrize("actor", READERS, **by_role)
def test_readers_and_agents_start_no_draft(session: DbSession, actor: Actor) -> None:
    body, campaign = make_body(session), make_campaign(session)
    with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
        statements.start_statement(session, actor, body.id, campaign.id, BEFORE_DUE)
    assert count(session, Statement) == count(session, StatementEvent) == 0


@pytest.mark.parametrize("status", [CampaignStatus.PREPARATION, CampaignStatus.CLOSE])
def test_no_draft_outside_an_open_campaign(session: DbSession, status: CampaignStatus) -> None:
    body, campaign = make_body(session), make_campaign(session, status=status)
    with pytest.raises(NotAllowed, match=messages.CAMPAIGN_CLOSED):
        statements.start_statement(session, COLLECTEUR, body.id, campaign.id, BEFORE_DUE)


@pytest.mark.parametrize("actor", COLLECTORS, **by_role)
def test_figures_are_saved_as_integer_cents(session: DbSession, actor: Actor) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session), figures=False)
    lines = {"R1": LineValue(123_456_78), "E1": LineValue(45_000_00, 12, "apprentis")}
    statements.save_figures(session, actor, draft.id, draft.version, lines, BEFORE_DUE)
    session.expire_all()
    stored = session.get(Statement, draft.id)
    assert stored is not None and stored.version == 2
    assert statements.data_of(stored).lines == lines
    assert {"code_ligne": "R1", "montant_centimes": 12345678, "nombre": None, "commentaire": ""} in stored.figures[
        "lignes"
    ]


@pytest.mark.parametrize("actor", READERS, **by_role)
def test_readers_and_agents_never_edit_figures(session: DbSession, actor: Actor) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session), figures=False)
    with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
        statements.save_figures(session, actor, draft.id, draft.version, {"R1": LineValue(1)}, BEFORE_DUE)
    session.expire_all()
    assert statements.data_of(draft).lines == {}


def test_a_second_save_from_the_same_version_is_refused_and_the_first_kept(session: DbSession) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session), figures=False)
    read_at = draft.version  # two tabs opened the page at this version
    statements.save_figures(session, COLLECTEUR, draft.id, read_at, {"R1": LineValue(100)}, BEFORE_DUE)
    with pytest.raises(Stale, match="modifié depuis que vous l'avez ouvert"):
        statements.save_figures(session, GESTIONNAIRE, draft.id, read_at, {"R1": LineValue(999)}, BEFORE_DUE)
    session.expire_all()
    assert statements.data_of(draft).lines == {"R1": LineValue(100)}


def test_a_concurrent_update_caught_at_flush_is_stale_too(session: DbSession) -> None:
    """Both requests read the same version; the other committed between this one's read and its write."""
    draft = make_draft(session, make_body(session), make_campaign(session), figures=False)
    version = draft.version
    session.execute(Statement.__table__.update().values(version=version + 1))  # the other request's UPDATE
    session.commit()  # this session still holds the version it read (expire_on_commit=False)
    assert draft.version == version
    with pytest.raises(Stale):
        statements.save_figures(session, COLLECTEUR, draft.id, version, {"R1": LineValue(5)}, BEFORE_DUE)


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ({"ZZ": LineValue(1)}, "unknown_line"),
        ({f"X{n}": LineValue(1) for n in range(100_000)}, "unknown_line"),  # one problem, not a hundred thousand
        ({"R3": LineValue(1)}, "unknown_line"),  # a Transitions Pro line, on an OPCO
        ({"RT": LineValue(1)}, "unknown_line"),  # a total is never typed
        ({"R1": LineValue(1.5)}, "amount_format"),  # type: ignore[arg-type]
        ({"R1": LineValue(True)}, "amount_format"),
        ({"R1": LineValue(10**15)}, "amount_format"),
        ({"Q1": LineValue(100)}, "amount_format"),  # a count-only line
        ({"R1": LineValue(None, 3)}, "count_format"),  # a line without « Nombre »
        ({"E1": LineValue(1, 10**12)}, "count_format"),
        ({"R1": LineValue(1, None, "x" * 501)}, "comment_too_long"),
    ],
)
def test_what_cannot_be_stored_is_refused_and_nothing_changes(
    session: DbSession, lines: dict[str, LineValue], code: str
) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session), figures=False)
    with pytest.raises(Invalid) as refused:
        statements.save_figures(session, COLLECTEUR, draft.id, draft.version, lines, BEFORE_DUE)
    assert [problem.code for problem in refused.value.problems] == [code]
    session.expire_all()
    assert statements.data_of(draft).lines == {} and draft.version == 1


def test_verify_lists_the_problems_of_the_rules(session: DbSession) -> None:
    draft = make_draft(session, make_body(session), make_campaign(session), figures=False)
    statements.save_figures(session, COLLECTEUR, draft.id, draft.version, {"E1": LineValue(100, 0)}, BEFORE_DUE)
    codes = {problem.code for problem in statements.verify(session, draft.id)}
    assert {"line_required", "amount_without_count"} <= codes
    complete = make_draft(session, make_body(session, "99620116600013"), draft.campaign)
    assert statements.verify(session, complete.id) == []


@pytest.mark.parametrize("actor", COLLECTORS, **by_role)
def test_deposit_freezes_a_version_and_records_who_filed(
    session: DbSession, actor: Actor, attachments_folder: Path
) -> None:
    draft = make_fileable(session, make_body(session), make_campaign(session), attachments_folder)
    version = statements.deposit(session, actor, draft.id, draft.version, BEFORE_DUE, certified=True)
    session.expire_all()
    assert (draft.status, draft.filing_number, draft.late, draft.filed_at, draft.filed_by_sub) == (
        Status.DEPOSE,
        1,
        False,
        BEFORE_DUE,
        actor.sub,
    )
    assert (version.number, version.filed_by_name, version.late) == (1, actor.name, False)
    assert draft.checksum == version.checksum == statements.checksum(version.snapshot)
    assert version.snapshot["figures"]["lignes"] == draft.figures["lignes"]
    assert version.snapshot["totals"]["RT"] == statements.data_of(draft).amount("RT")
    assert [item["kind"] for item in version.snapshot["attachments"]] == ["COMPTES_CERTIFIES"]
    event = history.events(session, draft.id)[-1]
    assert (event.action, event.from_status, event.to_status, event.actor_sub) == (
        Action.DEPOSER,
        Status.BROUILLON,
        Status.DEPOSE,
        actor.sub,
    )


def test_filing_after_the_date_limite_is_hors_delai(session: DbSession, attachments_folder: Path) -> None:
    draft = make_fileable(session, make_body(session), make_campaign(session), attachments_folder)
    version = statements.deposit(session, COLLECTEUR, draft.id, draft.version, AFTER_DUE, certified=True)
    assert draft.late and version.late


def test_filing_on_the_date_limite_itself_is_in_time(session: DbSession, attachments_folder: Path) -> None:
    draft = make_fileable(session, make_body(session), make_campaign(session), attachments_folder)
    evening_in_paris = datetime.combine(DUE_ON, time(21))  # 23:00 in Paris, still 30 June
    statements.deposit(session, COLLECTEUR, draft.id, draft.version, evening_in_paris, certified=True)
    assert not draft.late


@pytest.mark.parametrize("actor", READERS, **by_role)
def test_readers_and_agents_never_file(session: DbSession, actor: Actor, attachments_folder: Path) -> None:
    draft = make_fileable(session, make_body(session), make_campaign(session), attachments_folder)
    with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
        statements.deposit(session, actor, draft.id, draft.version, BEFORE_DUE, certified=True)
    assert draft.status is Status.BROUILLON and count(session, StatementVersion) == 0


def test_filing_needs_every_rule_the_certification_and_the_certified_accounts(
    session: DbSession, attachments_folder: Path
) -> None:
    body, campaign = make_body(session), make_campaign(session)
    without_accounts = make_draft(session, body, campaign)
    with pytest.raises(Invalid) as refused:
        statements.deposit(
            session, COLLECTEUR, without_accounts.id, without_accounts.version, BEFORE_DUE, certified=True
        )
    assert [problem.message for problem in refused.value.problems] == [messages.CERTIFIED_ACCOUNTS]
    ready = make_fileable(session, make_body(session, "99620116600013"), campaign, attachments_folder)
    with pytest.raises(Invalid, match="certifiant"):
        statements.deposit(session, COLLECTEUR, ready.id, ready.version, BEFORE_DUE, certified=False)
    statements.save_figures(session, COLLECTEUR, ready.id, ready.version, {"R1": LineValue(-1)}, BEFORE_DUE)
    with pytest.raises(Invalid) as incomplete:
        statements.deposit(session, COLLECTEUR, ready.id, ready.version, BEFORE_DUE, certified=True)
    assert {"negative_amount", "line_required"} <= {problem.code for problem in incomplete.value.problems}
    session.expire_all()
    assert {without_accounts.status, ready.status} == {Status.BROUILLON}
    assert count(session, StatementVersion) == 0 and ready.filing_number == 0


def test_alerts_must_be_acknowledged_and_are_kept_in_the_snapshot(session: DbSession, attachments_folder: Path) -> None:
    draft = make_fileable(session, make_body(session), make_campaign(session), attachments_folder)
    lines = dict(load().lines) | {"S3": LineValue(-100)}  # « Trésorerie négative »
    statements.save_figures(session, COLLECTEUR, draft.id, draft.version, lines, BEFORE_DUE)
    with pytest.raises(Invalid) as refused:
        statements.deposit(session, COLLECTEUR, draft.id, draft.version, BEFORE_DUE, certified=True)
    assert [problem.code for problem in refused.value.problems] == ["alerts", "negative_treasury"]
    version = statements.deposit(
        session, COLLECTEUR, draft.id, draft.version, BEFORE_DUE, certified=True, alerts_acknowledged=True
    )
    assert [alert["code"] for alert in version.snapshot["alerts"]] == ["negative_treasury"]


def test_a_deposit_from_a_stale_page_is_refused(session: DbSession, attachments_folder: Path) -> None:
    draft = make_fileable(session, make_body(session), make_campaign(session), attachments_folder)
    read_at = draft.version
    changed = dict(load().lines) | {"R7": LineValue(1)}
    statements.save_figures(session, COLLECTEUR, draft.id, read_at, changed, BEFORE_DUE)
    with pytest.raises(Stale):
        statements.deposit(session, GESTIONNAIRE, draft.id, read_at, BEFORE_DUE, certified=True)
    assert draft.status is Status.BROUILLON


def test_nothing_is_half_written_when_a_service_fails_midway(
    session: DbSession, attachments_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version frozen and the filing counted, then the event fails: all of it rolled back."""
    draft = make_fileable(session, make_body(session), make_campaign(session), attachments_folder)
    events_before = count(session, StatementEvent)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(history, "record", broken)
    with pytest.raises(RuntimeError):
        statements.deposit(session, COLLECTEUR, draft.id, draft.version, BEFORE_DUE, certified=True)
    session.expire_all()
    assert (draft.status, draft.filing_number, draft.checksum, draft.filed_at) == (Status.BROUILLON, 0, None, None)
    assert count(session, StatementVersion) == 0 and count(session, StatementEvent) == events_before


@pytest.mark.parametrize("actor", COLLECTORS, **by_role)
def test_a_filing_is_withdrawn_before_review_and_filed_again_as_a_new_version(
    session: DbSession, actor: Actor, attachments_folder: Path
) -> None:
    filed = make_filed(session, make_body(session), make_campaign(session), attachments_folder)
    statements.withdraw(session, actor, filed.id, filed.version, BEFORE_DUE)
    assert filed.status is Status.BROUILLON
    statements.deposit(session, actor, filed.id, filed.version, AFTER_DUE, certified=True)
    assert [v.number for v in statements.versions(session, filed.id)] == [1, 2]
    assert filed.late  # filed again from a draft, after the date limite
    actions = [event.action for event in history.events(session, filed.id)]
    assert actions == [Action.CREER, Action.DEPOSER, Action.RETIRER, Action.DEPOSER]


@pytest.mark.parametrize("actor", READERS, **by_role)
def test_readers_and_agents_never_withdraw(session: DbSession, actor: Actor, attachments_folder: Path) -> None:
    filed = make_filed(session, make_body(session), make_campaign(session), attachments_folder)
    with pytest.raises(NotAllowed, match=messages.FORBIDDEN):
        statements.withdraw(session, actor, filed.id, filed.version, BEFORE_DUE)


def test_a_closed_campaign_stops_the_bodies(session: DbSession, attachments_folder: Path) -> None:
    draft = make_fileable(session, make_body(session), make_campaign(session), attachments_folder)
    draft.campaign.status = CampaignStatus.CLOSE
    session.commit()
    with pytest.raises(NotAllowed, match=messages.CAMPAIGN_CLOSED):
        statements.save_figures(session, COLLECTEUR, draft.id, draft.version, {}, BEFORE_DUE)
    with pytest.raises(NotAllowed, match=messages.CAMPAIGN_CLOSED):
        statements.deposit(session, COLLECTEUR, draft.id, draft.version, BEFORE_DUE, certified=True)
