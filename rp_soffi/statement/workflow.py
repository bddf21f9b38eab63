"""The statement's life (soffi.md §4) as a pure table: states, who may move a statement from one to the next,
and `next_status`, which refuses anything else with the French message a page shows.

No database: a later service reads the statement, calls `next_status`, writes the new status, the event and
the e-mail that `Transition.notify` names, in one transaction."""

import enum
from dataclasses import dataclass
from datetime import date

from rp_soffi import messages


class Status(enum.StrEnum):
    BROUILLON = "BROUILLON"
    DEPOSE = "DEPOSE"
    EN_INSTRUCTION = "EN_INSTRUCTION"
    VALIDE = "VALIDE"
    A_CORRIGER = "A_CORRIGER"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.BROUILLON: "Brouillon",
    Status.DEPOSE: "Déposé",
    Status.EN_INSTRUCTION: "En instruction",
    Status.VALIDE: "Validé",
    Status.A_CORRIGER: "À corriger",
}
LATE_LABEL = "Hors délai"
EDITABLE = frozenset({Status.BROUILLON, Status.A_CORRIGER})


class CampaignStatus(enum.StrEnum):
    PREPARATION = "PREPARATION"
    OUVERTE = "OUVERTE"
    CLOSE = "CLOSE"


class Role(enum.StrEnum):
    """The `role` of a « soffi » habilitation (soffi.md §2); a delegated third party holds one of them too."""

    CONSULTATION = "consultation"
    ORGANISME_COLLECTEUR = "organisme_collecteur"
    GESTIONNAIRE = "gestionnaire"
    AGENT_DGEFP = "agent_dgefp"


COLLECTOR_ROLES = frozenset({Role.ORGANISME_COLLECTEUR, Role.GESTIONNAIRE})  # the gestionnaire has its rights
AGENT_ROLES = frozenset({Role.AGENT_DGEFP})


class Action(enum.StrEnum):
    CREER = "CREER"  # the first edit creates the draft
    MODIFIER = "MODIFIER"  # « Enregistrer », attachments, import: the state does not change
    DEPOSER = "DEPOSER"  # « Déposer l'état »
    RETIRER = "RETIRER"  # « Retirer le dépôt »
    PRENDRE_EN_INSTRUCTION = "PRENDRE_EN_INSTRUCTION"  # an agent opens a filed statement
    VALIDER = "VALIDER"  # « Valider »
    DEMANDER_CORRECTION = "DEMANDER_CORRECTION"  # « Demander une correction »
    ROUVRIR = "ROUVRIR"  # « Rouvrir » a validated statement (exceptional)


class Notify(enum.Enum):
    NOBODY = enum.auto()
    BODY = enum.auto()  # the body's organisme_collecteur and gestionnaire users
    DGEFP = enum.auto()  # the DGEFP mailbox


@dataclass(frozen=True)
class Transition:
    action: Action
    source: Status | None  # None: the statement does not exist yet
    target: Status
    roles: frozenset[Role]
    comment_required: bool = False
    new_version: bool = False  # version + 1 (each filing)
    notify: Notify = Notify.NOBODY


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.CREER, None, Status.BROUILLON, COLLECTOR_ROLES),
    Transition(Action.MODIFIER, Status.BROUILLON, Status.BROUILLON, COLLECTOR_ROLES),
    Transition(Action.MODIFIER, Status.A_CORRIGER, Status.A_CORRIGER, COLLECTOR_ROLES),
    Transition(Action.DEPOSER, Status.BROUILLON, Status.DEPOSE, COLLECTOR_ROLES, new_version=True, notify=Notify.DGEFP),
    Transition(
        Action.DEPOSER, Status.A_CORRIGER, Status.DEPOSE, COLLECTOR_ROLES, new_version=True, notify=Notify.DGEFP
    ),
    Transition(Action.RETIRER, Status.DEPOSE, Status.BROUILLON, COLLECTOR_ROLES),
    Transition(Action.PRENDRE_EN_INSTRUCTION, Status.DEPOSE, Status.EN_INSTRUCTION, AGENT_ROLES),
    Transition(Action.VALIDER, Status.EN_INSTRUCTION, Status.VALIDE, AGENT_ROLES, notify=Notify.BODY),
    Transition(
        Action.DEMANDER_CORRECTION,
        Status.EN_INSTRUCTION,
        Status.A_CORRIGER,
        AGENT_ROLES,
        comment_required=True,
        notify=Notify.BODY,
    ),
    Transition(
        Action.ROUVRIR, Status.VALIDE, Status.A_CORRIGER, AGENT_ROLES, comment_required=True, notify=Notify.BODY
    ),
)


class TransitionRefused(Exception):
    """The action is not allowed; `message` is the French text to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def transition_for(
    action: Action, source: Status | None, role: str, campaign: CampaignStatus, comment: str = ""
) -> Transition:
    """The transition `action` makes from `source` for a user of this role, or TransitionRefused saying why.

    Checked in the order a person can act on: the right first (a consultation user learns nothing about
    states), then the campaign (closed, it blocks every transition except the agents'), then the state, then
    the comment an agent owes the body."""
    candidates = [transition for transition in TRANSITIONS if transition.action is action]
    if not any(role in transition.roles for transition in candidates):
        raise TransitionRefused(messages.FORBIDDEN)
    if role not in AGENT_ROLES and campaign is not CampaignStatus.OUVERTE:
        raise TransitionRefused(messages.CAMPAIGN_CLOSED)
    found = next((transition for transition in candidates if transition.source is source), None)
    if found is None:
        label = source.label if source else "inexistant"
        raise TransitionRefused(messages.WRONG_STATE.format(status=label))
    if found.comment_required and not comment.strip():
        raise TransitionRefused(messages.COMMENT_REQUIRED)
    return found


def next_status(
    action: Action, source: Status | None, role: str, campaign: CampaignStatus, comment: str = ""
) -> Status:
    """The status after `action`, or TransitionRefused with the French reason."""
    return transition_for(action, source, role, campaign, comment).target


def allowed_actions(source: Status | None, role: str, campaign: CampaignStatus) -> list[Action]:
    """What this user may do on a statement in this state: the buttons a page shows (comments aside)."""
    found = []
    for transition in TRANSITIONS:
        try:
            transition_for(transition.action, source, role, campaign, comment="-")
        except TransitionRefused:
            continue
        if transition.source is source and transition.action not in found:
            found.append(transition.action)
    return found


def is_late(filed_on: date, due_on: date) -> bool:
    """« Hors délai »: filed after the campaign's « Date limite de dépôt » (filing on that day is in time)."""
    return filed_on > due_on
