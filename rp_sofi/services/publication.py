"""Publishing a validated action: a snapshot of the bundle (what the Lhéo export reads) and one catalogue row per
session (what the public catalogue and the session counters read). Both stay as validated until the next
validation, whatever the organisation edits meanwhile."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete

from rp_sofi.models import Action, Etablissement, PublishedSession, Site
from shared.clock import in_paris
from shared.db import DbSession


def _day(moment: datetime) -> str:
    """The day in France of a stored (naive UTC) time: the Lhéo export's creation and update dates."""
    return in_paris(moment).date().isoformat()


def _site(site: Site) -> dict[str, Any]:
    return {
        "id": site.id, "nom": site.nom_usage, "adresse": site.adresse, "code_postal": site.code_postal,
        "commune": site.commune, "telephone": site.telephone, "courriel": site.courriel,
    }  # fmt: skip


def snapshot(action: Action, etablissement: Etablissement, now: datetime) -> dict[str, Any]:
    formation = action.formation
    return {
        "published_at": now.isoformat(),
        "formation": {
            "id": formation.id, "certifinfo": formation.certifinfo, "code_rncp": formation.code_rncp,
            "intitule": formation.intitule, "objectif": formation.objectif, "programme": formation.programme,
            "formacodes": formation.formacodes, "niveau_sortie": formation.niveau_sortie,
            "eligible_cpf": formation.eligible_cpf, "created": _day(formation.created_at),
        },
        "organisme": {
            "siret": etablissement.siret, "nda": etablissement.nda, "raison_sociale": etablissement.raison_sociale,
            "site": _site(next(site for site in etablissement.sites if site.is_main)),
        },
        "action": {
            "id": action.id, "complement_intitule": action.complement_intitule, "url": action.url,
            "niveau_entree": action.niveau_entree, "type_parcours": action.type_parcours,
            "modalites_pedagogiques": action.modalites_pedagogiques, "entrees_sorties": action.entrees_sorties,
            "duree_centre": action.duree_centre, "duree_entreprise": action.duree_entreprise,
            "duree_hebdo": action.duree_hebdo, "commentaire_prerequis": action.commentaire_prerequis,
            "public": action.public, "dispensateur": _site(action.site_dispensateur),
            "created": _day(action.created_at), "updated": _day(now),
        },
        "sessions": [
            {
                "id": session.id, "debut": session.date_debut.isoformat(), "fin": session.date_fin.isoformat(),
                "lieu": _site(session.site_lieu), "capacite": session.capacite,
                "places_disponibles": session.places_disponibles, "rythmes": session.rythmes,
                "modalites_enseignement": session.modalites_enseignement, "public": session.public,
                "dispositifs": [
                    {
                        "code": item.dispositif, "nb_places": item.nb_places,
                        "cout_stagiaire": None if item.cout_stagiaire is None else str(item.cout_stagiaire),
                        "prise_en_charge": item.prise_en_charge_frais_peda, "codes_externes": item.codes_externes,
                        "nb_remuneres": item.nb_remuneres, "actif": item.actif,
                        "publics": [code for code in item.publics.split(";") if code],
                    }
                    for item in session.dispositifs
                ],
            }
            for session in action.sessions
        ],
    }  # fmt: skip


def publish(db: DbSession, action: Action, now: datetime) -> None:
    etablissement = db.get(Etablissement, action.siret)
    assert etablissement is not None  # an action belongs to an établissement of the annuaire
    action.published = snapshot(action, etablissement, now)
    db.execute(delete(PublishedSession).where(PublishedSession.action_id == action.id))
    intitule = action.formation.intitule + (f" — {action.complement_intitule}" if action.complement_intitule else "")
    formacodes = ";" + ";".join(action.formation.formacodes) + ";"
    for session in action.sessions:
        db.add(
            PublishedSession(
                session_id=session.id, action_id=action.id, siret=action.siret,
                organisme=etablissement.raison_sociale, intitule=intitule, certifinfo=action.formation.certifinfo,
                formacodes=formacodes, lieu=session.site_lieu.nom_usage, code_postal=session.site_lieu.code_postal,
                commune=session.site_lieu.commune, date_debut=session.date_debut, date_fin=session.date_fin,
                public=action.public,
            )
        )  # fmt: skip
