"""The consistency rules of sofi.md §6 as plain functions: each returns {field: message} for what breaks a rule
(empty when all is well). Forms call them on what is typed; `bundle_errors` runs them again on what is stored
before anything goes to the Carif-Oref, so that nothing invalid is ever submitted."""

from datetime import date
from decimal import Decimal
from itertools import pairwise

from rp_sofi import messages
from rp_sofi.lheo.tables import DISPOSITIFS
from rp_sofi.models import Action, Dispositif, RecordStatus, Session, Site

Errors = dict[str, str]


def action_errors(
    duree_centre: int | None,
    duree_entreprise: int | None,
    duree_hebdo: int | None,
    url: str,
    date_debut: date | None = None,
    date_fin: date | None = None,
) -> Errors:
    errors: Errors = {}
    for field, value in (("duree_centre", duree_centre), ("duree_entreprise", duree_entreprise)):
        if value is not None and value < 0:
            errors[field] = messages.NEGATIVE_DURATION
    total = (duree_centre or 0) + (duree_entreprise or 0)
    if not errors and total <= 0:
        errors["duree_centre"] = messages.NO_DURATION
    if duree_hebdo is not None:
        if not 1 <= duree_hebdo <= 60:
            errors["duree_hebdo"] = messages.WEEKLY_RANGE
        elif total > 0 and duree_hebdo > total:
            errors["duree_hebdo"] = messages.WEEKLY_OVER_TOTAL
    if url and not url.lower().startswith(("http://", "https://")):
        errors["url"] = messages.URL_SCHEME
    if date_debut and date_fin and date_fin < date_debut:
        errors["date_fin"] = messages.DATE_ORDER
    return errors


def _periods_ok(periodes: list[tuple[date, date]], debut: date, fin: date) -> bool:
    ordered = sorted(periodes)
    if any(start > end or start < debut or end > fin for start, end in ordered):
        return False
    return all(previous[1] < following[0] for previous, following in pairwise(ordered))


def session_errors(
    date_debut: date,
    date_fin: date,
    capacite: int,
    places_disponibles: int | None,
    periodes: list[tuple[date, date]],
    action: Action,
    today: date,
    new: bool,
) -> Errors:
    errors: Errors = {}
    if date_fin < date_debut:
        errors["date_fin"] = messages.DATE_ORDER
    elif new and date_fin < today:
        errors["date_fin"] = messages.SESSION_IN_PAST
    elif (action.date_debut and date_debut < action.date_debut) or (action.date_fin and date_fin > action.date_fin):
        errors["date_debut"] = messages.SESSION_OUTSIDE_ACTION
    if periodes and "date_fin" not in errors and not _periods_ok(periodes, date_debut, date_fin):
        errors["periodes"] = messages.PERIODS
    if capacite < 1:
        errors["capacite"] = messages.CAPACITY
    elif places_disponibles is not None and places_disponibles > capacite:
        errors["places_disponibles"] = messages.PLACES_OVER_CAPACITY
    if places_disponibles is not None and places_disponibles < 0:
        errors["places_disponibles"] = messages.POSITIVE
    return errors


def site_errors(site: Site | None, siret: str, field: str) -> Errors:
    """A session's « Site lieu » or an action's « Site dispensateur »: a site of this SIRET, accepted already."""
    if site is None or site.siret != siret:
        return {field: messages.SITE_NOT_OURS}
    if site.status is not RecordStatus.ACTIF:
        return {field: messages.SITE_NOT_ACTIVE}
    return {}


def dispositif_errors(
    code: str, nb_places: int | None, cout: Decimal | None, capacite: int, carif: bool, public_action: bool
) -> Errors:
    errors: Errors = {}
    carif_only = {value: only for value, _label, only in DISPOSITIFS}
    if code not in carif_only:
        errors["dispositif"] = messages.REQUIRED
    elif carif_only[code] and not carif:
        errors["dispositif"] = messages.DISPOSITIF_CARIF_ONLY
    elif public_action and not carif and code != "PRIVE":
        errors["dispositif"] = messages.PUBLIC_PRIVATE_ONLY
    if nb_places is not None and nb_places < 0:
        errors["nb_places"] = messages.POSITIVE
    elif nb_places is not None and nb_places > capacite:
        errors["nb_places"] = messages.DISPOSITIF_OVER_CAPACITY
    if cout is not None and cout < 0:
        errors["cout_stagiaire"] = messages.COST
    return errors


def _stored_session_errors(session: Session, today: date) -> Errors:
    periods = [(date.fromisoformat(start), date.fromisoformat(end)) for start, end in session.periodes]
    errors = session_errors(
        session.date_debut, session.date_fin, session.capacite, session.places_disponibles, periods,
        session.action, today, new=False,
    )  # fmt: skip
    return errors | site_errors(session.site_lieu, session.action.siret, "site_lieu_id")


def _stored_dispositif_errors(dispositif: Dispositif, carif: bool) -> Errors:
    session = dispositif.session
    return dispositif_errors(
        dispositif.dispositif, dispositif.nb_places, dispositif.cout_stagiaire, session.capacite,
        carif or dispositif.public, session.action.public,
    )  # fmt: skip


def bundle_errors(action: Action, nda: str | None, today: date, carif: bool = False) -> list[str]:
    """Why this action, its sessions and dispositifs cannot go to the Carif-Oref yet (empty: it can)."""
    found: list[str] = []
    if not nda:
        found.append(messages.NDA_REQUIRED)
    if not action.sessions or any(not session.dispositifs for session in action.sessions):
        found.append(messages.INCOMPLETE_BUNDLE)
    stored = action_errors(
        action.duree_centre, action.duree_entreprise, action.duree_hebdo, action.url, action.date_debut,
        action.date_fin,
    )  # fmt: skip
    stored |= site_errors(action.site_dispensateur, action.siret, "site_dispensateur_id")
    for session in action.sessions:
        stored |= _stored_session_errors(session, today)
        for dispositif in session.dispositifs:
            stored |= _stored_dispositif_errors(dispositif, carif)
    found.extend(message for message in dict.fromkeys(stored.values()) if message not in found)
    return found
