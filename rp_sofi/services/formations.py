"""The tunnel FASD (sofi.md §5 « Formations > Créer »): the Certifinfo search, the « Fiche Formation » made from a
code, and the saving of the action, session and dispositif sheets.

Every save runs, in this order: `workflow.before_edit` (may this person change this bundle now?), the version
check (is the page the save comes from still current?), then the rules of sofi.md §6. Any of them raises, and
the save rolls back (`transaction`): `before_edit` may already have put a validated action back « en cours de
saisie »."""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import selectinload

from rp_sofi import messages
from rp_sofi.access import Scope
from rp_sofi.models import (
    Action,
    ActionStatus,
    Certification,
    Dispositif,
    Formacode,
    Formation,
    RecordStatus,
    Session,
    Site,
)
from rp_sofi.services import rules, workflow
from rp_sofi.services.annuaire import ensure_etablissement
from rp_sofi.services.errors import Invalid, NotAllowed
from rp_sofi.services.transaction import transaction
from shared.clock import in_paris, utcnow
from shared.db import DbSession

SEARCH_LIMIT = 50
CODE_MAX_DIGITS = 9  # Certifinfo codes are 5 to 6 digits; more would overflow an integer column
SearchMode = Literal["intitule", "rncp"]
SiteRole = Literal["dispensateur", "lieu"]


def today() -> date:
    """The date in the Pays de la Loire, which decides whether a session is in the past."""
    return in_paris(utcnow()).date()


def search_certifications(db: DbSession, mode: SearchMode, text: str) -> list[Certification]:
    """« Recherche Certifinfo »: by words of the title or a Certifinfo code, or by RNCP code; alphabetical."""
    text = text.strip()
    condition: ColumnElement[bool]
    if mode == "rncp":
        digits = text.upper().removeprefix("RNCP").strip()
        condition = Certification.code_rncp.in_([f"RNCP{digits}", digits])
    elif text.isascii() and text.isdigit() and len(text) <= CODE_MAX_DIGITS:  # « ² » is a digit int() refuses
        condition = or_(Certification.code == int(text), Certification.intitule.contains(text))
    elif text.split():
        condition = and_(*(Certification.intitule.icontains(word, autoescape=True) for word in text.split()))
    else:
        return []
    query = select(Certification).where(condition).order_by(Certification.intitule, Certification.code)
    return list(db.scalars(query.limit(SEARCH_LIMIT)))


@transaction
def start_formation(db: DbSession, siret: str, code: str) -> Formation:
    """The établissement's « Fiche Formation » for this Certifinfo code (made at the first use of the code)."""
    certification = workflow.find_certification(db, code)
    try:
        ensure_etablissement(db, siret)
    except NotAllowed as error:
        raise Invalid({"siret": error.message}) from None
    formation = workflow.formation_for(db, siret, certification)
    db.flush()
    return formation


def formations_of(db: DbSession, scope: Scope, page: int, per_page: int = 20) -> tuple[list[Formation], int]:
    """One page of the formations this person sees (newest first), and how many there are in all."""
    query = select(Formation)
    if scope.sirets is not None:
        query = query.where(Formation.siret.in_(scope.sirets))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.options(selectinload(Formation.actions).selectinload(Action.sessions))
    rows = db.scalars(query.order_by(Formation.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def formacode_texts(db: DbSession, codes: list[str]) -> list[str]:
    """« 14201 - Culture civilisation » for each code (the code alone when the table does not know it)."""
    known = {item.code: item.text for item in db.scalars(select(Formacode).where(Formacode.code.in_(codes)))}
    return [known.get(code, code) for code in codes]


def sites_for(db: DbSession, siret: str, role: SiteRole, current: Site | None = None) -> list[Site]:
    """The sites one may choose: accepted ones with this role, plus the one already chosen (so that a save shows
    why it no longer fits rather than silently changing it)."""
    flag = Site.dispensateur if role == "dispensateur" else Site.lieu
    found = list(db.scalars(select(Site).where(Site.siret == siret, Site.status == RecordStatus.ACTIF, flag)))
    if current is not None and current not in found:
        found.append(current)
    return found


def edit_refusal(action: Action, scope: Scope, structure: bool = False) -> str | None:
    """Why `workflow.before_edit` would refuse this change (None: it would not), without its side effects: the
    pages show a form, or the values and this reason."""
    if not scope.can_edit_offer or not scope.sees(action.siret):
        return messages.READ_ONLY_ROLE
    if scope.carif:
        return None
    if action.public and not structure:
        return messages.PUBLIC_READ_ONLY
    return None if action.status in workflow.EDITABLE else messages.NOT_EDITABLE


def can_edit(action: Action, scope: Scope, structure: bool = False) -> bool:
    return edit_refusal(action, scope, structure) is None


def _site_errors(db: DbSession, site_id: int | None, siret: str, role: SiteRole, field: str) -> rules.Errors:
    site = db.get(Site, site_id) if site_id else None
    if site is not None and not getattr(site, role):
        site = None  # a forged id: a site that cannot play this role here
    return rules.site_errors(site, siret, field)


@dataclass(frozen=True)
class ActionData:
    site_dispensateur_id: int
    complement_intitule: str
    complement_descriptif: str
    url: str
    niveau_entree: str
    type_parcours: str
    modalites_pedagogiques: list[str]
    entrees_sorties: str
    date_debut: date | None
    date_fin: date | None
    duree_centre: int
    duree_entreprise: int
    duree_hebdo: int | None
    commentaire_duree: str
    commentaire_prerequis: str


def _apply(target: Any, data: Any) -> None:
    for name, value in asdict(data).items():
        setattr(target, name, value)


@transaction
def save_action(
    db: DbSession, scope: Scope, formation: Formation, action: Action | None, data: ActionData, version: int | None
) -> Action:
    """Create (`action` None) or change a « Fiche Action »."""
    if action is None:
        if not scope.can_edit_offer or not scope.sees(formation.siret):
            raise NotAllowed(messages.NOT_EDITABLE)
    else:
        workflow.before_edit(db, action, scope)
        workflow.check_version(action.version, version)
    errors = _site_errors(db, data.site_dispensateur_id, formation.siret, "dispensateur", "site_dispensateur_id")
    errors |= rules.action_errors(
        data.duree_centre, data.duree_entreprise, data.duree_hebdo, data.url, data.date_debut, data.date_fin
    )
    if errors:
        raise Invalid(errors)
    if action is None:
        action = Action(formation=formation, siret=formation.siret, status=ActionStatus.EN_SAISIE)
        db.add(action)
    _apply(action, data)
    db.flush()
    return action


@dataclass(frozen=True)
class SessionData:
    site_lieu_id: int
    date_debut: date
    date_fin: date
    rythmes: list[str]
    periodes: list[tuple[date, date]]
    modalites_enseignement: str
    capacite: int
    places_disponibles: int | None


@transaction
def save_session(
    db: DbSession, scope: Scope, action: Action, session: Session | None, data: SessionData, version: int | None
) -> Session:
    """Create (`session` None: allowed under a public action) or change a « Fiche Session »."""
    workflow.before_edit(db, action, scope, structure=session is None or not session.public)
    if session is not None:
        workflow.check_version(session.version, version)
    errors = _site_errors(db, data.site_lieu_id, action.siret, "lieu", "site_lieu_id")
    errors |= rules.session_errors(
        data.date_debut, data.date_fin, data.capacite, data.places_disponibles, data.periodes, action, today(),
        new=session is None,
    )  # fmt: skip
    if errors:
        raise Invalid(errors)
    if session is None:
        session = Session(action=action)
        db.add(session)
    _apply(session, data)
    session.periodes = [[start.isoformat(), end.isoformat()] for start, end in sorted(data.periodes)]
    db.flush()
    return session


@dataclass(frozen=True)
class DispositifData:
    dispositif: str
    publics: str
    codes_externes: str
    nb_places: int | None
    cout_stagiaire: Decimal | None
    prise_en_charge_frais_peda: bool
    nb_remuneres: int | None
    actif: bool


@transaction
def save_dispositif(
    db: DbSession, scope: Scope, session: Session, dispositif: Dispositif | None, data: DispositifData,
    version: int | None,
) -> Dispositif:  # fmt: skip
    """Create (`dispositif` None: allowed under a public action, financement privé only) or change a dispositif."""
    action = session.action
    workflow.before_edit(db, action, scope, structure=dispositif is None or not dispositif.public)
    if dispositif is not None:
        workflow.check_version(dispositif.version, version)
    errors = rules.dispositif_errors(
        data.dispositif, data.nb_places, data.cout_stagiaire, session.capacite, scope.carif, action.public
    )
    if errors:
        raise Invalid(errors)
    if dispositif is None:
        dispositif = Dispositif(session=session)
        db.add(dispositif)
    _apply(dispositif, data)
    db.flush()
    return dispositif
