"""The validated offer as Lhéo records (sofi.md §7): one <formation> per Formation × établissement, with its
validated actions, read from the snapshots taken at validation (`Action.published`, see publication.py) and never
from the live rows, which the organisation may be editing again.

Sessions already over are left out: they are archived and no longer shown (sofi.md §4.2), and a partner's
catalogue reads the file as the current offer."""

import os
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rp_sofi.lheo import tables
from rp_sofi.lheo.export import validate, write
from rp_sofi.lheo.records import (
    LheoAction,
    LheoDispositif,
    LheoFormation,
    LheoOrganisme,
    LheoSession,
    LheoSite,
)
from rp_sofi.models import Action
from shared.db import DbSession

BATCH = 200  # snapshots read from the database at a time


def _site(data: dict[str, Any]) -> LheoSite:
    return LheoSite(
        nom=data["nom"], adresse=data["adresse"], code_postal=data["code_postal"], ville=data["commune"],
        telephone=data.get("telephone") or "", courriel=data.get("courriel") or "",
    )  # fmt: skip


def _organisme(data: dict[str, Any]) -> LheoOrganisme:
    site = data["site"]  # the main site: the organisation's address
    return LheoOrganisme(
        siret=data["siret"], nda=data.get("nda") or "", raison_sociale=data["raison_sociale"], nom=site["nom"],
        adresse=site["adresse"], code_postal=site["code_postal"], ville=site["commune"],
        telephone=site.get("telephone") or "", courriel=site.get("courriel") or "",
    )  # fmt: skip


def _dispositif_label(code: str) -> str:
    try:
        return tables.label(tables.DISPOSITIFS, code)
    except KeyError:  # a code withdrawn from the list since the validation: the schema will judge it
        return code


def _dispositif(data: dict[str, Any]) -> LheoDispositif:
    cost = data.get("cout_stagiaire")
    return LheoDispositif(
        code=data["code"], label=_dispositif_label(data["code"]), nb_places=data.get("nb_places"),
        cout_stagiaire=None if cost is None else Decimal(cost), prise_en_charge=bool(data.get("prise_en_charge")),
        codes_externes=data.get("codes_externes") or "", nb_remuneres=data.get("nb_remuneres"),
        etat="Actif" if data.get("actif", True) else "Inactif", publics=tuple(data.get("publics") or ()),
    )  # fmt: skip


def _session(data: dict[str, Any]) -> LheoSession:
    return LheoSession(
        id=data["id"], debut=date.fromisoformat(data["debut"]), fin=date.fromisoformat(data["fin"]),
        lieu=_site(data["lieu"]), capacite=data["capacite"], places_disponibles=data.get("places_disponibles"),
        modalites_enseignement=data["modalites_enseignement"], rythmes=tuple(data.get("rythmes") or ()),
        dispositifs=tuple(_dispositif(item) for item in data.get("dispositifs", ())),
    )  # fmt: skip


def _action(snapshot: dict[str, Any], today: date) -> LheoAction:
    data = snapshot["action"]
    sessions = [_session(item) for item in snapshot["sessions"] if date.fromisoformat(item["fin"]) >= today]
    return LheoAction(
        id=data["id"], complement_intitule=data.get("complement_intitule") or "", url=data.get("url") or "",
        niveau_entree=data["niveau_entree"], type_parcours=data["type_parcours"],
        modalites_pedagogiques=tuple(data.get("modalites_pedagogiques") or ()),
        entrees_sorties=data["entrees_sorties"], duree_centre=data.get("duree_centre") or 0,
        duree_entreprise=data.get("duree_entreprise") or 0, duree_hebdo=data.get("duree_hebdo"),
        commentaire_prerequis=data.get("commentaire_prerequis") or "", dispensateur=_site(data["dispensateur"]),
        organisme=_organisme(snapshot["organisme"]), sessions=tuple(sessions),
        created=date.fromisoformat(data["created"]), updated=date.fromisoformat(data["updated"]),
    )  # fmt: skip


def niveau_sortie(niveau: str | None) -> str | None:
    """Certifinfo's level (national framework of 2019, 3 = CAP) as Lhéo 2.2's dict-niveaux code."""
    if not niveau:
        return None
    return tables.NIVEAU_FROM_CADRE_NATIONAL.get(niveau, tables.NIVEAU_NON_COMMUNIQUE)


def _eligible_cpf(value: str | None) -> bool | None:
    return {"oui": True, "non": False}.get((value or "").strip().lower())


def formation(snapshots: list[dict[str, Any]], today: date) -> LheoFormation:
    """One formation of one établissement, from the snapshots of its validated actions (the latest one
    describes the formation and the organisation)."""
    latest = max(snapshots, key=lambda snapshot: snapshot["published_at"])
    data = latest["formation"]
    actions = [_action(snapshot, today) for snapshot in sorted(snapshots, key=lambda s: s["action"]["id"])]
    return LheoFormation(
        id=data["id"], certifinfo=data.get("certifinfo"), code_rncp=data.get("code_rncp"), intitule=data["intitule"],
        objectif=data.get("objectif") or "", programme=data.get("programme") or "",
        formacodes=tuple(data.get("formacodes") or ()), niveau_sortie=niveau_sortie(data.get("niveau_sortie")),
        eligible_cpf=_eligible_cpf(data.get("eligible_cpf")), organisme=_organisme(latest["organisme"]),
        actions=tuple(actions), created=date.fromisoformat(data["created"]),
        updated=max(action.updated for action in actions),
    )  # fmt: skip


def formations(db: DbSession, sirets: tuple[str, ...] | None, today: date) -> Iterator[LheoFormation]:
    """The validated offer of `sirets` (None: the whole region), one établissement at a time, so that the
    region's file is never held in memory whole."""
    query = select(Action.siret, Action.published).where(Action.validated_at.is_not(None))
    if sirets is not None:
        query = query.where(Action.siret.in_(sirets))
    rows = db.execute(query.order_by(Action.siret, Action.id).execution_options(yield_per=BATCH))
    for _siret, group in groupby(rows, key=lambda row: row.siret):
        by_formation: dict[int, list[dict[str, Any]]] = {}
        for row in group:
            if row.published:
                by_formation.setdefault(row.published["formation"]["id"], []).append(row.published)
        for snapshots in by_formation.values():
            yield formation(snapshots, today)


def filename(today: date) -> str:
    return f"sofi-lheo-{today:%Y%m%d}.xml"


def write_region_file(session: DbSession, target: Path, today: date) -> None:
    """The whole region's validated offer as a Lhéo file at `target` (the nightly file). Written next to
    it, checked, then renamed: partners never read a half-written or invalid file, and an invalid one
    (LheoInvalid) leaves the previous night's file in place."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".lheo-", suffix=".xml")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(formations(session, None, today), stream)
        validate(Path(temporary).read_bytes())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the file is meant for the partners' transfer
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
