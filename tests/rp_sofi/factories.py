"""Data builders for SOFI's tests: plain functions taking the database session, each giving a valid object with
its overrides. Several helpers add theirs here: append at the end, one section each."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from rp_sofi.access import Scope
from rp_sofi.models import Action, ActionStatus, Dispositif, Etablissement, RecordStatus, Session, Site
from rp_sofi.services import annuaire, workflow
from shared.db import DbSession

# Publication (dashboard, catalogue, export)

CARIF_SIRET = "99654944000013"
DEMO_NDA = "52850000085"


def carif_scope() -> Scope:
    return Scope(CARIF_SIRET, frozenset({"valideur_carif"}), "sub-valerie", "Valérie CARIF")


def of_scope(siret: str, role: str = "gestionnaire") -> Scope:
    return Scope(siret, frozenset({role}), "sub-claire", "Claire TESTEUSE")


def make_etablissement(db: DbSession, siret: str, nda: str | None = DEMO_NDA, **overrides: Any) -> Etablissement:
    """The établissement of `siret` (SIRENE demo directory) with its main site, active, its NDA given."""
    etablissement = annuaire.ensure_etablissement(db, siret)
    etablissement.nda = nda
    etablissement.domaines = overrides.pop("domaines", ["99001"])
    for name, value in overrides.items():
        setattr(etablissement, name, value)
    db.flush()
    return etablissement


def main_site(etablissement: Etablissement) -> Site:
    return next(site for site in etablissement.sites if site.is_main)


def make_site(db: DbSession, siret: str, nom: str = "Site annexe", **overrides: Any) -> Site:
    values: dict[str, Any] = {
        "siret": siret, "nom_usage": nom, "adresse": "1 rue de la Démo", "code_postal": "85000",
        "commune": "LA ROCHE-SUR-YON", "status": RecordStatus.ACTIF,
    }  # fmt: skip
    site = Site(**(values | overrides))
    db.add(site)
    db.flush()
    return site


def make_action(
    db: DbSession,
    siret: str,
    certifinfo: int = 31999,
    sessions: list[tuple[date, date]] | None = None,
    site: Site | None = None,
    **overrides: Any,
) -> Action:
    """An action « en cours de saisie » of the établissement (made first if needed), for the formation of the
    Certifinfo code, with one session per (début, fin) (default: none), each with a « financement privé »
    dispositif; every field valid, so that it can be submitted."""
    etablissement = db.get(Etablissement, siret) or make_etablissement(db, siret)
    site = site or main_site(etablissement)
    formation = workflow.formation_for(db, siret, workflow.find_certification(db, certifinfo))
    values: dict[str, Any] = {
        "formation": formation, "siret": siret, "site_dispensateur": site, "niveau_entree": "4",
        "type_parcours": "1", "modalites_pedagogiques": ["96414"], "entrees_sorties": "DATES_FIXES",
        "duree_centre": 400, "duree_entreprise": 140, "duree_hebdo": 35,
        "commentaire_prerequis": "Aucun prérequis.", "status": ActionStatus.EN_SAISIE,
    }  # fmt: skip
    action = Action(**(values | overrides))
    db.add(action)
    for debut, fin in sessions or []:
        add_session(db, action, debut, fin, site)
    db.flush()
    return action


def add_session(db: DbSession, action: Action, debut: date, fin: date, site: Site | None = None) -> Session:
    session = Session(
        action=action, site_lieu=site or action.site_dispensateur, date_debut=debut, date_fin=fin,
        rythmes=["JOURNEE"], modalites_enseignement="0", capacite=12, places_disponibles=8, public=action.public,
    )  # fmt: skip
    session.dispositifs.append(
        Dispositif(
            dispositif="PRIVE", nb_places=8, cout_stagiaire=Decimal("4200.00"), prise_en_charge_frais_peda=True,
            codes_externes="EXT-42", nb_remuneres=2, public=action.public,
        )
    )  # fmt: skip
    db.add(session)
    db.flush()
    return session


def now_of(today: date) -> datetime:
    return datetime(today.year, today.month, today.day, 10, 0)


def submit(db: DbSession, action: Action, today: date) -> Action:
    """« Valider » by the organisation: en attente de validation."""
    workflow.submit(db, action, of_scope(action.siret), today, now_of(today))
    db.flush()
    return action


def validate(db: DbSession, action: Action, today: date) -> Action:
    """Sent by the organisation, validated by the Carif-Oref: published."""
    if action.status is ActionStatus.EN_SAISIE:
        submit(db, action, today)
    workflow.validate(db, action, carif_scope(), today, now_of(today))
    db.flush()
    return action


def ask(db: DbSession, action: Action, today: date, question: str = "Pouvez-vous préciser les prérequis ?") -> Action:
    """Sent, then a question of the Carif-Oref: en attente de réponses."""
    submit(db, action, today)
    workflow.ask(db, action, carif_scope(), question)
    db.flush()
    return action


def days(today: date, count: int) -> date:
    return today + timedelta(days=count)
