"""The offer: Formation → Action → Session → Dispositif (the « tunnel FASD »).

An action, with its sessions and their dispositifs, is validated by the Carif-Oref as one bundle: its status
is the bundle's. `version` makes SQLAlchemy refuse a save made from a stale page (optimistic locking)."""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Enum, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rp_sofi.extensions import db
from rp_sofi.models.directory import Site
from shared.clock import utcnow


class ActionStatus(enum.StrEnum):
    EN_SAISIE = "en_saisie"
    EN_ATTENTE_VALIDATION = "en_attente_validation"
    EN_ATTENTE_REPONSE = "en_attente_reponse"  # the Carif-Oref asked a question
    VALIDEE = "validee"

    @property
    def label(self) -> str:
        return {
            "en_saisie": "En cours de saisie",
            "en_attente_validation": "En attente de validation par le Carif-Oref",
            "en_attente_reponse": "En attente de réponses",
            "validee": "Validée",
        }[self]


class Formation(db.Model):  # type: ignore[name-defined]
    """« Fiche Formation »: a copy of the Certifinfo record for one établissement, not editable; the Carif-Oref
    alone creates formations without Certifinfo (AIF), whose fields it edits."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    siret: Mapped[str] = mapped_column(ForeignKey("etablissement.siret"), index=True)
    certifinfo: Mapped[int | None] = mapped_column(Integer)
    code_rncp: Mapped[str | None] = mapped_column(String(16))
    intitule: Mapped[str] = mapped_column(Text)
    objectif: Mapped[str] = mapped_column(Text, default="")
    programme: Mapped[str] = mapped_column(Text, default="")
    formacodes: Mapped[list[str]] = mapped_column(JSON, default=list)
    niveau_sortie: Mapped[str | None] = mapped_column(String(4))
    eligible_cpf: Mapped[str | None] = mapped_column(String(16))
    certificateur: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actions: Mapped[list["Action"]] = relationship(back_populates="formation", order_by="Action.id")


class Action(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    formation_id: Mapped[int] = mapped_column(ForeignKey("formation.id"), index=True)
    siret: Mapped[str] = mapped_column(String(14), index=True)  # the formation's, kept here for the counters
    site_dispensateur_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    complement_intitule: Mapped[str] = mapped_column(String(250), default="")
    complement_descriptif: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(250), default="")
    niveau_entree: Mapped[str] = mapped_column(String(4))
    type_parcours: Mapped[str] = mapped_column(String(4))
    modalites_pedagogiques: Mapped[list[str]] = mapped_column(JSON, default=list)
    entrees_sorties: Mapped[str] = mapped_column(String(12))  # "ESP" or "DATES_FIXES"
    # The action's period, when it has one (design): its sessions must fall within it.
    date_debut: Mapped[date | None] = mapped_column(Date)
    date_fin: Mapped[date | None] = mapped_column(Date)
    duree_centre: Mapped[int] = mapped_column(Integer, default=0)
    duree_entreprise: Mapped[int] = mapped_column(Integer, default=0)
    duree_hebdo: Mapped[int | None] = mapped_column(Integer)
    commentaire_duree: Mapped[str] = mapped_column(Text, default="")
    commentaire_prerequis: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)  # regional programme: read-only for the OF
    status: Mapped[ActionStatus] = mapped_column(
        Enum(ActionStatus, native_enum=False, length=32), default=ActionStatus.EN_SAISIE
    )
    certifinfo_remplace: Mapped[bool] = mapped_column(Boolean, default=False)
    question: Mapped[str | None] = mapped_column(Text)  # the Carif-Oref's, while « en attente de réponses »
    answer: Mapped[str | None] = mapped_column(Text)  # the organisation's answer to it
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    validated_at: Mapped[datetime | None] = mapped_column(DateTime)
    published: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the bundle as last validated (Lhéo export)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    formation: Mapped[Formation] = relationship(back_populates="actions")
    site_dispensateur: Mapped[Site] = relationship()
    sessions: Mapped[list["Session"]] = relationship(back_populates="action", order_by="Session.id")

    __mapper_args__ = {"version_id_col": version}
    # The Carif-Oref's counters filter on these three columns over the whole region: with all three in the
    # index they are read from it alone (index-only scan) instead of the table and its snapshots.
    # The « File de validation » pages each status oldest first (and by département): walking this index in order
    # reads the page's entries only, not every pending action's row (bench/README.md).
    __table_args__ = (
        Index("ix_action_status", "status", "certifinfo_remplace", "site_dispensateur_id"),
        Index("ix_action_queue", "status", "submitted_at", "id", "site_dispensateur_id"),
    )


class Session(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    site_lieu_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    date_debut: Mapped[date] = mapped_column(Date)
    date_fin: Mapped[date] = mapped_column(Date)
    rythmes: Mapped[list[str]] = mapped_column(JSON, default=list)
    periodes: Mapped[list[list[str]]] = mapped_column(JSON, default=list)  # [[début ISO, fin ISO], …]
    modalites_enseignement: Mapped[str] = mapped_column(String(4))
    capacite: Mapped[int] = mapped_column(Integer)
    places_disponibles: Mapped[int | None] = mapped_column(Integer)
    public: Mapped[bool] = mapped_column(Boolean, default=False)  # a session of the regional programme
    version: Mapped[int] = mapped_column(Integer, default=1)

    action: Mapped[Action] = relationship(back_populates="sessions")
    site_lieu: Mapped[Site] = relationship()
    dispositifs: Mapped[list["Dispositif"]] = relationship(back_populates="session", order_by="Dispositif.id")

    __mapper_args__ = {"version_id_col": version}


class Dispositif(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id"), index=True)
    dispositif: Mapped[str] = mapped_column(String(16))  # code of rp_sofi.lheo.tables.DISPOSITIFS
    publics: Mapped[str] = mapped_column(String(250), default="")
    codes_externes: Mapped[str] = mapped_column(String(120), default="")
    nb_places: Mapped[int | None] = mapped_column(Integer)
    cout_stagiaire: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    prise_en_charge_frais_peda: Mapped[bool] = mapped_column(Boolean, default=False)
    nb_remuneres: Mapped[int | None] = mapped_column(Integer)
    actif: Mapped[bool] = mapped_column(Boolean, default=True)  # « Etat »: Actif / Inactif
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    session: Mapped[Session] = relationship(back_populates="dispositifs")

    __mapper_args__ = {"version_id_col": version}
