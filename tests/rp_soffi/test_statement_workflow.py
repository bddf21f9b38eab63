"""The statement's states (soffi.md §4) and who may move it (§2): every transition allowed to its roles and
refused to the others, from its state only, with the French reason a page shows."""

from datetime import date

import pytest

from rp_soffi.statement.workflow import (
    TRANSITIONS,
    Action,
    CampaignStatus,
    Notify,
    Role,
    Status,
    TransitionRefused,
    allowed_actions,
    is_late,
    next_status,
    transition_for,
)

OPEN, CLOSED = CampaignStatus.OUVERTE, CampaignStatus.CLOSE
COLLECTORS = [Role.ORGANISME_COLLECTEUR, Role.GESTIONNAIRE]
FORBIDDEN = "Vous n'avez pas les droits pour cette action."

# (action, from, to, roles allowed) — the diagram of §4, written again by hand.
EXPECTED = [
    (Action.CREER, None, Status.BROUILLON, COLLECTORS),
    (Action.MODIFIER, Status.BROUILLON, Status.BROUILLON, COLLECTORS),
    (Action.MODIFIER, Status.A_CORRIGER, Status.A_CORRIGER, COLLECTORS),
    (Action.DEPOSER, Status.BROUILLON, Status.DEPOSE, COLLECTORS),
    (Action.DEPOSER, Status.A_CORRIGER, Status.DEPOSE, COLLECTORS),
    (Action.RETIRER, Status.DEPOSE, Status.BROUILLON, COLLECTORS),
    (Action.PRENDRE_EN_INSTRUCTION, Status.DEPOSE, Status.EN_INSTRUCTION, [Role.AGENT_DGEFP]),
    (Action.VALIDER, Status.EN_INSTRUCTION, Status.VALIDE, [Role.AGENT_DGEFP]),
    (Action.DEMANDER_CORRECTION, Status.EN_INSTRUCTION, Status.A_CORRIGER, [Role.AGENT_DGEFP]),
    (Action.ROUVRIR, Status.VALIDE, Status.A_CORRIGER, [Role.AGENT_DGEFP]),
]
CASES = [
    (action, source, target, role, role in allowed) for action, source, target, allowed in EXPECTED for role in Role
]


def test_the_table_is_the_diagram():
    assert sorted((t.action, str(t.source), t.target) for t in TRANSITIONS) == sorted(
        (action, str(source), target) for action, source, target, _roles in EXPECTED
    )


@pytest.mark.parametrize(("action", "source", "target", "role", "allowed"), CASES)
def test_each_transition_per_role(action, source, target, role, allowed):
    if allowed:
        assert next_status(action, source, role, OPEN, comment="Ligne E8 : justifiez.") is target
    else:
        with pytest.raises(TransitionRefused) as refused:
            next_status(action, source, role, OPEN, comment="Ligne E8 : justifiez.")
        assert refused.value.message == FORBIDDEN


def test_consultation_does_nothing_but_read():
    for source in (None, *Status):
        assert allowed_actions(source, Role.CONSULTATION, OPEN) == []


def test_an_unknown_role_is_refused():
    with pytest.raises(TransitionRefused, match="Vous n'avez pas les droits"):
        next_status(Action.CREER, None, "auditeur", OPEN)


@pytest.mark.parametrize(
    ("action", "source", "role"),
    [
        (Action.DEPOSER, Status.DEPOSE, Role.ORGANISME_COLLECTEUR),  # filed twice
        (Action.MODIFIER, Status.DEPOSE, Role.GESTIONNAIRE),  # read-only once filed
        (Action.MODIFIER, Status.VALIDE, Role.ORGANISME_COLLECTEUR),  # final
        (Action.RETIRER, Status.EN_INSTRUCTION, Role.ORGANISME_COLLECTEUR),  # the agent has opened it
        (Action.VALIDER, Status.DEPOSE, Role.AGENT_DGEFP),  # taken first
        (Action.CREER, Status.BROUILLON, Role.ORGANISME_COLLECTEUR),  # one statement per body and campaign
    ],
)
def test_an_action_from_the_wrong_state_is_refused(action, source, role):
    with pytest.raises(TransitionRefused) as refused:
        next_status(action, source, role, OPEN, comment="motif")
    assert refused.value.message == f"Cette action n'est pas possible sur un état au statut « {source.label} »."


def test_an_action_on_a_statement_that_does_not_exist_is_refused():
    with pytest.raises(TransitionRefused, match="« inexistant »"):
        next_status(Action.DEPOSER, None, Role.ORGANISME_COLLECTEUR, OPEN)


@pytest.mark.parametrize("action", [Action.DEMANDER_CORRECTION, Action.ROUVRIR])
def test_sending_back_needs_a_comment(action):
    source = Status.VALIDE if action is Action.ROUVRIR else Status.EN_INSTRUCTION
    for comment in ("", "   "):
        with pytest.raises(TransitionRefused) as refused:
            next_status(action, source, Role.AGENT_DGEFP, OPEN, comment=comment)
        assert refused.value.message == "Saisissez un commentaire expliquant votre décision."
    assert next_status(action, source, Role.AGENT_DGEFP, OPEN, comment="R4 à justifier") is Status.A_CORRIGER


@pytest.mark.parametrize("campaign", [CampaignStatus.CLOSE, CampaignStatus.PREPARATION])
@pytest.mark.parametrize(("action", "source"), [(Action.CREER, None), (Action.DEPOSER, Status.BROUILLON)])
def test_a_campaign_not_open_blocks_the_collectors(campaign, action, source):
    with pytest.raises(TransitionRefused) as refused:
        next_status(action, source, Role.ORGANISME_COLLECTEUR, campaign)
    assert refused.value.message == "La campagne est close : contactez la DGEFP."


def test_a_closed_campaign_leaves_the_agents_free():
    assert next_status(Action.PRENDRE_EN_INSTRUCTION, Status.DEPOSE, Role.AGENT_DGEFP, CLOSED) is Status.EN_INSTRUCTION
    assert next_status(Action.VALIDER, Status.EN_INSTRUCTION, Role.AGENT_DGEFP, CLOSED) is Status.VALIDE


def test_what_each_user_may_do_in_each_state():
    assert allowed_actions(Status.BROUILLON, Role.GESTIONNAIRE, OPEN) == [Action.MODIFIER, Action.DEPOSER]
    assert allowed_actions(Status.DEPOSE, Role.ORGANISME_COLLECTEUR, OPEN) == [Action.RETIRER]
    assert allowed_actions(Status.DEPOSE, Role.AGENT_DGEFP, OPEN) == [Action.PRENDRE_EN_INSTRUCTION]
    assert allowed_actions(Status.EN_INSTRUCTION, Role.AGENT_DGEFP, CLOSED) == [
        Action.VALIDER,
        Action.DEMANDER_CORRECTION,
    ]
    assert allowed_actions(Status.VALIDE, Role.ORGANISME_COLLECTEUR, OPEN) == []
    assert allowed_actions(Status.BROUILLON, Role.ORGANISME_COLLECTEUR, CLOSED) == []


def test_filing_counts_a_version_and_tells_the_dgefp_sending_back_tells_the_body():
    filing = transition_for(Action.DEPOSER, Status.A_CORRIGER, Role.ORGANISME_COLLECTEUR, OPEN)
    assert filing.new_version and filing.notify is Notify.DGEFP
    validated = transition_for(Action.VALIDER, Status.EN_INSTRUCTION, Role.AGENT_DGEFP, OPEN)
    assert validated.notify is Notify.BODY and not validated.new_version
    withdrawn = transition_for(Action.RETIRER, Status.DEPOSE, Role.GESTIONNAIRE, OPEN)
    assert withdrawn.notify is Notify.NOBODY


def test_filed_on_the_deadline_is_in_time_the_day_after_is_late():
    due = date(2025, 6, 30)
    assert not is_late(date(2025, 6, 30), due)
    assert is_late(date(2025, 7, 1), due)


def test_every_status_has_its_badge():
    assert [status.label for status in Status] == ["Brouillon", "Déposé", "En instruction", "Validé", "À corriger"]
