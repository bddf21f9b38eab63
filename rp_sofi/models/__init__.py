"""SOFI's tables: reference data (Certifinfo, Formacode, the SIRENE extract), the annuaire (établissements,
sites, contacts), the offer (formation → action → session → dispositif), the published catalogue and the
journal of every state change."""

from rp_sofi.models.directory import Contact, Etablissement, RecordStatus, Site
from rp_sofi.models.journal import JournalEntry, JournalEvent
from rp_sofi.models.offer import Action, ActionStatus, Dispositif, Formation, Session
from rp_sofi.models.publication import PublishedSession
from rp_sofi.models.reference import Certification, Formacode, SireneEstablishment

__all__ = [
    "Action",
    "ActionStatus",
    "Certification",
    "Contact",
    "Dispositif",
    "Etablissement",
    "Formacode",
    "Formation",
    "JournalEntry",
    "JournalEvent",
    "PublishedSession",
    "RecordStatus",
    "Session",
    "SireneEstablishment",
    "Site",
]
