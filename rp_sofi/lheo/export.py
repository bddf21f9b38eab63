"""The Lhéo 2.2 export of SOFI's validated offer (sofi.md §7), and its validation against sofi-lheo-2.2.xsd.

`write` streams one <formation> at a time (the region file holds thousands of actions); `build` returns the
bytes. Neither judges the codes it is given: `validate` does, with the schema, so a bad record is reported
with the rule it breaks instead of being silently repaired.
"""

import functools
import io
import re
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from lxml import etree

from rp_sofi.lheo.records import (
    LheoAction,
    LheoDispositif,
    LheoFormation,
    LheoOrganisme,
    LheoSession,
    LheoSite,
)
from rp_sofi.lheo.tables import (
    FORMACODE_VERSION,
    LHEO_ENTREES_SORTIES,
    MODALITES_PEDAGOGIQUES,
    NIVEAU_NON_COMMUNIQUE,
    PARCOURS_MIXTE,
    PUBLIC_TOUT_PUBLIC,
    RYTHMES,
    Table,
)

__all__ = [
    "NAMESPACE",
    "LheoAction",
    "LheoDispositif",
    "LheoFormation",
    "LheoInvalid",
    "LheoOrganisme",
    "LheoSession",
    "LheoSite",
    "build",
    "validate",
    "write",
]

NAMESPACE = "http://www.lheo.org/2.2"
SCHEMA_PATH = Path(__file__).parent / "sofi-lheo-2.2.xsd"

# Lhéo requires some texts SOFI does not collect; its own tables word the unknown this way (code 0 of
# dict-niveaux, 00000 of the modalités pédagogiques), so partners already know to read it as « unknown ».
NOT_PROVIDED = "information non communiquée"
# Lhéo texts are XML 1.0 characters; text pasted from word processors may carry control characters.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Place = LheoSite | LheoOrganisme


class LheoInvalid(ValueError):
    """The XML is not well-formed or breaks sofi-lheo-2.2.xsd; the message lists lxml's errors."""


def build(formations: Iterable[LheoFormation]) -> bytes:
    """The Lhéo document of `formations`, UTF-8 encoded."""
    buffer = io.BytesIO()
    write(formations, buffer)
    return buffer.getvalue()


def write(formations: Iterable[LheoFormation], stream: IO[bytes]) -> None:
    """Write the Lhéo document of `formations` to `stream`, one formation in memory at a time."""
    with etree.xmlfile(stream, encoding="utf-8") as document:
        document.write_declaration()
        with document.element(_q("lheo"), nsmap={None: NAMESPACE}), document.element(_q("offres")):
            for formation in formations:
                element = _formation(formation)
                if element is not None:
                    document.write(element)


def validate(xml: bytes) -> None:
    """Raise LheoInvalid unless `xml` is a document that sofi-lheo-2.2.xsd accepts."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        document = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise LheoInvalid(str(error)) from error
    schema, lock = _schema()
    # A schema keeps its error log on itself: two threads validating at once would mix their errors.
    with lock:
        if not schema.validate(document):
            raise LheoInvalid("\n".join(_located(document, error) for error in schema.error_log))


def _located(document: Any, error: Any) -> str:
    """The error prefixed with the numeros of the formation, action and session it sits in: the region's
    file is one long line, where a line number alone finds nothing."""
    found = document.xpath(error.path) if error.path else []
    owners = [node for node in found[0].iterancestors() if node.get("numero")] if found else []
    where = ", ".join(f"{etree.QName(node).localname} {node.get('numero')}" for node in reversed(owners))
    return f"{where}: {error.message}" if where else f"line {error.line}: {error.message}"


@functools.cache
def _schema() -> tuple[Any, threading.Lock]:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH))), threading.Lock()


# Formation


def _formation(formation: LheoFormation) -> Any | None:
    # SOFI validates no action without a session (sofi.md §6); should one arrive, it has nothing to
    # publish, and leaving it out keeps one bad record from voiding the region's whole file.
    actions = [action for action in formation.actions if action.sessions]
    if not actions:
        return None
    certifiante = formation.certifinfo is not None or bool(formation.code_rncp)
    # Serialised on its own by `write`, each formation declares the default namespace again (harmless).
    element = etree.Element(
        _q("formation"),
        {"numero": str(formation.id), "datecrea": _date(formation.created), "datemaj": _date(formation.updated)},
        nsmap={None: NAMESPACE},
    )
    _description(element, formation, certifiante)
    # Lhéo 2.2 holds parcours and entry level per formation, SOFI per action: when actions differ, only
    # the neutral value is true of all of them (« mixte »; « information non communiquée »).
    _sub(element, "parcours-de-formation", _common((a.type_parcours for a in actions), PARCOURS_MIXTE))
    _sub(element, "code-niveau-entree", _common((a.niveau_entree for a in actions), NIVEAU_NON_COMMUNIQUE))
    if certifiante:
        _certification(_sub(element, "certification"), formation)
    if formation.niveau_sortie:
        _sub(element, "code-niveau-sortie", formation.niveau_sortie)
    for action in actions:
        for sessions in _session_groups(action.sessions):
            _action(element, action, sessions)
    _organisme_responsable(_sub(element, "organisme-formation-responsable"), formation.organisme)
    if formation.eligible_cpf is not None:  # Lhéo 2.2 has no CPF element (2.3 adds code-CPF)
        _extra(_sofi_extras(element), "eligible-cpf", "oui" if formation.eligible_cpf else "non")
    return element


def _description(element: Any, formation: LheoFormation, certifiante: bool) -> None:
    domaine = _sub(element, "domaine-formation")
    for code in formation.formacodes[:5]:  # Lhéo keeps five; the first is the main one
        _sub(domaine, "code-FORMACODE", code, ref=FORMACODE_VERSION)
    _sub(element, "intitule-formation", _required(formation.intitule))
    _sub(element, "objectif-formation", _required(formation.objectif))
    # Lhéo's resultats-attendus names the certification obtained, which is the Certifinfo title.
    _sub(element, "resultats-attendus", _required(formation.intitule if certifiante else ""))
    _sub(element, "contenu-formation", _required(formation.programme))
    _sub(element, "certifiante", _boolean(certifiante))
    _coordonnees(_sub(element, "contact-formation"), formation.organisme, with_address=False)


def _certification(element: Any, formation: LheoFormation) -> None:
    if formation.code_rncp:  # Lhéo's code-RNCP is the number alone
        _sub(element, "code-RNCP", formation.code_rncp.upper().removeprefix("RNCP"))
    if formation.certifinfo is not None:
        _sub(element, "code-CERTIFINFO", str(formation.certifinfo))


def _organisme_responsable(element: Any, organisme: LheoOrganisme) -> None:
    _sub(element, "numero-activite", organisme.nda)
    _sub(_sub(element, "SIRET-organisme-formation"), "SIRET", organisme.siret)
    _sub(element, "nom-organisme", _required(organisme.nom or organisme.raison_sociale))
    _sub(element, "raison-sociale", _required(organisme.raison_sociale))
    _coordonnees(_sub(element, "coordonnees-organisme"), organisme)
    _coordonnees(_sub(element, "contact-organisme"), organisme, with_address=False)


# Action


def _session_groups(sessions: Sequence[LheoSession]) -> list[list[LheoSession]]:
    """Sessions grouped by place and teaching mode, in date order.

    A Lhéo 2.2 action has one lieu-de-formation and one modalites-enseignement, a SOFI action has them per
    session: each group becomes its own <action>, all bearing the SOFI action's numero (Lhéo: « n'a pas
    besoin d'être unique »), so a partner reads every session with its true place and mode."""
    groups: dict[tuple[LheoSite, str], list[LheoSession]] = {}
    for session in sorted(sessions, key=lambda s: (s.debut, s.id)):
        groups.setdefault((session.lieu, session.modalites_enseignement), []).append(session)
    return list(groups.values())


def _action(parent: Any, action: LheoAction, sessions: list[LheoSession]) -> None:
    active = [d for s in sessions for d in s.dispositifs if d.etat == "Actif"]
    element = _sub(
        parent, "action", numero=str(action.id), datecrea=_date(action.created), datemaj=_date(action.updated)
    )
    _sub(element, "rythme-formation", _rythme(action, sessions))
    for code in _publics(active):
        _sub(element, "code-public-vise", code, ref=FORMACODE_VERSION)
    # SOFI does not ask whether the entry level is mandatory; « non » claims nothing beyond the prerequisites.
    _sub(element, "niveau-entree-obligatoire", "0")
    _sub(element, "modalites-alternance", _alternance(action))
    _sub(element, "modalites-enseignement", sessions[0].modalites_enseignement)
    _sub(element, "conditions-specifiques", _required(action.commentaire_prerequis))
    _sub(element, "prise-en-charge-frais-possible", _boolean(any(d.prise_en_charge for d in active)))
    _coordonnees(_sub(element, "lieu-de-formation"), sessions[0].lieu)
    entrees_sorties = LHEO_ENTREES_SORTIES.get(action.entrees_sorties, action.entrees_sorties)
    _sub(element, "modalites-entrees-sorties", entrees_sorties)
    if action.url:
        _sub(_sub(element, "url-action"), "urlweb", action.url)
    for session in sessions:
        _session(element, session, action.dispensateur)
    _action_details(element, action, active)


def _action_details(element: Any, action: LheoAction, active: list[LheoDispositif]) -> None:
    _pedagogie(element, action.modalites_pedagogiques)
    costs = [d.cout_stagiaire for d in active if d.cout_stagiaire is not None]
    if costs:  # Lhéo: « coût total maximum par apprenant »
        _sub(element, "prix-total-TTC", _amount(max(costs)))
    _sub(element, "nombre-heures-centre", str(action.duree_centre))
    _sub(element, "nombre-heures-entreprise", str(action.duree_entreprise))
    _sub(element, "nombre-heures-total", str(action.duree_centre + action.duree_entreprise))
    _organisme_formateur(_sub(element, "organisme-formateur"), action)
    if action.complement_intitule.strip():  # Lhéo 2.2 has no title per action
        _extra(_sofi_extras(element), "complement-intitule", action.complement_intitule)


def _rythme(action: LheoAction, sessions: list[LheoSession]) -> str:
    chosen = {code for session in sessions for code in session.rythmes}
    text = ", ".join(_labels(RYTHMES, sorted(chosen, key=_order(RYTHMES))))
    if action.duree_hebdo:
        text = f"{text} ({action.duree_hebdo} h par semaine)" if text else f"{action.duree_hebdo} h par semaine"
    return _required(text)


def _publics(dispositifs: list[LheoDispositif]) -> list[str]:
    publics = list(dict.fromkeys(code for d in dispositifs for code in d.publics))
    # Lhéo requires one to ten; no public entered means none excluded.
    return publics[:10] or [PUBLIC_TOUT_PUBLIC]


def _alternance(action: LheoAction) -> str:
    if action.duree_entreprise > 0:
        return f"{action.duree_centre} h en centre et {action.duree_entreprise} h en entreprise"
    return "Sans objet : pas de période en entreprise"


def _pedagogie(element: Any, codes: Sequence[str]) -> None:
    if not codes:
        return
    _sub(element, "modalites-pedagogiques", ", ".join(_labels(MODALITES_PEDAGOGIQUES, codes)))
    for code in codes[:5]:  # Lhéo keeps five
        _sub(element, "code-modalite-pedagogique", code, ref=FORMACODE_VERSION)


def _organisme_formateur(element: Any, action: LheoAction) -> None:
    _sub(_sub(element, "SIRET-formateur"), "SIRET", action.organisme.siret)
    _sub(element, "raison-sociale-formateur", _required(action.organisme.raison_sociale))
    _coordonnees(_sub(element, "contact-formateur"), action.dispensateur)


# Session


def _session(parent: Any, session: LheoSession, dispensateur: LheoSite) -> None:
    element = _sub(parent, "session", numero=str(session.id))
    periode = _sub(element, "periode")
    _sub(periode, "debut", _date(session.debut))
    _sub(periode, "fin", _date(session.fin))
    # SOFI has no registration address: registration happens at the site that runs the action.
    _adresse(_sub(element, "adresse-inscription"), dispensateur)
    if session.places_disponibles is not None:  # dict-etat-recrutement: 1 ouvert, 2 fermé
        _sub(element, "etat-recrutement", "1" if session.places_disponibles > 0 else "2")
    extras = _sofi_extras(element)
    _extra(extras, "capacite", str(session.capacite))
    if session.places_disponibles is not None:
        _extra(extras, "places-disponibles", str(session.places_disponibles))
    for dispositif in session.dispositifs:
        _dispositif(_sub(extras, "extra", info="dispositif"), dispositif)


def _dispositif(parent: Any, dispositif: LheoDispositif) -> None:
    element = _sub(parent, "dispositif")
    _sub(element, "code-dispositif", dispositif.code)
    _sub(element, "libelle-dispositif", _required(dispositif.label))
    if dispositif.nb_places is not None:
        _sub(element, "nb-places", str(dispositif.nb_places))
    if dispositif.cout_stagiaire is not None:
        _sub(element, "cout-stagiaire", _amount(dispositif.cout_stagiaire))
    _sub(element, "prise-en-charge-frais-pedagogiques", _boolean(dispositif.prise_en_charge))
    if dispositif.codes_externes.strip():
        _sub(element, "codes-externes", dispositif.codes_externes)
    if dispositif.nb_remuneres is not None:
        _sub(element, "nb-remuneres", str(dispositif.nb_remuneres))
    for code in dispositif.publics[:10]:
        _sub(element, "code-public-vise", code, ref=FORMACODE_VERSION)
    _sub(element, "etat-dispositif", dispositif.etat)


# Addresses


def _coordonnees(parent: Any, place: Place, *, with_address: bool = True) -> None:
    element = _sub(parent, "coordonnees")
    _sub(element, "nom", _required(place.nom))
    if with_address:
        _adresse(element, place)
    if place.telephone.strip():
        _sub(_sub(element, "telfixe"), "numtel", place.telephone)
    if place.courriel.strip():
        _sub(element, "courriel", place.courriel)


def _adresse(parent: Any, place: Place) -> None:
    element = _sub(parent, "adresse")
    lines = [line.strip() for line in place.adresse.splitlines() if line.strip()] or [NOT_PROVIDED]
    for line in [*lines[:3], " ".join(lines[3:])] if len(lines) > 4 else lines:  # Lhéo keeps four lines
        _sub(element, "ligne", line)
    _sub(element, "codepostal", place.code_postal)
    _sub(element, "ville", _required(place.ville))


# Small helpers


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: Any, name: str, text: str | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, _q(name), attributes)
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _sofi_extras(parent: Any) -> Any:
    return _sub(parent, "extras", info="sofi")


def _extra(extras: Any, info: str, text: str) -> None:
    _sub(extras, "extra", text, info=info)


def _required(text: str) -> str:
    return _NOT_XML.sub("", text).strip() or NOT_PROVIDED


def _common(values: Iterable[str], neutral: str) -> str:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else neutral


def _labels(table: Table, codes: Iterable[str]) -> list[str]:
    # A code missing from the table is written as is: the schema reports it where it is coded.
    known = dict(table)
    return [known.get(code, code) for code in codes]


def _order(table: Table) -> Any:
    positions = {code: index for index, (code, _) in enumerate(table)}
    return lambda code: (positions.get(code, len(positions)), code)


def _date(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"  # strftime does not pad years below 1000


def _boolean(value: bool) -> str:
    return "1" if value else "0"


def _amount(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))
