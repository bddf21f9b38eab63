"""The action bundle's life (sofi.md §4.1): saved « en cours de saisie », sent with « Valider », validated, asked
for details, answered, refused by the Carif-Oref; its Certifinfo code replaced.

Each function checks the state it starts from and raises NotAllowed otherwise, so that a stale page or a
forged form cannot skip a step. Each step commits (`transaction`); `before_edit` is part of the save that calls it."""

from datetime import date, datetime

from sqlalchemy import select

from rp_sofi import messages
from rp_sofi.access import Scope
from rp_sofi.models import Action, ActionStatus, Certification, Etablissement, Formation
from rp_sofi.models.journal import JournalEvent
from rp_sofi.services import publication
from rp_sofi.services.errors import Invalid, NotAllowed, Stale
from rp_sofi.services.journal import record
from rp_sofi.services.rules import bundle_errors
from rp_sofi.services.transaction import transaction
from shared.db import DbSession

# What an organisation may edit; the Carif-Oref edits in every state.
EDITABLE = {ActionStatus.EN_SAISIE, ActionStatus.EN_ATTENTE_REPONSE, ActionStatus.VALIDEE}


def check_version(stored: int, submitted: int | None) -> None:
    """The page the save comes from showed version `submitted`: refuse if someone saved since."""
    if submitted is None or submitted != stored:
        raise Stale(messages.STALE)


def before_edit(db: DbSession, action: Action, scope: Scope, *, structure: bool = False) -> None:
    """Called before any change to the action, its sessions or dispositifs. A validated action goes back to
    « en cours de saisie » (its published version stays online until validated again). `structure`: adding a
    session or a dispositif, which an organisation may do under an action of the regional programme."""
    if not scope.can_edit_offer or not scope.sees(action.siret):
        raise NotAllowed(messages.NOT_EDITABLE)
    if scope.carif:
        return
    if action.public and not structure:
        raise NotAllowed(messages.PUBLIC_READ_ONLY)
    if action.status not in EDITABLE:
        raise NotAllowed(messages.NOT_EDITABLE)
    if action.status is ActionStatus.VALIDEE:
        action.status = ActionStatus.EN_SAISIE
        record(db, scope, JournalEvent.ACTION_REOPENED, "action", action.id, action.siret)


def _nda(db: DbSession, siret: str) -> str | None:
    etablissement = db.get(Etablissement, siret)
    return etablissement.nda if etablissement else None


@transaction
def submit(db: DbSession, action: Action, scope: Scope, today: date, now: datetime) -> None:
    """« Valider »: the organisation sends the bundle; the Carif-Oref, entering an offer itself, validates it."""
    if action.status is not ActionStatus.EN_SAISIE:
        raise NotAllowed(messages.NOT_EDITABLE)
    if not (scope.can_submit or scope.carif) or not scope.sees(action.siret):
        raise NotAllowed(messages.NOT_EDITABLE)
    problems = bundle_errors(action, _nda(db, action.siret), today, carif=scope.carif)
    if problems:
        raise Invalid({str(index): problem for index, problem in enumerate(problems)})
    action.status, action.submitted_at, action.refusal_reason = ActionStatus.EN_ATTENTE_VALIDATION, now, None
    record(db, scope, JournalEvent.ACTION_SUBMITTED, "action", action.id, action.siret)
    if scope.carif:
        validate(db, action, scope, today, now)


def _carif_only(scope: Scope, action: Action, *states: ActionStatus) -> None:
    if not scope.carif or action.status not in states:
        raise NotAllowed(messages.NOT_EDITABLE)


@transaction
def validate(db: DbSession, action: Action, scope: Scope, today: date, now: datetime) -> None:
    """« Valider la saisie »: published (catalogue, Lhéo export)."""
    _carif_only(scope, action, ActionStatus.EN_ATTENTE_VALIDATION)
    problems = bundle_errors(action, _nda(db, action.siret), today, carif=True)
    if problems:
        raise Invalid({str(index): problem for index, problem in enumerate(problems)})
    action.status, action.validated_at, action.question = ActionStatus.VALIDEE, now, None
    record(db, scope, JournalEvent.ACTION_VALIDATED, "action", action.id, action.siret)
    publication.publish(db, action, now)


@transaction
def ask(db: DbSession, action: Action, scope: Scope, question: str) -> None:
    """« Demander des précisions »: the organisation sees the question in « en attente de réponses »."""
    _carif_only(scope, action, ActionStatus.EN_ATTENTE_VALIDATION)
    if not question.strip():
        raise Invalid({"question": messages.QUESTION_REQUIRED})
    action.status, action.question, action.answer = ActionStatus.EN_ATTENTE_REPONSE, question.strip(), None
    record(db, scope, JournalEvent.ACTION_QUESTIONED, "action", action.id, action.siret, question.strip())


@transaction
def answer(db: DbSession, action: Action, scope: Scope, text: str, today: date) -> None:
    """« Répondre »: back to the Carif-Oref's queue, with the edits made meanwhile (checked again)."""
    if action.status is not ActionStatus.EN_ATTENTE_REPONSE or not scope.can_submit or not scope.sees(action.siret):
        raise NotAllowed(messages.NOT_EDITABLE)
    if not text.strip():
        raise Invalid({"answer": messages.ANSWER_REQUIRED})
    problems = bundle_errors(action, _nda(db, action.siret), today)
    if problems:
        raise Invalid({str(index): problem for index, problem in enumerate(problems)})
    action.status, action.answer = ActionStatus.EN_ATTENTE_VALIDATION, text.strip()
    record(db, scope, JournalEvent.ACTION_ANSWERED, "action", action.id, action.siret, text.strip())


@transaction
def refuse(db: DbSession, action: Action, scope: Scope, reason: str) -> None:
    """« Refuser »: back to « en cours de saisie » with the reason."""
    _carif_only(scope, action, ActionStatus.EN_ATTENTE_VALIDATION)
    if not reason.strip():
        raise Invalid({"reason": messages.REASON_REQUIRED})
    action.status, action.refusal_reason = ActionStatus.EN_SAISIE, reason.strip()
    record(db, scope, JournalEvent.ACTION_REFUSED, "action", action.id, action.siret, reason.strip())


def formation_for(db: DbSession, siret: str, certification: Certification) -> Formation:
    """The établissement's « Fiche Formation » for this Certifinfo code: a copy of the record, made once."""
    found = db.scalar(select(Formation).where(Formation.siret == siret, Formation.certifinfo == certification.code))
    if found is not None:
        return found
    formation = Formation(
        siret=siret, certifinfo=certification.code, code_rncp=certification.code_rncp,
        intitule=certification.intitule, formacodes=certification.formacode_list,
        niveau_sortie=certification.niveau, eligible_cpf=certification.eligible_cpf,
        certificateur=certification.certificateur,
    )  # fmt: skip
    db.add(formation)
    db.flush()  # its id and creation date, which the breadcrumb and a publication in this transaction read
    return formation


def find_certification(db: DbSession, code: int | str) -> Certification:
    """The Certifinfo record to use; refused when unknown or withdrawn (pointing at its replacement)."""
    text = str(code).strip()
    certification = db.get(Certification, int(text)) if text.isascii() and text.isdigit() and len(text) <= 9 else None
    if certification is None:
        raise Invalid({"certifinfo": messages.CERTIFINFO_UNKNOWN})
    if certification.remplace_par:
        raise Invalid({"certifinfo": messages.CERTIFINFO_REPLACED.format(code=certification.remplace_par)})
    return certification


@transaction
def replace_certifinfo(db: DbSession, action: Action, scope: Scope, code: int | str, reason: str) -> None:
    """« Remplacer le code Certifinfo »: the action moves to the formation of the new code, its state unchanged,
    flagged for the organisation's dashboard."""
    if not scope.carif:
        raise NotAllowed(messages.NOT_EDITABLE)
    if not reason.strip():
        raise Invalid({"reason": messages.REASON_REQUIRED})
    certification = find_certification(db, code)
    action.formation = formation_for(db, action.siret, certification)
    action.certifinfo_remplace = True
    comment = f"{certification.code} — {reason.strip()}"
    record(db, scope, JournalEvent.CERTIFINFO_REPLACED, "action", action.id, action.siret, comment)
