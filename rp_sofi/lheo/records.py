"""What the Lhéo export reads: plain frozen records of SOFI's validated offer, built by the caller from its
models (no ORM, no Flask here), so that the export can be run and tested on its own.

Coded fields hold the codes of rp_sofi.lheo.tables (Lhéo keys, or SOFI's for entrees_sorties, rythmes and
dispositifs); the export writes them as given and the schema judges them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class LheoOrganisme:
    """The établissement (SIRET) responsible for the offer."""

    siret: str
    nda: str
    raison_sociale: str
    nom: str
    adresse: str  # one line per address line ("\n"-separated), at most four are written
    code_postal: str
    ville: str
    telephone: str = ""
    courriel: str = ""


@dataclass(frozen=True)
class LheoSite:
    """A site of the établissement: the « Site dispensateur » of an action or the « Site lieu » of a session."""

    nom: str
    adresse: str
    code_postal: str
    ville: str
    telephone: str = ""
    courriel: str = ""


@dataclass(frozen=True)
class LheoDispositif:
    code: str  # tables.DISPOSITIFS
    label: str
    nb_places: int | None
    cout_stagiaire: Decimal | None
    prise_en_charge: bool  # « Prise en charge des frais pédagogiques »
    codes_externes: str = ""
    nb_remuneres: int | None = None
    etat: str = "Actif"  # « Actif » or « Inactif »
    publics: Sequence[str] = ()  # tables.PUBLICS


@dataclass(frozen=True)
class LheoSession:
    id: int
    debut: date
    fin: date
    lieu: LheoSite
    capacite: int
    places_disponibles: int | None
    modalites_enseignement: str  # tables.MODALITES_ENSEIGNEMENT
    rythmes: Sequence[str] = ()  # tables.RYTHMES
    dispositifs: Sequence[LheoDispositif] = ()


@dataclass(frozen=True)
class LheoAction:
    id: int
    complement_intitule: str
    url: str
    niveau_entree: str  # tables.NIVEAUX
    type_parcours: str  # tables.PARCOURS
    modalites_pedagogiques: Sequence[str]  # tables.MODALITES_PEDAGOGIQUES
    entrees_sorties: str  # "ESP" or "DATES_FIXES"
    duree_centre: int
    duree_entreprise: int
    duree_hebdo: int | None
    commentaire_prerequis: str
    dispensateur: LheoSite
    organisme: LheoOrganisme  # the organisme formateur, whose site is the dispensateur
    sessions: Sequence[LheoSession]
    created: date
    updated: date


@dataclass(frozen=True)
class LheoFormation:
    """A Formation as published by one établissement, with its validated actions."""

    id: int
    certifinfo: int | None
    code_rncp: str | None  # "RNCP25730" or "25730"
    intitule: str
    objectif: str
    programme: str
    formacodes: Sequence[str]  # the first is the main one
    niveau_sortie: str | None  # tables.NIVEAUX
    eligible_cpf: bool | None
    organisme: LheoOrganisme
    actions: Sequence[LheoAction]
    created: date
    updated: date
